package dev.starbench.checks.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Where the power-cut soak cuts: {@code cuts} points after power-on, one drawn uniformly in each of as
 * many equal slices of the window, in the order they fall. A seeded draw alone could bunch the points
 * and leave a stretch of the boot uncut; one per slice puts two consecutive cuts less than two slices
 * apart, so any write that lasts two slices is hit. The points depend only on the seed, the count and
 * the window, so a rerun of the same run cuts at the same points.
 *
 * @param pointsMs ms after power-on, ascending
 */
record CutPlan(long seed, long windowMs, List<Long> pointsMs) {
    CutPlan {
        pointsMs = List.copyOf(pointsMs);
    }

    static CutPlan of(long seed, int cuts, long windowMs) {
        if (cuts < 1 || windowMs < cuts) {
            throw new IllegalArgumentException("cannot place " + cuts + " cuts in a window of " + windowMs + " ms");
        }
        Random random = new Random(seed);
        List<Long> points = new ArrayList<>();
        double slice = (double) windowMs / cuts;
        for (int i = 0; i < cuts; i++) {
            points.add((long) Math.floor(slice * (i + random.nextDouble())));
        }
        return new CutPlan(seed, windowMs, points);
    }

    /** The widest stretch of the window no cut falls in: a write shorter than this may escape every cut. */
    long widestGapMs() {
        long widest = pointsMs.get(0);
        for (int i = 1; i < pointsMs.size(); i++) {
            widest = Math.max(widest, pointsMs.get(i) - pointsMs.get(i - 1));
        }
        return Math.max(widest, windowMs - pointsMs.get(pointsMs.size() - 1));
    }
}
