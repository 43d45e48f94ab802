package dev.starbench.vdut.contract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What travels over the virtual DUT's GPIO bridge (one TCP connection on loopback, ASCII lines, no
 * replies), and how a bench line is wired to a device input on the command line
 * ({@code --wire NAME=PIN[:active-low]}). Levels are physical; the wire says what is active.
 */
public final class GpioWire {
    /** The device input that switches its supply; every virtual DUT has one. */
    public static final String POWER = "power";
    /** The device input that erases its user data when held while it runs (a long press). */
    public static final String FACTORY_RESET = "factory-reset";
    /** The boot strap that, held at power-on, restores the boot environment from the factory copy. */
    public static final String RECOVERY = "recovery";
    public static final String WIRE_OPTION = "--wire";
    public static final String LINE_BAUD_OPTION = "--line-baud";
    public static final String SIMULATION_OPTION = "--simulation";
    /** {@code --simulation -}: the settings are stdin's first line (they hold passwords: never a file). */
    public static final String SIMULATION_ON_STDIN = "-";
    public static final String WORK_DIR_OPTION = "--work-dir";

    private static final Pattern LEVEL = Pattern.compile("(\\d{1,3}) ([01])");
    private static final Pattern BAUD = Pattern.compile("baud (\\d{1,9})");
    private static final Pattern WIRE = Pattern.compile("([a-z][a-z0-9-]{0,31})=(\\d{1,3})(?::(active-low|active-high))?");

    private GpioWire() {
    }

    /** A bench output line wired to a device input. */
    public record Wire(String name, int pin, boolean activeLow) {
        /** The {@code --wire} value. */
        public String option() {
            return name + "=" + pin + (activeLow ? ":active-low" : "");
        }

        public boolean isActive(int level) {
            return activeLow ? level == 0 : level == 1;
        }

        /** Null when the value is not of the form NAME=PIN[:active-low|:active-high]. */
        public static Wire parse(String value) {
            Matcher m = WIRE.matcher(value);
            return m.matches() ? new Wire(m.group(1), Integer.parseInt(m.group(2)), "active-low".equals(m.group(3))) : null;
        }
    }

    /** One message on the bridge. */
    public sealed interface Message permits Level, Baud {
        /** The line as sent, without its newline. */
        String line();
    }

    /** A bench output line changed level. */
    public record Level(int pin, boolean high) implements Message {
        @Override
        public String line() {
            return pin + " " + (high ? 1 : 0);
        }
    }

    /** The bench's serial adapter now runs at this rate (a pty has none, so the DUT re-frames bytes itself). */
    public record Baud(int rate) implements Message {
        @Override
        public String line() {
            return "baud " + rate;
        }
    }

    /** The message on one received line, or null when the line is malformed. */
    public static Message parse(String line) {
        Matcher m = LEVEL.matcher(line);
        if (m.matches()) {
            return new Level(Integer.parseInt(m.group(1)), m.group(2).equals("1"));
        }
        m = BAUD.matcher(line);
        if (m.matches()) {
            int rate = Integer.parseInt(m.group(1));
            return rate > 0 ? new Baud(rate) : null;
        }
        return null;
    }
}
