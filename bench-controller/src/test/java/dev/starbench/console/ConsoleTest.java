package dev.starbench.console;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.testng.annotations.Test;

public class ConsoleTest {

    private static Console console() throws Exception {
        Path dir = Files.createTempDirectory("console");
        return new Console(new Transcript(dir.resolve("t")));
    }

    private static void feed(Console c, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        c.received(b, b.length, Instant.now());
    }

    @Test
    public void aWaiterIsWokenByDataArrivingLater() throws Exception {
        Console c = console();
        CompletableFuture<Console.Match> m = CompletableFuture.supplyAsync(() -> {
            try {
                return c.expect(Duration.ofSeconds(5), Pattern.compile("login: $"), Pattern.compile("# $"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        feed(c, "Welcome\r\nvdut log");
        feed(c, "in: ");
        assertEquals(m.get().index(), 0);
    }

    @Test
    public void aMatchConsumesTheStreamUpToItsEnd() throws Exception {
        Console c = console();
        feed(c, "one two one");
        Pattern one = Pattern.compile("one");
        Console.Match first = c.expect(Duration.ofMillis(10), one);
        Console.Match second = c.expect(Duration.ofMillis(10), one);
        assertEquals(first.start(), 0);
        assertEquals(second.start(), 8);
        expectThrows(ExpectTimeout.class, () -> c.expect(Duration.ofMillis(10), one));
    }

    @Test
    public void theEarliestMatchWinsWhateverThePatternOrder() throws Exception {
        Console c = console();
        feed(c, "Starting kernel ...\r\n=> ");
        Console.Match m = c.expect(Duration.ofMillis(10), Prompts.BOOTLOADER_PROMPT, Prompts.KERNEL_START);
        assertEquals(m.pattern(), Prompts.KERNEL_START);
    }

    @Test
    public void aPatternSplitAcrossChunksStillMatches() throws Exception {
        Console c = console();
        feed(c, "U-Bo");
        expectThrows(ExpectTimeout.class, () -> c.expect(Duration.ofMillis(10), Prompts.UBOOT_VERSION));
        feed(c, "ot 2024.01-vdut\r\n");
        assertTrue(c.expect(Duration.ofMillis(10), Prompts.UBOOT_VERSION).text().startsWith("U-Boot 2024.01"));
    }

    @Test
    public void aTimeoutNamesWhatWasAwaitedAndWhatWasSeen() throws Exception {
        Console c = console();
        feed(c, "Waiting for root device\r\n");
        ExpectTimeout t = expectThrows(ExpectTimeout.class, () -> c.expect(Duration.ofMillis(20), Prompts.LOGIN));
        assertTrue(t.getMessage().contains("login: ") && t.getMessage().contains("Waiting for root device\\r\\n"), t.getMessage());
    }

    @Test
    public void memoryStaysBoundedOnAFloodAndLaterOutputStillMatches() throws Exception {
        Console c = console();
        String line = "x".repeat(1023) + "\n";
        for (int i = 0; i < 3 * Console.CAPACITY / line.length(); i++) {
            feed(c, line);
        }
        feed(c, "vdut login: ");
        assertTrue(c.expect(Duration.ofMillis(50), Prompts.LOGIN).text().contains("vdut login: "));
        assertTrue(c.text(0, c.position()).length() <= Console.CAPACITY);
    }

    @Test
    public void theTranscriptKeepsBothDirectionsLosslessly() throws Exception {
        Path dir = Files.createTempDirectory("console");
        Console c = new Console(new Transcript(dir.resolve("t")));
        byte[] raw = {'o', 'k', '\r', '\n', 0x1b, '[', '3', '1', 'm', (byte) 0xff, '"', '\\'};
        c.received(raw, raw.length, Instant.parse("2026-11-25T10:00:00Z"));
        c.close();
        assertEquals(Files.readString(dir.resolve("t")), "2026-11-25T10:00:00Z RX \"ok\\r\\n\\x1b[31m\\xff\\\"\\\\\"\n");
    }

    @Test
    public void patternsSeeWhatATerminalShowsAndPositionsStayRawOffsets() throws Exception {
        Console c = console();
        String before = "\u001b]0;root@vdut:~\u0007";
        String prompt = "\u001b[1;32mroot@vdut\u001b[0m:\u001b[1;34m~\u001b[0m# ";
        feed(c, before + prompt + "\u001b[6n");
        Console.Match m = c.expect(Duration.ofMillis(50), Prompts.SHELL);
        assertEquals(m.text(), "root@vdut:~# ");
        assertEquals(m.start(), before.length() + "\u001b[1;32m".length(), "the shown prompt starts at its first visible byte");
        assertEquals(m.end(), (long) (before + prompt).length(), "and ends before the trailing query");
        assertEquals(c.text(m.start(), m.end()), prompt.substring("\u001b[1;32m".length()), "excerpts by position are the raw bytes");
        assertEquals(c.visibleText(0, c.position()), "root@vdut:~# ");
    }

    @Test
    public void aPromptAfterAKernelOrSyslogLineStillMatchesAndTheLinesAreNoPrompt() throws Exception {
        Console c = console();
        feed(c, "Password: ");
        c.expect(Duration.ofMillis(50), Prompts.PASSWORD);
        feed(c, "\r\n[   13.000001] eth0: link becomes ready\r\nlogin[89]: invalid password for 'root'\r\n");
        expectThrows(ExpectTimeout.class, () -> c.expect(Duration.ofMillis(20), Prompts.LOGIN, Prompts.SHELL, Prompts.PASSWORD));
        feed(c, "Login incorrect\r\nvdut login: ");
        assertEquals(c.expect(Duration.ofMillis(50), Prompts.LOGIN_FAILED, Prompts.LOGIN).pattern(), Prompts.LOGIN_FAILED);
        assertEquals(c.expect(Duration.ofMillis(50), Prompts.LOGIN).text(), "\nvdut login: ");
        // the kernel prints where the cursor is: after the prompt, which still waits
        feed(c, "\r\nvdut login: [   14.200000] random: crng init done\r\n");
        assertTrue(c.expect(Duration.ofMillis(50), Prompts.LOGIN).text().startsWith("\nvdut login: [   14.2"));
    }

    @Test
    public void aFloodOfEscapeSequencesKeepsMemoryFlatAndPositionsRight() throws Exception {
        Console c = console();
        String line = "\u001b[1;31mE\u001b[0m" + "x".repeat(100) + "\r\n";
        int lines = 3 * Console.CAPACITY / line.length();
        for (int i = 0; i < lines; i++) {
            feed(c, line);
        }
        long end = c.position();
        feed(c, "\u001b[32mvdut login: \u001b[0m");
        Console.Match m = c.expect(Duration.ofMillis(200), Prompts.LOGIN);
        assertEquals(m.start(), end - 1, "the match starts at the line feed before the prompt");
        assertEquals(c.text(m.end(), c.position()), "\u001b[0m");
        assertTrue(c.text(0, c.position()).length() <= Console.CAPACITY);
        assertTrue(c.visibleText(0, c.position()).length() <= Console.CAPACITY);
    }

    /**
     * A prompt is the last thing a console prints before it waits: "login: " that "bad salt" follows a few
     * ms later is no prompt, and the wait goes on to the real one; a prompt followed by nothing is taken
     * once the console stayed quiet, and hidden bytes after it (a cursor query) leave it a prompt.
     */
    @Test(timeOut = 20_000)
    public void aPromptIsTakenOnlyOnceTheConsoleStaysQuietAfterIt() throws Exception {
        Console c = console();
        CompletableFuture<Console.Match> m = CompletableFuture.supplyAsync(() -> {
            try {
                return c.expectPrompt(Duration.ofSeconds(10), Prompts.LOGIN, Prompts.PASSWORD);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        feed(c, "\r\nlo");
        feed(c, "gin: ");
        Thread.sleep(20);
        feed(c, "bad salt\r\n");
        Thread.sleep(Console.QUIET_FLOOR.toMillis() * 3);
        assertFalse(m.isDone(), "\"login: \" followed by more is no prompt");
        long prompt = c.position();
        feed(c, "\r\r\nlinux-dut login: ");
        feed(c, "\u001b[6n");
        Console.Match match = m.get();
        assertEquals(match.text(), "\nlinux-dut login: ");
        assertEquals(match.start(), prompt + 2);
    }

    @Test(timeOut = 20_000)
    public void aMatchWithTextAfterItIsTakenAndOneAtTheEndOnlyAfterTheQuietPeriod() throws Exception {
        Console c = console();
        feed(c, "Login incorrect\r\nlinux-dut login: ");
        assertEquals(c.expectPrompt(Duration.ofSeconds(5), Prompts.LOGIN_FAILED, Prompts.LOGIN).pattern(), Prompts.LOGIN_FAILED);
        Console.Match login = c.expectPrompt(Duration.ofSeconds(5), Prompts.LOGIN);
        assertEquals(login.text(), "\nlinux-dut login: ");
        assertTrue(System.nanoTime() - login.arrivedNanos() >= Console.QUIET_FLOOR.toNanos(), "taken after the quiet period");
    }

    /** The quiet period follows how the line comes in pieces: a device that pauses inside its lines gets longer. */
    @Test
    public void theQuietPeriodGrowsWithTheGapsInsideALine() throws Exception {
        Console c = console();
        assertEquals(c.quietPeriod(), Console.QUIET_FLOOR);
        feed(c, "Flash: ");
        Thread.sleep(150);
        feed(c, "64 MiB\r\n");
        assertTrue(c.quietPeriod().toMillis() >= 300 && c.quietPeriod().compareTo(Console.QUIET_CAP) <= 0, c.quietPeriod().toString());
    }
}
