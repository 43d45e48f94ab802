package dev.starbench.checks.auth;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.testng.annotations.Test;

/** The numbers behind two verdicts: what a failure costs (brute force) and whether answer times tell users apart. */
public class AuthJudgementsTest {
    @Test
    public void everyFailureAtTheMinimumIsSlowEnough() {
        BruteForceCheck.Rate rate = BruteForceCheck.Rate.of(List.of(1003L, 1010L, 1001L, 1050L), 1000);
        assertTrue(rate.slowEnough());
        assertEquals(rate.perHour(), 3564.0);
        assertTrue(rate.describe().startsWith("each failure costs at least 1000 ms"), rate.describe());
    }

    @Test
    public void oneFastFailureIsNotUnlessTheDelayGrowsToIt() {
        assertFalse(BruteForceCheck.Rate.of(List.of(1003L, 12L, 1001L, 1002L, 1004L, 1006L), 1000).slowEnough(),
                "a fast failure in the middle: the delay does not grow");
        BruteForceCheck.Rate growing = BruteForceCheck.Rate.of(List.of(0L, 100L, 300L, 700L, 1500L, 3100L), 1000);
        assertTrue(growing.slowEnough());
        assertTrue(growing.describe().startsWith("the delay grows to at least 1000 ms"), growing.describe());
        BruteForceCheck.Rate fast = BruteForceCheck.Rate.of(List.of(20L, 22L, 19L, 25L), 1000);
        assertFalse(fast.slowEnough());
        assertTrue(fast.describe().contains("about 163636 guesses an hour, limit 3600"), fast.describe());
    }

    @Test
    public void aTimingDifferenceIsFoundAndItsAbsenceHasPower() {
        SplittableRandom r = new SplittableRandom(7);
        double[] same1 = noisy(r, 1000, 12, 5);
        double[] same2 = noisy(r, 1000, 12, 5);
        UserEnumerationCheck.Judgement none = UserEnumerationCheck.judge(same1, same2);
        assertFalse(none.differs(), none.describe());
        assertTrue(none.powerful(), "5 ms of noise hides no 50 ms difference: " + none.describe());

        UserEnumerationCheck.Judgement slower = UserEnumerationCheck.judge(noisy(r, 1150, 12, 5), noisy(r, 1000, 12, 5));
        assertTrue(slower.differs(), slower.describe());

        UserEnumerationCheck.Judgement noisy = UserEnumerationCheck.judge(noisy(r, 1000, 12, 400), noisy(r, 1000, 12, 400));
        assertFalse(noisy.decided(), "400 ms of noise cannot show 50 ms: " + noisy.describe());
    }

    private static double[] noisy(SplittableRandom r, double centre, int n, double spread) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = centre + (r.nextDouble() - 0.5) * spread;
        }
        return v;
    }
}
