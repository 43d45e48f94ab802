package dev.starbench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starbench.bench.power.PowerState;
import dev.starbench.report.Measurement;
import dev.starbench.report.RunManifest;
import dev.starbench.report.Verdict;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.RandomAccessFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The run's append-only journal: one JSON object per line, each with {@code seq}, {@code t} and
 * {@code event}, written and fsync'd before the call returns, so a report can be rebuilt from
 * whatever reached the disk if the controller dies.
 *
 * <p>Whole events or nothing: each line is built in memory and written with one call. A write can
 * still fail half-way (a full disk takes what fits, then says ENOSPC), so on any failure the file is
 * cut back to the end of the last whole event; its length is kept for that. The file is a
 * {@link RandomAccessFile}, not a FileChannel: a channel is closed for good when the writing thread
 * is interrupted, and a TestNG timeout interrupts a check thread exactly while it is busy writing
 * evidence, which would cost every later event, the finaliser's included.
 *
 * <p>A failed write throws {@link WriteFailed}: a journal that silently loses events would make the
 * report lie. From then on the run is ending: {@link #failure()} says why, check events are refused
 * at once, and only the events that say how the run ended (a check's end, power, the finaliser,
 * the abort, evidence file hashes, run-ended) are still tried, each whole or not at all, in case a
 * few bytes still fit. Those that do not fit are kept for {@link #unwritten()}, so the caller can put
 * the finaliser's outcome somewhere else. If the file cannot even be cut back, nothing more is
 * appended, since that would put a torn line in the middle of the file rather than at its end.
 *
 * <p>After {@link #endChecks()} the events of checks still unwinding are dropped, so the finaliser
 * is the last word about the DUT; after {@link #close()} calls are ignored, since a shutdown hook
 * may race the normal end.
 */
public final class Journal implements AutoCloseable {

    /** The journal could not take an event; the run must end. */
    public static final class WriteFailed extends UncheckedIOException {
        WriteFailed(String message, IOException cause) {
            super(message, cause);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);

    /** What is still tried after a write failure: how the run, and the check it was in, ended. */
    private static final Set<String> ENDING = Set.of("check-ended", "power", "service", "finaliser", "run-aborted",
            "evidence-file", "run-ended");
    /** What is still written once the checks are over: the lab services' teardown comes before the finaliser. */
    private static final Set<String> AFTER_CHECKS = Set.of("power", "service", "finaliser", "run-aborted",
            "evidence-file", "run-ended");

    private final Path file;
    private final Clock clock;
    private final RandomAccessFile out;
    private long seq;
    private volatile RunListener listener = RunListener.NONE;
    /** Bytes of whole events: where the file is cut back to when a write fails. */
    private long length;
    private boolean closed;
    private boolean checksOver;
    private IOException failure;
    private boolean cannotCutBack;
    private final List<String> unwritten = new ArrayList<>();

    private Journal(Path file, Clock clock, RandomAccessFile out) {
        this.file = file;
        this.clock = clock;
        this.out = out;
    }

    /** Creates the journal file; refuses to touch an existing one, which belongs to another run. */
    public static Journal create(Path file, Clock clock) throws IOException {
        Objects.requireNonNull(clock, "clock");
        Files.createFile(file);
        RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw");
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
        // Here, so every verdict reaches the listener however it was reached (a check, a bench that never opened).
        listener.checkEnded(checkId, verdict, durationMs);
    }

    /** Hears each verdict as it is journalled. */
    void listener(RunListener l) {
        listener = Objects.requireNonNull(l, "listener");
    }

    /**
     * Something beside the checks that the run's reader should know (the history or the lab broker
     * could not be reached); the report does not show it, the journal keeps it.
     *
     * @param source e.g. "history", "lab-broker"
     */
    public void note(String source, String text) {
        Objects.requireNonNull(source, "source");
        append("note", e -> {
            e.put("source", source);
            e.put("text", text);
        });
    }

    /** @param state on, off or cycle */
    public void power(String state, String cause) {
        power(state, cause, null);
    }

    /**
     * @param state   on, off, or unknown when the switch did not confirm
     * @param reached what the driver read back, and how ({@code confirmation}: confirmed, commanded, or
     *                null when unknown); null when not known (older callers)
     */
    public void power(String state, String cause, PowerState reached) {
        Objects.requireNonNull(state, "state");
        append("power", e -> {
            e.put("state", state);
            e.put("cause", cause);
            if (reached != null) {
                e.put("confirmation", reached.basisWord());
                e.put("detail", reached.detail());
            }
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
        finaliser(outcome, detail, null);
    }

    /**
     * The safe-state finaliser's result: the journal's last word on the DUT.
     *
     * @param outcome "powered-off", "left-on", "failed", "timed-out", "no-bench"
     * @param state   the supply's state after it (its level and how it is known); null when none was read
     */
    public void finaliser(String outcome, String detail, PowerState state) {
        Objects.requireNonNull(outcome, "outcome");
        append("finaliser", e -> {
            e.put("outcome", outcome);
            e.put("detail", detail);
            if (state != null) {
                e.put("state", state.word());
                e.put("confirmation", state.basisWord());
            }
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

    /** The first write that failed, or null: a run whose journal failed must stop. */
    public synchronized IOException failure() {
        return failure;
    }

    /**
     * The ending events that could not be written after a failure, as the JSON lines they would have
     * been ({@code seq} is where they would have stood).
     */
    public synchronized List<String> unwritten() {
        return List.copyOf(unwritten);
    }

    /** The checks are over: from now on only how the run ended is journalled. */
    public synchronized void endChecks() {
        checksOver = true;
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
        if (closed || checksOver && !AFTER_CHECKS.contains(event)) {
            return;
        }
        if (failure != null && !ENDING.contains(event)) {
            throw new WriteFailed("journal " + file + " takes no more '" + event + "' events after a write failure: "
                    + failure.getMessage(), failure);
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("seq", seq + 1);
        node.put("t", clock.instant().toString());
        node.put("event", event);
        fields.fill(node);
        byte[] line;
        try {
            // getBytes turns a lone surrogate (DUT text cut mid-pair) into '?' instead of failing.
            line = (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise journal event " + event, e);
        }
        try {
            if (cannotCutBack) {
                throw new IOException("a torn line could not be removed from its end", failure);
            }
            out.write(line);
            out.getFD().sync();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
            cutBack();
            if (ENDING.contains(event)) {
                unwritten.add(new String(line, 0, line.length - 1, StandardCharsets.UTF_8));
            }
            throw new WriteFailed("cannot append '" + event + "' to journal " + file + ": " + e.getMessage(), e);
        }
        length += line.length;
        seq++;
    }

    /** Removes what a failed write left after the last whole event; shrinking a file needs no space. */
    private void cutBack() {
        if (cannotCutBack) {
            return;
        }
        try {
            out.setLength(length);
            out.seek(length);
        } catch (IOException e) {
            cannotCutBack = true;
        }
    }
}
