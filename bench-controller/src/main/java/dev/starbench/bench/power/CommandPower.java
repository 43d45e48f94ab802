package dev.starbench.bench.power;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.PowerConfig;
import java.time.Duration;

/**
 * Power driver {@code command}: the lab's own programs switch the supply and, when the fixture gives
 * one, read it back. Each run's exit code and output go into the state's detail, and so into the journal.
 * Without a status command the bench knows only that its command succeeded: "commanded".
 */
public final class CommandPower extends PowerDriver {
    private final PowerConfig.Command config;
    private final Duration timeout;
    private volatile PowerState last;

    public CommandPower(PowerConfig.Command config, Duration offTime) {
        super(config.describe(), offTime);
        this.config = config;
        this.timeout = Duration.ofMillis(config.timeoutMs());
        this.last = PowerState.unknown(config.status() == null
                ? "no status command, and the bench has not switched the supply yet" : "not read yet");
    }

    @Override
    protected PowerState switchTo(boolean on) throws BenchIoException {
        String word = on ? "on" : "off";
        Program ran = Program.run(on ? config.on() : config.off(), timeout);
        if (ran.exit() != 0) {
            last = PowerState.unknown("the power-" + word + " command failed: " + ran.describe());
            throw new BenchIoException(last.detail());
        }
        String done = "power " + word + ": " + ran.describe();
        if (config.status() == null) {
            last = PowerState.commanded(on, done + "; no status command, so the supply is not read back");
            return last;
        }
        return confirm(on, done, read()).after(done);
    }

    @Override
    public PowerState status() {
        if (config.status() == null) {
            return last;
        }
        return read();
    }

    private PowerState read() {
        Program ran;
        try {
            ran = Program.run(config.status(), timeout);
        } catch (BenchIoException e) {
            return last = PowerState.unknown("the status command failed: " + e.getMessage());
        }
        String said = ran.output().strip();
        if (ran.exit() == 0 && said.equalsIgnoreCase(config.statusOn().strip())) {
            return last = PowerState.confirmed(true, ran.describe());
        }
        if (ran.exit() == 0 && said.equalsIgnoreCase(config.statusOff().strip())) {
            return last = PowerState.confirmed(false, ran.describe());
        }
        return last = PowerState.unknown(ran.describe() + " (expected exit 0 and \"" + config.statusOn() + "\" or \""
                + config.statusOff() + "\")");
    }
}
