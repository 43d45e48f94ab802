package dev.starbench.report;

import java.util.List;

/**
 * What a run was started with, journalled first so the report can be reproduced from the journal
 * alone. {@code checks} holds the check ids in run order.
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
        String os) {

    public RunManifest {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }
}
