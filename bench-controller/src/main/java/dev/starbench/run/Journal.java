package dev.starbench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starbench.report.Measurement;
import dev.starbench.report.RunManifest;
import dev.starbench.report.Verdict;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The run's append-only journal: one JSON object per line, each with {@code seq}, {@code t} and
 * {@code event}, written and fsync'd before the call returns, so a report can be rebuilt from
 * whatever reached the disk if the controller dies.
 *
 * <p>Writes go through a {@link FileOutputStream} and are synced with {@code FileDescriptor.sync()}
 * rather than {@code FileChannel.force(false)}: a FileChannel is closed for good when the writing
 * thread is interrupted, and a TestNG timeout interrupts a check thread exactly while it is busy
 * writing evidence, which would cost every later event, the finaliser's included.
 *
 * <p>A failed write throws {@link UncheckedIOException}: a journal that silently loses events would
 * make the report lie. After such a failure every further call throws too, because appending after
 * a possibly half-written line would corrupt the middle of the file rather than its tail.
 *
 * <p>After {@link #close()} calls are ignored, since a shutdown hook may race the normal end.
 */
public final class Journal implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);

    private final Path file;
    private final Clock clock;
    private final FileOutputStream out;
    private long seq;
    private boolean closed;
    private IOException failure;

    private Journal(Path file, Clock clock, FileOutputStream out) {
        this.file = file;
        this.clock = clock;
        this.out = out;
    }

    /** Creates the journal file; refuses to touch an existing one, which belongs to another run. */
    public static Journal create(Path file, Clock clock) throws IOException {
        Objects.requireNonNull(clock, "clock");
        Files.createFile(file);
        FileOutputStream out = new FileOutputStream(file.toFile(), true);
        syncDirectory(file.toAbsolutePath().getParent());
        return new Journal(file, clock, out);
    }

    // Without this a power loss of the bench host can lose the new directory entry, and with it
    // every event fsync'd into the file.
    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException notSupportedHere) {
            // Windows cannot open directories; the file's own fsync is the best it offers.
        }
    }

    public void runStarted(RunManifest m) {
        Objects.requireNonNull(m, "manifest");
        append("run-started", e -> e.set("manifest", JSON.valueToTree(m)));
    }

    public void checkStarted(String checkId, String title, List<String> requirements) {
        Objects.requireNonNull(checkId, "checkId");
        append("check-started", e -> {
            e.put("check", checkId);
            e.put("title", title);
            var reqs = e.putArray("requirements");
            if (requirements != null) {
                requirements.forEach(reqs::add);
            }
        });
    }

    /** @param file path of an evidence file relative to the run directory, or null */
    public void evidence(String checkId, String kind, String text, String file) {
        Objects.requireNonNull(checkId, "checkId");
        Objects.requireNonNull(kind, "kind");
        append("evidence", e -> {
            e.put("check", checkId);
            e.put("kind", kind);
            e.put("text", text);
            e.put("file", file);
        });
    }

    /** A measurement of the check, validated when it was made; its outcome is journalled with it. */
    public void measurement(String checkId, Measurement m) {
        Objects.requireNonNull(checkId, "checkId");
        Objects.requireNonNull(m, "measurement");
        append("measurement", e -> {
            e.put("check", checkId);
            e.put("name", m.name());
            e.put("value", m.value());
            e.put("unit", m.unit());
            e.put("low", m.low());
            e.put("high", m.high());
            e.put("outcome", m.outcome().name());
        });
    }

    /**
     * An evidence file the run has finished writing, with its hash, so the record can list it and
     * {@code report verify} can tell if it changed afterwards.
     *
     * @param path relative to the run directory
     */
    public void evidenceFile(String path, String sha256, long bytes) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        append("evidence-file", e -> {
            e.put("path", path);
            e.put("sha256", sha256);
            e.put("bytes", bytes);
        });
    }

    public void checkEnded(String checkId, Verdict verdict, String reason, long durationMs) {
        Objects.requireNonNull(checkId, "checkId");
        Objects.requireNonNull(verdict, "verdict");
        append("check-ended", e -> {
            e.put("check", checkId);
            e.put("verdict", verdict.name());
            e.put("reason", reason);
            e.put("duration-ms", durationMs);
        });
    }

    /** @param state on, off or cycle */
    public void power(String state, String cause) {
        Objects.requireNonNull(state, "state");
        append("power", e -> {
            e.put("state", state);
            e.put("cause", cause);
        });
    }

    /**
     * A lab service the run opened for its checks, or its teardown when the run ends.
     *
     * @param outcome "opened", "closed", or what went wrong closing it
     */
    public void service(String name, String outcome) {
        Objects.requireNonNull(name, "name");
        append("service", e -> {
            e.put("name", name);
            e.put("outcome", outcome);
        });
    }

    /** @param outcome e.g. "powered-off", "failed", "timed-out" */
    public void finaliser(String outcome, String detail) {
        Objects.requireNonNull(outcome, "outcome");
        append("finaliser", e -> {
            e.put("outcome", outcome);
            e.put("detail", detail);
        });
    }

    /** @param reason e.g. "SIGTERM" */
    public void runAborted(String reason) {
        append("run-aborted", e -> e.put("reason", reason));
    }

    public void runEnded() {
        append("run-ended", e -> { });
    }

    public Instant now() {
        return clock.instant();
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            // Every event was already forced to disk; nothing is lost by a failing close.
        }
    }

    private interface Fields {
        void fill(ObjectNode event);
    }

    private synchronized void append(String event, Fields fields) {
        if (closed) {
            return;
        }
        if (failure != null) {
            throw new UncheckedIOException("journal " + file + " is unusable after an earlier write failure", failure);
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("seq", seq + 1);
        node.put("t", clock.instant().toString());
        node.put("event", event);
        fields.fill(node);
        try {
            // getBytes turns a lone surrogate (DUT text cut mid-pair) into '?' instead of failing.
            byte[] line = (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
            // One write per line, so a crash can tear only the last line, which the reader drops.
            out.write(line);
            out.getFD().sync();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise journal event " + event, e);
        } catch (IOException e) {
            failure = e;
            throw new UncheckedIOException("cannot append to journal " + file, e);
        }
        seq++;
    }
}
