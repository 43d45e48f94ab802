package dev.starbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Transcript;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Console.expect against Python pexpect on one socat pty pair, in one run: (a) latency from writing a
 * pattern's last byte to the match, (b) a flood of console text with the pattern at its end: time and
 * peak heap. Both sides write with the same syscalls and compile their patterns once.
 */
@Command(name = "console", description = "Console.expect vs Python pexpect on a socat pty pair: latency and a flood.")
final class ConsoleBenchmark implements Callable<Integer> {
    static final Pattern MARK = Pattern.compile("MARK\\d{1,9}!");
    static final Pattern END = Pattern.compile("END-OF-FLOOD!");
    static final byte[] LINE = "[ 1234.567890] usb 1-1: new high-speed USB device number 3 using ehci-platform\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @Option(names = "--trials", defaultValue = "1000", description = "Latency trials (after 10 %% warm-up; default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--megabytes", defaultValue = "100", description = "Size of the flood in MiB (default ${DEFAULT-VALUE}).")
    int megabytes;

    @Option(names = "--pexpect-budget-s", defaultValue = "120",
            description = "How long pexpect may take over the flood before it is stopped (default ${DEFAULT-VALUE}).")
    int pexpectBudgetS;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with pexpect (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--no-pexpect", description = "Measure only Console.")
    boolean noPexpect;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("starbench-bench-");
        Path read = dir.resolve("read-tty");
        Path write = dir.resolve("write-tty");
        Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + read, "pty,raw,echo=0,link=" + write)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitLinks(socat, read, write);
            // An idle fd on each end keeps socat alive while one reader closes and the next opens.
            try (InputStream keepRead = new FileInputStream(read.toFile());
                 FileOutputStream writer = new FileOutputStream(write.toFile())) {
                out.printf("Console benchmark: %d latency trials, %d MiB flood; JVM max heap %d MiB; %d CPUs%n",
                        trials, megabytes, Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
                long[] latencies;
                Flood flood;
                Console console = new Console(new Transcript(dir.resolve("console.transcript")));
                try (console) {
                    console.attach(SerialLink.open(read.toString(), 115200, console));
                    latencies = latency(console, writer);
                    flood = flood(console, writer, dir.resolve("console.transcript"));
                }
                out.printf(Locale.ROOT, "Console.expect  latency: median %.3f ms, p99 %.3f ms (%d trials)%n",
                        ms(percentile(latencies, 50)), ms(percentile(latencies, 99)), latencies.length);
                out.printf(Locale.ROOT, "Console.expect  flood:   %d MiB in %.2f s (%.0f MiB/s), peak heap %.1f MiB,"
                                + " live heap after GC at most %.1f MiB (%d GCs)%n",
                        megabytes, flood.nanos / 1e9, megabytes / (flood.nanos / 1e9), flood.peakHeap / 1048576.0,
                        flood.maxLiveAfterGc / 1048576.0, flood.gcs);
                out.printf("Console.expect  flood CPU by thread: %s%n", flood.cpu);
                if (noPexpect) {
                    return 0;
                }
                JsonNode py = pexpect(read, write);
                long[] pyLatencies = new long[py.get("latencies_ns").size()];
                for (int i = 0; i < pyLatencies.length; i++) {
                    pyLatencies[i] = py.get("latencies_ns").get(i).asLong();
                }
                Arrays.sort(pyLatencies);
                double pyFloodS = py.get("flood_ns").asLong() / 1e9;
                double pyMib = py.get("flood_bytes").asLong() / 1048576.0;
                boolean finished = py.get("flood_finished").asBoolean();
                out.printf(Locale.ROOT, "pexpect %s latency: median %.3f ms, p99 %.3f ms (%d trials)%n", py.get("pexpect").asText(),
                        ms(percentile(pyLatencies, 50)), ms(percentile(pyLatencies, 99)), pyLatencies.length);
                out.printf(Locale.ROOT, "pexpect %s flood:   %s %.1f MiB in %.2f s (%.1f MiB/s), peak RSS %.1f MiB%n",
                        py.get("pexpect").asText(), finished ? "matched after" : "NOT FINISHED: read", pyMib, pyFloodS,
                        pyMib / pyFloodS, py.get("max_rss_kb").asLong() / 1024.0);
                double javaRate = megabytes / (flood.nanos / 1e9);
                out.printf(Locale.ROOT, "Ratios: median latency %.1fx lower, p99 %.1fx lower; flood throughput %s%.1fx higher%n",
                        (double) percentile(pyLatencies, 50) / percentile(latencies, 50),
                        (double) percentile(pyLatencies, 99) / percentile(latencies, 99),
                        finished ? "" : "at least ", javaRate / (pyMib / pyFloodS));
                return 0;
            }
        } finally {
            socat.destroy();
            if (!socat.waitFor(3, TimeUnit.SECONDS)) {
                socat.destroyForcibly();
            }
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private long[] latency(Console console, FileOutputStream writer) throws IOException, ExpectTimeout, BenchIoException {
        int warmup = trials / 10;
        long[] result = new long[trials];
        console.skipToEnd();
        for (int i = 0; i < warmup + trials; i++) {
            writer.write(("[ 1.000000] console line before the mark\r\nMARK" + i).getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            writer.write('!');
            console.expect(Duration.ofSeconds(5), MARK);
            if (i >= warmup) {
                result[i - warmup] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(result);
        return result;
    }

    record Flood(long nanos, long peakHeap, long maxLiveAfterGc, long gcs, String cpu) {
    }

    /** CPU time per thread, to show where a flood's time goes: the reader (adapter, transcript, buffer) or expect. */
    private static java.util.Map<String, Long> threadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> cpu = new java.util.TreeMap<>();
        for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null) {
                cpu.merge(info.getThreadName().replaceAll(" /.*", ""), mx.getThreadCpuTime(info.getThreadId()), Long::sum);
            }
        }
        return cpu;
    }

    private Flood flood(Console console, FileOutputStream writer, Path transcript) throws Exception {
        long total = (long) megabytes << 20;
        byte[] block = new byte[LINE.length * (65536 / LINE.length)];
        for (int i = 0; i < block.length; i += LINE.length) {
            System.arraycopy(LINE, 0, block, i, LINE.length);
        }
        GcWatch gc = new GcWatch();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        Throwable[] failed = new Throwable[1];
        Thread flood = new Thread(() -> {
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
        console.skipToEnd();
        java.util.Map<String, Long> cpuBefore = threadCpu();
        long t0 = System.nanoTime();
        flood.start();
        console.expect(Duration.ofMinutes(10), END);
        long nanos = System.nanoTime() - t0;
        flood.join();
        java.util.Map<String, Long> cpuAfter = threadCpu();
        gc.close();
        StringBuilder cpu = new StringBuilder();
        for (String thread : List.of("serial-reader", "main")) {
            long used = cpuAfter.getOrDefault(thread, 0L) - cpuBefore.getOrDefault(thread, 0L);
            cpu.append(String.format(Locale.ROOT, "%s%s %.2f s", cpu.length() == 0 ? "" : ", ", thread, used / 1e9));
        }
        if (failed[0] != null) {
            throw new IOException("flood writer failed", failed[0]);
        }
        // The sum of each pool's peak is an upper bound of the heap's peak (pools peak at different times).
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Flood(nanos, peak, gc.maxLiveAfterGc.get(), gc.count.get(), cpu.toString());
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

    private JsonNode pexpect(Path read, Path write) throws IOException, InterruptedException {
        Path script = Files.createTempFile("pexpect_bench", ".py");
        try (InputStream in = ConsoleBenchmark.class.getResourceAsStream("pexpect_bench.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Process p = new ProcessBuilder(python, script.toString(), read.toString(), write.toString(),
                    Integer.toString(trials), Integer.toString(megabytes), Integer.toString(pexpectBudgetS))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 || output.isBlank()) {
                throw new IOException(python + " with pexpect failed (exit " + p.exitValue()
                        + "); install Debian's python3-pexpect or pass --no-pexpect");
            }
            return new ObjectMapper().readTree(output);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static void awaitLinks(Process socat, Path a, Path b) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(a) && Files.exists(b))) {
            if (!socat.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("socat did not create the pty pair (is socat installed?)");
            }
            Thread.sleep(10);
        }
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
