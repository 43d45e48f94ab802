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
 * Whole runs of debug.uart-console against a virtual DUT whose console behaves like BusyBox on a colour
 * terminal (`ansi-console`: a coloured prompt with a title and a cursor query the shell waits to have
 * answered) and whose login is slow: the flaws still FAIL with their evidence, the hardened device
 * still PASSes when its failure delay is longer than the command timeout, and a budget that cannot
 * cover the default list makes the check INCONCLUSIVE, naming what was not tried.
 */
public class ConsoleLoginRunTest {
    private static final String UART = "debug.uart-console";
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-console-login");
    }

    @Test
    public void aRootShellBehindACursorQueryFails() throws Exception {
        RunRecord.CheckResult uart = uart(profile("root-console", true, 100, 3000, null));
        assertEquals(uart.verdict(), Verdict.FAIL, VirtualRunTest.describe(uart));
        assertTrue(uart.reason().contains("without login") && uart.reason().contains("uid=0(root)"), uart.reason());
    }

    @Test
    public void rootRootBehindAColourPromptFailsAndTheQueryWasAnswered() throws Exception {
        Runner.Result result = run(profile("default-password", true, 100, 3000, null));
        RunRecord.CheckResult uart = VirtualRunTest.byId(result.record()).get(UART);
        assertEquals(uart.verdict(), Verdict.FAIL, VirtualRunTest.describe(uart));
        assertTrue(uart.reason().contains("root/root") && uart.reason().contains("uid=0(root)"), uart.reason());
        String transcript = Files.readString(result.runDir().resolve("console.transcript"));
        assertTrue(transcript.matches("(?s).*TX \"\\\\x1b\\[\\d{1,2};\\d{1,2}R\".*"), "the cursor report went out as TX");
        assertTrue(transcript.contains("NOTE \"answered the terminal query cursor position (ESC[6n)"), "and is noted");
    }

    @Test
    public void aLoginSlowerThanTheCommandTimeoutIsStillTriedWholeAndPasses() throws Exception {
        RunRecord.CheckResult uart = uart(profile("", true, 400, 250, null));
        assertEquals(uart.verdict(), Verdict.PASS, VirtualRunTest.describe(uart));
        String evidence = VirtualRunTest.evidenceText(uart);
        assertTrue(evidence.contains("46 of 46 default credentials tried in"), evidence);
        assertTrue(evidence.contains("refused a random credential and all 46"), evidence);
    }

    @Test
    public void aBudgetThatCannotCoverTheListIsInconclusiveAndNamesWhatWasNotTried() throws Exception {
        RunRecord.CheckResult uart = uart(profile("", false, 400, 3000, 2000L));
        assertEquals(uart.verdict(), Verdict.INCONCLUSIVE, VirtualRunTest.describe(uart));
        assertTrue(uart.reason().contains("the login budget ran out") && uart.reason().contains("of 46 default credentials tried"),
                uart.reason());
        assertTrue(uart.reason().contains("not tried: ") && uart.reason().contains("mother/fucker"), "the least likely is named: " + uart.reason());
        assertTrue(uart.reason().contains("timeouts.login-budget-ms of at least"), uart.reason());
    }

    private RunRecord.CheckResult uart(Path profile) throws Exception {
        return VirtualRunTest.byId(run(profile).record()).get(UART);
    }

    private Runner.Result run(Path profile) throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir, VirtualBench.fixture(), profile, List.of(UART), null);
        assertTrue(run.progress().contains("Summary:"), run.progress());
        return run.result();
    }

    /** The hardened profile with a flaw (or none), an ANSI console or not, a login delay, a command timeout and a budget. */
    private Path profile(String flaw, boolean ansi, long loginDelayMs, long commandMs, Long budgetMs) throws Exception {
        Path base = flaw.isEmpty() ? VirtualBench.profileWithFlaws(dir) : VirtualBench.profileWithFlaws(dir, flaw);
        String text = Files.readString(base);
        String changed = text.replaceFirst("login-fail-delay-ms: \\d+ ", "login-fail-delay-ms: " + loginDelayMs + " ")
                .replace("  command-ms: 3000\n", "  command-ms: " + commandMs + "\n"
                        + (budgetMs == null ? "" : "  login-budget-ms: " + budgetMs + "\n"))
                .replace("\nsimulation:\n", "\nsimulation:\n" + (ansi ? "  ansi-console: true\n" : ""));
        if (!changed.contains("login-fail-delay-ms: " + loginDelayMs + " ") || !changed.contains("command-ms: " + commandMs + "\n")) {
            throw new IllegalStateException("virtual-hardened.yaml no longer has the lines this test changes");
        }
        Path file = dir.resolve("console-" + flaw + "-" + ansi + "-" + loginDelayMs + "-" + commandMs + "-" + budgetMs + ".yaml");
        Files.writeString(file, changed);
        return file;
    }
}
