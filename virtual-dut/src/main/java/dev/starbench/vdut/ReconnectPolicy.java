package dev.starbench.vdut;

import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.SimulationSettings;
import java.util.Random;

/**
 * How long the cloud client waits before its next connection attempt. Hardened: exponential back-off
 * with equal jitter, from {@link #BASE_MS} after the first failure, doubling per failure in a row, up
 * to the simulation's cap; the wait is drawn between half the step and the step, from this device's
 * own randomness, so a fleet that lost its cloud together does not return in step. With
 * {@code no-reconnect-backoff} it retries every {@link #FIXED_MS}, however long the cloud is gone.
 * The base is low enough that, under the shipped profiles' 2 s cap, the first measured wait (at most
 * 500 ms) is below two thirds of any capped one (at least 1000 ms): the bench's growth rule then sees a
 * back-off every time, where from 500 ms the jitter made it a coin toss.
 */
final class ReconnectPolicy {
    static final long BASE_MS = 250;
    static final long FIXED_MS = 200;

    private final boolean fixed;
    private final long capMs;
    private final Random random = new Random();

    ReconnectPolicy(SimulationSettings sim) {
        this.fixed = sim.has(Flaw.NO_RECONNECT_BACKOFF);
        this.capMs = sim.reconnectCapMs();
    }

    /** @param failures attempts that failed in a row since the last connection (1 after the first) */
    long delayMs(int failures) {
        if (fixed) {
            return FIXED_MS;
        }
        long step = capMs;
        if (failures <= 30) {
            step = Math.min(capMs, BASE_MS << Math.max(0, failures - 1));
        }
        return step / 2 + random.nextLong(step / 2 + 1);
    }
}
