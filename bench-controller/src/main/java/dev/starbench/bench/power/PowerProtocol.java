package dev.starbench.bench.power;

import dev.starbench.bench.BenchIoException;
import java.time.Duration;

/** Switches the DUT's supply. */
public interface PowerProtocol {
    void on() throws BenchIoException;

    void off() throws BenchIoException;

    boolean isOn();

    /** How long the supply must stay off for the DUT to really lose power (a fixture setting). */
    Duration offTime();

    default void cycle() throws BenchIoException {
        off();
        sleepOffTime();
        on();
    }

    /** The off-time is the hardware's need (capacitors draining), not an event one could wait for. */
    default void sleepOffTime() throws BenchIoException {
        try {
            Thread.sleep(offTime().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted during the power off-time", e);
        }
    }
}
