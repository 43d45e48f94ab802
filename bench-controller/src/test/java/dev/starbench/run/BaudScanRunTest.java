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
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The baud scan against the virtual DUT running at a rate the profile does not declare: the bench's
 * adapter changes rate between boots and the DUT re-frames its bytes as a real UART at the wrong rate
 * would deliver them, so only the true rate reads as text.
 */
public class BaudScanRunTest {
    private static final String SCAN = "debug.baud-scan";
    private static final String UART = "debug.uart-console";
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-baud");
    }

    /** The hardened profile without console.baud, its device at {@code baud} with a 1 s autoboot. */
    static Path profileAt(Path dir, int baud) throws Exception {
        String hardened = Files.readString(VirtualBench.profile("virtual-hardened"));
        String text = hardened
                .replace("console:\n  baud: 115200\n", "console:\n  death-strings: []\n")
                .replace("simulation:\n  baud: 115200\n  bootdelay-s: 2\n", "simulation:\n  baud: " + baud + "\n  bootdelay-s: 1\n")
                // the console check's 46 refusals at 100 ms, not the auth checks' 1 s: the rate is this test's subject
                .replaceFirst("login-fail-delay-ms: \\d+", "login-fail-delay-ms: 100");
        if (text.contains("baud: 115200")) {
            throw new IllegalStateException("virtual-hardened.yaml changed shape: " + text);
        }
        Path file = dir.resolve("virtual-at-" + baud + ".yaml");
        Files.writeString(file, text);
        return file;
    }

    @DataProvider
    public Object[][] rates() {
        return new Object[][] {{57600}, {921600}};
    }

    @Test(dataProvider = "rates")
    public void theScanFindsTheRateAndTheConsoleCheckRunsAtIt(int baud) throws Exception {
        Runner.Result result = run(profileAt(dir, baud), List.of(UART));
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(result.record());
        RunRecord.CheckResult scan = checks.get(SCAN);
        String evidence = VirtualRunTest.evidenceText(scan);
        assertEquals(scan.verdict(), Verdict.PASS, scan.reason() + "\n" + evidence);
        assertTrue(evidence.contains("finding: the console runs at " + baud + " baud"), evidence);
        assertEquals(scan.measurements().size(), 12, "one measurement per candidate and one for the confirmation:\n" + evidence);
        double winner = scan.measurements().stream().filter(m -> m.name().equals("score-" + baud)).findFirst().orElseThrow().value();
        assertTrue(scan.measurements().stream().filter(m -> m.name().startsWith("score-") && !m.name().equals("score-" + baud))
                .allMatch(m -> m.value() < winner), "the detected rate scores highest: " + scan.measurements());
        assertTrue(evidence.contains("ranking: " + baud + " ("), evidence);
        // The hardened device PASSes the console check only if the bench reads its login at the detected rate.
        RunRecord.CheckResult uart = checks.get(UART);
        assertEquals(uart.verdict(), Verdict.PASS, uart.reason() + "\n" + VirtualRunTest.evidenceText(uart));
        assertTrue(VirtualRunTest.evidenceText(uart).contains("at " + baud + " baud"));
        assertTrue(VirtualBench.liveChildren().isEmpty(), "left running: " + VirtualBench.describe(VirtualBench.liveChildren()));
    }

    @Test
    public void theCommandPrintsTheRankingAndTheConfirmedRate() throws Exception {
        CliTest.Captured c = CliTest.cli("baud-scan", "--fixture", VirtualBench.fixture().toString(),
                "--device", profileAt(dir, 921600).toString(), "--transcript", dir.resolve("scan.transcript").toString(),
                "--lease-dir", dir.resolve("leases").toString());
        assertEquals(c.exit(), 0, c.out() + c.err());
        assertTrue(c.out().contains("Console at 921600 baud, confirmed on a second boot."), c.out());
        String ranking = c.out().substring(c.out().indexOf("Ranking:"));
        assertEquals(ranking.lines().filter(l -> l.matches("\\s+\\d+\\s+\\d+\\.\\d.*")).count(), 11L, ranking);
        assertTrue(ranking.lines().skip(2).findFirst().orElseThrow().trim().startsWith("921600 "), ranking);
        assertTrue(Files.size(dir.resolve("scan.transcript")) > 0);
        assertTrue(VirtualBench.liveChildren().isEmpty(), "left running: " + VirtualBench.describe(VirtualBench.liveChildren()));
    }

    @Test
    public void aDeclaredRateMakesTheScanNotApplicable() throws Exception {
        Runner.Result result = run(VirtualBench.profile("virtual-hardened"), List.of(SCAN));
        RunRecord.CheckResult scan = VirtualRunTest.byId(result.record()).get(SCAN);
        assertEquals(scan.verdict(), Verdict.NOT_APPLICABLE);
        assertTrue(scan.reason().contains("console.baud 115200"), scan.reason());
    }

    private Runner.Result run(Path profile, List<String> only) throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir, VirtualBench.fixture(), profile, only, null);
        System.err.print(run.progress());
        return run.result();
    }
}
