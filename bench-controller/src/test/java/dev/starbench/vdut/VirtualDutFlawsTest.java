package dev.starbench.vdut;

import static org.testng.Assert.assertEquals;

import dev.starbench.config.LinuxDut;
import dev.starbench.vdut.contract.Flaw;
import org.testng.annotations.Test;

/**
 * The profile loader refuses, with its location, the flaws the virtual DUT would refuse at start-up;
 * this holds the loader's list against what the virtual DUT really acts out (in its own package, as
 * the bench never links the virtual DUT's code outside tests).
 */
public class VirtualDutFlawsTest {
    @Test
    public void theLoaderRefusesExactlyTheFlawsTheVirtualDutDoesNotActOut() {
        for (Flaw flaw : Flaw.values()) {
            assertEquals(LinuxDut.ONLY_LINUX.contains(flaw), SimulationFile.actedOutBy(flaw) == null,
                    flaw.key() + ": the profile loader and the virtual DUT disagree on whether it is simulated");
        }
    }
}
