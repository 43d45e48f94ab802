package dev.starbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Transcript;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Console.expect against Python pexpect, in one run: (a) latency from writing a pattern's last byte to
 * the match, Console and pexpect each on its own socat pty pair, in alternating blocks so both see the
 * same machine load; (b) a flood of console text with the pattern at its end, against the raw pty
 * pair's own rate (a plain reader on the same pair, in alternating rounds): time and peak heap. Both
 * sides write with the same syscalls and compile their patterns once.
 */
@Command(name = "console", description = "Console.expect vs Python pexpect and the raw pty pair: latency and a flood.")
final class ConsoleBenchmark implements Callable<Integer> {
    static final Pattern MARK = Pattern.compile("MARK\\d{1,9}!");
    static final Pattern END = Pattern.compile("END-OF-FLOOD!");
    static final byte[] LINE = "[ 1234.567890] usb 1-1: new high-speed USB device number 3 using ehci-platform\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    /** Trials per block; Console and pexpect take turns, so a burst of load hits both alike. */
    static final int BLOCK = 100;

    @Option(names = "--trials", defaultValue = "1000",
            description = "Latency trials (default ${DEFAULT-VALUE}), after warm-up: 10 %% for pexpect; for Console until the JIT"
                    + " has compiled nothing for 0.5 s (at least 10 %%, at most 20 s).")
    int trials;

    @Option(names = "--megabytes", defaultValue = "100", description = "Size of the flood in MiB (default ${DEFAULT-VALUE}).")
    int megabytes;

    @Option(names = "--flood-rounds", defaultValue = "3",
            description = "Floods through Console, each after one through the raw pty pair; medians are reported (default ${DEFAULT-VALUE}).")
    int floodRounds;

    @Option(names = "--pexpect-budget-s", defaultValue = "120",
            description = "How long pexpect may take over the flood before it is stopped (default ${DEFAULT-VALUE}).")
    int pexpectBudgetS;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with pexpect (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--no-pexpect", description = "Measure only Console and the raw pty pair.")
    boolean noPexpect;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("starbench-bench-");
        List<Process> children = new ArrayList<>();
        try {
            PtyPair console = PtyPair.open(dir, "console", children);
            PtyPair other = noPexpect ? null : PtyPair.open(dir, "pexpect", children);
            out.printf("Console benchmark: %d latency trials, %d MiB flood x %d; JVM max heap %d MiB; %d CPUs%n",
                    trials, megabytes, floodRounds, Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
            Pexpect py = noPexpect ? null : Pexpect.start(python, script(dir), other, children);

            Latencies lat = latency(console, py, dir);
            List<Flood> floods = new ArrayList<>();
            List<Long> raw = new ArrayList<>();
            List<Long> rawCpu = new ArrayList<>();
            for (int round = 0; round < floodRounds; round++) {
                long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                raw.add(rawFlood(console));
                rawCpu.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0);
                floods.add(flood(console, dir.resolve("flood-" + round + ".transcript")));
            }

            out.printf(Locale.ROOT, "Console.expect  latency: median %.3f ms, p99 %.3f ms (%d trials after %d warm-up ones; %d GCs during them;"
                            + " %s)%n", ms(percentile(lat.console, 50)), ms(percentile(lat.console, 99)), lat.console.length, lat.warmup,
                    lat.gcs, tail(lat.console));
            long rawMedian = median(raw);
            Flood f = floods.stream().sorted((a, b) -> Long.compare(a.nanos, b.nanos)).toList().get(floods.size() / 2);
            out.printf(Locale.ROOT, "Raw pty pair    flood:   %d MiB in %.2f s (%.0f MiB/s; median of %s s); its reader's CPU %.2f s%n",
                    megabytes, rawMedian / 1e9, megabytes / (rawMedian / 1e9), seconds(raw), median(rawCpu) / 1e9);
            out.printf(Locale.ROOT, "Console.expect  flood:   %d MiB in %.2f s (%.0f MiB/s; median of %s s), %.2fx the raw pty pair's time;"
                            + " peak heap %.1f MiB, live heap after GC at most %.1f MiB (%d GCs a flood at most)%n",
                    megabytes, f.nanos / 1e9, megabytes / (f.nanos / 1e9), seconds(floods.stream().map(Flood::nanos).toList()),
                    (double) f.nanos / rawMedian, floods.stream().mapToLong(Flood::peakHeap).max().orElse(0) / 1048576.0,
                    floods.stream().mapToLong(Flood::maxLiveAfterGc).max().orElse(0) / 1048576.0,
                    floods.stream().mapToLong(Flood::gcs).max().orElse(0));
            out.printf("Console.expect  flood CPU by thread (median round): %s (the machine's load moves the times above;"
                    + " CPU figures move less)%n", f.cpu);
            if (py == null) {
                return 0;
            }
            JsonNode pyFlood = py.ask("flood " + megabytes + " " + pexpectBudgetS);
            double pyFloodS = pyFlood.get("flood_ns").asLong() / 1e9;
            double pyMib = pyFlood.get("flood_bytes").asLong() / 1048576.0;
            boolean finished = pyFlood.get("flood_finished").asBoolean();
            out.printf(Locale.ROOT, "pexpect %s   latency: median %.3f ms, p99 %.3f ms (%d trials, in blocks of %d alternating with Console's; %s)%n",
                    py.version, ms(percentile(lat.pexpect, 50)), ms(percentile(lat.pexpect, 99)), lat.pexpect.length, BLOCK,
                    tail(lat.pexpect));
            out.printf(Locale.ROOT, "pexpect %s   flood:   %s %.1f MiB in %.2f s (%.1f MiB/s), peak RSS %.1f MiB%n",
                    py.version, finished ? "matched after" : "NOT FINISHED: read", pyMib, pyFloodS,
                    pyMib / pyFloodS, pyFlood.get("max_rss_kb").asLong() / 1024.0);
            double javaRate = megabytes / (f.nanos / 1e9);
            out.printf(Locale.ROOT, "Ratios: median latency %.1fx lower, p99 %.1fx lower; flood throughput %s%.1fx higher%n",
                    (double) percentile(lat.pexpect, 50) / percentile(lat.console, 50),
                    (double) percentile(lat.pexpect, 99) / percentile(lat.console, 99),
                    finished ? "" : "at least ", javaRate / (pyMib / pyFloodS));
            return 0;
        } finally {
            for (Process p : children) {
                p.destroy();
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** A socat pty pair: the bench reads one end, the benchmark writes the other. */
    record PtyPair(Path read, Path write, InputStream keepRead, FileOutputStream writer) {
        static PtyPair open(Path dir, String name, List<Process> children) throws IOException, InterruptedException {
            Path read = dir.resolve(name + "-read-tty");
            Path write = dir.resolve(name + "-write-tty");
            Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + read, "pty,raw,echo=0,link=" + write)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            children.add(socat);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!(Files.exists(read) && Files.exists(write))) {
                if (!socat.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("socat did not create the pty pair (is socat installed?)");
                }
                Thread.sleep(10);
            }
            // An idle fd on the read end keeps socat alive while one reader closes and the next opens.
            return new PtyPair(read, write, new FileInputStream(read.toFile()), new FileOutputStream(write.toFile()));
        }
    }

    record Latencies(long[] console, long[] pexpect, long gcs, int warmup) {
    }

    private Latencies latency(PtyPair pair, Pexpect py, Path dir) throws Exception {
        int warmup = trials / 10;
        long[] result = new long[trials];
        List<Long> pyResult = new ArrayList<>();
        long gcs;
        try (Console console = open(pair, dir.resolve("latency.transcript"))) {
            // CPython has no JIT; the JVM compiles the reader's path during its first thousands of
            // trials, and those compilations take the CPU that socat needs: measure both in steady state.
            var jit = ManagementFactory.getCompilationMXBean();
            long quietSince = System.nanoTime();
            long compiled = jit.getTotalCompilationTime();
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int consoleWarmup = 0;
            while (consoleWarmup < warmup || System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(500)
                    && System.nanoTime() < limit) {
                timed(console, pair.writer, BLOCK, consoleWarmup);
                consoleWarmup += BLOCK;
                if (jit.getTotalCompilationTime() != compiled) {
                    compiled = jit.getTotalCompilationTime();
                    quietSince = System.nanoTime();
                }
            }
            warmup = consoleWarmup;
            if (py != null) {
                py.ask("latency " + trials / 10);
            }
            long gcsBefore = gcCount();
            for (int done = 0; done < trials; ) {
                int n = Math.min(BLOCK, trials - done);
                System.arraycopy(timed(console, pair.writer, n, warmup + done), 0, result, done, n);
                done += n;
                if (py != null) {
                    for (JsonNode ns : py.ask("latency " + n).get("latencies_ns")) {
                        pyResult.add(ns.asLong());
                    }
                }
            }
            gcs = gcCount() - gcsBefore;
        }
        Arrays.sort(result);
        return new Latencies(result, pyResult.stream().mapToLong(Long::longValue).sorted().toArray(), gcs, warmup);
    }

    private static long[] timed(Console console, FileOutputStream writer, int n, int first)
            throws IOException, ExpectTimeout, BenchIoException {
        long[] result = new long[n];
        for (int i = 0; i < n; i++) {
            writer.write(("[ 1.000000] console line before the mark\r\nMARK" + (first + i)).getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            writer.write('!');
            console.expect(Duration.ofSeconds(5), MARK);
            result[i] = System.nanoTime() - t0;
        }
        return result;
    }

    private static Console open(PtyPair pair, Path transcript) throws IOException, BenchIoException {
        Console console = new Console(new Transcript(transcript));
        console.attach(SerialLink.open(pair.read.toString(), 115200, console));
        return console;
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    record Flood(long nanos, long peakHeap, long maxLiveAfterGc, long gcs, String cpu) {
    }

    private byte[] block() {
        byte[] block = new byte[LINE.length * (65536 / LINE.length)];
        for (int i = 0; i < block.length; i += LINE.length) {
            System.arraycopy(LINE, 0, block, i, LINE.length);
        }
        return block;
    }

    /** Writes the flood and the end mark from a thread of its own, as a DUT would while the bench reads. */
    private Thread writer(OutputStream writer, Throwable[] failed) {
        long total = (long) megabytes << 20;
        byte[] block = block();
        return new Thread(() -> {
            try {
                for (long sent = 0; sent < total; ) {
                    int n = (int) Math.min(block.length, total - sent);
                    writer.write(block, 0, n);
                    sent += n;
                }
                writer.write(END.pattern().getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                failed[0] = e;
            }
        }, "bench-flood");
    }

    /** The pty pair's own rate: a plain blocking reader that only counts the bytes, no adapter library, no console. */
    private long rawFlood(PtyPair pair) throws Exception {
        // jSerialComm leaves the tty in timed-read mode (VMIN 0), where a plain reader would spin on empty reads.
        Process stty = new ProcessBuilder("stty", "-F", pair.read.toString(), "raw", "-echo", "min", "1", "time", "0")
                .redirectErrorStream(true).start();
        if (stty.waitFor() != 0) {
            throw new IOException("stty could not set " + pair.read + " to blocking reads: "
                    + new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        long expected = ((long) megabytes << 20) + END.pattern().length();
        Throwable[] failed = new Throwable[1];
        Thread flood = writer(pair.writer, failed);
        byte[] buf = new byte[64 * 1024];
        try (FileInputStream in = new FileInputStream(pair.read.toFile())) {
            long t0 = System.nanoTime();
            flood.start();
            long got = 0;
            while (got < expected) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("the raw pty pair ended after " + got + " bytes", failed[0]);
                }
                got += n;
            }
            long nanos = System.nanoTime() - t0;
            flood.join();
            return nanos;
        }
    }

    /** CPU time per thread, to show where a flood's time goes: the reader (adapter, transcript, buffer) or expect. */
    private static Map<String, Long> threadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new TreeMap<>();
        for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null) {
                cpu.merge(info.getThreadName().replaceAll(" /.*", ""), mx.getThreadCpuTime(info.getThreadId()), Long::sum);
            }
        }
        return cpu;
    }

    private Flood flood(PtyPair pair, Path transcript) throws Exception {
        GcWatch gc = new GcWatch();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        Throwable[] failed = new Throwable[1];
        Thread flood = writer(pair.writer, failed);
        long nanos;
        Map<String, Long> cpuBefore;
        Map<String, Long> cpuAfter;
        try (Console console = open(pair, transcript)) {
            console.skipToEnd();
            cpuBefore = threadCpu();
            long t0 = System.nanoTime();
            flood.start();
            console.expect(Duration.ofMinutes(10), END);
            nanos = System.nanoTime() - t0;
            flood.join();
            cpuAfter = threadCpu();
        }
        Files.deleteIfExists(transcript);
        gc.close();
        String cpu = List.of("main", "serial-reader", "transcript-writer").stream()
                .map(t -> String.format(Locale.ROOT, "%s %.2f s", t, (cpuAfter.getOrDefault(t, 0L) - cpuBefore.getOrDefault(t, 0L)) / 1e9))
                .collect(Collectors.joining(", "));
        if (failed[0] != null) {
            throw new IOException("flood writer failed", failed[0]);
        }
        // The sum of each pool's peak is an upper bound of the heap's peak (pools peak at different times).
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Flood(nanos, peak, gc.maxLiveAfterGc.get(), gc.count.get(), cpu);
    }

    /** Heap still in use after each collection, from the GC notifications. */
    private static final class GcWatch implements AutoCloseable {
        final AtomicLong maxLiveAfterGc = new AtomicLong();
        final AtomicLong count = new AtomicLong();
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final NotificationListener listener = (n, h) -> {
            if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long after = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
            count.incrementAndGet();
            maxLiveAfterGc.accumulateAndGet(after, Math::max);
        };

        GcWatch() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter e) {
                    e.addNotificationListener(listener, null, null);
                    emitters.add(e);
                }
            }
        }

        @Override
        public void close() throws Exception {
            for (NotificationEmitter e : emitters) {
                e.removeNotificationListener(listener);
            }
        }
    }

    private static Path script(Path dir) throws IOException {
        Path script = dir.resolve("pexpect_bench.py");
        try (InputStream in = ConsoleBenchmark.class.getResourceAsStream("pexpect_bench.py")) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    /** The pexpect side, driven one command at a time over its stdin. */
    private static final class Pexpect {
        private final Process process;
        private final BufferedReader answers;
        private final PrintStream commands;
        final String version;

        private Pexpect(Process process) throws IOException {
            this.process = process;
            this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.version = read().get("pexpect").asText();
        }

        static Pexpect start(String python, Path script, PtyPair pair, List<Process> children) throws IOException {
            Process p = new ProcessBuilder(python, script.toString(), pair.read.toString(), pair.write.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            children.add(p);
            return new Pexpect(p);
        }

        JsonNode ask(String command) throws IOException {
            commands.println(command);
            return read();
        }

        private JsonNode read() throws IOException {
            String line = answers.readLine();
            if (line == null) {
                throw new IOException("python with pexpect failed (exit " + (process.isAlive() ? "none yet" : process.exitValue())
                        + "); install Debian's python3-pexpect or pass --no-pexpect");
            }
            return new ObjectMapper().readTree(line);
        }
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static String seconds(List<Long> nanos) {
        return nanos.stream().map(n -> String.format(Locale.ROOT, "%.2f", n / 1e9)).collect(Collectors.joining(", "));
    }

    private static String tail(long[] sorted) {
        return String.format(Locale.ROOT, "p90 %.3f, p95 %.3f, p99.9 %.3f ms", ms(percentile(sorted, 90)), ms(percentile(sorted, 95)),
                ms(sorted[Math.min(sorted.length - 1, (int) Math.ceil(0.999 * sorted.length) - 1)]));
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
