package dev.starbench.report;

import java.util.List;

/**
 * What a run was started with, journalled first so the report can be reproduced from the journal
 * alone, and a run repeated from its record. {@code checks} holds the check ids in run order.
 * Fields are only ever added (other tools read the names); a journal from before a field existed
 * reads it as null.
 *
 * @param seed           the run's random seed, handed to a rerun; null in older journals
 * @param firmwareImages the firmware images the profile names, with their SHA-256, in profile order
 */
public record RunManifest(
        String runId,
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
        List<String> checks,
        String jvm,
        String os,
        Long seed,
        List<RunRecord.FileHash> firmwareImages) {

    public RunManifest {
        checks = checks == null ? List.of() : List.copyOf(checks);
        firmwareImages = firmwareImages == null ? List.of() : List.copyOf(firmwareImages);
    }

    /** The manifest as it was before seeds and firmware hashes were recorded. */
    public RunManifest(String runId, String controllerVersion, String gitCommit, String benchId, String fixturePath,
                       String fixtureSha256, String profilePath, String profileSha256, String deviceName,
                       String deviceModel, String firmwareVersion, List<String> checks, String jvm, String os) {
        this(runId, controllerVersion, gitCommit, benchId, fixturePath, fixtureSha256, profilePath, profileSha256,
                deviceName, deviceModel, firmwareVersion, checks, jvm, os, null, List.of());
    }
}
