package dev.starbench.console;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.serial.SerialLink;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.Test;

/**
 * Terminal queries over a real pty: the DUT end is written and read raw by the test, the bench end is
 * a real Console over jSerialComm. The answer goes out as TX, is noted in the transcript, never lands
 * inside a line the bench is typing, and a DUT that floods queries is not flooded back.
 */
public class TerminalQueryTest {
    private static final Pattern REPLY = Pattern.compile("\u001b\\[\\d{1,3};\\d{1,3}R");

    @Test(timeOut = 60_000)
    public void aCursorQueryAfterAPromptIsAnsweredAndJournalledAsTx() throws Exception {
        try (Pty pty = Pty.open()) {
            pty.dutWrites("\r\n~ # \u001b[6n");
            assertEquals(pty.console.expect(Duration.ofSeconds(5), Prompts.SHELL).text(), "\n~ # ");
            String reply = pty.dutReadsUntil(REPLY);
            assertEquals(reply, "\u001b[2;5R", "row 2 after one line feed, column 5 after the 4-char prompt");
            String transcript = pty.transcript();
            assertTrue(transcript.contains("TX \"\\x1b[2;5R\""), transcript);
            assertTrue(transcript.contains("NOTE \"answered the terminal query cursor position (ESC[6n) as a terminal would"), transcript);
        }
    }

    @Test(timeOut = 60_000)
    public void anAnswerNeverLandsInsideALineTheBenchIsTyping() throws Exception {
        try (Pty pty = Pty.open()) {
            pty.console.send("ech");
            pty.dutWrites("\u001b[6nq");
            pty.console.expect(Duration.ofSeconds(5), BoundedPattern.compile("q"));
            Thread.sleep(200);   // the answer has had time to go out, if it were going to
            pty.console.send("o hi\r");
            String got = pty.dutReadsUntil(REPLY);
            assertTrue(got.startsWith("echo hi\r\u001b["), "the line went out whole, the answer after it: " + Printable.of(got));
        }
    }

    @Test(timeOut = 60_000)
    public void aLineLeftOpenDelaysTheAnswerOnlyBoundedly() throws Exception {
        try (Pty pty = Pty.open()) {
            pty.console.send("partial");
            pty.dutWrites("\u001b[5n");
            String got = pty.dutReadsUntil(Pattern.compile("\u001b\\[0n"));
            assertEquals(got, "partial\u001b[0n");
            assertTrue(pty.transcript().contains("stayed open " + Console.LINE_WAIT.toMillis() + " ms"), pty.transcript());
        }
    }

    @Test(timeOut = 60_000)
    public void aDutThatFloodsQueriesIsNotFloodedBack() throws Exception {
        try (Pty pty = Pty.open()) {
            long t0 = System.nanoTime();
            pty.dutWrites("\u001b[6n".repeat(2000));
            Thread.sleep(1100);
            pty.dutWrites("\u001b[6n".repeat(10));   // after a second, the unanswered ones are noted
            Thread.sleep(300);
            double seconds = (System.nanoTime() - t0) / 1e9;
            pty.dutWrites("done");
            pty.console.expect(Duration.ofSeconds(10), BoundedPattern.compile("done"));
            int replies = 0;
            Matcher m = REPLY.matcher(pty.dutReadsAvailable());
            while (m.find()) {
                replies++;
            }
            assertTrue(replies >= 1, "some queries are answered");
            assertTrue(replies <= QueryAnswerer.BURST + QueryAnswerer.PER_SECOND * seconds + 1,
                    replies + " answers to 2010 queries in " + seconds + " s");
            assertTrue(pty.transcript().contains("terminal queries left unanswered"), pty.transcript());
        }
    }

    @Test(timeOut = 60_000)
    public void aPersonsTerminalAnswersForThemselves() throws Exception {
        try (Pty pty = Pty.open()) {
            pty.console.answerTerminalQueries(false);
            pty.dutWrites("~ # \u001b[6n");
            pty.console.expect(Duration.ofSeconds(5), Prompts.SHELL);
            pty.console.send("x");
            assertEquals(pty.dutReadsUntil(Pattern.compile("x")), "x", "nothing went out before the person's key");
        }
    }

    /** A socat pty pair with a Console on the bench end and the raw DUT end in the test's hands. */
    private static final class Pty implements AutoCloseable {
        final Console console;
        private final Process socat;
        private final InputStream in;
        private final OutputStream out;
        private final Path transcriptFile;
        private final ByteArrayOutputStream read = new ByteArrayOutputStream();

        private Pty(Process socat, Path bench, Path dut, Path transcriptFile) throws Exception {
            this.socat = socat;
            this.in = new FileInputStream(dut.toFile());
            this.out = new FileOutputStream(dut.toFile());
            this.transcriptFile = transcriptFile;
            this.console = new Console(new Transcript(transcriptFile));
            console.attach(SerialLink.open(bench.toString(), 115200, console));
        }

        static Pty open() throws Exception {
            Path dir = Files.createTempDirectory("queries");
            Path bench = dir.resolve("bench-tty");
            Path dut = dir.resolve("dut-tty");
            Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + bench, "pty,raw,echo=0,link=" + dut)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!(Files.exists(bench) && Files.exists(dut))) {
                assertTrue(System.nanoTime() < deadline && socat.isAlive(), "socat did not make its ptys");
                Thread.sleep(10);
            }
            return new Pty(socat, bench, dut, dir.resolve("console.transcript"));
        }

        void dutWrites(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Everything the DUT read from the bench, up to the first match of the pattern (blocks until then). */
        String dutReadsUntil(Pattern p) throws IOException {
            while (true) {
                String all = read.toString(StandardCharsets.ISO_8859_1);
                Matcher m = p.matcher(all);
                if (m.find()) {
                    return all.substring(0, m.end());
                }
                int c = in.read();
                if (c < 0) {
                    throw new IOException("pty closed");
                }
                read.write(c);
            }
        }

        /** Everything the DUT can read now. */
        String dutReadsAvailable() throws IOException {
            byte[] buf = new byte[65536];
            while (in.available() > 0) {
                int n = in.read(buf);
                read.write(buf, 0, n);
            }
            return read.toString(StandardCharsets.ISO_8859_1);
        }

        String transcript() throws IOException {
            return Files.readString(transcriptFile, StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws Exception {
            console.close();
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
