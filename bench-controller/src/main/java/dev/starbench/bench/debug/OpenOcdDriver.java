package dev.starbench.bench.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.Spawner;
import dev.starbench.config.DebugPort;
import dev.starbench.config.DebugProbe;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The fixture's debug probe as a run holds it: each {@link #attach} starts a fresh OpenOCD (its
 * {@code init} runs once per process, and a boot in between must be seen anew), runs the read-only
 * attach, and ends OpenOCD, keeping its log and the bench's request log in the evidence directory.
 * Closing it ends anything still running; OpenOCD also dies with the bench's JVM, even on SIGKILL.
 */
public final class OpenOcdDriver implements AutoCloseable {
    /** One attach: what it found, and the two evidence files (paths inside the evidence directory). */
    public record Attach(Attachment attachment, Path log, Path requests) {
    }

    private final DebugProbe probe;
    private final DebugPort port;
    private final Path evidenceDir;
    private final Spawner spawner = new Spawner("openocd");
    private OpenOcd running;
    private int attaches;
    private boolean closed;

    public OpenOcdDriver(DebugProbe probe, DebugPort port, Path evidenceDir) {
        this.probe = probe;
        this.port = port;
        this.evidenceDir = evidenceDir;
    }

    public DebugProbe probe() {
        return probe;
    }

    /** @param steps told each step as it is taken */
    public Attach attach(Consumer<String> steps) throws BenchIoException {
        int n;
        synchronized (this) {
            if (closed) {
                throw new BenchIoException("the debug probe is closed: the run is ending");
            }
            n = ++attaches;
        }
        Path log = evidenceDir.resolve("openocd-" + n + ".log");
        Path requests = evidenceDir.resolve("openocd-" + n + "-requests.log");
        steps.accept("start OpenOCD with the " + probe.driver() + " adapter (" + probe.transport() + ")");
        OpenOcd ocd = OpenOcd.start(probe, port, log, requests, spawner);
        synchronized (this) {
            running = ocd;
        }
        try {
            return new Attach(DebugAttach.run(ocd, probe, port, steps), log, requests);
        } finally {
            synchronized (this) {
                running = null;
            }
            ocd.close();
        }
    }

    /** Ends a running OpenOCD and the thread that started it (whose end kills whatever it started). */
    @Override
    public void close() {
        OpenOcd ocd;
        synchronized (this) {
            closed = true;
            ocd = running;
        }
        if (ocd != null) {
            ocd.close();
        }
        spawner.close();
    }
}
