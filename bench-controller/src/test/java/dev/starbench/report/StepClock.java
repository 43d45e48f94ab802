package dev.starbench.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves a fixed step on every reading, so journals written in tests are reproducible. */
public final class StepClock extends Clock {

    private Instant next;
    private final Duration step;

    public StepClock(Instant start, Duration step) {
        this.next = start;
        this.step = step;
    }

    public static StepClock standard() {
        return new StepClock(Instant.parse("2025-05-01T09:00:00Z"), Duration.ofMillis(1500));
    }

    @Override
    public synchronized Instant instant() {
        Instant now = next;
        next = next.plus(step);
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
