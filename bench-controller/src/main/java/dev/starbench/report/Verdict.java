package dev.starbench.report;

/** The four ways a check can end; see ARCHITECTURE.md for what each one promises. */
public enum Verdict {
    PASS,
    FAIL,
    /** The bench could not tell; never used to blame the device for a bench fault. */
    INCONCLUSIVE,
    NOT_APPLICABLE
}
