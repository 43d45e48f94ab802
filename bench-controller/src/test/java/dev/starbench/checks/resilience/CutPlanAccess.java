package dev.starbench.checks.resilience;

import java.util.List;

/** The soak's cut plan for tests outside its package (whole runs compare their journalled points with it). */
public final class CutPlanAccess {
    private CutPlanAccess() {
    }

    public static List<Long> points(long seed, int cuts, long windowMs) {
        return CutPlan.of(seed, cuts, windowMs).pointsMs();
    }
}
