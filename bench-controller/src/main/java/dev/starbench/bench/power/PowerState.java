package dev.starbench.bench.power;

import java.util.Objects;

/**
 * What a power driver knows of the DUT's supply, and how it knows it. A report may call the DUT
 * powered off only on a state read back from the switch (or the bench's own output, said as such),
 * never on a switch that did not answer: labs have taken a PDU's "unknown" for "off" before.
 *
 * @param level  ON, OFF, or UNKNOWN when the driver cannot tell
 * @param basis  how the level is known; NONE exactly when it is UNKNOWN
 * @param detail what was read, or why nothing could be (for the journal and the report)
 */
public record PowerState(Level level, Basis basis, String detail) {
    public enum Level { ON, OFF, UNKNOWN }

    public enum Basis {
        /** Read back from the switch itself: the plug's state message, the PDU's outlet, the hub's port, the process. */
        CONFIRMED,
        /** Only the bench's own output is known (a GPIO line read back): the supply itself is not sensed. */
        COMMANDED,
        NONE
    }

    public PowerState {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(detail, "detail");
        if ((level == Level.UNKNOWN) != (basis == Basis.NONE)) {
            throw new IllegalArgumentException("an UNKNOWN level goes with basis NONE, and only it: " + level + "/" + basis);
        }
    }

    public static PowerState confirmed(boolean on, String detail) {
        return new PowerState(on ? Level.ON : Level.OFF, Basis.CONFIRMED, detail);
    }

    public static PowerState commanded(boolean on, String detail) {
        return new PowerState(on ? Level.ON : Level.OFF, Basis.COMMANDED, detail);
    }

    public static PowerState unknown(String why) {
        return new PowerState(Level.UNKNOWN, Basis.NONE, why);
    }

    /** The same state, its detail led by what brought it about: "power on: `relayctl on` exited 0 ...; then ...". */
    public PowerState after(String cause) {
        return new PowerState(level, basis, cause + "; then " + detail);
    }

    public boolean isOn() {
        return level == Level.ON;
    }

    public boolean isKnown() {
        return level != Level.UNKNOWN;
    }

    /** "on", "off" or "unknown", as the journal writes a power event's state. */
    public String word() {
        return level.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** "confirmed", "commanded" or null (unknown), as the journal writes it. */
    public String basisWord() {
        return basis == Basis.NONE ? null : basis.name().toLowerCase(java.util.Locale.ROOT);
    }
}
