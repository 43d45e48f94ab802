package dev.starbench.bench.power;

import dev.starbench.bench.BenchIoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a lab tool a power driver calls (a fixture's command, uhubctl): an argument list, no
 * shell, within a timeout, killed with its children when it overruns. Its output is the tool's, so it
 * is kept short and stripped of terminal controls before it reaches the journal.
 */
record Program(List<String> argv, int exit, String output, long millis) {
    private static final int KEEP_BYTES = 8192;
    static final int SHOWN_CHARS = 600;

    static Program run(List<String> argv, Duration timeout) throws BenchIoException {
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();  // a tool that asks a question gets end-of-file, not a wait
        } catch (IOException e) {
            throw new BenchIoException("cannot run " + shown(argv) + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(p.getInputStream(), kept), "power-command-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                reader.join(1000);
                throw new BenchIoException(shown(argv) + " did not finish within " + timeout.toMillis() + " ms and was killed"
                        + said(text(kept)));
            }
            // The output pipe closes when the tool exits, unless a child it left behind still holds it.
            reader.join(1000);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while " + shown(argv) + " ran", e);
        }
        return new Program(argv, p.exitValue(), text(kept), (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The tool first, then what it started (listed while the tool still holds them): killed the other way
     * round, a shell script would live long enough to add "Killed" about its child to the tool's output.
     * Through its handle: {@link Process#destroyForcibly} would also close the pipe the reader still
     * drains, losing the last thing the tool said before it hung.
     */
    private static void kill(Process p) {
        List<ProcessHandle> started = p.descendants().toList();
        p.toHandle().destroyForcibly();
        started.forEach(ProcessHandle::destroyForcibly);
    }

    private static void drain(InputStream in, ByteArrayOutputStream kept) {
        byte[] buf = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (kept) {
                    kept.write(buf, 0, Math.max(0, Math.min(n, KEEP_BYTES - kept.size())));
                }
            }
        } catch (IOException e) {
            // the process is gone; what was read is kept
        }
    }

    private static String text(ByteArrayOutputStream kept) {
        synchronized (kept) {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    /** The tool's output as one line for the journal: controls replaced, newlines as " | ", capped. */
    static String oneLine(String output) {
        String flat = output.strip().replaceAll("\\R+", " | ").replaceAll("\\p{Cntrl}", "?");
        return flat.length() <= SHOWN_CHARS ? flat : flat.substring(0, SHOWN_CHARS) + " [" + (flat.length() - SHOWN_CHARS)
                + " more chars]";
    }

    private static String said(String output) {
        return output.isBlank() ? " (no output)" : ": " + oneLine(output);
    }

    static String shown(List<String> argv) {
        return "`" + oneLine(String.join(" ", argv)) + "`";
    }

    /** "`sispmctl -o 1` exited 0 in 120 ms: Switched outlet 1 on". */
    String describe() {
        return shown(argv) + " exited " + exit + " in " + millis + " ms" + said(output);
    }
}
