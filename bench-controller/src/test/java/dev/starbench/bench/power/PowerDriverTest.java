package dev.starbench.bench.power;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.BenchIoException;
import java.time.Duration;
import org.testng.annotations.Test;

/** The rule every driver switches by: only a read-back of the level asked for completes a switch. */
public class PowerDriverTest {

    /** A switch whose read-back after any switch is {@code readBack}. */
    private static PowerDriver readingBack(PowerState readBack) {
        return new PowerDriver("test switch", Duration.ZERO) {
            @Override
            protected PowerState switchTo(boolean on) throws BenchIoException {
                return confirm(on, "switched " + (on ? "on" : "off"), readBack);
            }

            @Override
            public PowerState status() {
                return readBack;
            }
        };
    }

    @Test
    public void anUnknownReadBackIsNeverTakenForOff() {
        PowerDriver driver = readingBack(PowerState.unknown("the PDU read 3"));
        BenchIoException e = expectThrows(BenchIoException.class, driver::off);
        assertEquals(e.getMessage(), "test switch: switched off, but the read-back says unknown: the PDU read 3");
    }

    @Test
    public void theOtherLevelIsABenchFaultAndTheAskedOneIsTheResult() throws Exception {
        PowerState on = PowerState.confirmed(true, "outlet reads 1");
        expectThrows(BenchIoException.class, readingBack(on)::off);
        assertEquals(readingBack(on).on(), on);
        assertEquals(on.after("set outlet = 1"), PowerState.confirmed(true, "set outlet = 1; then outlet reads 1"));
    }
}
