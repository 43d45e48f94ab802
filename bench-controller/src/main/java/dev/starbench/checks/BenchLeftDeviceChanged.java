package dev.starbench.checks;

/**
 * The device's own result is known, but the bench could not undo what it did to the unit (a password it
 * set): INCONCLUSIVE, since the unit is no longer as the run found it, with a reason that says so first
 * and not "could not tell".
 */
public class BenchLeftDeviceChanged extends BenchFault {
    public BenchLeftDeviceChanged(String message) {
        super(message);
    }
}
