package dev.starbench.bench.power;

import dev.starbench.bench.BenchIoException;

/**
 * A switch the bench refused to make, so the supply is as it was (the run has already put the DUT in
 * its safe state): a bench fault for whoever asked, but no power event, since nothing changed.
 */
public final class SwitchRefused extends BenchIoException {
    public SwitchRefused(String message) {
        super(message);
    }
}
