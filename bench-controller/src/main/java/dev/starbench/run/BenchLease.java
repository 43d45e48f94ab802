package dev.starbench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * One run per bench at a time. The lease is a file created atomically; it names the holder's pid and
 * an expiry, so a crashed run (dead pid) or a hung one (expired) does not block the bench forever.
 */
public final class BenchLease implements AutoCloseable {
    /** Another live run holds the bench. */
    public static final class Busy extends Exception {
        Busy(String message) {
            super(message);
        }
    }

    private final Path file;

    private BenchLease(Path file) {
        this.file = file;
    }

    /** ~/.starbench/leases: one bench's runs all see it, whichever directory they start in. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("user.home"), ".starbench", "leases");
    }

    public static BenchLease acquire(Path dir, String benchId, String runId, Duration ttl, Clock clock)
            throws IOException, Busy {
        Files.createDirectories(dir);
        Path file = dir.resolve(benchId.replaceAll("[^A-Za-z0-9._-]", "_") + ".lease");
        for (int attempt = 0; attempt < 2; attempt++) {
            Properties p = new Properties();
            p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
            p.setProperty("run", runId);
            p.setProperty("expires", clock.instant().plus(ttl).toString());
            StringBuilder text = new StringBuilder();
            p.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                return new BenchLease(file);
            } catch (FileAlreadyExistsException held) {
                Properties holder = new Properties();
                try (var in = Files.newBufferedReader(file)) {
                    holder.load(in);
                } catch (IOException vanished) {
                    continue;
                }
                if (isLive(holder, clock)) {
                    throw new Busy("bench " + benchId + " is busy: run " + holder.getProperty("run") + " (pid "
                            + holder.getProperty("pid") + ") holds " + file + " until " + holder.getProperty("expires"));
                }
                Files.deleteIfExists(file);
            }
        }
        throw new Busy("bench " + benchId + ": another run took the lease " + file + " at the same moment");
    }

    private static boolean isLive(Properties holder, Clock clock) {
        try {
            long pid = Long.parseLong(holder.getProperty("pid", "-1"));
            Instant expires = Instant.parse(holder.getProperty("expires", "1970-01-01T00:00:00Z"));
            return expires.isAfter(clock.instant()) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // an orphaned lease expires or is taken over once our pid is gone
        }
    }
}
