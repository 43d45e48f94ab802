package dev.starbench.console;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.testng.annotations.Test;

public class TranscriptTest {

    @Test
    public void everyByteReadsBackExactlyAndExcerptsFollowTimeAndDirection() throws Exception {
        Path file = Files.createTempDirectory("transcript").resolve("t");
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
        try (Transcript t = new Transcript(file)) {
            t.write(Transcript.Direction.RX, all, all.length, t0);
            t.write(Transcript.Direction.TX, "id\r".getBytes(StandardCharsets.US_ASCII), 3, t0.plusSeconds(1));
            t.write(Transcript.Direction.RX, "uid=0(root)\r\n".getBytes(StandardCharsets.US_ASCII), 13, t0.plusSeconds(2));
            t.note("adapter gone", t0.plusSeconds(3));
        }
        Files.writeString(file, "2026-11-25T10:00:04Z RX \"torn", java.nio.file.StandardOpenOption.APPEND);

        List<Transcript.Chunk> chunks = Transcript.read(file);
        assertEquals(chunks.size(), 4);
        assertEquals(chunks.get(0).data(), all);
        assertEquals(Transcript.excerpt(file, t0.plusSeconds(1), t0.plusSeconds(2), EnumSet.of(Transcript.Direction.RX)),
                "uid=0(root)\r\n");
        assertEquals(Transcript.excerpt(file, t0.plusSeconds(1), t0.plusSeconds(3), EnumSet.allOf(Transcript.Direction.class)),
                "id\ruid=0(root)\r\nadapter gone");
    }

    @Test
    public void receivedLinesAreWrittenByTheTranscriptsOwnThreadAndNeverAfterWhatFollowsThem() throws Exception {
        Path file = Files.createTempDirectory("transcript").resolve("t");
        Instant at = Instant.parse("2026-11-25T10:00:00Z");
        byte[] chunk = "x".repeat(4000).getBytes(StandardCharsets.US_ASCII);
        try (Transcript t = new Transcript(file)) {
            t.append(Transcript.Direction.RX, "login: ".getBytes(StandardCharsets.US_ASCII), 7, at);
            t.write(Transcript.Direction.TX, "root\r".getBytes(StandardCharsets.US_ASCII), 5, at.plusMillis(1));
            assertEquals(Transcript.read(file).stream().map(c -> c.direction().name()).toList(), List.of("RX", "TX"),
                    "a TX line brings what it answered out first");
            for (int i = 0; i * chunk.length < 3 * Transcript.BATCH; i++) {
                t.append(Transcript.Direction.RX, chunk, chunk.length, at.plusMillis(2));
            }
            t.append(Transcript.Direction.RX, "~ # ".getBytes(StandardCharsets.US_ASCII), 4, at.plusMillis(3));
            t.hurry();
            int expected = 2 + (3 * Transcript.BATCH + chunk.length - 1) / chunk.length + 1;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (Transcript.read(file).size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(10);   // the writer thread's pace is the machine's; only the outcome is asserted
            }
            List<Transcript.Chunk> lines = Transcript.read(file);
            assertEquals(lines.size(), expected, "every line, whole, without a close");
            assertEquals(new String(lines.get(lines.size() - 1).data(), StandardCharsets.US_ASCII), "~ # ", "in order");
        }
    }
}
