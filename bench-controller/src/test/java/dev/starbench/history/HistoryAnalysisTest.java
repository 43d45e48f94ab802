package dev.starbench.history;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.cli.MainAccess;
import dev.starbench.report.Chromium;
import dev.starbench.report.Measurement;
import dev.starbench.report.RecordBuilder;
import dev.starbench.report.RecordSignature;
import dev.starbench.report.ReportWriter;
import dev.starbench.report.RunManifest;
import dev.starbench.report.StepClock;
import dev.starbench.report.Verdict;
import dev.starbench.run.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Seeded fake histories: run directories built by the test through the real journal, record and
 * signature code (signed with a test key), imported with `starbench history import` into SQLite and
 * into a real PostgreSQL through the same migrations, then read back by `starbench history`.
 */
public class HistoryAnalysisTest {
    private static final long SEED = 20261201L;
    private static final String REPLAY = "comms.replay";
    private static final String BOOTLOADER = "debug.bootloader-interrupt";
    private static final String CONSOLE = "debug.uart-console";
    private static final String NO_BYTE = "bench could not tell: the console sent no byte within 20000 ms of power-on";

    private Path dir;
    private Path key;
    private final List<Path> runs = new ArrayList<>();
    private Path tampered;
    private Path foreign;

    @BeforeClass
    public void seededHistory() throws Exception {
        dir = Files.createTempDirectory("starbench-history");
        key = dir.resolve("test-bench-key.pem");
        Random random = new Random(SEED);
        Instant t = Instant.parse("2026-11-01T01:00:00Z");
        // CAM-A, one firmware, one fixture, one profile: bench-good's verdicts on comms.replay flip
        // between PASS and FAIL (the device); bench-bad cannot even reach the console most nights.
        boolean sawPass = false;
        boolean sawFail = false;
        for (int i = 0; i < 8; i++) {
            boolean replayPasses = i < 2 ? i == 0 : random.nextBoolean();
            sawPass |= replayPasses;
            sawFail |= !replayPasses;
            Map<String, Object[]> v = new LinkedHashMap<>();
            v.put(CONSOLE, new Object[] {Verdict.PASS, null});
            v.put(BOOTLOADER, new Object[] {Verdict.PASS, null});
            v.put(REPLAY, replayPasses ? new Object[] {Verdict.PASS, null}
                    : new Object[] {Verdict.FAIL, "the DUT acted on a replayed signed command"});
            runs.add(run("a-good-" + i, "bench-good", "CAM-A", "2.0.0", t = t.plus(Duration.ofHours(3)), v,
                    1800.0 + random.nextInt(400)));
        }
        assertTrue(sawPass && sawFail, "the seed gives both verdicts");
        for (int i = 0; i < 5; i++) {
            Map<String, Object[]> v = new LinkedHashMap<>();
            v.put(CONSOLE, new Object[] {Verdict.INCONCLUSIVE, NO_BYTE});
            v.put(BOOTLOADER, new Object[] {Verdict.INCONCLUSIVE, NO_BYTE});
            v.put(REPLAY, i == 0 ? new Object[] {Verdict.PASS, null} : new Object[] {Verdict.INCONCLUSIVE,
                    "bench could not tell: no CONNECT from the DUT within 15000 ms"});
            runs.add(run("a-bad-" + i, "bench-bad", "CAM-A", "2.0.0", t = t.plus(Duration.ofHours(3)), v, null));
        }
        // CAM-B: a firmware update breaks the console; the next one fixes it.
        runs.add(run("b-1", "bench-good", "CAM-B", "1.0.0", t = t.plus(Duration.ofHours(3)),
                Map.of(CONSOLE, new Object[] {Verdict.PASS, null}), 2100.0));
        runs.add(run("b-2", "bench-good", "CAM-B", "1.1.0", t = t.plus(Duration.ofHours(3)),
                Map.of(CONSOLE, new Object[] {Verdict.FAIL, "the console gives an interactive shell without login"}), 2300.0));
        runs.add(run("b-3", "bench-good", "CAM-B", "1.1.1", t.plus(Duration.ofHours(3)),
                Map.of(CONSOLE, new Object[] {Verdict.PASS, null}), 2050.0));

        tampered = run("tampered", "bench-good", "CAM-B", "1.1.1", t.plus(Duration.ofHours(4)),
                Map.of(CONSOLE, new Object[] {Verdict.FAIL, "shell without login"}), null);
        Path record = tampered.resolve("record.json");
        Files.writeString(record, Files.readString(record).replace("\"FAIL\"", "\"PASS\""));
        foreign = run("foreign", "bench-good", "CAM-B", "1.1.1", t.plus(Duration.ofHours(5)),
                Map.of(CONSOLE, new Object[] {Verdict.PASS, null}), null);
        RecordSignature.sign(foreign, dir.resolve("someone-elses-key.pem"));
    }

    /** One signed run directory, written as a run writes it: journal, record, outputs, signature. */
    private Path run(String id, String bench, String model, String firmware, Instant start, Map<String, Object[]> verdicts,
                     Double bootMs) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("runs").resolve(id));
        Path journal = runDir.resolve("journal.jsonl");
        List<String> checks = new ArrayList<>(verdicts.keySet());
        checks.sort(null);
        try (Journal j = Journal.create(journal, new StepClock(start, Duration.ofSeconds(7)))) {
            // Each bench has its own fixture file (its bench-id differs), so its own fixture hash.
            j.runStarted(new RunManifest("run-" + id, "0.1.0", "abc1234", bench, "fixtures/" + bench + ".yaml",
                    (bench.equals("bench-good") ? "1" : "2").repeat(64), "device-profiles/" + model + ".yaml", "e".repeat(64), "Camera " + model, model,
                    firmware, checks, "17", "Linux", SEED, List.of()));
            for (String check : checks) {
                Object[] v = verdicts.get(check);
                j.checkStarted(check, check, List.of("S1.1-13"));
                if (bootMs != null && check.equals(CONSOLE)) {
                    j.measurement(check, Measurement.atMost("boot-time", bootMs, "ms", 20000));
                }
                j.checkEnded(check, (Verdict) v[0], (String) v[1], 4200);
            }
            j.finaliser("powered-off", "relay off");
            j.runEnded();
        }
        ReportWriter.writeAll(RecordBuilder.fromJournal(journal), runDir);
        RecordSignature.sign(runDir, key);
        return runDir;
    }

    @DataProvider
    public Object[][] databases() throws Exception {
        return new Object[][] {{"sqlite", TestDatabases.sqlite(Files.createTempDirectory(dir, "sqlite"))},
                {"postgresql", TestDatabases.postgres()}};
    }

    @Test(dataProvider = "databases")
    public void importVerifiesEachRunAndTheHistoryNamesFlakyChecksARegressionAndAnUnhealthyBench(String kind, String url)
            throws Exception {
        Path pub = RecordSignature.publicKeyFile(key);
        List<String> args = new ArrayList<>(List.of("history", "import", "--db", url, "--public-key", pub.toString()));
        runs.forEach(r -> args.add(r.toString()));
        MainAccess.Printed imported = cli(args.toArray(String[]::new));
        assertEquals(imported.exit(), 0, imported.out());
        assertEquals(imported.out().split("imported: ", -1).length - 1, runs.size(), imported.out());

        MainAccess.Printed again = cli("history", "import", "--db", url, "--public-key", pub.toString(), runs.get(0).toString());
        assertEquals(again.exit(), 0, again.out());
        assertTrue(again.out().contains("already in the history: " + runs.get(0)), again.out());

        MainAccess.Printed refused = cli("history", "import", "--db", url, "--public-key", pub.toString(), tampered.toString(),
                foreign.toString());
        assertEquals(refused.exit(), 1, refused.out());
        assertTrue(refused.out().contains("REFUSED: " + tampered + ": does not verify: CHANGED: record.json does not match its "
                + "signature"), refused.out());
        assertTrue(refused.out().contains("REFUSED: " + foreign + ": does not verify: UNTRUSTED: record.json.sig: record.json is validly signed, but by key"),
                refused.out());
        assertEquals(TestDatabases.count(url, "SELECT COUNT(*) FROM runs"), runs.size(), kind);

        MainAccess.Printed history = cli("history", "--db", url);
        assertEquals(history.exit(), 0, history.out());
        String out = history.out();
        String device = line(out, "FLAKY comms.replay on CAM-A 2.0.0 (bench bench-good)");
        assertTrue(device.contains(": PASS in "), device);
        assertTrue(device.contains("device more likely: PASS and FAIL under the same firmware, fixture and profile"), device);
        assertTrue(out.contains("FLAKY comms.replay on CAM-A 2.0.0 (bench bench-bad): PASS in 1, INCONCLUSIVE in 4; "
                + "bench more likely: 4 INCONCLUSIVE: 4 bench fault(s), 0 device death(s), 0 check error(s) "
                + "(e.g. \"bench could not tell: no CONNECT"), out);
        assertFalse(out.contains("FLAKY debug.uart-console"), "always PASS on one bench, always INCONCLUSIVE on the other");
        assertTrue(out.contains("REGRESSION debug.uart-console on CAM-B: PASS in run run-b-1 (firmware 1.0.0, bench "
                + "bench-good, 2026-11-02 19:00) -> FAIL in run run-b-2 (firmware 1.1.0"), out);
        assertTrue(out.contains("FIXED debug.uart-console on CAM-B: FAIL in run run-b-2 (firmware 1.1.0"), out);
        assertTrue(line(out, "  bench-bad ").contains("SUSPECT: bench bench-bad is above the threshold"), out);
        assertFalse(line(out, "  bench-good ").contains("SUSPECT"), out);

        MainAccess.Printed good = cli("history", "--db", url, "--bench", "bench-good", "--device", "CAM-A");
        assertFalse(good.out().contains("bench-bad"), good.out());
        assertTrue(good.out().contains("Flaky checks (verdicts differ under the same firmware, fixture and profile): 1"),
                good.out());
        MainAccess.Printed since = cli("history", "--db", url, "--since", "2026-11-02T19:00:00Z");
        assertTrue(since.out().contains("Verdict matrix (3 run(s), newest first"), since.out());
        MainAccess.Printed badDate = cli("history", "--db", url, "--since", "yesterday");
        assertEquals(badDate.exit(), 3, badDate.err());
        assertTrue(badDate.err().contains("--since: expected a date like 2026-11-01"), badDate.err());
    }

    @Test
    public void theHistoryPageIsOneSelfContainedPageThatChromiumShowsWithTheMatrixAndTrends() throws Exception {
        String url = TestDatabases.sqlite(Files.createTempDirectory(dir, "page"));
        List<String> args = new ArrayList<>(List.of("history", "import", "--db", url, "--public-key",
                RecordSignature.publicKeyFile(key).toString()));
        runs.forEach(r -> args.add(r.toString()));
        assertEquals(cli(args.toArray(String[]::new)).exit(), 0);
        Path page = dir.resolve("history.html");
        MainAccess.Printed history = cli("history", "--db", url, "--html", page.toString());
        assertEquals(history.exit(), 0, history.err());
        String html = Files.readString(page);
        assertTrue(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""), "the CSP of report.html");
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing fetched");

        String dom = Chromium.run(dir, "--dump-dom", "file://" + page.toAbsolutePath());
        assertTrue(dom.contains("<h1>StarBench history</h1>"), dom.substring(0, Math.min(2000, dom.length())));
        assertTrue(dom.contains("class=\"matrix\""), "the verdict matrix");
        assertTrue(dom.contains("class=\"plot trend\" role=\"img\" aria-label=\"boot-time (debug.uart-console)\""),
                "the boot-time trend");
        assertTrue(dom.contains("aria-label=\"comms.replay duration\""), "a check's duration trend");
        assertTrue(dom.contains("suspect: above the threshold"), "the unhealthy bench");
        Path png = dir.resolve("history.png");
        Chromium.run(dir, "--screenshot=" + png, "--window-size=1200,2400", "file://" + page.toAbsolutePath());
        assertTrue(Files.size(png) > 10_000, "a screenshot with content");
    }

    private static String line(String text, String start) {
        for (String l : text.split("\n")) {
            if (l.contains(start)) {
                return l;
            }
        }
        throw new AssertionError("no line with '" + start + "' in:\n" + text);
    }

    private static MainAccess.Printed cli(String... args) {
        return MainAccess.capture(args);
    }
}
