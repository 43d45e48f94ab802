package dev.starbench.report;

import java.time.Instant;
import java.util.List;

/**
 * The one typed record of a run, rebuilt from the journal by {@link RecordBuilder}; every output
 * (record.json, junit.xml, report.html) is rendered from it and nothing else.
 *
 * @param finaliser the last safe-state finaliser event, or null if none was journalled
 */
public record RunRecord(Run run, List<CheckResult> checks, Finaliser finaliser) {

    public RunRecord {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /**
     * @param outcome "pass", "fail", "inconclusive" or "aborted"
     * @param abortReason why the run did not end normally; null when it did
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
            String abortReason) {}

    /**
     * @param start null only for a check that was planned but never started
     * @param evidence in time order (journal order among equal timestamps)
     */
    public record CheckResult(
            String id,
            String title,
            List<String> requirements,
            Verdict verdict,
            String reason,
            Instant start,
            long durationMs,
            List<Evidence> evidence) {

        public CheckResult {
            requirements = requirements == null ? List.of() : List.copyOf(requirements);
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
        }
    }

    /**
     * @param kind step, transcript, finding, note or measurement
     * @param file path of an evidence file relative to the run directory, or null
     */
    public record Evidence(String kind, String text, String file, Instant timestamp) {}

    /** @param outcome e.g. "powered-off", "failed", "timed-out" */
    public record Finaliser(String outcome, String detail, Instant timestamp) {}
}
