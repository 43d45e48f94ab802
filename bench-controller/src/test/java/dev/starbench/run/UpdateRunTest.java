package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.image.SigningKey;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The update checks against the virtual DUT's OTA agent over real HTTP on loopback: each firmware flaw
 * alone FAILs its check with evidence, and the hardened device PASSes all four, also with power cut in
 * the middle of its updates.
 */
public class UpdateRunTest {
    private static final String BASELINE = "update.baseline";
    private static final String TAMPERED = "update.tampered";
    private static final String ROLLBACK = "update.rollback";
    private static final String POWER_LOSS = "update.power-loss";
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-update-runs");
    }

    @Test
    public void theHardenedDevicePassesAllFourAndEveryPowerCutBootsAValidImage() throws Exception {
        Path profile = UpdateBenchFiles.profile(dir.resolve("hardened"), SigningKey.Type.ECDSA_P256, 600, 5, null);
        Runner.Result result = run(profile, List.of(BASELINE, TAMPERED, ROLLBACK, POWER_LOSS));
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(result.record());
        for (String id : List.of(BASELINE, TAMPERED, ROLLBACK, POWER_LOSS)) {
            assertEquals(checks.get(id).verdict(), Verdict.PASS, VirtualRunTest.describe(checks.get(id)));
        }
        String tampered = VirtualRunTest.evidenceText(checks.get(TAMPERED));
        for (String variant : List.of("payload-byte", "signature-byte", "truncated", "appended", "zero-length",
                "unsigned", "foreign-key", "wrong-device-type")) {
            assertTrue(tampered.contains("note: " + variant + ": refused"), variant + " has its own row:\n" + tampered);
        }
        assertTrue(tampered.contains("ota-agent: refused: image hash mismatch"), "the console shows the decision");
        String powerLoss = VirtualRunTest.evidenceText(checks.get(POWER_LOSS));
        for (int i = 1; i <= 5; i++) {
            assertTrue(powerLoss.contains("cut " + i + "/5 at "), "cut " + i + " is journaled:\n" + powerLoss);
        }
        assertTrue(powerLoss.contains("(old)") || powerLoss.contains("(new)"), powerLoss);
        // Each of its boots after a cut is a point of the report's boot-time plot; the version before the
        // first cut is read from the boot update.rollback left, not from a boot of its own.
        long boots = checks.get(POWER_LOSS).measurements().stream().filter(m -> m.name().equals("boot-time")).count();
        assertEquals(boots, 5, "one boot after each of 5 cuts: " + checks.get(POWER_LOSS).measurements());
        assertTrue(powerLoss.contains("the device runs 1.4.3, as the log of its boot for \"update: power cycle after pushing same-1.4.3\""),
                powerLoss);
        String rollback = VirtualRunTest.evidenceText(checks.get(ROLLBACK));
        assertTrue(rollback.contains("information: a reinstall of the running version"), rollback);
        assertEquals(result.exitCode(), 0);
        assertEquals(result.record().run().firmwareImages().size(), 1, "the manifest names the profile's image");
        assertTrue(result.record().run().firmwareImages().get(0).path().endsWith("vcam-1.4.2.signed.bin"));
    }

    @Test
    public void acceptsUnsignedFailsTampered() throws Exception {
        assertTamperedFails("accepts-unsigned", "unsigned (", SigningKey.Type.ECDSA_P256);
    }

    @Test
    public void acceptsForeignKeyFailsTampered() throws Exception {
        assertTamperedFails("accepts-foreign-key", "foreign-key (", SigningKey.Type.ED25519);
    }

    @Test
    public void skipsHashCheckFailsTampered() throws Exception {
        assertTamperedFails("skips-hash-check", "payload-byte (", SigningKey.Type.ECDSA_P256);
    }

    @Test
    public void acceptsDowngradeFailsRollback() throws Exception {
        Path profile = UpdateBenchFiles.profile(dir.resolve("downgrade"), SigningKey.Type.ECDSA_P256, 100, 1, null, "accepts-downgrade");
        RunRecord.CheckResult rollback = VirtualRunTest.byId(run(profile, List.of(ROLLBACK)).record()).get(ROLLBACK);
        assertEquals(rollback.verdict(), Verdict.FAIL, VirtualRunTest.describe(rollback));
        assertTrue(rollback.reason().contains("installed the older validly signed image 1.4.2 over 1.4.3"), rollback.reason());
    }

    @Test
    public void bricksOnPowerLossFailsPowerLoss() throws Exception {
        // Cuts late in the window may land after the write is done; eight make missing every write vanishingly rare.
        Path profile = UpdateBenchFiles.profile(dir.resolve("bricks"), SigningKey.Type.ECDSA_P256, 600, 8, null, "bricks-on-power-loss");
        Runner.Result result = run(profile, List.of(BASELINE, POWER_LOSS));
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(result.record());
        assertEquals(checks.get(BASELINE).verdict(), Verdict.PASS, VirtualRunTest.describe(checks.get(BASELINE)));
        RunRecord.CheckResult powerLoss = checks.get(POWER_LOSS);
        assertEquals(powerLoss.verdict(), Verdict.FAIL, VirtualRunTest.describe(powerLoss));
        assertTrue(powerLoss.reason().contains("without a bootable image (bricked)"), powerLoss.reason());
        assertTrue(VirtualRunTest.evidenceText(powerLoss).contains("Unable to find bootable image"), VirtualRunTest.describe(powerLoss));
    }

    @Test
    public void theCommandPathRunsTheMakersToolAndReadsItsExitStatus() throws Exception {
        Path dir2 = dir.resolve("command");
        Path profile = UpdateBenchFiles.profile(dir2, SigningKey.Type.ED25519, 100, 1, "", "accepts-unsigned");
        int port = UpdateBenchFiles.portOf(profile);
        // curl stands in for a maker's flashing tool: -f turns an HTTP refusal into a non-zero exit.
        Files.writeString(profile, Files.readString(profile) + "    method: command\n"
                + "    command: [curl, -sS, -f, -F, \"image=@{image}\", \"http://127.0.0.1:" + port + "/update\"]\n");
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(run(profile, List.of(BASELINE, TAMPERED)).record());
        assertEquals(checks.get(BASELINE).verdict(), Verdict.PASS, VirtualRunTest.describe(checks.get(BASELINE)));
        RunRecord.CheckResult tampered = checks.get(TAMPERED);
        assertEquals(tampered.verdict(), Verdict.FAIL, VirtualRunTest.describe(tampered));
        String evidence = VirtualRunTest.evidenceText(tampered);
        assertTrue(evidence.contains("via command: curl"), evidence);
        assertTrue(evidence.contains("payload-byte: installer refused: exit 22"), evidence);
        assertTrue(tampered.reason().contains("unsigned ("), tampered.reason());
    }

    @Test
    public void aFailedControlMakesTheOtherChecksInconclusiveNeverPass() throws Exception {
        // The profile's key is not the one the device trusts: even the newer image is refused.
        Path profile = UpdateBenchFiles.profile(dir.resolve("control"), SigningKey.Type.ECDSA_P256, 100, 1, null);
        SigningKey.generate(SigningKey.Type.ECDSA_P256).writePrivate(profile.resolveSibling("dev-key.pem"));
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(run(profile, List.of(BASELINE, TAMPERED, ROLLBACK)).record());
        for (String id : List.of(BASELINE, TAMPERED, ROLLBACK)) {
            assertEquals(checks.get(id).verdict(), Verdict.INCONCLUSIVE, VirtualRunTest.describe(checks.get(id)));
        }
        assertTrue(checks.get(TAMPERED).reason().contains("control failed"), checks.get(TAMPERED).reason());
    }

    private void assertTamperedFails(String flaw, String variant, SigningKey.Type keyType) throws Exception {
        Path profile = UpdateBenchFiles.profile(dir.resolve(flaw), keyType, 100, 1, null, flaw);
        RunRecord.CheckResult tampered = VirtualRunTest.byId(run(profile, List.of(TAMPERED)).record()).get(TAMPERED);
        assertEquals(tampered.verdict(), Verdict.FAIL, VirtualRunTest.describe(tampered));
        assertTrue(tampered.reason().contains(variant), tampered.reason());
        assertTrue(tampered.reason().contains("installed 1 of 8 tampered images"), tampered.reason());
    }

    private Runner.Result run(Path profile, List<String> checks) throws Exception {
        Runner.Result result = VirtualBench.run(dir, VirtualBench.fixture(), profile, checks, null).result();
        VirtualBench.assertNothingLeftRunning();
        return result;
    }
}
