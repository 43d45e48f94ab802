package dev.starbench.checks.resilience;

import dev.starbench.bench.mqtt.CloudEndpoint.Answer;
import dev.starbench.bench.mqtt.CloudEndpoint.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a device retried while its cloud was down, from the TCP connections the cloud saw. Connections
 * that follow the previous one's end within {@link #BURST} are one attempt (a client that tries MQTT
 * 3.1.1 and then 3.1 opens two). A gap is the device's own wait: from the end of one attempt (the
 * reset, or the moment it gave up on a black-holed connection) to the start of the next, so the time a
 * black hole holds an attempt does not pass for back-off.
 *
 * @param attempts        attempts in order, each with the answer its first connection got
 * @param gaps            the waits between attempts; a wait after an attempt the device never gave up on is unknown and left out
 * @param busiestMinute   the most attempts that started within any 60 s of the outage (within the whole outage when it is shorter)
 */
record Retries(List<Attempt> attempts, List<Gap> gaps, int busiestMinute) {
    static final Duration BURST = Duration.ofMillis(100);
    static final Duration MINUTE = Duration.ofSeconds(60);
    /** Later waits this many times the first one mean the device backs off. */
    static final double GROWTH = 1.5;

    record Attempt(Instant at, Instant ended, Answer answer, int connections) {
    }

    /** @param answer how the cloud answered the attempt that ended this wait */
    record Gap(long ms, Answer answer) {
    }

    /** What the judgement says, and whether it is a finding against the device. */
    record Judgement(boolean fails, String finding) {
    }

    static Retries of(List<Connection> connections) {
        List<Attempt> attempts = new ArrayList<>();
        for (Connection c : connections) {
            Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            if (last != null && last.ended() != null && !c.at().isAfter(last.ended().plus(BURST))) {
                attempts.set(attempts.size() - 1, new Attempt(last.at(), later(last.ended(), c.ended()), last.answer(),
                        last.connections() + 1));
            } else {
                attempts.add(new Attempt(c.at(), c.ended(), c.answer(), 1));
            }
        }
        List<Gap> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            Instant end = attempts.get(i - 1).ended();
            if (end != null) {
                gaps.add(new Gap(Math.max(0, Duration.between(end, attempts.get(i).at()).toMillis()), attempts.get(i).answer()));
            }
        }
        int busiest = 0;
        for (int i = 0; i < attempts.size(); i++) {
            Instant until = attempts.get(i).at().plus(MINUTE);
            int n = 0;
            for (int j = i; j < attempts.size() && attempts.get(j).at().isBefore(until); j++) {
                n++;
            }
            busiest = Math.max(busiest, n);
        }
        return new Retries(List.copyOf(attempts), List.copyOf(gaps), busiest);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b == null ? null : a.isAfter(b) ? a : b;
    }

    /** Whether the waits grow: with three or more, the median of the last third is at least {@link #GROWTH} times the first. */
    boolean backsOff() {
        if (gaps.size() < 3) {
            return false;
        }
        List<Long> last = gaps.subList(gaps.size() - Math.max(1, gaps.size() / 3), gaps.size()).stream()
                .map(Gap::ms).sorted().toList();
        long median = last.get(last.size() / 2);
        return median >= GROWTH * Math.max(1, gaps.get(0).ms());
    }

    long shortestGapMs() {
        return gaps.stream().mapToLong(Gap::ms).min().orElse(Long.MAX_VALUE);
    }

    long medianGapMs() {
        List<Long> sorted = gaps.stream().map(Gap::ms).sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    /**
     * PASS when the device made no more than the allowed attempts in any minute and either backs off or
     * never waits less than the minimum interval; FAIL otherwise, saying which.
     */
    Judgement judge(int maxAttemptsPerMinute, long minRetryIntervalMs, Duration outage) {
        String window = outage.compareTo(MINUTE) < 0 ? "the whole " + outage.toSeconds() + " s outage" : "the busiest minute";
        if (busiestMinute > maxAttemptsPerMinute) {
            return new Judgement(true, "the device hammered its cloud: " + busiestMinute + " connection attempts in " + window
                    + " (at most " + maxAttemptsPerMinute + " a minute allowed), waiting " + medianGapMs()
                    + " ms between attempts (median)");
        }
        if (backsOff()) {
            return new Judgement(false, "the device backs off: its waits between attempts grew from " + gaps.get(0).ms()
                    + " ms to " + gaps.get(gaps.size() - 1).ms() + " ms over " + attempts.size() + " attempts, " + busiestMinute
                    + " in " + window + " (at most " + maxAttemptsPerMinute + " allowed)");
        }
        if (gaps.isEmpty()) {
            return new Judgement(false, "the device made " + attempts.size() + " connection attempt(s) during the outage:"
                    + " no retry to judge, and no load on its cloud");
        }
        if (shortestGapMs() >= minRetryIntervalMs) {
            return new Judgement(false, "the device does not back off, but never retried sooner than " + shortestGapMs()
                    + " ms (at least " + minRetryIntervalMs + " ms required) and made " + busiestMinute + " attempts in " + window);
        }
        return new Judgement(true, "the device does not back off: it retried every " + medianGapMs() + " ms (median of "
                + gaps.size() + " waits, shortest " + shortestGapMs() + " ms), below the minimum retry interval of "
                + minRetryIntervalMs + " ms");
    }
}
