package dev.starbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.starbench.report.RunRecord.CheckResult;
import dev.starbench.report.RunRecord.Evidence;
import dev.starbench.report.RunRecord.FileHash;
import dev.starbench.report.RunRecord.Finaliser;
import dev.starbench.report.RunRecord.MeasurementResult;
import dev.starbench.report.RunRecord.PowerEvent;
import dev.starbench.report.RunRecord.ServiceEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds the {@link RunRecord} from a journal file and nothing else, so the same journal always
 * yields the same record (no wall clock, no hash order, no locale).
 *
 * <ul>
 *   <li>An unterminated last line that does not parse is a write torn by a dying process and is
 *       dropped; a bad line anywhere else is corruption and fails with the file and line named.
 *   <li>A check that started but never ended is INCONCLUSIVE, "run aborted before the check
 *       ended", lasting until the run's end.
 *   <li>A check named in the manifest but never started is omitted when the run ended normally
 *       (the runner decided not to run it), and listed as INCONCLUSIVE "not run" with a null start
 *       when the run was aborted, so the reader sees what the abort cost.
 *   <li>A power event while checks are open becomes a "step" evidence of each of them, since a
 *       power cycle is part of how a check reached its verdict; outside checks it stays only in
 *       the journal.
 *   <li>Measurements are checked again on the way in: a journal cannot smuggle in a NaN or an
 *       outcome that does not follow from the value and limits.
 *   <li>The record lists the journal itself with its SHA-256 (a pure function of the bytes
 *       read), after the evidence files the run journalled with theirs.
 *   <li>A finaliser that could not name the DUT's final power state makes the outcome at best
 *       inconclusive, as an INCONCLUSIVE check would.
 *   <li>Unknown event types are skipped (newer journals may carry more), but still move the end.
 * </ul>
 */
public final class RecordBuilder {

    static final String NOT_ENDED = "run aborted before the check ended";
    static final String NOT_RUN = "not run";

    private RecordBuilder() {}

    public static RunRecord fromJournal(Path journalFile) throws IOException {
        byte[] bytes = Files.readAllBytes(journalFile);
        RunRecord r = build(journalFile, readEvents(journalFile, bytes));
        List<FileHash> files = new ArrayList<>(r.files());
        String name = journalFile.getFileName().toString();
        files.removeIf(f -> f.path().equals(name));
        files.add(new FileHash(name, Hashes.sha256(bytes), bytes.length));
        return new RunRecord(r.run(), r.checks(), r.finaliser(), r.power(), r.services(), files);
    }

    private record Line(int number, JsonNode event) {}

    private static List<Line> readEvents(Path file, byte[] bytes) throws IOException {
        List<Line> events = new ArrayList<>();
        int start = 0;
        int number = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            number++;
            // The journal writes a line and its newline in one call, so only an unterminated
            // line can be torn.
            boolean torn = end >= bytes.length;
            if (end > start) {
                try {
                    JsonNode node = Json.MAPPER.readTree(bytes, start, end - start);
                    if (node == null || !node.isObject()) {
                        throw new IOException("not a JSON object");
                    }
                    events.add(new Line(number, node));
                } catch (IOException e) {
                    if (!torn) {
                        throw new IOException(file + ":" + number + ": corrupt journal line: " + e.getMessage(), e);
                    }
                }
            }
            start = end + 1;
        }
        return events;
    }

    private static final class OpenCheck {
        final String id;
        final String title;
        final List<String> requirements;
        final Instant start;
        final List<Evidence> evidence = new ArrayList<>();
        final List<MeasurementResult> measurements = new ArrayList<>();
        Verdict verdict;
        String reason;
        long durationMs;
        boolean ended;

        OpenCheck(String id, String title, List<String> requirements, Instant start) {
            this.id = id;
            this.title = title;
            this.requirements = requirements;
            this.start = start;
        }
    }

    private static RunRecord build(Path file, List<Line> lines) throws IOException {
        RunManifest manifest = null;
        Instant runStart = null;
        Instant runEnded = null;
        Instant lastTime = null;
        String abortReason = null;
        boolean aborted = false;
        Finaliser finaliser = null;
        Map<String, OpenCheck> checks = new LinkedHashMap<>();
        List<PowerEvent> power = new ArrayList<>();
        List<ServiceEvent> services = new ArrayList<>();
        Map<String, FileHash> files = new LinkedHashMap<>();
        long expectedSeq = 1;

        for (Line line : lines) {
            String where = file + ":" + line.number() + ": ";
            JsonNode e = line.event();
            long seq = e.path("seq").asLong(-1);
            if (seq != expectedSeq) {
                throw new IOException(where + "expected seq " + expectedSeq + " but found " + e.path("seq"));
            }
            expectedSeq++;
            Instant t = instant(e, where);
            String event = text(e, "event");
            if (event == null) {
                throw new IOException(where + "event without a type");
            }
            if (manifest == null && !event.equals("run-started")) {
                throw new IOException(where + "'" + event + "' before run-started");
            }
            lastTime = t;
            switch (event) {
                case "run-started" -> {
                    if (manifest != null) {
                        throw new IOException(where + "second run-started");
                    }
                    try {
                        manifest = Json.MAPPER.treeToValue(e.path("manifest"), RunManifest.class);
                    } catch (JsonProcessingException ex) {
                        throw new IOException(where + "bad manifest: " + ex.getOriginalMessage(), ex);
                    }
                    if (manifest == null) {
                        throw new IOException(where + "run-started without a manifest");
                    }
                    runStart = t;
                }
                case "check-started" -> {
                    String id = required(e, "check", where);
                    if (checks.containsKey(id)) {
                        throw new IOException(where + "check " + id + " started twice");
                    }
                    checks.put(id, new OpenCheck(id, text(e, "title"), strings(e.path("requirements")), t));
                }
                case "evidence" -> {
                    OpenCheck c = started(checks, required(e, "check", where), where);
                    c.evidence.add(new Evidence(text(e, "kind"), text(e, "text"), text(e, "file"), t));
                }
                case "check-ended" -> {
                    OpenCheck c = started(checks, required(e, "check", where), where);
                    if (c.ended) {
                        throw new IOException(where + "check " + c.id + " ended twice");
                    }
                    try {
                        c.verdict = Verdict.valueOf(required(e, "verdict", where));
                    } catch (IllegalArgumentException ex) {
                        throw new IOException(where + "unknown verdict " + e.path("verdict"), ex);
                    }
                    c.reason = text(e, "reason");
                    c.durationMs = e.path("duration-ms").asLong(0);
                    c.ended = true;
                }
                case "measurement" -> {
                    OpenCheck c = started(checks, required(e, "check", where), where);
                    c.measurements.add(measurement(e, t, where));
                }
                case "evidence-file" -> {
                    String path = required(e, "path", where);
                    files.put(path, new FileHash(path, required(e, "sha256", where), e.path("bytes").asLong(0)));
                }
                case "power" -> {
                    PowerEvent p = new PowerEvent(text(e, "state"), text(e, "cause"), t, text(e, "confirmation"),
                            text(e, "detail"));
                    power.add(p);
                    String note = "power " + p.state() + (p.cause() == null ? "" : ": " + p.cause())
                            + (p.detail() == null ? "" : " (" + (p.confirmation() == null ? "" : p.confirmation() + ": ")
                            + p.detail() + ")");
                    for (OpenCheck c : checks.values()) {
                        if (!c.ended) {
                            c.evidence.add(new Evidence("step", note, null, t));
                        }
                    }
                }
                case "service" -> services.add(new ServiceEvent(required(e, "name", where), text(e, "outcome"),
                        checks.values().stream().filter(c -> !c.ended).map(c -> c.id).reduce((a, b) -> b).orElse(null), t));
                case "finaliser" -> finaliser = new Finaliser(text(e, "outcome"), text(e, "detail"), t, text(e, "state"),
                        text(e, "confirmation"));
                case "run-aborted" -> {
                    // The first reason is the cause; later ones are usually its echoes.
                    if (!aborted) {
                        abortReason = text(e, "reason");
                    }
                    aborted = true;
                }
                case "run-ended" -> runEnded = t;
                default -> { }
            }
        }
        if (manifest == null) {
            throw new IOException(file + ": no run-started event");
        }
        if (runEnded == null && !aborted) {
            aborted = true;
            abortReason = "the journal ends without run-ended (controller stopped unexpectedly)";
        }
        Instant end = runEnded != null ? runEnded : lastTime;

        List<CheckResult> results = new ArrayList<>();
        for (OpenCheck c : checks.values()) {
            List<Evidence> evidence = new ArrayList<>(c.evidence);
            // Stable sort: journal order decides between equal timestamps.
            evidence.sort(Comparator.comparing(Evidence::timestamp));
            if (c.ended) {
                results.add(new CheckResult(c.id, c.title, c.requirements, c.verdict, c.reason,
                        c.start, c.durationMs, evidence, c.measurements));
            } else {
                long ms = Math.max(0, Duration.between(c.start, end).toMillis());
                results.add(new CheckResult(c.id, c.title, c.requirements, Verdict.INCONCLUSIVE, NOT_ENDED,
                        c.start, ms, evidence, c.measurements));
            }
        }
        if (aborted) {
            for (String id : manifest.checks()) {
                if (id != null && !checks.containsKey(id)) {
                    results.add(new CheckResult(id, id, List.of(), Verdict.INCONCLUSIVE, NOT_RUN, null, 0, List.of()));
                }
            }
        }

        RunRecord.Run run = new RunRecord.Run(manifest.runId(), runStart, end, outcome(aborted, results, finaliser),
                manifest.controllerVersion(), manifest.gitCommit(), manifest.benchId(),
                manifest.fixturePath(), manifest.fixtureSha256(), manifest.profilePath(), manifest.profileSha256(),
                manifest.deviceName(), manifest.deviceModel(), manifest.firmwareVersion(),
                manifest.jvm(), manifest.os(), aborted ? abortReason : null,
                manifest.checks(), manifest.seed(), manifest.firmwareImages());
        return new RunRecord(run, results, finaliser, power, services, new ArrayList<>(files.values()));
    }

    /** A DUT left in a state the bench cannot name counts as an INCONCLUSIVE would: it never makes a PASS. */
    static String outcome(boolean aborted, List<CheckResult> checks, Finaliser finaliser) {
        if (aborted) {
            return "aborted";
        }
        if (checks.stream().anyMatch(c -> c.verdict() == Verdict.FAIL)) {
            return "fail";
        }
        if (checks.stream().anyMatch(c -> c.verdict() == Verdict.INCONCLUSIVE)
                || finaliser != null && !finaliser.stateKnown()) {
            return "inconclusive";
        }
        return "pass";
    }

    private static MeasurementResult measurement(JsonNode e, Instant t, String where) throws IOException {
        Measurement m;
        try {
            m = new Measurement(required(e, "name", where), number(e, "value", where), required(e, "unit", where),
                    optionalNumber(e, "low", where), optionalNumber(e, "high", where));
        } catch (IllegalArgumentException ex) {
            throw new IOException(where + "bad measurement: " + ex.getMessage(), ex);
        }
        return new MeasurementResult(m.name(), m.value(), m.unit(), m.low(), m.high(), m.outcome(), t);
    }

    private static double number(JsonNode e, String field, String where) throws IOException {
        Double d = optionalNumber(e, field, where);
        if (d == null) {
            throw new IOException(where + "missing " + field);
        }
        return d;
    }

    private static Double optionalNumber(JsonNode e, String field, String where) throws IOException {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IOException(where + field + " is not a number: " + v);
        }
        return v.doubleValue();
    }

    private static OpenCheck started(Map<String, OpenCheck> checks, String id, String where) throws IOException {
        OpenCheck c = checks.get(id);
        if (c == null) {
            throw new IOException(where + "check " + id + " was never started");
        }
        return c;
    }

    private static Instant instant(JsonNode e, String where) throws IOException {
        String t = text(e, "t");
        if (t == null) {
            throw new IOException(where + "event without a time");
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException ex) {
            throw new IOException(where + "bad time " + t, ex);
        }
    }

    private static String required(JsonNode e, String field, String where) throws IOException {
        String v = text(e, field);
        if (v == null) {
            throw new IOException(where + "missing " + field);
        }
        return v;
    }

    private static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (!n.isNull()) {
                out.add(n.asText());
            }
        }
        return out;
    }
}
