package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starbench.config.ConfigLoader;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The README's main job, the shipped hardened profile through the virtual fixture, as a class of its own: it
 * is the longest run of the tests, and the other whole runs go on beside it in the other forks.
 */
public class MainJobRunTest {
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-main-job");
    }

    /**
     * The README's main job, whole: the shipped hardened profile PASSes every applicable check, with at
     * most 12 power-ons for the checks of the Dut strategy's bound (it reuses the booted device; see
     * docs/architecture.md for the cycles that remain), exactly the power cycles the soak, the factory
     * reset, the cloud outage and the credential change spend by design, and the run closes the lab
     * services it opened, last opened first.
     */
    @Test
    public void theShippedHardenedProfilePassesEveryApplicableCheck() throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir, VirtualBench.fixture(), VirtualBench.profile("virtual-hardened"), List.of(), null);
        Runner.Result result = run.result();
        for (RunRecord.CheckResult c : result.record().checks()) {
            if (c.verdict() != Verdict.NOT_APPLICABLE) {
                assertEquals(c.verdict(), Verdict.PASS, VirtualRunTest.describe(c));
            }
        }
        assertEquals(result.exitCode(), 0);
        AuthRunTest.assertTheHardenedDevicePassedAllFour(VirtualRunTest.byId(result.record()));
        AuthRunTest.assertNowhere(run, CommsRunTest.PASSWORD);
        assertTrue(VirtualBench.liveChildren().isEmpty(), "left running: " + VirtualBench.describe(VirtualBench.liveChildren()));

        List<JsonNode> journal = VirtualRunTest.journal(result.runDir());
        List<String> powerOns = journal.stream().filter(e -> e.path("event").asText().equals("power")
                && e.path("state").asText().equals("on")).map(e -> e.path("cause").asText()).toList();
        Map<String, Long> byCheck = powerOns.stream().collect(Collectors.groupingBy(c -> c.substring(0, Math.max(0, c.indexOf(':'))),
                Collectors.counting()));
        // By design: the soak's procedure is per cut a power-on the cut interrupts and the boot after it; the
        // credential change shows its change surviving one power cycle; the factory reset's device restarts
        // by itself after the button hold, and the strategy, seeing the restart, boots it once more before
        // the canaries are looked for; the outage is judged without any (EN 303 645 5.9-2).
        int cuts = ConfigLoader.loadProfile(VirtualBench.profile("virtual-hardened")).lifecycle().powerCutSoak().cuts();
        Map<String, Long> byDesign = Map.of("resilience.power-cut-soak", 2L * cuts, "auth.credential-change", 1L,
                "erase.factory-reset", 1L, "resilience.cloud-outage", 0L);
        byDesign.forEach((check, expected) -> assertEquals(byCheck.getOrDefault(check, 0L), expected,
                check + "'s power-ons: " + String.join("\n", powerOns)));
        long others = powerOns.size() - byDesign.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(others <= 12, others + " power-ons besides those by design: " + String.join("\n", powerOns));
        long bootTimes = result.record().checks().stream().flatMap(c -> c.measurements().stream())
                .filter(m -> m.name().equals("boot-time")).count();
        assertEquals(bootTimes, (long) powerOns.size() - cuts, "every boot is measured once, by the strategy; the " + cuts
                + " the soak cuts before they end are not boots");
        List<String> services = journal.stream().filter(e -> e.path("event").asText().equals("service"))
                .map(e -> e.path("name").asText() + " " + e.path("outcome").asText()).toList();
        assertEquals(services, List.of("debug-probe opened", "lab-pki opened", "cloud opened", "update-path opened",
                "update-path closed", "cloud closed", "lab-pki closed", "debug-probe closed"));
    }
}
