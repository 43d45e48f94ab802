package dev.starbench.bench.power;

import dev.starbench.bench.BenchIoException;
import java.time.Duration;

/**
 * What the fixture's power drivers share: on and off are one switch routine, and a switch is done only
 * when the switch's read-back shows the level asked for. One rule for all of them, so no driver can take
 * an UNKNOWN read-back for "off".
 */
public abstract class PowerDriver implements PowerProtocol {
    private final String description;
    private final Duration offTime;

    protected PowerDriver(String description, Duration offTime) {
        this.description = description;
        this.offTime = offTime;
    }

    @Override
    public final PowerState on() throws BenchIoException {
        return switchTo(true);
    }

    @Override
    public final PowerState off() throws BenchIoException {
        return switchTo(false);
    }

    /** Switches the supply and returns the state read back after it, passed through {@link #confirm}. */
    protected abstract PowerState switchTo(boolean on) throws BenchIoException;

    /**
     * The read-back after a switch, when it shows the level asked for; otherwise a bench fault that says
     * what was done and what was read instead.
     *
     * @param done what the driver did, for the fault: "set 1.3.6.1.4.1.318.1.1.4.4.2.1.3.1 = 1 (answered 1)"
     */
    protected final PowerState confirm(boolean on, String done, PowerState read) throws BenchIoException {
        if (!read.isKnown() || read.isOn() != on) {
            throw new BenchIoException(describe() + ": " + done + ", but the read-back says " + read.word() + ": "
                    + read.detail());
        }
        return read;
    }

    @Override
    public final String describe() {
        return description;
    }

    @Override
    public final Duration offTime() {
        return offTime;
    }
}
