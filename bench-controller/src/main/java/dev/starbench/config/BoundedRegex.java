package dev.starbench.config;

/**
 * Whether a regular expression is bounded, as console patterns must be: every repetition names its
 * upper bound ({@code .{0,80}}, {@code \d{1,5}}), at most {@link #MAX_REPEAT}, so a match is never longer
 * than the overlap the console rescans. Here rather than beside the console, so a profile's patterns
 * are refused when it is loaded, not when a check first uses them.
 */
public final class BoundedRegex {
    /** The largest upper bound a repetition may name; the console rescans this much of what it has seen. */
    public static final int MAX_REPEAT = 1024;

    private BoundedRegex() {
    }

    /** Why {@code regex} is unbounded, with how to bound it; null when it is bounded. */
    public static String problem(String regex) {
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
                return unbounded(regex, i, String.valueOf(c));
            } else if (c == '{') {
                int close = regex.indexOf('}', i);
                String bounds = close > 0 ? regex.substring(i + 1, close) : "";
                if (bounds.matches("\\d+,")
                        || bounds.matches("\\d{1,9},\\d{1,18}") && Long.parseLong(bounds.substring(bounds.indexOf(',') + 1)) > MAX_REPEAT
                        || bounds.matches("\\d+,\\d{19,}")) {
                    return unbounded(regex, i, regex.substring(i, close + 1));
                }
            }
        }
        return null;
    }

    private static String unbounded(String regex, int at, String quantifier) {
        String atom = at > 0 ? regex.substring(Math.max(0, at - 1), at) : "";
        String example = atom.equals(".") ? ".{0,80}" : "X{0,80} (or X{1,80})";
        return "console pattern /" + regex + "/ repeats without bound (`" + quantifier
                + "` at index " + at + "): bound every repetition, e.g. " + example
                + ", so a match stays shorter than " + MAX_REPEAT + " chars";
    }
}
