package dev.starbench.report;

import java.util.Locale;
import java.util.Objects;

/**
 * A number a check measured, with its unit and the limits it is judged against, validated when it
 * is made (as OpenHTF validates a measurement when it is set): a NaN, a blank unit or a range whose
 * low end lies above its high end is a bug in the check, not a reading.
 *
 * @param name  lowercase id such as {@code boot-time}
 * @param low   inclusive lower limit, or null
 * @param high  inclusive upper limit, or null
 */
public record Measurement(String name, double value, String unit, Double low, Double high) {

    /** PASS inside the limits, FAIL outside them, INFO when there are none. */
    public enum Outcome { PASS, FAIL, INFO }

    public Measurement {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("measurement name must be 1 to 64 of [a-z0-9._-], got '" + name + "'");
        }
        finite(value, name + " value");
        Objects.requireNonNull(unit, name + " unit");
        if (unit.isBlank() || unit.length() > 16) {
            throw new IllegalArgumentException(name + ": unit must be 1 to 16 characters (\"1\" for a count), got '" + unit + "'");
        }
        if (low != null) {
            finite(low, name + " low limit");
        }
        if (high != null) {
            finite(high, name + " high limit");
        }
        if (low != null && high != null && low > high) {
            throw new IllegalArgumentException(name + ": low limit " + low + " is above high limit " + high);
        }
    }

    public static Measurement of(String name, double value, String unit) {
        return new Measurement(name, value, unit, null, null);
    }

    public static Measurement atMost(String name, double value, String unit, double max) {
        return new Measurement(name, value, unit, null, max);
    }

    public static Measurement within(String name, double value, String unit, double low, double high) {
        return new Measurement(name, value, unit, low, high);
    }

    public Outcome outcome() {
        if (low == null && high == null) {
            return Outcome.INFO;
        }
        boolean in = (low == null || value >= low) && (high == null || value <= high);
        return in ? Outcome.PASS : Outcome.FAIL;
    }

    /** "boot-time = 2412 ms (≤ 20000): PASS"; numbers in the root locale, so the text is the same everywhere. */
    public String describe() {
        return name + " = " + number(value) + " " + unit + " (" + limits() + "): " + outcome();
    }

    public String limits() {
        if (low != null && high != null) {
            return number(low) + " … " + number(high);
        }
        if (high != null) {
            return "≤ " + number(high);
        }
        if (low != null) {
            return "≥ " + number(low);
        }
        return "no limits";
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                .replaceAll("\\.$", "");
    }

    private static void finite(double v, String what) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be a finite number, got " + v);
        }
    }
}
