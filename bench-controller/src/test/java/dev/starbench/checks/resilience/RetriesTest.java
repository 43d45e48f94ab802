package dev.starbench.checks.resilience;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.mqtt.CloudEndpoint.Answer;
import dev.starbench.bench.mqtt.CloudEndpoint.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.testng.annotations.Test;

/** The outage's verdict rule on connection logs: back-off, a fixed fast retry, hammering, bursts, black holes. */
public class RetriesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    /** Connections at the given ms, each refused at once, or black-holed for {@code held} ms. */
    private static List<Connection> log(long held, long... at) {
        List<Connection> out = new ArrayList<>();
        for (long ms : at) {
            Instant t = T0.plusMillis(ms);
            out.add(new Connection(t, t.plusMillis(held), held == 0 ? Answer.REFUSE : Answer.BLACK_HOLE, "10.0.0.5:4000"));
        }
        return out;
    }

    @Test
    public void growingWaitsWithJitterAreABackOff() {
        Retries r = Retries.of(log(0, 0, 400, 1200, 2900, 5200, 8100, 11000, 14200));
        assertTrue(r.backsOff(), r.gaps().toString());
        Retries.Judgement j = r.judge(20, 1000, OUTAGE);
        assertFalse(j.fails(), j.finding());
        assertTrue(j.finding().startsWith("the device backs off: its waits between attempts grew from 400 ms to 3200 ms"), j.finding());
    }

    @Test
    public void aFixedFastRetryFailsEvenUnderTheRateLimit() {
        // Every 250 ms for 2 s: 9 attempts, under a limit of 20, but no back-off and below the 1000 ms minimum.
        Retries r = Retries.of(log(0, 0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000));
        Retries.Judgement j = r.judge(20, 1000, OUTAGE);
        assertTrue(j.fails());
        assertEquals(j.finding(), "the device does not back off: it retried every 250 ms (median of 8 waits, shortest 250 ms),"
                + " below the minimum retry interval of 1000 ms");
    }

    @Test
    public void hammeringIsCountedInTheBusiestMinute() {
        long[] at = new long[100];
        for (int i = 0; i < at.length; i++) {
            at[i] = i * 200L;
        }
        Retries r = Retries.of(log(0, at));
        assertEquals(r.busiestMinute(), 100);
        Retries.Judgement j = r.judge(20, 100, OUTAGE);
        assertTrue(j.fails());
        assertTrue(j.finding().startsWith("the device hammered its cloud: 100 connection attempts in the whole 20 s outage"), j.finding());
    }

    @Test
    public void aSlowSteadyRetryPasses() {
        Retries.Judgement j = Retries.of(log(0, 0, 5000, 10000, 15000)).judge(20, 1000, OUTAGE);
        assertFalse(j.fails(), j.finding());
        assertTrue(j.finding().startsWith("the device does not back off, but never retried sooner than 5000 ms"), j.finding());
    }

    @Test
    public void twoConnectionsInABurstAreOneAttempt() {
        List<Connection> c = new ArrayList<>(log(0, 0, 3, 1000, 1002, 3000, 3004));
        Retries r = Retries.of(c);
        assertEquals(r.attempts().size(), 3);
        assertEquals(r.attempts().get(0).connections(), 2);
        assertEquals(r.gaps().stream().map(Retries.Gap::ms).toList(), List.of(997L, 1998L));
    }

    /** A black hole holds each attempt 5 s: the waits are measured from when the device gave up, so a fixed 200 ms shows. */
    @Test
    public void timeHeldInABlackHoleIsNoBackOff() {
        Retries r = Retries.of(log(5000, 0, 5200, 10400, 15600));
        assertEquals(r.gaps().stream().map(Retries.Gap::ms).toList(), List.of(200L, 200L, 200L));
        assertFalse(r.backsOff());
        assertTrue(r.judge(20, 1000, OUTAGE).fails());
    }

    @Test
    public void anAttemptStillHeldHasNoKnownWaitAfterIt() {
        List<Connection> c = new ArrayList<>(log(0, 0, 500));
        c.add(new Connection(T0.plusMillis(1500), null, Answer.BLACK_HOLE, "x"));
        Retries r = Retries.of(c);
        assertEquals(r.attempts().size(), 3);
        assertEquals(r.gaps().size(), 2);
    }
}
