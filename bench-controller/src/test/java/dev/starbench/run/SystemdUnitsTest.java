package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * scripts/systemd: the nightly service and timer pass `systemd-analyze verify` without a single
 * warning (verify exits 0 on unknown keys and bad values, so its output must be empty too), and
 * the account file makes the starbench user with systemd-sysusers in a scratch root.
 */
public class SystemdUnitsTest {
    private static final Path UNITS = VirtualBench.root().resolve("scripts/systemd");

    private Path dir;

    @BeforeClass
    public void scratch() throws Exception {
        dir = Files.createTempDirectory("starbench-systemd");
    }

    @Test
    public void theServiceAndTimerVerifyCleanly() throws Exception {
        String[] out = verify(copy("ok", Files.readString(UNITS.resolve("starbench-nightly.timer"))));
        assertEquals(out[0], "0", out[1]);
        assertEquals(out[1], "", "systemd-analyze verify said something");
    }

    @Test
    public void verifyWouldNameABrokenUnit() throws Exception {
        String timer = Files.readString(UNITS.resolve("starbench-nightly.timer")).replace("Persistent=true",
                "Persistant=true");
        String[] out = verify(copy("broken", timer));
        assertTrue(out[1].contains("Unknown key 'Persistant' in section [Timer]"), out[1]);
    }

    @Test
    public void theTimerRunsThePlanNightlyAsTheDedicatedUser() throws Exception {
        String timer = Files.readString(UNITS.resolve("starbench-nightly.timer"));
        String service = Files.readString(UNITS.resolve("starbench-nightly.service"));
        assertTrue(timer.contains("\nPersistent=true\n") && timer.contains("\nRandomizedDelaySec="), timer);
        assertTrue(timer.contains("\nUnit=starbench-nightly.service\n") && timer.contains("WantedBy=timers.target"), timer);
        assertTrue(service.contains("\nUser=starbench\n"), service);
        assertTrue(service.contains("\nExecStart=/usr/bin/starbench nightly --plan "), service);
    }

    @Test
    public void sysusersMakesTheAccountWithItsDevicesGroups() throws Exception {
        Path root = Files.createDirectories(dir.resolve("sysusers-root/etc"));
        String[] out = run(List.of("systemd-sysusers", "--root=" + root.getParent(),
                UNITS.resolve("starbench.sysusers").toString()));
        assertEquals(out[0], "0", out[1]);
        String passwd = Files.readString(root.resolve("passwd"));
        assertTrue(passwd.matches("(?s).*\\bstarbench:x:\\d+:\\d+:StarBench bench controller:/var/lib/starbench:.*"), passwd);
        String group = Files.readString(root.resolve("group"));
        assertTrue(group.contains("dialout:x:") && group.matches("(?s).*\\bdialout:x:\\d+:starbench\\b.*"), group);
        assertTrue(group.matches("(?s).*\\bgpio:x:\\d+:starbench\\b.*"), group);
    }

    /**
     * The units in a scratch directory, ExecStart pointing at a stand-in there: verify checks that the
     * command exists, and where the package puts `starbench` is the package's business.
     */
    private Path copy(String name, String timer) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Path exe = d.resolve("starbench");
        Files.writeString(exe, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        String service = Files.readString(UNITS.resolve("starbench-nightly.service"));
        assertTrue(service.contains("ExecStart=/usr/bin/starbench "), service);
        Files.writeString(d.resolve("starbench-nightly.service"), service.replace("ExecStart=/usr/bin/starbench ",
                "ExecStart=" + exe + " "));
        Files.writeString(d.resolve("starbench-nightly.timer"), timer);
        return d;
    }

    private static String[] verify(Path d) throws Exception {
        return run(List.of("systemd-analyze", "verify", "--man=no", d.resolve("starbench-nightly.service").toString(),
                d.resolve("starbench-nightly.timer").toString()));
    }

    /** Exit code and everything printed (stdout and stderr together). */
    private static String[] run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        assertFalse(out.contains("command not found"), out);
        return new String[] {String.valueOf(p.exitValue()), out};
    }
}
