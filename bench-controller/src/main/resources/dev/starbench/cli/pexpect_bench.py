# The pexpect side of `starbench benchmark console`: the same kind of pty pair, the same patterns, the same traffic.
# Usage: python3 pexpect_bench.py READ_PTY WRITE_PTY. Prints {"pexpect": VERSION}, then answers one JSON line
# per command read from stdin: "latency N" (N trials), "flood MEGABYTES BUDGET_S", "quit". The Java side
# alternates its own blocks of trials with these, so both run under the same machine load.
import json, os, re, resource, sys, threading, time
import pexpect
import pexpect.fdpexpect

read_pty, write_pty = sys.argv[1], sys.argv[2]
rfd = os.open(read_pty, os.O_RDWR | os.O_NOCTTY)
wfd = os.open(write_pty, os.O_RDWR | os.O_NOCTTY)

class Counter:
    def __init__(self): self.n = 0
    def write(self, data): self.n += len(data)
    def flush(self): pass

child = pexpect.fdpexpect.fdspawn(rfd, timeout=5)
mark = child.compile_pattern_list([re.compile(rb"MARK\d{1,9}!")])
trial = 0

def latency(n):
    global trial
    out = []
    for _ in range(n):
        os.write(wfd, b"[ 1.000000] console line before the mark\r\nMARK%d" % trial)
        t0 = time.perf_counter_ns()
        os.write(wfd, b"!")
        child.expect_list(mark)
        out.append(time.perf_counter_ns() - t0)
        trial += 1
    return {"latencies_ns": out}

def flood(megabytes, budget):
    counter = Counter()
    child.logfile_read = counter
    end = child.compile_pattern_list([re.compile(rb"END-OF-FLOOD!")])
    total = megabytes * 1024 * 1024
    line = b"[ 1234.567890] usb 1-1: new high-speed USB device number 3 using ehci-platform\r\n"
    block = line * (65536 // len(line))
    stop = threading.Event()

    def write():
        sent = 0
        while sent < total and not stop.is_set():
            n = min(len(block), total - sent)
            sent += os.write(wfd, block[:n])
        if not stop.is_set():
            os.write(wfd, b"END-OF-FLOOD!")

    writer = threading.Thread(target=write, daemon=True)
    t0 = time.perf_counter_ns()
    writer.start()
    finished = True
    try:
        child.expect_list(end, timeout=budget)
    except pexpect.TIMEOUT:
        finished = False
    elapsed = time.perf_counter_ns() - t0
    stop.set()
    return {"flood_finished": finished, "flood_bytes": counter.n, "flood_ns": elapsed,
            "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}

print(json.dumps({"pexpect": pexpect.__version__}), flush=True)
for command in sys.stdin:
    words = command.split()
    if not words or words[0] == "quit":
        break
    if words[0] == "latency":
        print(json.dumps(latency(int(words[1]))), flush=True)
    elif words[0] == "flood":
        print(json.dumps(flood(int(words[1]), float(words[2]))), flush=True)
        break   # the writer may still be stuck in a full pty: nothing after a flood
os._exit(0)
