package dev.starbench.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Thrown by record constructors and factories. Extends IllegalArgumentException so code that builds
 * the records by hand sees an ordinary argument error, while the loader can read the offending field
 * (relative to the mapping being built) and point at it in the file.
 */
final class InvalidField extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient List<Object> path;
    private final String problem;
    private final boolean missing;

    private InvalidField(String problem, boolean missing, Object... path) {
        super(Paths.render(List.of(path)) + ": " + problem);
        this.path = List.of(path);
        this.problem = problem;
        this.missing = missing;
    }

    /** {@code path} holds String keys and Integer list indices. */
    static InvalidField of(String problem, Object... path) {
        return new InvalidField(problem, false, path);
    }

    static InvalidField missing(Object... path) {
        return new InvalidField("required field is missing", true, path);
    }

    List<Object> path() {
        return path;
    }

    String problem() {
        return problem;
    }

    boolean isMissing() {
        return missing;
    }

    static <T> T required(T value, Object... path) {
        if (value == null) {
            throw missing(path);
        }
        return value;
    }

    static String requiredText(String value, Object... path) {
        required(value, path);
        if (value.isBlank()) {
            throw of("must not be blank", path);
        }
        return value;
    }

    static void check(boolean ok, String problem, Object... path) {
        if (!ok) {
            throw of(problem, path);
        }
    }

    static void gpioLine(int pin, Object... path) {
        // BCM numbering: the SoC exposes GPIO 0..53, only 0..27 reach the header on a Pi.
        check(pin >= 0 && pin <= 53, "must be a GPIO line between 0 and 53, got " + pin, path);
    }

    static void positive(long value, Object... path) {
        check(value > 0, "must be greater than 0, got " + value, path);
    }

    static void notNegative(long value, Object... path) {
        check(value >= 0, "must not be negative, got " + value, path);
    }

    /** A vendor TLV type: MCUboot reserves 0xa0..0xfe in each 256-block of its 16-bit type space. */
    static int vendorTlv(int tlv, Object... path) {
        check(tlv >= 0 && tlv <= 0xffff && (tlv & 0xff) >= 0xa0 && (tlv & 0xff) <= 0xfe,
                String.format("must be an MCUboot vendor TLV (0xXXa0..0xXXfe), got %s", tlv < 0 ? tlv : "0x" + Integer.toHexString(tlv)),
                path);
        return tlv;
    }

    /** One topic name, as MQTT allows it to be published to: no wildcards, no NUL, at most 65535 bytes. */
    static String mqttTopicName(String topic, Object... path) {
        requiredText(topic, path);
        check(!topic.contains("+") && !topic.contains("#"), "a topic name, not a filter: no + or #, got '" + topic + "'", path);
        check(topic.indexOf('\0') < 0 && topic.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 65535,
                "not a valid MQTT topic name", path);
        return topic;
    }

    /** A URL that java.net.URI accepts; its scheme and parts are the caller's to check. */
    static URI requiredUri(String url, Object... path) {
        requiredText(url, path);
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw of("not a URL: " + e.getReason() + " at index " + e.getIndex() + " in '" + url + "'", path);
        }
    }

    /** An http:// or https:// URL that java.net.URI accepts, with a host: what the update path posts to. */
    static void httpUrl(String url, Object... path) {
        URI uri = requiredUri(url, path);
        check(("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null,
                "must be an http:// or https:// URL with a host, got '" + url + "'", path);
    }

    /**
     * A pattern the console matches: a regular expression, bounded as {@link BoundedRegex} requires,
     * with exactly {@code groups} capturing groups (what the check reads from group 1 on).
     */
    static void consolePattern(String regex, int groups, Object... path) {
        int found;
        try {
            found = Pattern.compile(regex).matcher("").groupCount();
        } catch (PatternSyntaxException e) {
            throw of("not a regular expression: " + e.getDescription(), path);
        }
        String unbounded = BoundedRegex.problem(regex);
        check(unbounded == null, unbounded, path);
        check(found == groups, "needs exactly " + groups + " capturing group" + (groups == 1 ? "" : "s") + " (use (?:...)"
                + " for the others), got " + found, path);
    }

    /** An immutable copy; null is empty, and an empty entry ({@code - } with nothing after it) is named. */
    static <T> List<T> list(List<T> values, String name) {
        if (values == null) {
            return List.of();
        }
        for (int i = 0; i < values.size(); i++) {
            required(values.get(i), name, i);
        }
        return List.copyOf(values);
    }

    static List<String> texts(List<String> values, String name) {
        if (values == null) {
            return List.of();
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isEmpty()) {
                throw of("must not be empty", name, i);
            }
        }
        return List.copyOf(values);
    }
}
