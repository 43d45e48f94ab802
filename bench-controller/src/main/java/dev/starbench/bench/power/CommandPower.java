package dev.starbench.bench.power;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.PowerConfig;
import java.time.Duration;
import java.util.List;

/**
 * Power driver {@code command}: the lab's own programs switch the supply and, when the fixture gives
 * one, read it back. Each run's exit code and output go into the state's detail, and so into the journal.
 * Without a status command the bench knows only that its command succeeded: "commanded".
 */
public final class CommandPower implements PowerProtocol {
    private final PowerConfig.Command config;
    private final Duration offTime;
    private final Duration timeout;
    private volatile PowerState last;

    public CommandPower(PowerConfig.Command config, Duration offTime) {
        this.config = config;
        this.offTime = offTime;
        this.timeout = Duration.ofMillis(config.timeoutMs());
        this.last = PowerState.unknown(config.status() == null
                ? "no status command, and the bench has not switched the supply yet" : "not read yet");
    }

    @Override
    public PowerState on() throws BenchIoException {
        return set(true, config.on());
    }

    @Override
    public PowerState off() throws BenchIoException {
        return set(false, config.off());
    }

    private PowerState set(boolean on, List<String> argv) throws BenchIoException {
        String word = on ? "on" : "off";
        Program ran = Program.run(argv, timeout);
        if (ran.exit() != 0) {
            last = PowerState.unknown("the power-" + word + " command failed: " + ran.describe());
            throw new BenchIoException(last.detail());
        }
        if (config.status() == null) {
            last = PowerState.commanded(on, "power " + word + ": " + ran.describe()
                    + "; no status command, so the supply is not read back");
            return last;
        }
        PowerState read = read();
        if (!read.isKnown() || read.isOn() != on) {
            throw new BenchIoException("the power-" + word + " command succeeded (" + ran.describe() + ") but the status"
                    + " command then read " + read.word() + ": " + read.detail());
        }
        return new PowerState(read.level(), read.basis(), "power " + word + ": " + ran.describe() + "; then "
                + read.detail());
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

    @Override
    public String describe() {
        return config.describe();
    }

    @Override
    public Duration offTime() {
        return offTime;
    }
}
