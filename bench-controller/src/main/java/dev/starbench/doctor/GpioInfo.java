package dev.starbench.doctor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What libgpiod's `gpioinfo CHIP` says about each line: whether someone holds it, and who. The
 * kernel keeps this per line (the chardev's line info); gpioinfo is the standard way to read it
 * without native code. Both output formats are read:
 * <pre>
 * libgpiod 1.x (bookworm):  line  17:   "GPIO17"   "gpio-fan"  output  active-high [used]
 * libgpiod 2.x (trixie):    line  17:   "GPIO17"   output consumer="gpio-fan"
 * </pre>
 */
record GpioInfo(Map<Integer, Line> lines) {
    /** @param consumer who holds the line ("" when the holder gave no name); null when it is free */
    record Line(int offset, String name, String consumer) {
        boolean used() {
            return consumer != null;
        }
    }

    private static final Pattern LINE = Pattern.compile("^\\s{0,8}line\\s{0,8}(\\d{1,4}):\\s{0,80}(.{0,400})$");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]{0,200})\"|unnamed|unused");
    private static final Pattern CONSUMER_V2 = Pattern.compile("consumer=(?:\"([^\"]{0,200})\"|(\\S{1,200}))");

    static GpioInfo parse(String output) {
        Map<Integer, Line> lines = new LinkedHashMap<>();
        for (String text : output.split("\\R")) {
            Matcher m = LINE.matcher(text);
            if (!m.matches()) {
                continue;
            }
            int offset = Integer.parseInt(m.group(1));
            String rest = m.group(2);
            lines.put(offset, new Line(offset, firstWord(rest), consumer(rest)));
        }
        return new GpioInfo(Map.copyOf(lines));
    }

    Optional<Line> line(int offset) {
        return Optional.ofNullable(lines.get(offset));
    }

    private static String firstWord(String rest) {
        Matcher q = QUOTED.matcher(rest);
        return q.lookingAt() && q.group(1) != null ? q.group(1) : "";
    }

    private static String consumer(String rest) {
        Matcher v2 = CONSUMER_V2.matcher(rest);
        if (v2.find()) {
            return v2.group(1) != null ? v2.group(1) : v2.group(2);
        }
        if (!rest.contains("[used]")) {
            return null;
        }
        // 1.x: name, then the consumer in quotes ("unused"/"unnamed" when there is none)
        Matcher q = QUOTED.matcher(rest);
        return q.find() && q.find() && q.group(1) != null ? q.group(1) : "";
    }
}
