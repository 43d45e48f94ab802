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

    @Test
    public void debugPortSettingsAreCheckedAtStartUp() throws Exception {
        Path dir = Files.createTempDirectory("vdut-debug");
        String[][] cases = {
                {"{\"debug-port\":{}}", "give exactly one of port (TCP on 127.0.0.1) and socket"},
                {"{\"debug-port\":{\"port\":1,\"socket\":\"/tmp/x\"}}", "give exactly one of port"},
                {"{\"debug-port\":{\"port\":70000}}", "port must be 1..65535"},
                {"{\"debug-port\":{\"port\":21871,\"idcode\":1268778102}}", "bit 0 set, was 0x4ba00476"},
                {"{\"flaws\":[\"jtag-open\",\"jtag-fused\"]}", "jtag-open and jtag-fused exclude each other"},
        };
        for (String[] c : cases) {
            Path file = Files.writeString(dir.resolve("sim.json"), c[0]);
            StartupException e = expectThrows(StartupException.class, () -> SimulationFile.load(file, InputStream.nullInputStream()));
            assertEquals(e.exitCode(), StartupException.SIMULATION, c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        Path ok = Files.writeString(dir.resolve("ok.json"), "{\"debug-port\":{\"port\":21871}}");
        assertEquals(SimulationFile.load(ok, InputStream.nullInputStream()).debugPort().idcode(), 0x4ba00477L);
    }
}
