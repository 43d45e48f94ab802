package dev.starbench.vdut;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Two linked pseudo-terminals made by socat: the bench opens one like a USB serial adapter, the
 * device talks on the other.
 */
final class PtyPair implements Closeable {
    private static final long LINK_DEADLINE_MS = 5_000;

    /*
     * socat runs under a small sh that holds the read end of a pipe from this JVM. When the JVM goes,
     * however it goes (even SIGKILL, where no shutdown hook runs), the pipe closes, cat returns and
     * socat is killed: socat never outlives us. The sh exits with socat's status, so we see socat die,
     * and it reaps all its children itself: orphans would wait for init, which may reap them late.
     */
    private static final String SUPERVISOR = "exec 3<&0; socat -d -d \"$1\" \"$2\" & s=$!;"
            + " { cat <&3 >/dev/null; kill $s 2>/dev/null; } & w=$!;"
            + " wait $s; status=$?; kill $w 2>/dev/null; wait; exit $status";

    final Path benchLink;
    final Path dutLink;
    private final Process supervisor;
    private final FileInputStream dutIn;
    private final FileOutputStream dutOut;
    // Held open so the bench may close and reopen its side: socat quits when the last fd on a pty closes.
    private final FileInputStream benchKeepAlive;
    private volatile boolean closing;

    private PtyPair(Path benchLink, Path dutLink, Process supervisor, FileInputStream dutIn,
                    FileOutputStream dutOut, FileInputStream benchKeepAlive) {
        this.benchLink = benchLink;
        this.dutLink = dutLink;
        this.supervisor = supervisor;
        this.dutIn = dutIn;
        this.dutOut = dutOut;
        this.benchKeepAlive = benchKeepAlive;
    }

    static PtyPair open(Path dir) throws StartupException, InterruptedException {
        Path bench = dir.resolve("bench-tty");
        Path dut = dir.resolve("dut-tty");
        Process sh;
        try {
            // Stale links from an earlier run would look ready before socat is.
            Files.deleteIfExists(bench);
            Files.deleteIfExists(dut);
            sh = new ProcessBuilder(List.of("sh", "-c", SUPERVISOR, "vdut-socat",
                    "pty,raw,echo=0,link=" + bench, "pty,raw,echo=0,link=" + dut))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new StartupException(StartupException.RUNTIME, "cannot start socat: " + e.getMessage(), e);
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINK_DEADLINE_MS);
            while (!(Files.exists(bench) && Files.exists(dut))) {
                if (!sh.isAlive()) {
                    throw new StartupException(StartupException.RUNTIME, "socat exited with status " + sh.exitValue()
                            + " before creating the ptys (is socat installed? see its messages above)");
                }
                if (System.nanoTime() > deadline) {
                    throw new StartupException(StartupException.RUNTIME,
                            "socat did not create " + bench + " and " + dut + " within " + LINK_DEADLINE_MS + " ms");
                }
                Thread.sleep(10);
            }
            return new PtyPair(bench, dut, sh, new FileInputStream(dut.toFile()),
                    new FileOutputStream(dut.toFile()), new FileInputStream(bench.toFile()));
        } catch (IOException e) {
            stop(sh);
            throw new StartupException(StartupException.RUNTIME, "cannot open the pty: " + e.getMessage(), e);
        } catch (StartupException | InterruptedException | RuntimeException e) {
            stop(sh);
            throw e;
        }
    }

    /** The device's transmit line. Writes go straight to the pty (no buffering) and are not interruptible. */
    OutputStream dutOutput() {
        return dutOut;
    }

    interface Receiver {
        void received(byte[] buf, int n);
    }

    /** Reads the device's receive line on a daemon thread until the pty goes away, then calls {@code onLost}. */
    void startReading(Receiver device, Runnable onLost) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[512];
            try {
                int n;
                while ((n = dutIn.read(buf)) >= 0) {
                    device.received(buf, n);
                }
            } catch (IOException e) {
                // reported through onLost
            }
            if (!closing) {
                onLost.run();
            }
        }, "vdut-uart-rx");
        t.setDaemon(true);
        t.start();
    }

    void onExit(IntConsumer action) {
        supervisor.onExit().thenAccept(p -> {
            if (!closing) {
                action.accept(p.exitValue());
            }
        });
    }

    @Override
    public void close() {
        closing = true;
        stop(supervisor);
        closeQuietly(dutIn);
        closeQuietly(dutOut);
        closeQuietly(benchKeepAlive);
    }

    /** Closing the pipe ends socat and then its supervisor; signals only if that somehow fails. */
    private static void stop(Process sh) {
        List<ProcessHandle> children = sh.descendants().toList();
        closeQuietly(sh.getOutputStream());
        try {
            if (sh.waitFor(3, TimeUnit.SECONDS)) {
                return;
            }
            System.err.println("vdut: socat supervisor did not stop on its own; killing it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        sh.destroyForcibly();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing useful to do while shutting down
        }
    }
}
