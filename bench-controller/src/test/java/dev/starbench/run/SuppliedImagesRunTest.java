package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.checks.CheckContext;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The update checks for a lab without the maker's signing key: the profile supplies the maker's newer
 * (1.5.0) and older (1.4.1) images, as MCUboot images the bench reads or as raw bytes whose versions the
 * profile declares. The virtual DUT verifies them as it verifies any update.
 */
public class SuppliedImagesRunTest {
    private static final String BASELINE = "update.baseline";
    private static final String TAMPERED = "update.tampered";
    private static final String ROLLBACK = "update.rollback";
    private static final String POWER_LOSS = "update.power-loss";
    private static final List<String> ALL = List.of(TAMPERED, BASELINE, ROLLBACK, POWER_LOSS);
    private static final long SEED = 20261126L;
    private static final Pattern CUT = Pattern.compile("cut (\\d+)/2 at \\d+ ms \\(([0-9.]+) %\\)");
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-supplied-images");
    }

    /**
     * Both forms on the hardened device, with the same run seed: every check PASSes, each tampered
     * variant the bench can make without the key is its own refused row, and the power cuts fall at
     * the same points of the install in both runs.
     */
    @Test
    public void theHardenedDevicePassesWithTheMakersImagesAndTheSeedRepeatsTheCuts() throws Exception {
        Runner.Result first = run(UpdateBenchFiles.suppliedProfile(dir.resolve("mcuboot"), false, 300, 2), ALL);
        assertEquals(first.record().run().firmwareImages().stream().map(f -> Path.of(f.path()).getFileName().toString()).toList(),
                List.of("vcam-1.4.2.signed.bin", "vcam-1.5.0.signed.bin", "vcam-1.4.1.signed.bin"),
                "the manifest hashes every image the profile names, so a rerun notices a changed one");
        Map<String, RunRecord.CheckResult> mcuboot = checks(first);
        Map<String, RunRecord.CheckResult> raw = checks(run(UpdateBenchFiles.suppliedProfile(dir.resolve("raw"), true, 300, 2), ALL));
        for (Map<String, RunRecord.CheckResult> checks : List.of(mcuboot, raw)) {
            for (String id : ALL) {
                assertEquals(checks.get(id).verdict(), Verdict.PASS, VirtualRunTest.describe(checks.get(id)));
            }
            assertTrue(VirtualRunTest.evidenceText(checks.get(BASELINE)).contains("the newer image 1.5.0 installed"),
                    VirtualRunTest.describe(checks.get(BASELINE)));
            String rollback = VirtualRunTest.evidenceText(checks.get(ROLLBACK));
            assertTrue(rollback.contains("the maker's older image 1.4.1 (older-image vcam-1.4.1.signed.bin)"), rollback);
            assertTrue(rollback.contains("information: a reinstall of the running version 1.5.0 was accepted"), rollback);
            assertTrue(VirtualRunTest.evidenceText(checks.get(POWER_LOSS)).contains("(old = new)"), VirtualRunTest.describe(checks.get(POWER_LOSS)));
            assertTrue(VirtualRunTest.evidenceText(checks.get(POWER_LOSS)).contains("each time, reinstalled over itself"),
                    VirtualRunTest.describe(checks.get(POWER_LOSS)));
        }

        String tampered = VirtualRunTest.evidenceText(mcuboot.get(TAMPERED));
        for (String variant : List.of("payload-byte", "signature-byte", "truncated", "appended", "zero-length", "unsigned", "foreign-key")) {
            assertTrue(tampered.contains("note: " + variant + ": refused"), variant + " has its own row:\n" + tampered);
        }
        assertTrue(tampered.contains("note: wrong-device-type: not tried: it needs the maker's signing key"), tampered);
        assertTrue(tampered.contains("built on the maker's newer image 1.5.0 (newer-image vcam-1.5.0.signed.bin)"), tampered);
        assertTrue(tampered.contains("all 7 tampered copies"), tampered);
        assertTrue(VirtualRunTest.evidenceText(mcuboot.get(BASELINE)).contains("the control ran once for this run"),
                "update.tampered ran first and made the control after its variants");

        String rawTampered = VirtualRunTest.evidenceText(raw.get(TAMPERED));
        for (String variant : List.of("payload-byte", "last-byte", "truncated", "appended", "zero-length")) {
            assertTrue(rawTampered.contains("note: " + variant + ": refused"), variant + " has its own row:\n" + rawTampered);
        }
        for (String variant : List.of("unsigned", "foreign-key", "wrong-device-type")) {
            assertTrue(rawTampered.contains("note: " + variant + ": not tried: raw images cannot be rebuilt"), rawTampered);
        }
        assertTrue(rawTampered.contains("all 5 tampered copies"), rawTampered);

        long derived = CheckContext.seedFor(SEED, POWER_LOSS);
        List<String> cuts = cutPoints(mcuboot.get(POWER_LOSS));
        assertEquals(cuts.size(), 2, VirtualRunTest.describe(mcuboot.get(POWER_LOSS)));
        assertEquals(cutPoints(raw.get(POWER_LOSS)), cuts, "the same run seed, the same cut points");
        for (Map<String, RunRecord.CheckResult> checks : List.of(mcuboot, raw)) {
            assertTrue(VirtualRunTest.evidenceText(checks.get(POWER_LOSS)).contains("(jitter seed " + derived + ", derived from the run's seed)"),
                    VirtualRunTest.describe(checks.get(POWER_LOSS)));
        }
    }

    @Test
    public void skipsHashCheckFailsTamperedOnARawImage() throws Exception {
        RunRecord.CheckResult tampered = checks(run(UpdateBenchFiles.suppliedProfile(dir.resolve("hash"), true, 100, 1,
                "skips-hash-check"), List.of(TAMPERED))).get(TAMPERED);
        assertEquals(tampered.verdict(), Verdict.FAIL, VirtualRunTest.describe(tampered));
        assertTrue(tampered.reason().contains("installed 1 of 1 tampered images: payload-byte ("), tampered.reason());
        assertTrue(tampered.reason().contains("the device runs 1.5.0 instead of 1.4.2"), tampered.reason());
        assertTrue(VirtualRunTest.evidenceText(tampered).contains("note: last-byte: not tried: the device now runs 1.5.0"),
                VirtualRunTest.describe(tampered));
    }

    @Test
    public void acceptsUnsignedFailsTamperedWithoutTheKey() throws Exception {
        RunRecord.CheckResult tampered = checks(run(UpdateBenchFiles.suppliedProfile(dir.resolve("unsigned"), false, 100, 1,
                "accepts-unsigned"), List.of(TAMPERED))).get(TAMPERED);
        assertEquals(tampered.verdict(), Verdict.FAIL, VirtualRunTest.describe(tampered));
        assertTrue(tampered.reason().contains("installed 1 of 6 tampered images: unsigned ("), tampered.reason());
    }

    @Test
    public void acceptsDowngradeFailsRollbackWithTheMakersOlderImage() throws Exception {
        Map<String, RunRecord.CheckResult> checks = checks(run(UpdateBenchFiles.suppliedProfile(dir.resolve("downgrade"), true, 100, 1,
                "accepts-downgrade"), List.of(BASELINE, ROLLBACK)));
        assertEquals(checks.get(BASELINE).verdict(), Verdict.PASS, VirtualRunTest.describe(checks.get(BASELINE)));
        RunRecord.CheckResult rollback = checks.get(ROLLBACK);
        assertEquals(rollback.verdict(), Verdict.FAIL, VirtualRunTest.describe(rollback));
        assertTrue(rollback.reason().contains("installed the older validly signed image 1.4.1 (older-image vcam-1.4.1.signed.bin) over 1.5.0"),
                rollback.reason());
    }

    /**
     * A newer-image that is not newer than the running firmware cannot make the control, and without an
     * older-image there is no rollback to try.
     */
    @Test
    public void noNewerImageIsInconclusiveAndNoOlderImageIsNotApplicable() throws Exception {
        Path profile = UpdateBenchFiles.suppliedProfile(dir.resolve("stale"), false, 100, 1);
        String text = Files.readString(profile).replace("newer-image: vcam-1.5.0.signed.bin", "newer-image: vcam-1.4.2.signed.bin")
                .replace("  older-image: vcam-1.4.1.signed.bin\n", "");
        Files.writeString(profile, text);
        Map<String, RunRecord.CheckResult> checks = checks(run(profile, List.of(TAMPERED, BASELINE, ROLLBACK)));
        RunRecord.CheckResult baseline = checks.get(BASELINE);
        assertEquals(baseline.verdict(), Verdict.INCONCLUSIVE, VirtualRunTest.describe(baseline));
        assertTrue(baseline.reason().contains("the control cannot be made: the maker's newer image is 1.4.2"
                + " (newer-image vcam-1.4.2.signed.bin), not newer than the running 1.4.2"), baseline.reason());
        assertEquals(checks.get(TAMPERED).verdict(), Verdict.INCONCLUSIVE, VirtualRunTest.describe(checks.get(TAMPERED)));
        assertTrue(checks.get(TAMPERED).reason().contains("already runs 1.4.2, not below the maker's newer image"),
                checks.get(TAMPERED).reason());
        RunRecord.CheckResult rollback = checks.get(ROLLBACK);
        assertEquals(rollback.verdict(), Verdict.NOT_APPLICABLE, VirtualRunTest.describe(rollback));
        assertTrue(rollback.reason().contains("supplies none (`firmware.older-image`)"), rollback.reason());
        assertFalse(VirtualRunTest.evidenceText(rollback).contains("push "), "nothing is pushed for a check that cannot apply");
    }

    @Test
    public void aDeclaredVersionThatContradictsTheHeaderIsAProfileError() throws Exception {
        Path profile = UpdateBenchFiles.suppliedProfile(dir.resolve("contradiction"), false, 100, 1);
        Files.writeString(profile, Files.readString(profile).replace("  older-image: vcam-1.4.1.signed.bin\n",
                "  older-image: vcam-1.4.1.signed.bin\n  older-version: \"1.3.0\"\n"));
        RunRecord.CheckResult baseline = checks(run(profile, List.of(BASELINE))).get(BASELINE);
        assertEquals(baseline.verdict(), Verdict.INCONCLUSIVE, VirtualRunTest.describe(baseline));
        assertTrue(baseline.reason().contains("profile error: `firmware.older-version` says 1.3.0, but the header of"
                + " vcam-1.4.1.signed.bin says 1.4.1"), baseline.reason());
    }

    private static List<String> cutPoints(RunRecord.CheckResult powerLoss) {
        List<String> out = new ArrayList<>();
        Matcher m = CUT.matcher(VirtualRunTest.evidenceText(powerLoss));
        while (m.find()) {
            out.add(m.group(1) + "@" + m.group(2));
        }
        return out;
    }

    private Runner.Result run(Path profile, List<String> checks) throws Exception {
        Runner.Result result = VirtualBench.run(dir, VirtualBench.fixture(), profile, checks, SEED).result();
        VirtualBench.assertNothingLeftRunning();
        return result;
    }

    private static Map<String, RunRecord.CheckResult> checks(Runner.Result result) {
        return VirtualRunTest.byId(result.record());
    }
}
