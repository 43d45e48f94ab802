package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Whole runs of the two console checks against the virtual DUT over a real pty and the real GPIO
 * driver code: each flaw alone FAILs its check, the hardened device PASSes both. (CommsRunTest does the
 * same for the network checks; MainJobRunTest runs the shipped hardened profile whole.)
 */
public class VirtualRunTest {
    private static final String UART = "debug.uart-console";
    private static final String BOOTLOADER = "debug.bootloader-interrupt";
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-runs");
    }

    @DataProvider
    public Object[][] devices() {
        return new Object[][] {
                {new String[] {}, Verdict.PASS, Verdict.PASS, 0},
                {new String[] {"root-console"}, Verdict.FAIL, Verdict.PASS, 1},
                {new String[] {"default-password"}, Verdict.FAIL, Verdict.PASS, 1},
                {new String[] {"bootloader-open"}, Verdict.PASS, Verdict.FAIL, 1},
                {new String[] {"secret-in-bootlog"}, Verdict.FAIL, Verdict.PASS, 1},
        };
    }

    @Test(dataProvider = "devices")
    public void eachFlawFailsItsCheckAndTheHardenedDevicePasses(String[] flaws, Verdict uart, Verdict bootloader,
                                                                 int exitCode) throws Exception {
        Path profile = VirtualBench.profileWithFlaws(dir, flaws);
        Runner.Result result = run(profile);

        Map<String, RunRecord.CheckResult> checks = byId(result.record());
        assertEquals(checks.get(UART).verdict(), uart, reasonOf(checks.get(UART)));
        assertEquals(checks.get(BOOTLOADER).verdict(), bootloader, reasonOf(checks.get(BOOTLOADER)));
        assertEquals(result.exitCode(), exitCode);
        assertEquals(result.record().finaliser().outcome(), "powered-off");
        for (String file : List.of("journal.jsonl", "record.json", "junit.xml", "report.html", "console.transcript")) {
            assertTrue(Files.size(result.runDir().resolve(file)) > 0, file);
        }
        assertTrue(VirtualBench.liveChildren().isEmpty(), "left running: " + VirtualBench.describe(VirtualBench.liveChildren()));
        String deviceLog = Files.readString(result.runDir().resolve("virtual-dut.log"));
        assertTrue(deviceLog.contains("vdut: power ON"), deviceLog);
        Matcher workDir = Pattern.compile("vdut: work dir (\\S+)").matcher(deviceLog);
        assertTrue(workDir.find(), deviceLog);
        assertFalse(Files.exists(Path.of(workDir.group(1))), "the virtual DUT's work dir (its passwords) is removed");
    }

    @Test
    public void aRootShellIsConfirmedByMarkerAndId() throws Exception {
        RunRecord record = run(VirtualBench.profileWithFlaws(dir, "root-console")).record();
        RunRecord.CheckResult uart = byId(record).get(UART);
        assertTrue(uart.reason().contains("without login") && uart.reason().contains("uid=0(root)"), uart.reason());
        assertTrue(evidenceText(uart).contains("~ # "), "the transcript evidence shows the shell prompt");
    }

    @Test
    public void aDefaultPasswordIsReportedWithTheCredential() throws Exception {
        RunRecord.CheckResult uart = byId(run(VirtualBench.profileWithFlaws(dir, "default-password")).record()).get(UART);
        assertTrue(uart.reason().contains("root/root"), uart.reason());
        assertTrue(evidenceText(uart).contains("login:"), "the transcript evidence shows the login");
    }

    @Test
    public void anOpenBootloaderIsShownWithItsPromptAndVersion() throws Exception {
        RunRecord.CheckResult boot = byId(run(VirtualBench.profileWithFlaws(dir, "bootloader-open")).record()).get(BOOTLOADER);
        assertTrue(boot.reason().contains("U-Boot 20"), boot.reason());
        assertTrue(evidenceText(boot).contains("=> "), "the transcript evidence shows the prompt");
    }

    @Test
    public void aLeakedSecretIsReportedMaskedEverywhere() throws Exception {
        Runner.Result result = run(VirtualBench.profileWithFlaws(dir, "secret-in-bootlog"));
        RunRecord.CheckResult uart = byId(result.record()).get(UART);
        assertTrue(uart.reason().contains("PRIVATE KEY") && uart.reason().contains("psk"), uart.reason());
        for (String file : List.of("journal.jsonl", "record.json", "junit.xml", "report.html")) {
            String text = Files.readString(result.runDir().resolve(file));
            assertTrue(text.contains("[masked "), file + " shows where the secret was");
            assertFalse(text.contains("Sup3rS3cret"), file + " must not repeat the leaked password");
            assertFalse(text.contains("MHcCAQEE"), file + " must not repeat the leaked key");
        }
    }

    static List<JsonNode> journal(Path runDir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("journal.jsonl"))) {
            events.add(json.readTree(line));
        }
        return events;
    }

    /** The two console checks (with a quick login: see {@link VirtualBench#quickLogin}). */
    private Runner.Result run(Path profile) throws Exception {
        return run(VirtualBench.quickLogin(dir, profile), List.of(UART, BOOTLOADER));
    }

    private Runner.Result run(Path profile, List<String> checks) throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir, VirtualBench.fixture(), profile, checks, null);
        assertTrue(run.progress().contains("Summary:"), run.progress());
        return run.result();
    }

    static Map<String, RunRecord.CheckResult> byId(RunRecord record) {
        return record.checks().stream().collect(Collectors.toMap(RunRecord.CheckResult::id, c -> c));
    }

    private static String reasonOf(RunRecord.CheckResult c) {
        return c.id() + ": " + c.reason() + "\n" + evidenceText(c);
    }

    /** A check's verdict, reason and evidence, for an assertion's message. */
    static String describe(RunRecord.CheckResult c) {
        return c.id() + " " + c.verdict() + ": " + c.reason() + "\n" + evidenceText(c);
    }

    static String evidenceText(RunRecord.CheckResult c) {
        return c.evidence().stream().map(e -> e.kind() + ": " + e.text()).collect(Collectors.joining("\n"));
    }
}
