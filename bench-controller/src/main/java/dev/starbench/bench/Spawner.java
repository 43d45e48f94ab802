package dev.starbench.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts helper processes (QEMU, socat, OpenOCD) so that they die with the bench even when no shutdown
 * hook runs (SIGKILL): util-linux's setpriv sets a parent-death signal before it execs them. Linux sends
 * that signal when the parent <em>thread</em> ends, so every process is started from this one thread,
 * which lives until {@link #close()}: closing it also kills whatever is still running.
 */
public final class Spawner implements AutoCloseable {
    private static final List<String> DIE_WITH_PARENT = findSetpriv()
            .map(p -> List.of(p.toString(), "--pdeathsig", "KILL")).orElse(List.of());

    private final ExecutorService thread;

    /** @param name names the spawning thread, after what it starts */
    public Spawner(String name) {
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-spawner");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the builder's command (its redirects as set) under setpriv, when the system has it. */
    public Process start(ProcessBuilder pb) throws IOException {
        List<String> command = pb.command();
        List<String> argv = new ArrayList<>(DIE_WITH_PARENT);
        argv.addAll(command);
        pb.command(argv);
        try {
            return thread.submit(pb::start).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + command.get(0), e);
        }
    }

    private static Optional<Path> findSetpriv() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + ":/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "setpriv");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
