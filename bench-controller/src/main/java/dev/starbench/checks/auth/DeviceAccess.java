package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.dut.Dut;

/** Where the auth checks need the device, asked of the Dut: booted to its OS, or booted afresh after a power cycle. */
final class DeviceAccess {
    private DeviceAccess() {
    }

    static void booted(CheckContext ctx, String cause) throws BenchIoException {
        Dut dut = ctx.dut();
        if (!dut.isPowered()) {
            powerCycled(ctx, cause);
        }
    }

    static void powerCycled(CheckContext ctx, String cause) throws BenchIoException {
        Dut dut = ctx.dut();
        dut.powerCycle(cause);
        if (ctx.profile().console() != null) {
            try {
                dut.awaitOsStart();
            } catch (ExpectTimeout e) {
                throw new BenchFault("the DUT did not start its OS within timeouts.boot-ms after the power cycle: " + e.getMessage(), e);
            }
        }
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
