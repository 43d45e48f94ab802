package dev.starbench.run;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.power.PowerState;
import dev.starbench.bench.power.SwitchRefused;
import java.time.Duration;

/**
 * A run's power switch as its checks and its finaliser share it. The finaliser's switch is the last:
 * after it every other is refused as a bench fault, so a check still unwinding after a signal (waiting
 * out the off-time of a boot, say) cannot power the DUT again behind the safe state the journal
 * reports; a plug or a PDU would keep it on after the run. Switches go one at a time, so one a check
 * began before the finaliser ends before the finaliser's begins.
 */
final class FinalSwitch implements PowerProtocol {
    private final PowerProtocol driver;
    private boolean finalised;

    FinalSwitch(PowerProtocol driver) {
        this.driver = driver;
    }

    @Override
    public synchronized PowerState on() throws BenchIoException {
        refuseAfterFinaliser();
        return driver.on();
    }

    @Override
    public synchronized PowerState off() throws BenchIoException {
        refuseAfterFinaliser();
        return driver.off();
    }

    /** The finaliser's switch; every later one is refused. */
    synchronized PowerState last(boolean on) throws BenchIoException {
        finalised = true;
        return on ? driver.on() : driver.off();
    }

    private void refuseAfterFinaliser() throws SwitchRefused {
        if (finalised) {
            throw new SwitchRefused("the run has ended and put the DUT in its safe state: " + driver.describe()
                    + " is not switched again");
        }
    }

    @Override
    public PowerState status() {
        return driver.status();
    }

    @Override
    public PowerState lastKnown() {
        return driver.lastKnown();
    }

    @Override
    public String describe() {
        return driver.describe();
    }

    @Override
    public Duration offTime() {
        return driver.offTime();
    }
}
