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

    /**
     * The state as the driver last had it from the switch, without asking again where the driver can vouch
     * for it: one the switch confirmed (the detail says how long ago) and has reported no change of since.
     * A driver that holds no such state reads the switch ({@link #status()}). For the strategy's frequent
     * "is it still on?"; a power event and the run's final state always come from a switch or a read.
     */
    default PowerState lastKnown() {
        return status();
    }

    /** What switches the DUT, for messages: "power relay on GPIO 17", "Tasmota plug lab-plug-3 at ssl://…". */
    String describe();

    /** Whether the supply is on as far as the driver knows ({@link #lastKnown()}): UNKNOWN is not on. */
    default boolean isOn() {
        return lastKnown().isOn();
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
