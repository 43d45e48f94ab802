package dev.starbench.vdut.contract;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one line the virtual DUT prints on stdout once it is ready: where the bench opens its console
 * (a pty link path without spaces) and the loopback port of its GPIO bridge.
 */
public record ReadyLine(String tty, int gpioPort) {
    private static final Pattern LINE = Pattern.compile("READY tty=(\\S+) gpio=(\\d{1,5})");

    public ReadyLine {
        if (tty == null || tty.isEmpty() || tty.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the tty path must be non-empty and without spaces: " + tty);
        }
        if (gpioPort <= 0 || gpioPort > 65535) {
            throw new IllegalArgumentException("not a TCP port: " + gpioPort);
        }
    }

    public String line() {
        return "READY tty=" + tty + " gpio=" + gpioPort;
    }

    /** The ready line found in one line of the DUT's stdout, if it is one. */
    public static Optional<ReadyLine> parse(String line) {
        Matcher m = LINE.matcher(line);
        return m.find() ? Optional.of(new ReadyLine(m.group(1), Integer.parseInt(m.group(2)))) : Optional.empty();
    }
}
