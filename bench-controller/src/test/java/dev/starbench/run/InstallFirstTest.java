package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.cli.MainAccess;
import dev.starbench.history.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;

/**
 * A plan entry that installs firmware first, through the profile's update path (http-upload to the
 * virtual DUT's OTA agent, which verifies the signature): a validly signed newer image is installed
 * and booted before the entry's run; a tampered copy is refused and the entry does not run.
 */
public class InstallFirstTest {

    @Test(timeOut = 300_000)
    public void aSignedImageIsInstalledBeforeTheRunAndATamperedOneStopsOnlyItsEntry() throws Exception {
        Path dir = Files.createTempDirectory("starbench-install-first");
        Path profile = UpdateBenchFiles.suppliedProfile(dir.resolve("fw"), false, 300, 1);
        Path newer = dir.resolve("fw/vcam-1.5.0.signed.bin");
        byte[] tampered = Files.readAllBytes(newer);
        tampered[tampered.length / 2] ^= 0x01;
        Path bad = Files.write(dir.resolve("fw/vcam-1.5.0.tampered.bin"), tampered);
        Path plan = dir.resolve("install.yaml");
        Files.writeString(plan, "entries:\n"
                + "  - fixture: " + VirtualBench.fixture() + "\n    device: " + profile + "\n"
                + "    checks: [debug.uart-console]\n    install: [" + newer + "]\n"
                + "  - fixture: " + VirtualBench.fixture() + "\n    device: " + profile + "\n"
                + "    checks: [debug.uart-console]\n    install: [" + bad + "]\n");
        MainAccess.Printed nightly = MainAccess.capture("nightly", "--plan", plan.toString(), "--out",
                dir.resolve("out").toString(), "--lease-dir", dir.resolve("leases").toString(),
                "--history", TestDatabases.sqlite(dir));
        String out = nightly.out();
        assertEquals(nightly.exit(), Nightly.NOT_ALL_RAN, out + nightly.err());
        assertTrue(out.contains("  install vcam-1.5.0.signed.bin via http-upload: multipart POST to http://127.0.0.1:"), out);
        assertTrue(out.contains("   install first: installed; the device boots 1.5.0"), out);
        assertTrue(out.contains("   1  PASS "), out);
        assertTrue(out.contains("  install vcam-1.5.0.tampered.bin via http-upload") && out.contains(": refused: HTTP 400"), out);
        assertTrue(out.contains("   2  NOT RUN       ") && out.contains("the device did not install " + bad), out);
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(files.filter(f -> f.getFileName().toString().endsWith("-install.transcript")).count(), 2,
                    "each install's console is kept");
        }
    }
}
