package dev.starbench.bench;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.serial.Adapters;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.config.Fixture;
import dev.starbench.console.BoundedPattern;
import dev.starbench.console.Console;
import dev.starbench.console.Transcript;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

/** The serial link over a real pty pair from socat: floods, and an "adapter" that vanishes (socat ends) and returns. */
public class SerialLinkTest {

    @Test(timeOut = 60_000)
    public void aVanishedAdapterIsReopenedWhenItReturnsAndTheGapIsMarked() throws Exception {
        Path dir = Files.createTempDirectory("reconnect");
        Path bench = dir.resolve("bench-tty");
        Path dut = dir.resolve("dut-tty");
        Process socat = ptyPair(bench, dut);
        Fixture.Serial adapter = new Fixture.Serial(bench.toString(), null, null, 115200, 10_000);
        Console console = new Console(new Transcript(dir.resolve("console.transcript")));
        try (SerialLink link = SerialLink.open(Adapters.resolve(adapter), () -> Adapters.find(adapter), 115200,
                Duration.ofMillis(adapter.reconnectMs()), console)) {
            console.attach(link);
            write(dut, "before the gap\r\n");
            console.expect(Duration.ofSeconds(5), BoundedPattern.compile("before the gap"));

            socat.destroy();
            assertTrue(socat.waitFor(5, TimeUnit.SECONDS));
            socat = ptyPair(bench, dut);
            // the bench may need a moment to notice and reopen: keep writing until it hears
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean heard = false;
            while (!heard && System.nanoTime() < deadline) {
                write(dut, "after the gap\r\n");
                try {
                    console.expect(Duration.ofMillis(300), BoundedPattern.compile("after the gap"));
                    heard = true;
                } catch (dev.starbench.console.ExpectTimeout notYet) {
                    // not reopened yet
                }
            }
            assertTrue(heard, "the link never reopened");
            assertTrue(link.failure() == null, link.failure());
        } finally {
            console.close();
            socat.destroyForcibly();
        }
        String transcript = Files.readString(dir.resolve("console.transcript"));
        assertTrue(transcript.contains("NOTE \"serial adapter " + bench) && transcript.contains("stopped answering"), transcript);
        assertTrue(transcript.contains("serial adapter back as " + bench), transcript);
    }

    @Test(timeOut = 30_000)
    public void aWaitingCallerReadsForItselfAndTheReaderThreadTakesOverWhenItStops() throws Exception {
        Path dir = Files.createTempDirectory("turns");
        Path bench = dir.resolve("bench-tty");
        Path dut = dir.resolve("dut-tty");
        Process socat = ptyPair(bench, dut);
        Console console = new Console(new Transcript(dir.resolve("console.transcript")));
        java.util.List<String> readers = new java.util.concurrent.CopyOnWriteArrayList<>();
        SerialLink.Sink recording = new SerialLink.Sink() {
            @Override
            public void received(byte[] data, int length, java.time.Instant at) {
                readers.add(Thread.currentThread().getName());
                console.received(data, length, at);
            }
        };
        try (SerialLink link = SerialLink.open(bench.toString(), 115200, recording)) {
            console.attach(link);
            // the DUT speaks once the caller is waiting (and the reader thread's last read has timed out)
            Thread dutSide = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    write(dut, "first\r\n");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            dutSide.start();
            link.readWhile(() -> console.position() == 0, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            dutSide.join();
            assertEquals(readers, java.util.List.of(Thread.currentThread().getName()), "read on the thread that waited for it");
            // nobody waits now: the reader thread reads again
            write(dut, "second\r\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!console.text(0, console.position()).contains("second") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(readers.size() == 2 && readers.get(1).startsWith("serial-reader"), "the reader thread took the port back: " + readers);
        } finally {
            console.close();
            socat.destroyForcibly();
        }
        String transcript = Files.readString(dir.resolve("console.transcript"));
        assertTrue(transcript.contains("first\\r\\n") && transcript.contains("second\\r\\n"), transcript);
    }

    @Test(timeOut = 30_000)
    public void anAdapterThatNeverReturnsFailsTheLinkAfterTheWindow() throws Exception {
        Path dir = Files.createTempDirectory("reconnect");
        Path bench = dir.resolve("bench-tty");
        Process socat = ptyPair(bench, dir.resolve("dut-tty"));
        Fixture.Serial adapter = new Fixture.Serial(bench.toString(), null, null, 115200, 500);
        Console console = new Console(new Transcript(dir.resolve("console.transcript")));
        try (SerialLink link = SerialLink.open(bench.toString(), () -> Adapters.find(adapter), 115200, Duration.ofMillis(500), console)) {
            console.attach(link);
            socat.destroy();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (link.failure() == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(link.failure() != null && link.failure().contains("not back within 500 ms"), String.valueOf(link.failure()));
        } finally {
            console.close();
        }
    }

    @Test(timeOut = 120_000)
    public void aTenMegabyteBurstOfRandomBytesKeepsTheBufferBoundedAndALaterPromptStillMatches() throws Exception {
        Path dir = Files.createTempDirectory("flood");
        Path bench = dir.resolve("bench-tty");
        Path dut = dir.resolve("dut-tty");
        Process socat = ptyPair(bench, dut);
        Console console = new Console(new Transcript(dir.resolve("console.transcript")));
        int burst = 10 << 20;
        try (SerialLink link = SerialLink.open(bench.toString(), () -> Optional.of(bench.toString()), 115200, Duration.ZERO, console)) {
            console.attach(link);
            byte[] noise = new byte[burst];
            new java.util.Random(42).nextBytes(noise);
            for (int i = 0; i < noise.length; i++) {
                if (noise[i] == 'l' || noise[i] == 'K' || noise[i] == 'U') {
                    noise[i] = '.';   // no accidental prompt or death string in the noise
                }
            }
            try (OutputStream out = new FileOutputStream(dut.toFile())) {
                out.write(noise);
                out.write("\r\nvdut login: ".getBytes(StandardCharsets.US_ASCII));
            }
            Console.Match m = console.expect(Duration.ofSeconds(60), dev.starbench.console.Prompts.LOGIN);
            assertTrue(m.text().endsWith("vdut login: "), m.text());
            assertTrue(m.end() == burst + "\r\nvdut login: ".length(), "every byte arrived: " + m.end());
            String kept = console.text(0, console.position());
            assertTrue(kept.length() <= 1 << 20, "the console keeps a bounded window, not the flood: " + kept.length());
        } finally {
            console.close();
            socat.destroyForcibly();
        }
    }

    public static Process ptyPair(Path bench, Path dut) throws Exception {
        Process p = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + bench, "pty,raw,echo=0,link=" + dut)
                .redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(bench) && Files.exists(dut))) {
            assertTrue(System.nanoTime() < deadline && p.isAlive(), "socat did not make its ptys");
            Thread.sleep(10);
        }
        return p;
    }

    private static void write(Path tty, String text) throws Exception {
        try (OutputStream out = new FileOutputStream(tty.toFile())) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
