package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The auth checks on the surfaces a profile may add or leave out: the console's login and passwd, and a
 * telnetd the profile does not declare. A class apart from AuthRunTest's pairs so that the two run side by side.
 */
public class AuthSurfacesRunTest {
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-auth-surfaces");
    }

    /** telnetd is not in the profile's logins: the scan finds it, and its default password is found there, named as undeclared. */
    @Test
    public void anUndeclaredTelnetIsTriedAndNamedSo() throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir, VirtualBench.fixture(),
                VirtualBench.profileWithFlaws(dir, "telnet-open", "default-password"), List.of(AuthRunTest.DEFAULTS), null);
        RunRecord.CheckResult result = VirtualRunTest.byId(run.result().record()).get(AuthRunTest.DEFAULTS);
        assertEquals(result.verdict(), Verdict.FAIL, AuthRunTest.describe(result));
        assertTrue(result.reason().contains("telnet:21890 (undeclared): accepts the default credentials root/root, admin/admin"),
                AuthRunTest.describe(result));
    }

    /**
     * The console as a login surface (the shipped profiles leave it to debug.uart-console): its default
     * list through the console engine's Login, and a change by BusyBox-style passwd that survives the
     * power cycle and is set back. With default-password, root/root gets in there.
     */
    @Test
    public void theConsoleSurfaceTriesItsDefaultsAndChangesItsPasswordByPasswd() throws Exception {
        String console = "logins:\n  - surface: console\n    credential: {user: admin, password: \"" + CommsRunTest.PASSWORD + "\"}\n"
                + "    min-failure-delay-ms: 200\n    attempts: 6\n    lockout-ms: 3000\n    change: {method: passwd}\nsimulation:\n";
        String hardened = Files.readString(VirtualBench.profile("virtual-hardened"));
        String text = hardened.substring(0, hardened.indexOf("logins:\n")) + console
                + hardened.substring(hardened.indexOf("simulation:\n") + "simulation:\n".length());
        text = text.replace("login-fail-delay-ms: 1000", "login-fail-delay-ms: 200")
                .replace("lockout: {after: 5, window-ms: 60000, for-ms: 5000}", "lockout: {after: 5, window-ms: 60000, for-ms: 2000}")
                .replace("    ssh-port: 21886\n    http-port: 21887\n", "");
        Path clean = Files.writeString(dir.resolve("console-logins.yaml"), text);
        VirtualBench.Run run = VirtualBench.run(dir, VirtualBench.fixture(), clean, List.of(AuthRunTest.DEFAULTS, AuthRunTest.BRUTE, AuthRunTest.CHANGE), null);
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(run.result().record());
        for (String id : List.of(AuthRunTest.DEFAULTS, AuthRunTest.BRUTE, AuthRunTest.CHANGE)) {
            assertEquals(checks.get(id).verdict(), Verdict.PASS, AuthRunTest.describe(checks.get(id)));
        }
        assertTrue(AuthRunTest.evidence(checks.get(AuthRunTest.CHANGE)).contains("console: PASS: the change took"), AuthRunTest.evidence(checks.get(AuthRunTest.CHANGE)));
        AuthRunTest.assertNowhere(run, CommsRunTest.PASSWORD);

        Path flawed = Files.writeString(dir.resolve("console-default-password.yaml"),
                text.replace("flaws: []", "flaws: [default-password]"));
        RunRecord.CheckResult defaults = VirtualRunTest.byId(VirtualBench.run(dir, VirtualBench.fixture(), flawed, List.of(AuthRunTest.DEFAULTS), null)
                .result().record()).get(AuthRunTest.DEFAULTS);
        assertEquals(defaults.verdict(), Verdict.FAIL, AuthRunTest.describe(defaults));
        assertTrue(defaults.reason().contains("console: accepts the default credentials root/root, admin/admin"), AuthRunTest.describe(defaults));
    }
}
