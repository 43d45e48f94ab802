package dev.starbench.checks.resilience;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.checks.CheckContext;
import java.util.List;
import org.testng.annotations.Test;

/** The soak's cut points as data: the same run seed gives the same points, and every slice is cut once. */
public class CutPlanTest {
    private static final String ID = "resilience.power-cut-soak";

    @Test
    public void aRerunOfTheSameRunCutsAtTheSamePoints() {
        long runSeed = 0x5eed_1234L;
        CutPlan first = CutPlan.of(CheckContext.seedFor(runSeed, ID), 20, 60_000);
        CutPlan rerun = CutPlan.of(CheckContext.seedFor(runSeed, ID), 20, 60_000);
        assertEquals(rerun.pointsMs(), first.pointsMs());
        assertNotEquals(CutPlan.of(CheckContext.seedFor(runSeed + 1, ID), 20, 60_000).pointsMs(), first.pointsMs(),
                "another run, other points");
    }

    @Test
    public void eachSliceOfTheWindowGetsOneCutInOrder() {
        for (long seed = 0; seed < 200; seed++) {
            CutPlan plan = CutPlan.of(seed, 8, 3600);
            List<Long> p = plan.pointsMs();
            assertEquals(p.size(), 8);
            for (int i = 0; i < p.size(); i++) {
                assertTrue(p.get(i) >= 450L * i && p.get(i) < 450L * (i + 1), "seed " + seed + ": " + p);
            }
            assertTrue(plan.widestGapMs() < 900, "two slices at most: " + p);
        }
    }
}
