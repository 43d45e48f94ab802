package dev.starbench.bench.debug;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.Bench;
import dev.starbench.bench.Spawner;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DebugPort;
import dev.starbench.config.DebugProbe;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.report.Hashes;
import dev.starbench.run.VirtualBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * A real OpenOCD (Debian's 0.12) on the virtual DUT's JTAG port through remote_bitbang: the three states,
 * the bench's own failure, and the commands it refuses before OpenOCD sees them.
 */
public class DebugAttachTest {
    private Path dir;
    private Fixture fixture;
    private final Spawner spawner = new Spawner("openocd-test");

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-debug");
        // The shipped virtual fixture wires its probe as remote_bitbang on port 21871.
        fixture = ConfigLoader.loadFixture(VirtualBench.fixtureWith(dir, "fixture.yaml", ""));
    }

    @AfterClass(alwaysRun = true)
    public void tearDown() {
        spawner.close();
    }

    /** A virtual DUT with these flaws, powered and past its first console byte, and one attach to it. */
    private Attachment attachTo(boolean power, String... flaws) throws Exception {
        DeviceProfile profile = ConfigLoader.loadProfile(VirtualBench.profileWithFlaws(dir, flaws));
        try (Bench bench = Bench.open(fixture, profile)) {
            if (power) {
                powerUntilItTalks(bench);
            }
            return attach(profile.debugPort(), "attach-" + String.join("+", flaws) + (power ? "" : "-off"));
        }
    }

    private Attachment attach(DebugPort port, String name) throws Exception {
        long start = System.nanoTime();
        long pid;
        Attachment a;
        try (OpenOcd ocd = OpenOcd.start(fixture.debugProbe(), port, dir.resolve(name + ".log"),
                dir.resolve(name + "-requests.log"), spawner)) {
            pid = ocd.pid();
            long started = System.nanoTime();
            a = DebugAttach.run(ocd, fixture.debugProbe(), port, s -> { });
            System.out.printf("%s: OpenOCD up in %.0f ms, attach %.0f ms: %s%n", name, (started - start) / 1e6,
                    (System.nanoTime() - started) / 1e6, a.describe());
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "OpenOCD " + pid + " outlived its close");
        assertTrue(Files.readString(dir.resolve(name + ".log")).contains("shutdown command invoked"),
                "OpenOCD's own log, kept whole to its end");
        return a;
    }

    private static void powerUntilItTalks(Bench bench) throws Exception {
        CountDownLatch talked = new CountDownLatch(1);
        try (SerialLink link = bench.openSerial((data, length, at) -> talked.countDown())) {
            bench.power().on();
            assertTrue(talked.await(20, TimeUnit.SECONDS), "the virtual DUT never printed a byte after power-on");
        }
    }

    @Test
    public void openPortReadsTheFactoryImageAndHashesIt() throws Exception {
        Attachment a = attachTo(true, "jtag-open");

        assertEquals(a.state(), Attachment.State.OPEN, a.describe());
        assertEquals(a.id(), Long.valueOf(0x4ba00477L));
        assertEquals(a.dpidr(), Long.valueOf(0x2ba01477L));
        assertEquals(a.accessPorts().toString(), "[AP 0 IDR 0x24770011, AP 1 IDR 0x02880000]");
        Attachment.MemoryRead flash = a.reads().get(0);
        byte[] image = Files.readAllBytes(ConfigLoader.loadProfile(VirtualBench.profile("virtual-hardened")).firmware().image());
        assertEquals(flash.sha256(), Hashes.sha256(Arrays.copyOf(image, 256)), "the bytes at 0x0 are the factory image's");
        assertTrue(a.reads().get(1).ok(), a.reads().toString());
        assertTrue(a.lockEvidence().stream().anyMatch(l -> l.contains("APPROTECTSTATUS = 0x00000001 (access port protection disabled)")),
                a.lockEvidence().toString());
        assertFalse(a.reason().contains(hexOf(image)), "never the bytes themselves");
        // MCUboot's magic, the factory image's first word, as OpenOCD would print it.
        for (String log : List.of("attach-jtag-open.log", "attach-jtag-open-requests.log")) {
            String text = Files.readString(dir.resolve(log));
            assertFalse(text.contains("0x96f3b83d"), "the bytes read stay out of " + log + ":\n" + text);
            assertTrue(text.contains("0x2ba01477"), "the register reads stay in " + log);
        }
    }

    @Test
    public void hardenedPortAnswersButDeniesMemoryWithTheLockRegisters() throws Exception {
        Attachment a = attachTo(true);

        assertEquals(a.state(), Attachment.State.LOCKED, a.describe());
        assertTrue(a.reads().stream().noneMatch(Attachment.MemoryRead::ok));
        assertTrue(a.reason().contains("APPROTECTSTATUS = 0x00000000 (access port protection enabled)"), a.reason());
        assertTrue(a.reason().contains("DeviceEn 0"), a.reason());
        assertTrue(a.reads().get(0).error().contains("Failed to read memory at 0x00000000"), a.reads().toString());
    }

    @Test
    public void fusedPortIsDeadWithAllOnes() throws Exception {
        Attachment a = attachTo(true, "jtag-fused");

        assertEquals(a.state(), Attachment.State.DEAD, a.describe());
        assertTrue(a.reason().contains("all ones"), a.reason());
        assertNull(a.id());
    }

    @Test
    public void unpoweredBoardIsDeadWithAllZeroes() throws Exception {
        Attachment a = attachTo(false, "jtag-open");

        assertEquals(a.state(), Attachment.State.DEAD, a.describe());
        assertTrue(a.reason().contains("all zeroes"), a.reason());
    }

    @Test
    public void anAdapterThatNeverComesUpIsTheBenchsFaultNotADeadPort() throws Exception {
        DeviceProfile profile = ConfigLoader.loadProfile(VirtualBench.profile("virtual-hardened"));
        // Nothing listens there: OpenOCD's adapter fails before any scan.
        DebugProbe nowhere = new DebugProbe(DebugProbe.REMOTE_BITBANG, "jtag", 1000, null, 0, null, null, null, 21879, null,
                null, null, 5000, null);
        try (OpenOcd ocd = OpenOcd.start(nowhere, profile.debugPort(), dir.resolve("nowhere.log"),
                dir.resolve("nowhere-requests.log"), spawner)) {
            Attachment a = DebugAttach.run(ocd, nowhere, profile.debugPort(), s -> { });
            assertEquals(a.state(), Attachment.State.UNKNOWN, a.describe());
            assertTrue(a.reason().startsWith("the adapter (remote_bitbang) did not come up"), a.reason());
            assertTrue(a.reason().contains("Failed to connect"), a.reason());
        }
    }

    @Test
    public void anotherPartOnTheChainIsNotTakenForTheDut() throws Exception {
        DeviceProfile profile = ConfigLoader.loadProfile(VirtualBench.profileWithFlaws(dir, "jtag-open"));
        DebugPort other = new DebugPort("jtag", DebugPort.NRF52, null, 0x6ba00477L, profile.debugPort().memory(), false,
                false, false, null, 8);
        try (Bench bench = Bench.open(fixture, profile)) {
            powerUntilItTalks(bench);
            Attachment a = attach(other, "other-part");
            assertEquals(a.state(), Attachment.State.UNKNOWN, a.describe());
            assertTrue(a.reason().contains("IDCODE 0x4ba00477, but the profile expects 0x6ba00477"), a.reason());
        }
    }

    @Test
    public void destructiveCommandsAreRefusedBeforeOpenOcdSeesThem() throws Exception {
        DeviceProfile profile = ConfigLoader.loadProfile(VirtualBench.profileWithFlaws(dir));
        Path vdutLog = dir.resolve("refusal-vdut.log");
        Path log = dir.resolve("refusal.log");
        List<String> smuggled = List.of("nrf52_recover", "stm32f1x unlock 0", "stm32f2x unlock 0",
                "flash erase_sector 0 0 last", "flash write_image erase fw.bin", "stm32f1x options_write 0 SWWDG",
                "mww 0x20000000 0", "starbench.mem write_memory 0x20000000 32 {0}", "starbench.dap apreg 1 4 1",
                "starbench.dap dpreg 4 0", "reset halt", "reset", "halt", "adapter assert srst", "load_image fw.bin 0",
                "version; nrf52_recover", "version\nnrf52_recover", "version [nrf52_recover]",
                "starbench.dap apreg 1 [expr 4] 1", "set x nrf52_recover", "eval nrf52_recover", "$cmd", "{nrf52_recover}");
        try (Bench bench = Bench.open(fixture, profile)) {
            bench.virtualDut().keepLogAs(vdutLog);
            powerUntilItTalks(bench);
            try (OpenOcd ocd = OpenOcd.start(fixture.debugProbe(), profile.debugPort(), log,
                    dir.resolve("refusal-requests.log"), spawner)) {
                assertTrue(ocd.call("init").ok());
                for (String command : smuggled) {
                    ReadOnlyCommands.Refused refused = expectThrows(ReadOnlyCommands.Refused.class, () -> ocd.call(command));
                    assertTrue(refused.getMessage().startsWith("refused before OpenOCD saw it"), refused.getMessage());
                }
                assertEquals(ocd.call("starbench.dap apreg 1 0xc").result(), "0x00000000", "still protected");
            }
        }
        String sent = Files.readString(dir.resolve("refusal-requests.log"));
        for (String command : smuggled) {
            assertFalse(sent.contains(command), "sent: " + command);
        }
        assertFalse(sent.contains("recover") || sent.contains("unlock") || sent.contains("erase") || sent.contains("mww"), sent);
        assertFalse(Files.readString(vdutLog).contains("ERASEALL"), "the device never saw an erase-all");
    }

    private static String hexOf(byte[] image) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            s.append(String.format("%02x", image[i]));
        }
        return s.toString();
    }
}
