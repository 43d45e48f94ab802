package dev.starbench.bench.power;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.PowerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Power driver {@code uhubctl}: a port of a USB hub that switches its ports' power, through the real
 * {@code uhubctl} tool. The state is read from uhubctl's own report: after an action it prints the
 * hub's "New status", whose line for the port says {@code power} when VBUS is on and {@code off}
 * when not. Only the block for the fixture's exact location counts (a USB3 hub's USB2 twin has its
 * own location and is switched along with it by uhubctl).
 */
public final class UhubctlPower extends PowerDriver {
    private static final Pattern HUB = Pattern.compile("^(Current|New) status for hub (\\S+) \\[.*$");
    private static final Pattern PORT = Pattern.compile("^\\s+Port (\\d+): ([0-9a-fA-F]{4})(.*)$");

    private final PowerConfig.Uhubctl config;

    public UhubctlPower(PowerConfig.Uhubctl config, Duration offTime) {
        super(config.describe(), offTime);
        this.config = config;
    }

    @Override
    protected PowerState switchTo(boolean on) throws BenchIoException {
        String action = on ? "on" : "off";
        return confirm(on, "uhubctl was told to switch the port " + action,
                reading(Program.run(command(action), Duration.ofMillis(config.timeoutMs()))));
    }

    @Override
    public PowerState status() {
        try {
            return reading(Program.run(command(null), Duration.ofMillis(config.timeoutMs())));
        } catch (BenchIoException e) {
            return PowerState.unknown(e.getMessage());
        }
    }

    private List<String> command(String action) {
        List<String> argv = new ArrayList<>(List.of(config.binary(), "-l", config.location(), "-p",
                Integer.toString(config.port())));
        if (action != null) {
            argv.addAll(List.of("-a", action));
        }
        return argv;
    }

    /** The port's line in the last status block uhubctl printed for the fixture's hub. */
    PowerState reading(Program ran) {
        if (ran.exit() != 0) {
            return PowerState.unknown(ran.describe());
        }
        String line = null;
        String hub = null;
        for (String l : ran.output().split("\\R")) {
            Matcher h = HUB.matcher(l);
            if (h.matches()) {
                hub = h.group(2);
                continue;
            }
            Matcher p = PORT.matcher(l);
            if (p.matches() && config.location().equals(hub) && Integer.parseInt(p.group(1)) == config.port()) {
                line = l.strip();
            }
        }
        if (line == null) {
            return PowerState.unknown("uhubctl reported no status for hub " + config.location() + " port "
                    + config.port() + ": " + ran.describe());
        }
        Matcher p = PORT.matcher("  " + line);
        p.matches();
        List<String> flags = List.of(p.group(3).strip().split("\\s+"));
        boolean on = flags.contains("power");
        if (!on && !flags.contains("off")) {
            return PowerState.unknown("uhubctl's line for the port says neither power nor off: " + line);
        }
        return PowerState.confirmed(on, "hub " + config.location() + " " + line);
    }
}
