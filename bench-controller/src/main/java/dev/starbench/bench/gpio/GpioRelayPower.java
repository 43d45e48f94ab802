package dev.starbench.bench.gpio;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.power.PowerProtocol;
import java.time.Duration;

/** A relay on a GPIO line switching the DUT's supply (fixture driver `gpio-relay`). */
public final class GpioRelayPower implements PowerProtocol {
    private final GpioLines.Line relay;
    private final Duration offTime;

    public GpioRelayPower(GpioLines.Line relay, Duration offTime) {
        this.relay = relay;
        this.offTime = offTime;
    }

    @Override
    public void on() throws BenchIoException {
        relay.set(true);
    }

    @Override
    public void off() throws BenchIoException {
        relay.set(false);
    }

    @Override
    public boolean isOn() {
        return relay.isActive();
    }

    @Override
    public Duration offTime() {
        return offTime;
    }
}
