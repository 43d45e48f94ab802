package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.checks.Catalog;
import dev.starbench.checks.CheckId;
import dev.starbench.config.ConfigLoader;
import dev.starbench.console.Console;
import dev.starbench.console.Transcript;
import dev.starbench.report.Journals;
import dev.starbench.report.StepClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.testng.ITestNGMethod;
import org.testng.ITestResult;
import org.testng.annotations.Test;
import org.testng.internal.ConstructorOrMethod;

/**
 * What reaches the technician's terminal: a device's words in a check's reason and in a log line
 * come without control sequences and without line breaks that could fake a progress line; the
 * journal keeps them as they were.
 */
public class TerminalOutputTest {
    /** Retitles the window, clears the screen, asks for the cursor position (C1 CSI), reverses the text, fakes a line. */
    private static final String HOSTILE = "the DUT said \u001b]0;owned\u0007\u001b[2J\u009b6n\u202egood\n  PASS  debug.fake";

    @Test
    public void aReasonFromTheDeviceIsPrintedAsOneCleanLine() throws Exception {
        Path journalFile = Files.createTempDirectory("terminal").resolve("journal.jsonl");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Catalog catalog = Catalog.load();
        Catalog.Entry uart = catalog.get("debug.uart-console");
        try (Journal journal = Journal.create(journalFile, StepClock.standard())) {
            journal.runStarted(Journals.manifest(uart.id()));
            CheckListener listener = new CheckListener(journal, catalog, null, new JournalEvidence(journal, null),
                    new PrintStream(printed, true, StandardCharsets.UTF_8), () -> null);
            ITestResult result = failedWith(checkMethod(uart), new AssertionError(HOSTILE));
            listener.onTestStart(result);
            listener.onTestFailure(result);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertEquals(out.lines().count(), 2, "a start line and an end line:\n" + out);
        assertTrue(out.contains("FAIL  debug.uart-console              1.5 s  the DUT said good   PASS  debug.fake"), out);
        assertNoControls(out);
        assertTrue(Files.readString(journalFile).contains("the DUT said \\u001B]0;owned\\u0007"),
                "the journal keeps the device's words as they were");
    }

    /**
     * A right-to-left override in the profile's device name would show the run's first line (and all
     * after it) reversed on the technician's terminal.
     */
    @Test(timeOut = 120_000)
    public void theDeviceNameIsPrintedWithoutFormattingControls() throws Exception {
        Path dir = Files.createTempDirectory("terminal-run");
        Path profile = dir.resolve("bidi.yaml");
        String hardened = Files.readString(VirtualBench.profile("virtual-hardened"));
        Files.writeString(profile, hardened.replace("  name: Virtual camera (hardened)\n",
                "  name: \"Virtual camera \\u202e(hardened)\\u202c\"\n"));
        assertTrue(ConfigLoader.loadProfile(profile).device().name().contains("\u202e"), "the name carries the override");
        VirtualBench.Run run = VirtualBench.run(dir, VirtualBench.fixture(), profile, List.of("debug.baud-scan"), null);
        String first = run.progress().lines().findFirst().orElseThrow();
        assertTrue(first.endsWith(": Virtual camera (hardened) on bench virtual-bench"), first);
        assertNoControls(run.progress());
    }

    /**
     * A console excerpt in the journal reads as the technician's terminal showed it: no colour codes, and
     * no cursor query left behind as "[6n" once a report drops its ESC; its secrets are masked as the
     * terminal showed them (a key name a colour code splits is still a key name). The transcript file
     * keeps every byte.
     */
    @Test
    public void consoleExcerptsAreWhatTheTerminalShowedWithTheirSecretsMasked() throws Exception {
        Path dir = Files.createTempDirectory("excerpt");
        Path journalFile = dir.resolve("journal.jsonl");
        Path transcript = dir.resolve(JournalEvidence.TRANSCRIPT_FILE);
        try (Journal journal = Journal.create(journalFile, StepClock.standard());
             Console console = new Console(new Transcript(transcript))) {
            journal.runStarted(Journals.manifest("debug.uart-console"));
            byte[] raw = ("wifi ps\u001b[1mk\u001b[0m=hunter22\r\n\u001b[1;32mroot@vdut\u001b[0m:~# \u001b[6nid\r\nuid=0(root)\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            console.received(raw, raw.length, Instant.now());
            JournalEvidence evidence = new JournalEvidence(journal, console);
            evidence.currentCheck("debug.uart-console");
            evidence.transcript("shell", 0, console.position());
        }
        String journalText = Files.readString(journalFile);
        assertTrue(journalText.contains("shell\\nwifi psk=[masked 8 chars]\\r\\nroot@vdut:~# id\\r\\nuid=0(root)\\r\\n"), journalText);
        assertFalse(journalText.toLowerCase(java.util.Locale.ROOT).contains("\\u001b") || journalText.contains("[6n"), journalText);
        assertFalse(journalText.contains("hunter22"), journalText);
        assertTrue(Files.readString(transcript).contains("\\x1b[1;32mroot@vdut\\x1b[0m:~# \\x1b[6nid"), "the transcript keeps the raw bytes");
    }

    @Test
    public void logLinesAreCleanedToo() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LoggerFactory.getLogger(TerminalOutputTest.class).warn("client id {}", HOSTILE, new IllegalStateException(HOSTILE));
        } finally {
            System.setErr(err);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("client id the DUT said good   PASS  debug.fake\n"), "one line: " + out);
        assertTrue(out.contains("IllegalStateException: the DUT said good"), "the stack trace is there, cleaned: " + out);
        assertNoControls(out);
    }

    private static void assertNoControls(String out) {
        for (char c : out.toCharArray()) {
            assertFalse(c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f || c == '\u202e',
                    "control character U+" + Integer.toHexString(c) + " in:\n" + out);
        }
    }

    private static Method checkMethod(Catalog.Entry entry) {
        return Arrays.stream(entry.checkClass().getMethods())
                .filter(m -> m.isAnnotationPresent(CheckId.class) && m.getAnnotation(CheckId.class).value().equals(entry.id()))
                .findFirst().orElseThrow();
    }

    /** A TestNG result as the listener sees it: the check's method, its throwable, 1.5 s. */
    private static ITestResult failedWith(Method method, Throwable t) {
        ITestNGMethod testMethod = (ITestNGMethod) Proxy.newProxyInstance(TerminalOutputTest.class.getClassLoader(),
                new Class<?>[] {ITestNGMethod.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getConstructorOrMethod" -> new ConstructorOrMethod(method);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (ITestResult) Proxy.newProxyInstance(TerminalOutputTest.class.getClassLoader(),
                new Class<?>[] {ITestResult.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> testMethod;
                    case "getThrowable" -> t;
                    case "getStartMillis" -> 1_000L;
                    case "getEndMillis" -> 2_500L;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
