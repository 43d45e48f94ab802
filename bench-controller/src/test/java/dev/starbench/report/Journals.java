package dev.starbench.report;

import dev.starbench.run.Journal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Journals for tests, written through the real Journal API. */
public final class Journals {

    private Journals() {}

    public static RunManifest manifest(String... checks) {
        return new RunManifest("run-20250501-0900", "0.1.0", "abc1234", "bench-7",
                "fixtures/virtual.yaml", "f".repeat(64), "device-profiles/virtual-insecure.yaml", "e".repeat(64),
                "Acme Cam", "AC-100", "1.2.3", List.of(checks), "17.0.15", "Linux 6.1");
    }

    /** A journal whose checks end with the given verdicts, in order, ids "debug.c1", "debug.c2", ... */
    public static Path withVerdicts(Path dir, boolean ended, Verdict... verdicts) throws IOException {
        String[] ids = new String[verdicts.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "debug.c" + (i + 1);
        }
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(manifest(ids));
            for (int i = 0; i < ids.length; i++) {
                j.checkStarted(ids[i], "Check " + (i + 1), List.of("JC-STAR-1.1"));
                j.evidence(ids[i], "step", "did step " + (i + 1), null);
                j.checkEnded(ids[i], verdicts[i], verdicts[i] == Verdict.PASS ? null : "because " + i, 1000L * i);
            }
            if (ended) {
                j.finaliser("powered-off", "relay off");
                j.runEnded();
            }
        }
        return file;
    }
}
