package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.checks.Catalog;
import dev.starbench.config.ConfigLoader;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Whole runs through {@code fixtures/virtual-mqtt-plug.yaml}: the virtual DUT's supply is a Tasmota
 * plug on the mosquitto it starts, switched by the mqtt-plug driver. The main job gives the verdicts it
 * gives through the relay line, every power event is the plug's confirmed report, and a plug that stops
 * answering mid-run leaves the checks INCONCLUSIVE and the final state unknown, never a device verdict.
 */
public class VirtualPlugRunTest {
    private static final String UART = "debug.uart-console";
    private static final String BOOTLOADER = "debug.bootloader-interrupt";
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-plug-runs");
    }

    private static Path fixture() {
        return VirtualBench.root().resolve("fixtures/virtual-mqtt-plug.yaml");
    }

    /**
     * The catalog's checks but the auth family's network logins, which never touch the supply (about three
     * minutes of the main job; auth.credential-change, whose proof is a power cycle, stays).
     */
    private static final List<String> THROUGH_THE_SUPPLY = Catalog.load().entries().stream().map(Catalog.Entry::id)
            .filter(id -> !id.startsWith("auth.") || id.equals("auth.credential-change")).toList();

    @Test(timeOut = 600_000)
    public void theMainJobThroughThePlugPassesTheHardenedDeviceWithEverySwitchConfirmed() throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir.resolve("main"), fixture(), VirtualBench.profile("virtual-hardened"),
                THROUGH_THE_SUPPLY, null);
        RunRecord record = run.result().record();

        Map<String, Verdict> verdicts = record.checks().stream()
                .collect(Collectors.toMap(RunRecord.CheckResult::id, RunRecord.CheckResult::verdict));
        for (RunRecord.CheckResult c : record.checks()) {
            Verdict expected = c.id().equals("debug.baud-scan") ? Verdict.NOT_APPLICABLE : Verdict.PASS;
            assertEquals(c.verdict(), expected, c.id() + ": " + c.reason() + "\n" + run.progress());
        }
        // Every check that switches the supply ran, as through the relay (the same verdicts: the point of this fixture).
        assertEquals(verdicts.keySet(), Set.copyOf(THROUGH_THE_SUPPLY), verdicts.toString());
        assertEquals(run.result().exitCode(), 0, run.progress());

        RunRecord.Finaliser end = record.finaliser();
        assertEquals(end.outcome(), "powered-off");
        assertEquals(end.state(), "off");
        assertEquals(end.confirmation(), "confirmed");
        assertEquals(end.detail(), "the plug reported stat/vdut-plug/RESULT {\"POWER\":\"OFF\"}");
        assertTrue(run.progress().contains("Safe state: powered-off, confirmed (the plug reported"
                + " stat/vdut-plug/RESULT {\"POWER\":\"OFF\"})"), run.progress());
        assertFalse(record.power().isEmpty());
        for (RunRecord.PowerEvent p : record.power()) {
            assertEquals(p.confirmation(), "confirmed", p.toString());
            assertTrue(p.detail().startsWith("the plug reported stat/vdut-plug/"), p.toString());
        }
        String deviceLog = Files.readString(run.result().runDir().resolve("virtual-dut.log"));
        assertTrue(deviceLog.contains("vdut: plug: relay ON") && deviceLog.contains("vdut: power ON"), deviceLog);
        VirtualBench.assertNothingLeftRunning();
    }

    @Test(timeOut = 300_000)
    public void theConsoleFlawsFailThroughThePlugAsThroughTheRelay() throws Exception {
        Path profile = VirtualBench.profileWithFlaws(dir, "root-console", "bootloader-open");
        VirtualBench.Run run = VirtualBench.run(dir.resolve("flawed"), fixture(), profile, List.of(UART, BOOTLOADER), null);
        Map<String, RunRecord.CheckResult> checks = run.result().record().checks().stream()
                .collect(Collectors.toMap(RunRecord.CheckResult::id, c -> c));
        assertEquals(checks.get(UART).verdict(), Verdict.FAIL, checks.get(UART).reason());
        assertEquals(checks.get(BOOTLOADER).verdict(), Verdict.FAIL, checks.get(BOOTLOADER).reason());
        assertEquals(run.result().exitCode(), 1);
        assertEquals(run.result().record().finaliser().confirmation(), "confirmed");
        VirtualBench.assertNothingLeftRunning();
    }

    /**
     * The virtual DUT (plug and device both) is stopped with SIGSTOP once the first check starts: its
     * broker stays up, so the plug is still "on the broker" but answers nothing.
     */
    @Test(timeOut = 300_000)
    public void aPlugThatStopsAnsweringMidRunIsABenchFaultAndTheFinalStateUnknown() throws Exception {
        Path runDir = dir.resolve("silent");
        List<Long> stopped = new ArrayList<>();
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        OutputStream watch = new OutputStream() {
            @Override
            public void write(int b) {
                said.write(b);
                if (stopped.isEmpty() && said.toString(StandardCharsets.UTF_8).contains("....  " + UART)) {
                    for (ProcessHandle h : VirtualBench.liveChildren()) {
                        if (h.info().commandLine().orElse("").contains("virtual-dut.jar")) {
                            signal("STOP", h.pid());
                            stopped.add(h.pid());
                        }
                    }
                }
            }
        };
        Runner.Result result;
        try {
            result = new Runner(new PrintStream(watch, true, StandardCharsets.UTF_8), Clock.systemUTC())
                    .run(new Runner.Request(ConfigLoader.loadFixture(fixture()),
                            ConfigLoader.loadProfile(VirtualBench.profile("virtual-hardened")), runDir.resolve("out"),
                            runDir.resolve("leases"), List.of(UART, BOOTLOADER)));
        } finally {
            stopped.stream().filter(pid -> ProcessHandle.of(pid).isPresent()).forEach(pid -> signal("CONT", pid));
        }
        String progress = said.toString(StandardCharsets.UTF_8);
        assertEquals(stopped.size(), 1, "the virtual DUT was found and stopped:\n" + progress);

        for (RunRecord.CheckResult c : result.record().checks()) {
            assertEquals(c.verdict(), Verdict.INCONCLUSIVE, c.id() + ": " + c.reason());
        }
        // Each check's power cycle starts by switching off: the plug's silence is what each is left with.
        for (RunRecord.CheckResult c : result.record().checks()) {
            assertTrue(c.reason().startsWith("bench could not tell: the Tasmota plug vdut-plug at tcp://127.0.0.1:21879"
                    + " did not confirm OFF within 5000 ms: it said nothing"), c.reason());
        }
        RunRecord.Finaliser end = result.record().finaliser();
        assertEquals(end.state(), "unknown", end.toString());
        assertEquals(end.outcome(), "failed");
        assertTrue(end.detail().contains("did not confirm OFF within 5000 ms"), end.detail());
        assertTrue(end.detail().endsWith("; the DUT's power state is unknown: check it by hand"), end.detail());
        assertEquals(result.record().run().outcome(), "inconclusive");
        assertEquals(result.exitCode(), 2);
        assertTrue(progress.contains("Safe state: UNKNOWN (switching power failed: the Tasmota plug vdut-plug at"
                + " tcp://127.0.0.1:21879 did not confirm OFF within 5000 ms"), progress);
        assertFalse(progress.contains("powered-off"), progress);

        // The journal's last power event says unknown, with the reason.
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> power = new ArrayList<>();
        for (String line : Files.readAllLines(result.runDir().resolve("journal.jsonl"))) {
            JsonNode e = json.readTree(line);
            if (e.get("event").asText().equals("power")) {
                power.add(e);
            }
        }
        JsonNode last = power.get(power.size() - 1);
        assertEquals(last.get("state").asText(), "unknown");
        assertTrue(last.get("confirmation").isNull(), last.toString());
        VirtualBench.assertNothingLeftRunning();
    }

    private static void signal(String name, long pid) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send SIG" + name + " to " + pid, e);
        }
    }
}
