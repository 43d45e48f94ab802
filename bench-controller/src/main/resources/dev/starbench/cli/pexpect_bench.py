# The pexpect side of `starbench benchmark console`: the same pty, the same patterns, the same traffic.
# Usage: python3 pexpect_bench.py READ_PTY WRITE_PTY TRIALS MEGABYTES BUDGET_S; prints one JSON line.
import json, os, re, resource, sys, threading, time
import pexpect
import pexpect.fdpexpect

read_pty, write_pty, trials, megabytes, budget = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
rfd = os.open(read_pty, os.O_RDWR | os.O_NOCTTY)
wfd = os.open(write_pty, os.O_RDWR | os.O_NOCTTY)

class Counter:
    def __init__(self): self.n = 0
    def write(self, data): self.n += len(data)
    def flush(self): pass

child = pexpect.fdpexpect.fdspawn(rfd, timeout=5)
mark = child.compile_pattern_list([re.compile(rb"MARK\d{1,9}!")])
latencies = []
for i in range(trials + trials // 10):
    os.write(wfd, b"[ 1.000000] console line before the mark\r\nMARK%d" % i)
    t0 = time.perf_counter_ns()
    os.write(wfd, b"!")
    child.expect_list(mark)
    if i >= trials // 10:
        latencies.append(time.perf_counter_ns() - t0)

counter = Counter()
child.logfile_read = counter
end = child.compile_pattern_list([re.compile(rb"END-OF-FLOOD!")])
total = megabytes * 1024 * 1024
line = b"[ 1234.567890] usb 1-1: new high-speed USB device number 3 using ehci-platform\r\n"
block = line * (65536 // len(line))
stop = threading.Event()

def flood():
    sent = 0
    while sent < total and not stop.is_set():
        n = min(len(block), total - sent)
        sent += os.write(wfd, block[:n])
    if not stop.is_set():
        os.write(wfd, b"END-OF-FLOOD!")

writer = threading.Thread(target=flood, daemon=True)
t0 = time.perf_counter_ns()
writer.start()
finished = True
try:
    child.expect_list(end, timeout=budget)
except pexpect.TIMEOUT:
    finished = False
elapsed = time.perf_counter_ns() - t0
stop.set()
print(json.dumps({"latencies_ns": latencies, "flood_finished": finished, "flood_bytes": counter.n,
                  "flood_ns": elapsed, "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "pexpect": pexpect.__version__}))
os._exit(0)
