package dev.starbench.console;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every console byte, both directions, one line per chunk as it arrives:
 * {@code 2026-11-25T10:00:00.123Z RX "U-Boot 2024.01\r\n"}. The escaping is lossless (bytes outside
 * printable ASCII become \xNN), so the raw stream can be rebuilt, and a crash loses at most the chunk
 * being written.
 *
 * <p>A line that cannot be written whole (a full disk takes what fits) is cut off again, and the
 * transcript stops there: {@link #failure()} says why, so the run can stop, while the console goes on
 * delivering what the DUT says to the check that is waiting for it. A RandomAccessFile rather than a
 * channel, since a check thread interrupted while sending would close a channel for good.
 */
public final class Transcript implements AutoCloseable {
    public enum Direction { RX, TX, NOTE }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final RandomAccessFile out;
    /** Bytes of whole lines, where a failed write is cut back to. */
    private long written;
    private volatile IOException failure;
    /** Reused for each line: the reader thread writes here on every chunk, so no per-chunk garbage. */
    private byte[] line = new byte[16 * 1024];

    public Transcript(Path file) throws IOException {
        this.file = file;
        Files.createFile(file);
        this.out = new RandomAccessFile(file.toFile(), "rw");
    }

    /** Why the transcript stopped, or null while every chunk reaches the file. */
    public IOException failure() {
        return failure;
    }

    public Path file() {
        return file;
    }

    /** Writes one line with a single system call, so it reaches the file as the chunk arrives. */
    public synchronized void write(Direction direction, byte[] data, int length, Instant at) {
        if (failure != null) {
            return;
        }
        String head = at + " " + direction.name() + " \"";
        int need = head.length() + 4 * length + 2;
        if (line.length < need) {
            line = new byte[Math.max(need, 2 * line.length)];
        }
        int n = 0;
        for (int i = 0; i < head.length(); i++) {
            line[n++] = (byte) head.charAt(i);
        }
        for (int i = 0; i < length; i++) {
            int c = data[i] & 0xff;
            switch (c) {
                case '\r' -> n = put(n, '\\', 'r');
                case '\n' -> n = put(n, '\\', 'n');
                case '\t' -> n = put(n, '\\', 't');
                case '\\' -> n = put(n, '\\', '\\');
                case '"' -> n = put(n, '\\', '"');
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        line[n++] = (byte) c;
                    } else {
                        n = put(n, '\\', 'x');
                        n = put(n, HEX[c >> 4], HEX[c & 15]);
                    }
                }
            }
        }
        n = put(n, '"', '\n');
        try {
            out.write(line, 0, n);
            written += n;
        } catch (IOException e) {
            failure = e;
            try {
                out.setLength(written);
            } catch (IOException cannotCut) {
                // The reader drops a torn last line; nothing follows it.
            }
        }
    }

    public void note(String text, Instant at) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        write(Direction.NOTE, b, b.length, at);
    }

    private int put(int n, int a, int b) {
        line[n] = (byte) a;
        line[n + 1] = (byte) b;
        return n + 2;
    }

    /** One line of a transcript file. */
    public record Chunk(Instant at, Direction direction, byte[] data) {
    }

    /** Reads a transcript file back into its chunks, bytes exactly as they crossed the wire. */
    public static List<Chunk> read(Path file) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            int space = line.indexOf(' ');
            int quote = line.indexOf(" \"", space + 1);
            if (space < 0 || quote < 0 || !line.endsWith("\"")) {
                continue;   // a line torn by a crash: everything before it is intact
            }
            chunks.add(new Chunk(Instant.parse(line.substring(0, space)), Direction.valueOf(line.substring(space + 1, quote)),
                    unescape(line.substring(quote + 2, line.length() - 1))));
        }
        return chunks;
    }

    /** What crossed the console in the given directions between two instants (inclusive), as text. */
    public static String excerpt(Path file, Instant from, Instant to, Set<Direction> directions) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Chunk c : read(file)) {
            if (!c.at().isBefore(from) && !c.at().isAfter(to) && directions.contains(c.direction())) {
                sb.append(new String(c.data(), StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    static byte[] unescape(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.write(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> out.write(e);
            }
        }
        return out.toByteArray();
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // closing a flushed file: nothing left to lose
        }
    }
}
