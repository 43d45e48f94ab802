package dev.starbench.bench.gpio;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.power.PowerDriver;
import dev.starbench.bench.power.PowerState;
import java.time.Duration;

/**
 * A relay on a GPIO line switching the DUT's supply (fixture driver `gpio-relay`). The line's level is
 * read back after each switch, but that only shows what the bench drives: nothing senses the supply
 * behind the relay, so the state is "commanded", never "confirmed".
 */
public final class GpioRelayPower extends PowerDriver {
    private final GpioLines.Line relay;

    public GpioRelayPower(GpioLines.Line relay, Duration offTime) {
        super("power relay on GPIO " + relay.pin(), offTime);
        this.relay = relay;
    }

    @Override
    protected PowerState switchTo(boolean on) throws BenchIoException {
        relay.set(on);
        return confirm(on, "its line was driven " + (on ? "on" : "off"), status());
    }

    @Override
    public PowerState status() {
        boolean high = relay.isHigh();
        boolean on = high ^ relay.activeLow();
        return PowerState.commanded(on, describe() + " " + (on ? "on" : "off") + ": the line reads back "
                + (high ? "high" : "low") + (relay.activeLow() ? " (active-low)" : "")
                + "; no sense input, so the supply itself is not read");
    }
}
