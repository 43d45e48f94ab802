package dev.starbench.console;

import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Nothing awaited arrived in time; says what was awaited and what was last seen. */
public final class ExpectTimeout extends Exception {
    private final String lastSeen;

    ExpectTimeout(Duration timeout, Pattern[] patterns, String lastSeen) {
        super("no " + Arrays.stream(patterns).map(p -> "/" + p.pattern() + "/").collect(Collectors.joining(" or "))
                + " within " + timeout.toMillis() + " ms; last seen: " + Printable.of(lastSeen));
        this.lastSeen = lastSeen;
    }

    public String lastSeen() {
        return lastSeen;
    }
}
