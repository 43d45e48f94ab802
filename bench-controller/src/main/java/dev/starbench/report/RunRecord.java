package dev.starbench.report;

import java.time.Instant;
import java.util.List;

/**
 * The one typed record of a run, rebuilt from the journal by {@link RecordBuilder}; every output
 * (record.json, junit.xml, report.html, the ★1 checklist) is rendered from it and nothing else.
 * Fields are only ever added, so tools that read record.json keep working.
 *
 * @param finaliser the last safe-state finaliser event, or null if none was journalled
 * @param power     every power change of the run, in journal order
 * @param services  the lab services the checks had the run open, and their teardown, in journal order
 * @param files     the run's evidence files with their SHA-256, as journalled when the run closed
 *                  them, and the journal itself; what {@code starbench report verify} checks
 * @param outputs   the files rendered from this record beside record.json (junit.xml, report.html,
 *                  the checklists) with their SHA-256: empty in the record built from the journal,
 *                  filled in only for record.json itself, which no other output shows. With
 *                  {@code files}, record.json so lists every file of the run but itself and its signature.
 */
public record RunRecord(Run run, List<CheckResult> checks, Finaliser finaliser, List<PowerEvent> power,
                        List<ServiceEvent> services, List<FileHash> files, List<FileHash> outputs) {

    public RunRecord {
        checks = checks == null ? List.of() : List.copyOf(checks);
        power = power == null ? List.of() : List.copyOf(power);
        services = services == null ? List.of() : List.copyOf(services);
        files = files == null ? List.of() : List.copyOf(files);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    public RunRecord(Run run, List<CheckResult> checks, Finaliser finaliser, List<PowerEvent> power,
                     List<ServiceEvent> services, List<FileHash> files) {
        this(run, checks, finaliser, power, services, files, List.of());
    }

    public RunRecord(Run run, List<CheckResult> checks, Finaliser finaliser) {
        this(run, checks, finaliser, List.of(), List.of(), List.of(), List.of());
    }

    RunRecord withOutputs(List<FileHash> rendered) {
        return new RunRecord(run, checks, finaliser, power, services, files, rendered);
    }

    /**
     * @param outcome        "pass", "fail", "inconclusive" or "aborted"
     * @param abortReason    why the run did not end normally; null when it did
     * @param plannedChecks  the check ids the run was asked to run, in order
     * @param seed           the run's random seed; null for journals from before seeds were kept
     */
    public record Run(
            String id,
            Instant start,
            Instant end,
            String outcome,
            String controllerVersion,
            String gitCommit,
            String benchId,
            String fixturePath,
            String fixtureSha256,
            String profilePath,
            String profileSha256,
            String deviceName,
            String deviceModel,
            String firmwareVersion,
            String jvm,
            String os,
            String abortReason,
            List<String> plannedChecks,
            Long seed,
            List<FileHash> firmwareImages) {

        public Run {
            plannedChecks = plannedChecks == null ? List.of() : List.copyOf(plannedChecks);
            firmwareImages = firmwareImages == null ? List.of() : List.copyOf(firmwareImages);
        }
    }

    /**
     * @param start null only for a check that was planned but never started
     * @param evidence in time order (journal order among equal timestamps)
     * @param measurements in the order they were taken
     */
    public record CheckResult(
            String id,
            String title,
            List<String> requirements,
            Verdict verdict,
            String reason,
            Instant start,
            long durationMs,
            List<Evidence> evidence,
            List<MeasurementResult> measurements) {

        public CheckResult {
            requirements = requirements == null ? List.of() : List.copyOf(requirements);
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
            measurements = measurements == null ? List.of() : List.copyOf(measurements);
        }

        public CheckResult(String id, String title, List<String> requirements, Verdict verdict, String reason,
                           Instant start, long durationMs, List<Evidence> evidence) {
            this(id, title, requirements, verdict, reason, start, durationMs, evidence, List.of());
        }
    }

    /**
     * @param kind step, transcript, finding or note
     * @param file path of an evidence file relative to the run directory, or null
     */
    public record Evidence(String kind, String text, String file, Instant timestamp) {}

    /** A {@link Measurement} as journalled, with its outcome and when it was taken. */
    public record MeasurementResult(String name, double value, String unit, Double low, Double high,
                                    Measurement.Outcome outcome, Instant timestamp) {

        public Measurement measurement() {
            return new Measurement(name, value, unit, low, high);
        }
    }

    /**
     * @param state        on, off, unknown (the switch did not confirm), or cycle in older journals
     * @param confirmation confirmed (read back from the switch), commanded (only the bench's own output
     *                     read back), or null (unknown, or a journal from before drivers said)
     * @param detail       what the driver read back, or why it could not
     */
    public record PowerEvent(String state, String cause, Instant timestamp, String confirmation, String detail) {}

    /**
     * @param outcome "opened", "closed", or what went wrong closing it
     * @param check   the check under way when it happened (the one that opened the service); null between checks
     */
    public record ServiceEvent(String name, String outcome, String check, Instant timestamp) {}

    /** @param path relative to the run directory */
    public record FileHash(String path, String sha256, long bytes) {}

    /**
     * @param outcome      "powered-off", "left-on", "failed", "timed-out" or "no-bench"
     * @param state        the supply's state after the finaliser: on, off or unknown (derived from the
     *                     outcome for journals from before drivers reported it)
     * @param confirmation confirmed, commanded, or null when the state is unknown
     */
    public record Finaliser(String outcome, String detail, Instant timestamp, String state, String confirmation) {

        public Finaliser {
            if (state == null) {
                state = switch (outcome == null ? "" : outcome) {
                    case "powered-off" -> "off";
                    case "left-on" -> "on";
                    default -> "unknown";
                };
            }
        }

        /** Whether the run may say what state it left the DUT in; a run that cannot is at best INCONCLUSIVE. */
        public boolean stateKnown() {
            return !"unknown".equals(state);
        }

        /** The "Safe state" line of the summary and the report: the outcome, how it is known, and the detail. */
        public String describe() {
            String how = !stateKnown() ? "UNKNOWN" : confirmation == null ? outcome : outcome + ", " + confirmation;
            return how + (detail == null ? "" : " (" + detail + ")");
        }
    }
}
