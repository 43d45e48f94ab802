package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * auth.default-credentials against the real-Linux DUT's dropbear (scripts/build-linux-dut under QEMU):
 * with ssh-default-password, root/root gets in over SSH (and BusyBox telnetd, which the profile does not
 * declare, is found by the scan and tried as undeclared); the hardened build's dropbear takes keys only,
 * so no password gets in. The profiles are the shipped ones with only their SSH surface declared (the
 * hardened console's default list, at BusyBox login's 3 s a failure, is debug.uart-console's to time).
 */
public class QemuLinuxAuthTest {
    private Path dir;

    @BeforeClass(timeOut = 1_260_000)
    public void buildTheImage() throws Exception {
        LinuxDutImage.ensure();
        dir = Files.createTempDirectory("starbench-linux-auth");
    }

    @Test(timeOut = 600_000)
    public void dropbearWithRootRootFailsAndTheHardenedBuildPasses() throws Exception {
        RunRecord.CheckResult insecure = run("qemu-linux-insecure");
        assertEquals(insecure.verdict(), Verdict.FAIL, VirtualRunTest.describe(insecure));
        // One password database: root/root and admin/admin are dropbear's as much as login's.
        assertTrue(insecure.reason().contains("ssh:21922: accepts the default credentials root/root, admin/admin"), insecure.reason());
        assertTrue(insecure.reason().contains("telnet:21923 (undeclared): accepts the default credentials root/root, admin/admin"),
                insecure.reason());

        RunRecord.CheckResult hardened = run("qemu-linux-hardened");
        assertEquals(hardened.verdict(), Verdict.PASS, VirtualRunTest.describe(hardened));
        assertTrue(VirtualRunTest.evidenceText(hardened).contains("ssh:21922: PASS: takes no password at all"),
                VirtualRunTest.describe(hardened));
    }

    private RunRecord.CheckResult run(String name) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name));
        String profile = Files.readString(VirtualBench.profile(name));
        int console = profile.indexOf("  - surface: console\n");
        if (console >= 0) {
            profile = profile.substring(0, console) + profile.substring(profile.indexOf("simulation:", console));
        }
        Path file = Files.writeString(work.resolve(name + ".yaml"), profile);
        VirtualBench.Run run = VirtualBench.run(work, QemuBench.linuxFixture(work), file, List.of("auth.default-credentials"), null);
        assertTrue(VirtualBench.liveChildren().isEmpty(), "left running: " + VirtualBench.describe(VirtualBench.liveChildren()));
        AuthRunTest.assertNowhere(run, LinuxDutImage.read("root-password").strip());
        return VirtualRunTest.byId(run.result().record()).get("auth.default-credentials");
    }
}
