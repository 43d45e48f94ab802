package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.CheckContext;
import dev.starbench.dut.Dut;

/**
 * Where the auth checks need the device, asked of the Dut's strategy: booted to its OS (reused when it
 * is already there), or booted afresh after a power cycle (a changed credential must survive one).
 */
final class DeviceAccess {
    private DeviceAccess() {
    }

    static void booted(CheckContext ctx, String cause) throws BenchIoException {
        ctx.dut().transition(Dut.State.LOGIN, cause);
    }

    static void powerCycled(CheckContext ctx, String cause) throws BenchIoException {
        ctx.dut().freshBoot(cause);
    }

    /** A lockout period is a time the device declares, not an event: only waiting it out shows it ends. */
    static void waitOut(long ms) throws BenchIoException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while waiting for a lockout to end", e);
        }
    }
}
