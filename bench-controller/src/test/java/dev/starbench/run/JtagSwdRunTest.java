package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starbench.config.ConfigLoader;
import dev.starbench.report.Hashes;
import dev.starbench.report.ReportVerifier;
import dev.starbench.report.RunRecord;
import dev.starbench.report.TrustedKeys;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * `debug.jtag-swd` in whole runs: a real OpenOCD (Debian's 0.12) through remote_bitbang on the virtual
 * DUT's JTAG port, the shipped virtual fixture unchanged. The pair (jtag-open FAILs, the hardened device
 * PASSes as LOCKED), the fused port with and without a reference board, a bench without a probe, and
 * OpenOCD gone after every run.
 */
public class JtagSwdRunTest {
    private static final String CHECK = "debug.jtag-swd";
    private static final String REFERENCE = """
              reference:
                board: VCAM-1 reference unit 0007 (debug port open)
                id: 0x4ba00477
                recorded: "2026-11-02 by the bench's technician"
            """;
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-jtag-runs");
    }

    /** One run of the check alone; OpenOCD, the virtual DUT and socat are gone after it. */
    private RunRecord.CheckResult run(Path fixture, Path profile, int exitCode) throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir, fixture, profile, List.of(CHECK), null);
        RunRecord.CheckResult c = run.result().record().checks().get(0);
        assertEquals(c.id(), CHECK);
        assertEquals(run.result().exitCode(), exitCode, VirtualRunTest.describe(c) + "\n" + run.progress());
        assertTrue(VirtualBench.liveChildren().isEmpty(), "left running: " + VirtualBench.describe(VirtualBench.liveChildren()));
        last = run.result();
        return c;
    }

    private Runner.Result last;

    @Test
    public void anOpenPortFailsWithTheHashOfTheBytesAndOpenOcdsLog() throws Exception {
        RunRecord.CheckResult c = run(VirtualBench.fixture(), VirtualBench.profileWithFlaws(dir, "jtag-open"), 1);

        assertEquals(c.verdict(), Verdict.FAIL, VirtualRunTest.describe(c));
        byte[] image = Files.readAllBytes(ConfigLoader.loadProfile(VirtualBench.profile("virtual-hardened")).firmware().image());
        String hash = Hashes.sha256(Arrays.copyOf(image, 256));
        assertTrue(c.reason().startsWith("OPEN: the debug port reads memory") && c.reason().contains("flash at 0x00000000: read 256"
                + " bytes, SHA-256 " + hash), c.reason());
        String evidence = VirtualRunTest.evidenceText(c);
        assertTrue(evidence.contains("finding: readable through the debug port: ram at 0x20000000: read 256 bytes"), evidence);
        try (var files = Files.list(last.runDir())) {
            for (Path f : files.toList()) {
                String text = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(hex(image, 32)) || text.contains("0x96f3b83d"), "never the bytes themselves: " + f);
            }
        }

        Path log = last.runDir().resolve("openocd-1.log");
        String text = Files.readString(log);
        assertTrue(text.contains("Open On-Chip Debugger 0.12") && text.contains("remote_bitbang driver initialized")
                && text.contains("tap/device found: 0x4ba00477") && text.contains("shutdown command invoked"), text);
        String requests = Files.readString(last.runDir().resolve("openocd-1-requests.log"));
        assertTrue(requests.contains("> shutdown") && requests.contains("shutdown command invoked"), requests);
        List<RunRecord.FileHash> files = last.record().files();
        assertTrue(files.contains(new RunRecord.FileHash("openocd-1.log", Hashes.sha256(log), Files.size(log))), files.toString());
        assertTrue(files.stream().anyMatch(f -> f.path().equals("openocd-1-requests.log")), files.toString());
    }

    @Test
    public void theHardenedPortIsLockedAndPassesWithItsLockRegister() throws Exception {
        RunRecord.CheckResult c = run(VirtualBench.fixture(), VirtualBench.profileWithFlaws(dir), 0);

        assertEquals(c.verdict(), Verdict.PASS, VirtualRunTest.describe(c));
        String evidence = VirtualRunTest.evidenceText(c);
        assertTrue(evidence.contains("finding: LOCKED: the DP answers (IDCODE 0x4ba00477, DPIDR 0x2ba01477) but every memory"
                + " read is denied"), evidence);
        assertTrue(evidence.contains("AP 1 (nRF52 CTRL-AP, IDR 0x02880000) APPROTECTSTATUS = 0x00000000 (access port protection"
                + " enabled)"), evidence);
        assertTrue(evidence.contains("CSW = 0xa2000000: DeviceEn 0"), evidence);
        assertTrue(evidence.contains("file: OpenOCD's whole log"), evidence);
        // The run directory verifies: OpenOCD's two files are listed with their hashes, nothing else was added.
        ReportVerifier.Result verified = ReportVerifier.verify(last.runDir(), TrustedKeys.ofThisBench());
        assertTrue(verified.ok(), verified.problems().toString());
        List<JsonNode> journal = VirtualRunTest.journal(last.runDir());
        assertTrue(journal.stream().anyMatch(e -> e.path("event").asText().equals("power")
                && e.path("cause").asText().startsWith(CHECK)), "the check asked the strategy for its boot");
        assertEquals(journal.stream().filter(e -> e.path("event").asText().equals("service"))
                .map(e -> e.path("name").asText() + " " + e.path("outcome").asText()).toList(),
                List.of("debug-probe opened", "debug-probe closed"));
    }

    @Test
    public void aFusedPortIsInconclusiveWithoutAReferenceAndPassesWithOne() throws Exception {
        Path fused = declareFused(VirtualBench.profileWithFlaws(dir, "jtag-fused"));

        RunRecord.CheckResult noReference = run(VirtualBench.fixture(), fused, 2);
        assertEquals(noReference.verdict(), Verdict.INCONCLUSIVE, VirtualRunTest.describe(noReference));
        assertTrue(noReference.reason().startsWith("bench could not tell: DEAD: nothing answers on the jtag port: JTAG scan chain interrogation failed:"
                + " all ones"), noReference.reason());
        assertTrue(noReference.reason().endsWith("the maker declares the port fused off, but no reference board's ID is"
                + " recorded for this bench (`debug-probe.reference`), so fused cannot be told from miswired"), noReference.reason());

        Path withReference = VirtualBench.fixtureWith(dir, "virtual-with-reference.yaml", "");
        Files.writeString(withReference, Files.readString(withReference).replace("  port: 21871\n", "  port: 21871\n" + REFERENCE));
        RunRecord.CheckResult passed = run(withReference, fused, 0);
        assertEquals(passed.verdict(), Verdict.PASS, VirtualRunTest.describe(passed));
        assertTrue(VirtualRunTest.evidenceText(passed).contains("as the maker declares, the port is fused off: the same probe"
                + " read ID 0x4ba00477 from the reference board VCAM-1 reference unit 0007 (debug port open) on this bench"
                + " (recorded 2026-11-02 by the bench's technician)"), VirtualRunTest.evidenceText(passed));

        // The same dead port on a device whose maker does not claim it fused: the bench cannot tell a loose wire.
        RunRecord.CheckResult undeclared = run(withReference, VirtualBench.profileWithFlaws(dir, "jtag-fused"), 2);
        assertEquals(undeclared.verdict(), Verdict.INCONCLUSIVE);
        assertTrue(undeclared.reason().endsWith("the maker does not declare the port fused off, so this is a wiring or power"
                + " fault until shown otherwise"), undeclared.reason());
    }

    @Test
    public void aBenchWithoutAProbeIsNotApplicable() throws Exception {
        Path noProbe = VirtualBench.fixtureWith(dir, "virtual-no-probe.yaml", "");
        String text = Files.readString(noProbe);
        Files.writeString(noProbe, text.substring(0, text.indexOf("# The virtual DUT's JTAG port"))
                + text.substring(text.indexOf("logging:")));

        RunRecord.CheckResult c = run(noProbe, VirtualBench.profileWithFlaws(dir, "jtag-open"), 0);
        assertEquals(c.verdict(), Verdict.NOT_APPLICABLE);
        assertEquals(c.reason(), "the fixture wires no debug probe (`debug-probe`): this bench cannot reach a JTAG/SWD port");
    }

    /** The profile's debug-port with the maker's claim that the port is fused off. */
    private Path declareFused(Path profile) throws Exception {
        Path file = dir.resolve("fused-" + profile.getFileName());
        String text = Files.readString(profile);
        String fused = text.replace("  family: nrf52\n", "  family: nrf52\n  fused: true\n");
        assertFalse(fused.equals(text), "the virtual profiles declare `family: nrf52` under debug-port");
        Files.writeString(file, fused);
        return file;
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format("%02x", bytes[i]));
        }
        return s.toString();
    }
}
