package dev.starbench.console;

import dev.starbench.config.BoundedRegex;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Console patterns must be bounded: a {@code .*} run against a flooding console costs time in the
 * size of the flood and can match across a whole boot. The rule is {@link BoundedRegex}'s, which a
 * profile's patterns meet when it is loaded.
 */
public final class BoundedPattern {
    private static final Map<String, Boolean> CHECKED = new ConcurrentHashMap<>();

    private BoundedPattern() {
    }

    /** Compiles a pattern, refusing an unbounded repetition with a message that says how to bound it. */
    public static Pattern compile(String regex) {
        check(regex);
        return Pattern.compile(regex);
    }

    /** Refuses a pattern compiled elsewhere if it is unbounded; each distinct pattern is analysed once. */
    static void check(Pattern pattern) {
        if (!CHECKED.containsKey(pattern.pattern())) {
            check(pattern.pattern());
        }
    }

    private static void check(String regex) {
        String problem = BoundedRegex.problem(regex);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        CHECKED.put(regex, Boolean.TRUE);
    }
}
