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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The lifecycle checks as whole runs against the virtual DUT through the shipped fixture and profile:
 * the hardened device PASSes all three, each lifecycle flaw alone FAILs its check with the evidence the
 * issue names, and runs with the same seed cut at the same points, which are the plan's.
 */
public class LifecycleRunTest {
    static final String OUTAGE = "resilience.cloud-outage";
    static final String SOAK = "resilience.power-cut-soak";
    static final String RESET = "erase.factory-reset";
    private static final long SEED = 0x5eed_0016L;
    private static final Pattern PLAN = Pattern.compile("(\\d{1,4}) power cuts at \\[([0-9, ]{1,400})\\] ms after power-on");
    /** The shipped profile's soak: 8 cuts in the first 3600 ms. */
    private static final List<Long> EXPECTED_PLAN = dev.starbench.checks.resilience.CutPlanAccess.points(
            CheckContext.seedFor(SEED, SOAK), 8, 3600);
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-lifecycle-runs");
    }

    @Test
    public void theHardenedDevicePassesAllThree() throws Exception {
        Path out = Files.createDirectories(dir.resolve("hardened"));
        Runner.Result result = VirtualBench.run(out, VirtualBench.fixture(), VirtualBench.profile("virtual-hardened"),
                List.of(OUTAGE, SOAK, RESET), SEED).result();
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(result.record());
        for (String id : List.of(OUTAGE, SOAK, RESET)) {
            assertEquals(checks.get(id).verdict(), Verdict.PASS, VirtualRunTest.describe(checks.get(id)));
        }
        assertEquals(result.exitCode(), 0);

        RunRecord.CheckResult soak = checks.get(SOAK);
        assertEquals(plannedCuts(soak), EXPECTED_PLAN, "the plan of the run's seed");
        List<String> order = soak.measurements().stream().map(RunRecord.MeasurementResult::name)
                .filter(n -> n.equals("cut-point") || n.equals("boot-time")).toList();
        assertEquals(order.stream().filter("cut-point"::equals).count(), 8L, order.toString());
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).equals("cut-point")) {
                assertEquals(order.get(i + 1), "boot-time", "every cut is followed by its boot's time: " + order);
            }
        }
        assertTrue(VirtualRunTest.evidenceText(soak).contains("transcript: the boot after the last cut"), VirtualRunTest.describe(soak));

        RunRecord.CheckResult outage = checks.get(OUTAGE);
        assertTrue(outage.reason() == null, outage.reason());
        assertTrue(VirtualRunTest.evidenceText(outage).contains("finding: the device backs off: its waits between attempts grew from"),
                VirtualRunTest.describe(outage));
        assertTrue(outage.measurements().stream().filter(m -> m.name().startsWith("retry-gap.")).count() >= 3,
                VirtualRunTest.describe(outage));
        assertTrue(outage.measurements().stream().anyMatch(m -> m.name().equals("resume-subscribed-time")),
                VirtualRunTest.describe(outage));

        RunRecord.CheckResult reset = checks.get(RESET);
        String resetText = VirtualRunTest.evidenceText(reset);
        assertTrue(resetText.contains("no canary was found: places [device label (a setting), Wi-Fi passphrase, cloud user name,"
                + " cloud password, admin's password, a log line], searched through 6 read-back path(s), the console login,"
                + " the device's cloud CONNECT"), resetText);
        assertTrue(resetText.contains("note: the planted password of admin is refused at the console login"), resetText);

        String html = Files.readString(result.runDir().resolve("report.html"));
        assertTrue(html.contains("class=\"plot soak\"") && html.contains("class=\"plot retry-gaps\""), "both plots in the report");
        // The console login's password is the profile's secret: it reaches no file of the run.
        try (Stream<Path> files = Files.walk(result.runDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1).contains("Qx7-vd2K-unit0001"), f.toString());
            }
        }
        VirtualBench.assertNothingLeftRunning();
    }

    @DataProvider
    public Object[][] flaws() {
        return new Object[][] {
                {"loses-settings-on-power-cut", SOAK, "power cut 1/8 at "},
                {"bricks-on-early-power-cut", SOAK, "left it without a bootable image (bricked)"},
                {"no-reconnect-backoff", OUTAGE, "the device hammered its cloud: "},
                {"never-resumes", OUTAGE, "the device did not connect again within 8000 ms of its cloud's return"},
                {"reset-keeps-data", RESET, "left user data behind: "},
        };
    }

    @Test(dataProvider = "flaws")
    public void eachFlawAloneFailsItsCheck(String flaw, String check, String reason) throws Exception {
        Path out = Files.createDirectories(dir.resolve(flaw));
        Runner.Result result = VirtualBench.run(out, VirtualBench.fixture(), VirtualBench.profileWithFlaws(out, flaw),
                List.of(check), SEED).result();
        RunRecord.CheckResult c = VirtualRunTest.byId(result.record()).get(check);
        assertEquals(c.verdict(), Verdict.FAIL, VirtualRunTest.describe(c));
        assertTrue(c.reason().contains(reason), VirtualRunTest.describe(c));
        String evidence = VirtualRunTest.evidenceText(c);
        switch (flaw) {
            case "loses-settings-on-power-cut" -> {
                assertTrue(c.reason().contains("lost the setting: console `config get device.label` now answers \"config:"
                        + " device.label: not set\""), c.reason());
                assertEquals(plannedCuts(c), EXPECTED_PLAN, "the same seed, the same cut points");
            }
            case "bricks-on-early-power-cut" -> {
                assertTrue(c.reason().contains("Unable to find bootable image"), c.reason());
                assertTrue(evidence.contains("note: recovered: the device boots to its login again"), evidence);
                assertEquals(plannedCuts(c), EXPECTED_PLAN, "the same seed, the same cut points");
            }
            case "no-reconnect-backoff" -> assertTrue(c.measurements().stream()
                    .anyMatch(m -> m.name().equals("attempts-busiest-minute") && m.outcome() == dev.starbench.report.Measurement.Outcome.FAIL),
                    VirtualRunTest.describe(c));
            case "never-resumes" -> {
                // Its retries pass: the jittered waits under the profile's 2 s cap read as growth or, as often,
                // as never sooner than the minimum interval; only the resume fails.
                assertTrue(evidence.contains("finding: the device backs off")
                        || evidence.contains("finding: the device does not back off, but never retried sooner than"), evidence);
                assertFalse(c.reason().contains("hammered") || c.reason().contains("below the minimum retry interval"),
                        c.reason());
            }
            case "reset-keeps-data" -> {
                for (String place : List.of("Wi-Fi passphrase (canary ", "cloud user name (canary ", "cloud password (canary ",
                        "admin's password (canary ")) {
                    assertTrue(c.reason().contains(place), place + " in " + c.reason());
                }
                assertTrue(c.reason().contains("it still logs in as admin at the console"), c.reason());
                assertTrue(c.reason().contains("the device connects to the bench's cloud with it"), c.reason());
                assertFalse(c.reason().contains("device label (a setting) (canary"), "the visible settings were cleared: " + c.reason());
                assertTrue(evidence.contains("note: the password of admin was set back to the profile's"), evidence);
            }
            default -> throw new AssertionError(flaw);
        }
        VirtualBench.assertNothingLeftRunning();
    }

    /** The profile's other ways: a reset by console command or by signed cloud command, a soak judged by the cloud CONNECT. */
    @DataProvider
    public Object[][] variants() {
        return new Object[][] {
                {"console-reset", RESET, "method: {button: factory-reset, hold-ms: 4000}", "method: {console: factory-reset}",
                        "after the reset (console command `factory-reset`) no canary was found"},
                {"cloud-reset", RESET, "method: {button: factory-reset, hold-ms: 4000}", "method: {mqtt-command: factory-reset}",
                        "after the reset (signed cloud command factory-reset) no canary was found"},
                {"cloud-soak", SOAK, "    cuts: 8\n    window-ms: 3600\n", "    cuts: 2\n    window-ms: 3600\n    normal-state: cloud-connect\n",
                        "after each of 2 power cuts"},
        };
    }

    @Test(dataProvider = "variants")
    public void theOtherDeclaredWaysWorkToo(String name, String check, String from, String to, String finding) throws Exception {
        Path out = Files.createDirectories(dir.resolve(name));
        String hardened = Files.readString(VirtualBench.profile("virtual-hardened"));
        assertTrue(hardened.contains(from), from);
        Path profile = Files.writeString(out.resolve(name + ".yaml"), hardened.replace(from, to));
        RunRecord.CheckResult c = VirtualRunTest.byId(VirtualBench.run(out, VirtualBench.fixture(), profile, List.of(check), SEED)
                .result().record()).get(check);
        assertEquals(c.verdict(), Verdict.PASS, VirtualRunTest.describe(c));
        assertTrue(VirtualRunTest.evidenceText(c).contains(finding), VirtualRunTest.describe(c));
        if (name.equals("cloud-soak")) {
            assertEquals(c.measurements().stream().filter(m -> m.name().equals("connect-time")).count(), 2L,
                    "power-on to CONNECT after each cut: " + VirtualRunTest.describe(c));
        }
        VirtualBench.assertNothingLeftRunning();
    }

    private static List<Long> plannedCuts(RunRecord.CheckResult soak) {
        Matcher m = PLAN.matcher(VirtualRunTest.evidenceText(soak));
        assertTrue(m.find(), VirtualRunTest.describe(soak));
        List<Long> points = new ArrayList<>();
        Arrays.stream(m.group(2).split(",\\s*")).forEach(p -> points.add(Long.parseLong(p.trim())));
        return points;
    }
}
