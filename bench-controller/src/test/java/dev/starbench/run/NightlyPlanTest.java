package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.cli.MainAccess;
import dev.starbench.history.TestDatabases;
import dev.starbench.report.RecordReader;
import dev.starbench.report.RecordSignature;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * `starbench nightly` against the virtual DUT: the hardened device, the same device with a flaw
 * (and a newer firmware version), the hardened one again, and an entry whose profile is missing.
 * One quick check per run keeps it to seconds. The runs go into a temporary SQLite history; the
 * regression and its reversal must show in `starbench history`, and the same once the run
 * directories are imported into a real PostgreSQL.
 */
public class NightlyPlanTest {
    private static final String CONSOLE = "debug.uart-console";

    private Path dir;
    private Path plan;
    private String sqlite;
    private MainAccess.Printed nightly;
    private List<Path> runDirs;

    @BeforeClass(timeOut = 600_000)
    public void runThePlan() throws Exception {
        dir = Files.createTempDirectory("starbench-nightly");
        VirtualBench.profileWithFlaws(dir);
        Path flawed = VirtualBench.profileWithFlaws(dir, "root-console");
        String text = Files.readString(flawed);
        Files.writeString(flawed, text.replaceFirst("firmware-version: \"1.4.2\"", "firmware-version: \"1.4.3\""));
        String fixture = VirtualBench.fixture().toString();
        plan = dir.resolve("nightly.yaml");
        Files.writeString(plan, "name: nightly-test\nentries:\n"
                + entry(fixture, "virtual-hardened.yaml") + entry(fixture, flawed.getFileName().toString())
                + entry(fixture, "virtual-hardened.yaml")
                + "  - fixture: " + fixture + "\n    device: no-such-profile.yaml\n");
        sqlite = TestDatabases.sqlite(dir);
        nightly = MainAccess.capture("nightly", "--plan", plan.toString(), "--out", dir.resolve("out").toString(),
                "--lease-dir", dir.resolve("leases").toString(), "--history", sqlite);
        try (Stream<Path> dirs = Files.list(dir.resolve("out"))) {
            runDirs = dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static String entry(String fixture, String device) {
        return "  - fixture: " + fixture + "\n    device: " + device + "\n    checks: [" + CONSOLE + "]\n";
    }

    @Test
    public void eachEntryIsANormalRunAndOneThatCannotStartDoesNotStopTheOthers() throws Exception {
        String out = nightly.out();
        assertEquals(nightly.exit(), 1, "a FAIL outranks the entry that did not run:\n" + out + nightly.err());
        assertEquals(runDirs.size(), 3, out);
        List<Verdict> verdicts = new ArrayList<>();
        for (Path run : runDirs) {
            verdicts.add(RecordReader.read(run).checks().get(0).verdict());
            assertTrue(Files.isRegularFile(run.resolve("junit.xml")), "CI reads each run's junit.xml");
        }
        assertEquals(verdicts, List.of(Verdict.PASS, Verdict.FAIL, Verdict.PASS), out);
        assertTrue(out.contains("   1  PASS          virtual-hardened.yaml on virtual.yaml  " + runDirs.get(0)), out);
        assertTrue(out.contains("   2  FAIL          virtual-root-console.yaml on virtual.yaml"), out);
        assertTrue(out.contains("   4  NOT RUN       no-such-profile.yaml on virtual.yaml  " + dir.resolve("no-such-profile.yaml")),
                out);
        assertTrue(out.contains("   entry 4 not run: " + dir.resolve("no-such-profile.yaml")) && out.contains("file not found"),
                out);
        assertTrue(out.contains("Plan outcome: exit 1"), out);
        assertEquals(out.split("History: recorded in " + sqlite + "\n", -1).length - 1, 3, out);
    }

    @Test
    public void theSqliteHistoryShowsTheRegressionAndItsReversal() {
        assertRegressionAndFix(MainAccess.capture("history", "--db", sqlite));
    }

    @Test
    public void aRealPostgresqlGetsTheSameHistoryThroughTheSameMigrations() throws Exception {
        String postgres = TestDatabases.postgres();
        List<String> args = new ArrayList<>(List.of("history", "import", "--db", postgres, "--public-key",
                RecordSignature.publicKeyFile(RecordSignature.defaultKeyFile()).toString()));
        runDirs.forEach(r -> args.add(r.toString()));
        MainAccess.Printed imported = MainAccess.capture(args.toArray(String[]::new));
        assertEquals(imported.exit(), 0, imported.out() + imported.err());
        assertRegressionAndFix(MainAccess.capture("history", "--db", postgres));
    }

    private void assertRegressionAndFix(MainAccess.Printed history) {
        String out = history.out();
        assertEquals(history.exit(), 0, out + history.err());
        String first = runDirs.get(0).getFileName().toString();
        String second = runDirs.get(1).getFileName().toString();
        String third = runDirs.get(2).getFileName().toString();
        assertTrue(out.contains("Regressions (PASS on the previous run of the same model, FAIL now): 1\n"
                + "  REGRESSION " + CONSOLE + " on VCAM-1: PASS in run " + first + " (firmware 1.4.2, bench virtual-bench, "),
                out);
        assertTrue(out.contains(") -> FAIL in run " + second + " (firmware 1.4.3, bench virtual-bench, "), out);
        assertTrue(out.contains("Fixed (FAIL on the previous run of the same model, PASS now): 1\n"
                + "  FIXED " + CONSOLE + " on VCAM-1: FAIL in run " + second + " (firmware 1.4.3"), out);
        assertTrue(out.contains(") -> PASS in run " + third + " (firmware 1.4.2"), out);
        assertTrue(out.contains("Flaky checks (verdicts differ under the same firmware, fixture and profile): none"), out);
        assertTrue(out.contains("  " + CONSOLE + "   P   F   P"), "newest first: " + out);
        assertFalse(out.contains("SUSPECT"), out);
    }

    @Test
    public void validateChecksAPlanAndEveryEntryWithLocatedErrors() throws Exception {
        MainAccess.Printed bad = MainAccess.capture("validate", plan.toString());
        assertEquals(bad.exit(), 3, bad.out() + bad.err());
        assertTrue(bad.err().contains("no-such-profile.yaml") && bad.err().contains("file not found"), bad.err());

        Path unknown = dir.resolve("unknown-check.yaml");
        Files.writeString(unknown, "entries:\n  - fixture: " + VirtualBench.fixture() + "\n    device: virtual-hardened.yaml\n"
                + "    checks: [debug.uart-console, debug.nope]\n");
        MainAccess.Printed check = MainAccess.capture("validate", unknown.toString());
        assertEquals(check.exit(), 3, check.err());
        assertTrue(check.err().contains(unknown + ":4:") && check.err().contains(
                "entries[0].checks[1]: unknown check id 'debug.nope'"), check.err());

        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "entries:\n  - fixture: " + VirtualBench.fixture() + "\n    devise: virtual-hardened.yaml\n");
        MainAccess.Printed shape = MainAccess.capture("validate", typo.toString());
        assertEquals(shape.exit(), 3, shape.err());
        assertTrue(shape.err().contains(typo + ":3:5: entries[0].devise: unknown field"), shape.err());

        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "entries:\n  - fixture: " + VirtualBench.fixture() + "\n    device: virtual-hardened.yaml\n");
        MainAccess.Printed ok = MainAccess.capture("validate", good.toString());
        assertEquals(ok.exit(), 0, ok.err());
        assertTrue(ok.out().contains("ok: " + good + " (plan)"), ok.out());

        MainAccess.Printed notAPlan = MainAccess.capture("nightly", "--plan", typo.toString());
        assertEquals(notAPlan.exit(), 3, "a bad plan runs nothing");
    }
}
