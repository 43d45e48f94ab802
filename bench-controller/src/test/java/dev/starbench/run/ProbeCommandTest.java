package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** `starbench probe` by hand on the virtual bench: what it prints, its exit codes, and its refusals. */
public class ProbeCommandTest {
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-probe");
    }

    private CliTest.Captured probe(Path profile) {
        return CliTest.cli("probe", "--fixture", VirtualBench.fixture().toString(), "--device", profile.toString(),
                "--out", dir.resolve("out").toString(), "--lease-dir", dir.resolve("leases").toString());
    }

    @Test
    public void anOpenPortPrintsWhatItReadAndExitsOne() throws Exception {
        CliTest.Captured c = probe(VirtualBench.profileWithFlaws(dir, "jtag-open"));

        assertEquals(c.exit(), 1, c.out() + c.err());
        assertTrue(c.out().contains("  power on (probe: a fresh boot)"), c.out());
        assertTrue(c.out().contains("\nOPEN: the debug port reads memory: 2 of 2 ranges readable"), c.out());
        assertTrue(c.out().contains("  ID         0x4ba00477\n  DPIDR      0x2ba01477\n  AP 0 IDR 0x24770011\n  AP 1 IDR 0x02880000\n"),
                c.out());
        assertTrue(c.out().contains("  memory     ram at 0x20000000: read 256 bytes, SHA-256 "), c.out());
        assertTrue(c.out().contains("  power off (probe: done)"), c.out());
        assertTrue(VirtualBench.liveChildren().isEmpty(), "left running: " + VirtualBench.describe(VirtualBench.liveChildren()));
    }

    @Test
    public void aLockedPortExitsZeroWithTheLockRegister() throws Exception {
        CliTest.Captured c = probe(VirtualBench.profileWithFlaws(dir));

        assertEquals(c.exit(), 0, c.out() + c.err());
        assertTrue(c.out().contains("  lock       AP 1 (nRF52 CTRL-AP, IDR 0x02880000) APPROTECTSTATUS = 0x00000000 (access port"
                + " protection enabled)"), c.out());
        assertTrue(c.out().contains("OpenOCD's log: " + dir.resolve("out")), c.out());
    }

    @Test
    public void aProfileWithoutADebugPortIsBadInput() throws Exception {
        Path profile = dir.resolve("no-port.yaml");
        String text = Files.readString(VirtualBench.profile("virtual-hardened"));
        Files.writeString(profile, text.substring(0, text.indexOf("# The JTAG port on the board's test pads"))
                + text.substring(text.indexOf("\nsimulation:\n") + 1));

        CliTest.Captured c = probe(profile);
        assertEquals(c.exit(), 3, c.out() + c.err());
        assertTrue(c.err().contains("the profile declares no debug port (add a debug-port section)"), c.err());
    }
}
