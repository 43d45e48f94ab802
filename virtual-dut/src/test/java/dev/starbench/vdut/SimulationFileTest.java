package dev.starbench.vdut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.vdut.contract.Flaw;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;

/** The contract's flaw names against what this device really acts out. */
public class SimulationFileTest {
    @Test
    public void everyFlawThisDeviceActsOutIsAcceptedAtStartUp() throws Exception {
        Path dir = Files.createTempDirectory("vdut-flaws");
        for (Flaw flaw : Flaw.values()) {
            if (SimulationFile.actedOutBy(flaw) == null) {
                continue;
            }
            Path file = Files.writeString(dir.resolve(flaw.key() + ".json"), "{\"flaws\":[\"" + flaw.key() + "\"]}");
            assertTrue(SimulationFile.load(file, InputStream.nullInputStream()).has(flaw), flaw.key());
        }
    }

    @Test
    public void aFlawNothingActsOutIsRefusedAtStartUpNamingIt() throws Exception {
        Path file = Files.writeString(Files.createTempDirectory("vdut-flaws").resolve("sim.json"),
                "{\"flaws\":[\"telnet-open\",\"root-console\"]}");

        // The same loader main() uses, told that nothing in this build runs a telnetd.
        StartupException e = expectThrows(StartupException.class, () -> SimulationFile.load(file, InputStream.nullInputStream(),
                f -> f == Flaw.TELNET_OPEN ? null : SimulationFile.actedOutBy(f)));

        assertEquals(e.exitCode(), StartupException.SIMULATION);
        assertTrue(e.getMessage().contains("does not implement the flaw(s) [telnet-open]"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
