package dev.starbench.dut;

/**
 * The strategy could not bring the DUT where a check needs it. Nothing can then be said of the device
 * (the run reports INCONCLUSIVE); the message names the stage the console was last seen at.
 */
public final class TransitionFailed extends RuntimeException {
    private final transient Boot boot;

    TransitionFailed(String message, Boot boot) {
        super(message);
        this.boot = boot;
    }

    /** The boot that fell short; null when the device never started one (no byte from the console). */
    public Boot boot() {
        return boot;
    }
}
