package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.starbench.console.Transcript;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testng.annotations.Test;

/** `starbench console` as a technician uses it, over the virtual fixture's GPIO driver and pty. */
public class ConsoleCommandTest {

    @Test(timeOut = 90_000)
    public void escapeKeysPowerTheDutThroughTheGpioDriverAndEverythingIsTranscribed() throws Exception {
        Path dir = Files.createTempDirectory("starbench-console");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + System.getProperty("user.home"),
                "-cp", System.getProperty("java.class.path"), "dev.starbench.cli.Main", "console",
                "--fixture", VirtualBench.fixture().toString(), "--device", VirtualBench.profile("virtual-insecure").toString(),
                "--out", dir.toString(), "--lease-dir", dir.resolve("leases").toString())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        StringBuffer screen = new StringBuffer();
        CompletableFuture<Void> pump = CompletableFuture.runAsync(() -> copy(p.getInputStream(), screen));
        OutputStream keys = p.getOutputStream();
        List<ProcessHandle> family = new ArrayList<>();

        await(screen, "keys: Ctrl-] then o power on", p);
        p.descendants().forEach(family::add);
        type(keys, "\u001dc");                     // power cycle
        await(screen, "~ # ", p);                  // root-console flaw: a shell after boot
        type(keys, "echo 'tech''nician'\r");
        await(screen, "technician", p);
        type(keys, "\u001dq");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "console did not quit:\n" + screen);
        pump.get(5, TimeUnit.SECONDS);
        assertEquals(p.exitValue(), 0, screen + Files.readString(dir.resolve("stderr.txt")));
        assertTrue(screen.toString().contains("session ended; DUT powered off"), screen.toString());
        for (ProcessHandle h : family) {
            assertTrue(h.onExit().thenApply(x -> true).completeOnTimeout(false, 10, TimeUnit.SECONDS).get(),
                    "left running: " + VirtualBench.describe(List.of(h)));
        }

        Path transcript;
        try (Stream<Path> sessions = Files.list(dir).filter(d -> d.getFileName().toString().startsWith("console-"))) {
            transcript = sessions.findFirst().orElseThrow().resolve("console.transcript");
        }
        String t = Files.readString(transcript);
        assertTrue(t.contains("NOTE \"power on: console: technician\""), t);
        String rx = Transcript.excerpt(transcript, Instant.MIN, Instant.MAX, EnumSet.of(Transcript.Direction.RX));
        String tx = Transcript.excerpt(transcript, Instant.MIN, Instant.MAX, EnumSet.of(Transcript.Direction.TX));
        assertTrue(tx.contains("echo 'tech''nician'\r"), "typed keys are transcribed as TX:\n" + t);
        assertTrue(rx.contains("\r\ntechnician\r\n"), "the DUT's answer is transcribed as RX:\n" + t);
        assertTrue(t.contains("RX \"") && t.contains("U-Boot 2024.01"), t);
        assertTrue(t.contains("NOTE \"power off: console: session ended\""), t);
    }

    private static void type(OutputStream keys, String text) throws Exception {
        keys.write(text.getBytes(StandardCharsets.ISO_8859_1));
        keys.flush();
    }

    private static void await(StringBuffer screen, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!screen.toString().contains(text)) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "no \"" + text + "\" on screen:\n" + screen);
            Thread.sleep(20);
        }
    }

    private static void copy(InputStream in, StringBuffer to) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                to.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (java.io.IOException closed) {
            // process ended
        }
    }
}
