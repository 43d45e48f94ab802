package dev.starbench.run;

import dev.starbench.config.Fixture;
import dev.starbench.report.RunManifest;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.nio.file.Path;

/**
 * What else hears of a run besides its journal: the history database and the lab broker. A listener
 * can never change a run's verdicts or exit code: {@link RunSession} calls it through
 * {@link #isolated}, which turns its failures into a printed warning.
 */
public interface RunListener {
    RunListener NONE = new RunListener() { };

    /** The manifest is journalled; the listener may journal notes while the journal is open. */
    default void runStarted(RunManifest manifest, Journal journal) {
    }

    /** Called on the check's thread as its verdict is journalled: must return at once. */
    default void checkEnded(String checkId, Verdict verdict, long durationMs) {
    }

    /** The outputs are written and signed, the journal closed and the bench's lease released. */
    default void runEnded(RunRecord record, Path runDir) {
    }

    /** Makes the listener of each run, from the run's fixture. */
    @FunctionalInterface
    interface Factory {
        Factory NONE = fixture -> RunListener.NONE;

        RunListener forRun(Fixture fixture);
    }

    /** The listener with every failure caught and printed: a listener's trouble is never the run's. */
    static RunListener isolated(RunListener l, java.io.PrintStream out) {
        return new RunListener() {
            @Override
            public void runStarted(RunManifest manifest, Journal journal) {
                guard(() -> l.runStarted(manifest, journal), "run-started");
            }

            @Override
            public void checkEnded(String checkId, Verdict verdict, long durationMs) {
                guard(() -> l.checkEnded(checkId, verdict, durationMs), "check-ended");
            }

            @Override
            public void runEnded(RunRecord record, Path runDir) {
                guard(() -> l.runEnded(record, runDir), "run-ended");
            }

            private void guard(Runnable r, String what) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    out.printf("warning: a run listener failed at %s: %s%n", what, e);
                }
            }
        };
    }

    /** All of them, in order. */
    static RunListener all(java.util.List<RunListener> listeners) {
        return new RunListener() {
            @Override
            public void runStarted(RunManifest manifest, Journal journal) {
                listeners.forEach(l -> l.runStarted(manifest, journal));
            }

            @Override
            public void checkEnded(String checkId, Verdict verdict, long durationMs) {
                listeners.forEach(l -> l.checkEnded(checkId, verdict, durationMs));
            }

            @Override
            public void runEnded(RunRecord record, Path runDir) {
                listeners.forEach(l -> l.runEnded(record, runDir));
            }
        };
    }
}
