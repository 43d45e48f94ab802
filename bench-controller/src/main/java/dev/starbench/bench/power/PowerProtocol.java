package dev.starbench.bench.power;

import dev.starbench.bench.BenchIoException;
import java.time.Duration;

/**
 * Switches the DUT's supply, and says what it knows of it. {@link #on()} and {@link #off()} return
 * only once the switch is where it was told to be (confirmed by the switch, or, for a bare relay,
 * commanded), and throw when that cannot be shown within the driver's timeout: a switch that does not
 * answer is a bench fault, never taken for "done".
 */
public interface PowerProtocol {
    PowerState on() throws BenchIoException;

    PowerState off() throws BenchIoException;

    /** Reads the supply's state now; UNKNOWN with the reason when the switch cannot say. Never throws. */
    PowerState status();

    /** What switches the DUT, for messages: "power relay on GPIO 17", "Tasmota plug lab-plug-3 at ssl://…". */
    String describe();

    default boolean isOn() {
        return status().isOn();
    }

    /** How long the supply must stay off for the DUT to really lose power (a fixture setting). */
    Duration offTime();

    default PowerState cycle() throws BenchIoException {
        off();
        sleepOffTime();
        return on();
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
