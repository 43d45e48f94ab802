package dev.starbench.vdut.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the simulated device locks a user name out: {@code after} failed logins of that name within
 * {@code windowMs}, on any of its login surfaces, refuse it for {@code forMs}. A locked name gets the
 * same answer, after the same delay, as any other failure. Absent keys take the defaults below.
 *
 * @param after    failures that lock a name; 0: the device never locks one
 * @param windowMs how far back failures count
 * @param forMs    how long a lock lasts
 */
public record Lockout(@JsonProperty("after") Integer after,
                      @JsonProperty("window-ms") Long windowMs,
                      @JsonProperty("for-ms") Long forMs) {
    public static final int DEFAULT_AFTER = 5;
    public static final long DEFAULT_WINDOW_MS = 60_000;
    public static final long DEFAULT_FOR_MS = 30_000;
    public static final Lockout DEFAULTS = new Lockout(null, null, null);

    public Lockout {
        after = after == null ? DEFAULT_AFTER : after;
        windowMs = windowMs == null ? DEFAULT_WINDOW_MS : windowMs;
        forMs = forMs == null ? DEFAULT_FOR_MS : forMs;
    }
}
