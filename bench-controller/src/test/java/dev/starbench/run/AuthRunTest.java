package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The auth checks proved by pairs against the virtual DUT's SSH server and web admin page (the shipped
 * profiles' `logins:`): each login flaw alone FAILs its check, and the hardened device PASSes all four
 * (asserted on MainJobRunTest's run, which runs them); the unit's password, the bench's control,
 * appears in no file of the run directory and not in the progress output.
 */
public class AuthRunTest {
    static final String DEFAULTS = "auth.default-credentials";
    static final String BRUTE = "auth.brute-force";
    static final String CHANGE = "auth.credential-change";
    static final String ENUMERATION = "auth.user-enumeration";
    static final List<String> ALL = List.of(DEFAULTS, BRUTE, CHANGE, ENUMERATION);
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-auth-runs");
    }

    /**
     * The PASS half of the pairs, from the main job's run of the hardened profile (MainJobRunTest), which runs
     * all four: what each decided on.
     */
    static void assertTheHardenedDevicePassedAllFour(Map<String, RunRecord.CheckResult> checks) {
        for (String id : ALL) {
            assertEquals(checks.get(id).verdict(), Verdict.PASS, describe(checks.get(id)));
        }
        String bruteForce = evidence(checks.get(BRUTE));
        assertTrue(bruteForce.contains("locks out within 7 wrong passwords"), bruteForce);
        assertTrue(bruteForce.contains("lets the owner back in"), bruteForce);
        assertTrue(evidence(checks.get(ENUMERATION)).contains("Mann-Whitney U"), evidence(checks.get(ENUMERATION)));
        assertTrue(evidence(checks.get(CHANGE)).contains("the original password is set back"), evidence(checks.get(CHANGE)));
        assertTrue(checks.get(DEFAULTS).measurements().stream().anyMatch(m -> m.name().equals("login.ssh-21886")),
                "every attempt's answer time is a measurement");
    }

    @DataProvider
    public Object[][] flaws() {
        return new Object[][] {
                {"ssh-default-password", DEFAULTS, "ssh:21886: FAIL: accepts the default credential root/root"},
                {"web-default-password", DEFAULTS, "http-form:21887: FAIL: accepts the default credential admin/admin"},
                {"no-login-delay", BRUTE, "guesses an hour"},
                {"permanent-lockout", BRUTE, "permanent lockout"},
                {"user-enumeration", ENUMERATION, "tells the user names apart"},
                {"password-change-ignored", CHANGE, "the old password still logs in"},
        };
    }

    @Test(dataProvider = "flaws")
    public void eachLoginFlawAloneFailsItsCheck(String flaw, String check, String finding) throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir, VirtualBench.fixture(), VirtualBench.profileWithFlaws(dir, flaw), List.of(check), null);
        RunRecord.CheckResult result = VirtualRunTest.byId(run.result().record()).get(check);
        assertEquals(result.verdict(), Verdict.FAIL, describe(result));
        assertTrue(evidence(result).contains(finding), flaw + ": " + describe(result));
        assertNowhere(run, CommsRunTest.PASSWORD);
    }

    /**
     * A device that keeps a password history refuses its label password back, so the bench's restore fails:
     * the verdict's reason says so first, with the password the unit has now, also in the progress, and the
     * evidence keeps what the device did (the change took, the restore was refused).
     */
    @Test
    public void aRestoreTheDeviceRefusesIsSaidLoudlyWithThePasswordTheUnitNowHas() throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir, VirtualBench.fixture(),
                VirtualBench.profileWithFlaws(dir, "refuses-reused-password"), List.of(CHANGE), null);
        RunRecord.CheckResult result = VirtualRunTest.byId(run.result().record()).get(CHANGE);
        assertEquals(result.verdict(), Verdict.INCONCLUSIVE, describe(result));
        Matcher now = Pattern.compile("the unit's password is now the one the bench set: (\\S+)").matcher(result.reason());
        assertTrue(result.reason().startsWith("RESTORE FAILED") && now.find(), describe(result));
        assertTrue(run.progress().contains("RESTORE FAILED") && run.progress().contains(now.group(1)), run.progress());
        String evidence = evidence(result);
        assertTrue(evidence.contains("the change took: after a power cycle the old password is refused and the new one let in"),
                evidence);
        assertTrue(evidence.contains("Password refused: it was used before"), evidence);
        assertNowhere(run, CommsRunTest.PASSWORD);
    }

    /** The secret is in no file of the run directory (journal, record, report, transcript, device log) and not in the progress. */
    static void assertNowhere(VirtualBench.Run run, String secret) throws Exception {
        try (Stream<Path> files = Files.walk(run.result().runDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(secret), f + " holds the unit's password");
            }
        }
        assertFalse(run.progress().contains(secret), "the progress output holds the unit's password");
    }

    static String evidence(RunRecord.CheckResult c) {
        return c.reason() + "\n" + VirtualRunTest.evidenceText(c);
    }

    static String describe(RunRecord.CheckResult c) {
        return VirtualRunTest.describe(c);
    }
}
