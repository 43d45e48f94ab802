package dev.starbench.config;

import java.util.List;

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
