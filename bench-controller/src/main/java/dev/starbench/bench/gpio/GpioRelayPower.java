package dev.starbench.bench.gpio;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.power.PowerState;
import java.time.Duration;

/**
 * A relay on a GPIO line switching the DUT's supply (fixture driver `gpio-relay`). The line's level is
 * read back after each switch, but that only shows what the bench drives: nothing senses the supply
 * behind the relay, so the state is "commanded", never "confirmed".
 */
public final class GpioRelayPower implements PowerProtocol {
    private final GpioLines.Line relay;
    private final Duration offTime;

    public GpioRelayPower(GpioLines.Line relay, Duration offTime) {
        this.relay = relay;
        this.offTime = offTime;
    }

    @Override
    public PowerState on() throws BenchIoException {
        return set(true);
    }

    @Override
    public PowerState off() throws BenchIoException {
        return set(false);
    }

    private PowerState set(boolean on) throws BenchIoException {
        relay.set(on);
        PowerState now = status();
        if (now.isOn() != on) {
            throw new BenchIoException(describe() + " was switched " + (on ? "on" : "off") + " but its line reads back "
                    + now.word());
        }
        return now;
    }

    @Override
    public PowerState status() {
        boolean high = relay.isHigh();
        boolean on = high ^ relay.activeLow();
        return PowerState.commanded(on, describe() + " " + (on ? "on" : "off") + ": the line reads back "
                + (high ? "high" : "low") + (relay.activeLow() ? " (active-low)" : "")
                + "; no sense input, so the supply itself is not read");
    }

    @Override
    public String describe() {
        return "power relay on GPIO " + relay.pin();
    }

    @Override
    public Duration offTime() {
        return offTime;
    }
}
