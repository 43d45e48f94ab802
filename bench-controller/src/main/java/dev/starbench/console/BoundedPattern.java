package dev.starbench.console;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Console patterns must be bounded: a {@code .*} run against a flooding console costs time in the
 * size of the flood and can match across a whole boot. Every repetition must name its upper bound
 * ({@code .{0,80}}, {@code \d{1,5}}), so a match is never longer than the overlap the console rescans.
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
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                if (i + 1 < regex.length() && regex.charAt(i + 1) == 'Q') {
                    int end = regex.indexOf("\\E", i + 2);
                    i = end < 0 ? regex.length() : end + 1;
                } else {
                    i++;
                }
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
                if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == '*' || c == '+') {
                throw unbounded(regex, i, String.valueOf(c));
            } else if (c == '{') {
                int close = regex.indexOf('}', i);
                String bounds = close > 0 ? regex.substring(i + 1, close) : "";
                if (bounds.matches("\\d+,")
                        || bounds.matches("\\d+,\\d+") && Long.parseLong(bounds.substring(bounds.indexOf(',') + 1)) > Console.MAX_MATCH) {
                    throw unbounded(regex, i, regex.substring(i, close + 1));
                }
            }
        }
        CHECKED.put(regex, Boolean.TRUE);
    }

    private static IllegalArgumentException unbounded(String regex, int at, String quantifier) {
        String atom = at > 0 ? regex.substring(Math.max(0, at - 1), at) : "";
        String example = atom.equals(".") ? ".{0,80}" : "X{0,80} (or X{1,80})";
        return new IllegalArgumentException("console pattern /" + regex + "/ repeats without bound (`" + quantifier
                + "` at index " + at + "): bound every repetition, e.g. " + example
                + ", so a match stays shorter than " + Console.MAX_MATCH + " chars");
    }
}
