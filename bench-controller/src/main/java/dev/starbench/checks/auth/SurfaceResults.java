package dev.starbench.checks.auth;

import dev.starbench.checks.BenchFault;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import java.util.ArrayList;
import java.util.List;

/**
 * Each surface's own verdict, and the check's: FAIL when any surface fails (the others are still
 * reported), else INCONCLUSIVE when any could not be judged, else PASS; NOT_APPLICABLE when no surface
 * could be tried at all.
 */
final class SurfaceResults {
    private final Evidence evidence;
    private final List<String> failed = new ArrayList<>();
    private final List<String> undecided = new ArrayList<>();
    private final List<String> passed = new ArrayList<>();
    private final List<String> notApplicable = new ArrayList<>();

    SurfaceResults(Evidence evidence) {
        this.evidence = evidence;
    }

    void pass(AuthSurface s, String why) {
        passed.add(s.label() + ": " + why);
        evidence.finding(s.label() + ": PASS: " + why);
    }

    void fail(AuthSurface s, String why) {
        failed.add(s.label() + ": " + why);
        evidence.finding(s.label() + ": FAIL: " + why);
    }

    void inconclusive(AuthSurface s, String why) {
        undecided.add(s.label() + ": " + why);
        evidence.finding(s.label() + ": INCONCLUSIVE: " + why);
    }

    void notApplicable(AuthSurface s, String why) {
        notApplicable.add(s.label() + ": " + why);
        evidence.note(s.label() + ": not applicable: " + why);
    }

    /** Throws the verdict, or returns for a PASS. */
    void conclude(String noSurface) {
        conclude(noSurface, null);
    }

    /** @param first said before everything else in a FAIL, so it cannot be missed; null for nothing */
    void conclude(String noSurface, String first) {
        if (!failed.isEmpty()) {
            List<String> all = new ArrayList<>();
            if (first != null) {
                all.add(first);
            }
            all.addAll(failed);
            undecided.forEach(u -> all.add("(could not tell) " + u));
            throw new AssertionError(String.join("; ", all));
        }
        if (!undecided.isEmpty()) {
            throw new BenchFault(String.join("; ", undecided));
        }
        if (passed.isEmpty()) {
            throw new NotApplicable(notApplicable.isEmpty() ? noSurface : noSurface + " (" + String.join("; ", notApplicable) + ")");
        }
    }

    /** One surface's procedure; a bench fault there leaves that surface INCONCLUSIVE and the others to go on. */
    interface Procedure {
        void run() throws dev.starbench.bench.BenchIoException;
    }

    void run(AuthSurface s, Procedure p) throws dev.starbench.bench.BenchIoException {
        try {
            p.run();
        } catch (BenchFault e) {
            inconclusive(s, e.getMessage());
        }
    }
}
