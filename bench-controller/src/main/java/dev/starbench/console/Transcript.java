package dev.starbench.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every console byte, both directions, one line per chunk as it arrives:
 * {@code 2026-11-25T10:00:00.123Z RX "U-Boot 2024.01\r\n"}. The escaping is lossless (bytes outside
 * printable ASCII become \xNN), so the raw stream can be rebuilt. TX and NOTE lines are written at once
 * (with anything held before them, so the order stays). Received lines may be held back a little
 * ({@link #append}): a write per 4 KiB chunk costs a flooding console more than all the rest of its
 * handling, so a burst is written in batches of up to {@link #BATCH} bytes, each at most
 * {@link #HOLD_NANOS} after its first line came, or when the console falls quiet. A crash loses at most
 * the batch being held.
 */
public final class Transcript implements AutoCloseable {
    public enum Direction { RX, TX, NOTE }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Bytes written as themselves: printable ASCII but the escape character and the quote. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x7f; c++) {
            PLAIN[c] = c != '\\' && c != '"';
        }
    }

    /** How much a burst may hold back before it is written anyway. */
    static final int BATCH = 64 * 1024;
    /** How long a received line may be held back while the console keeps talking. */
    static final long HOLD_NANOS = 20_000_000;

    private final Path file;
    private final OutputStream out;
    /** Lines not yet written; reused, so the reader thread makes no garbage per chunk. */
    private byte[] line = new byte[BATCH + 16 * 1024];
    private int held;
    private long heldSince;

    public Transcript(Path file) throws IOException {
        this.file = file;
        this.out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    public Path file() {
        return file;
    }

    /** Writes one line (after any held back) with a single system call, so it reaches the file now. */
    public synchronized void write(Direction direction, byte[] data, int length, Instant at) {
        format(direction, data, length, at);
        flush();
    }

    /** Holds a received line back: written by the next write, when the batch is full, or by {@link #flushHeld}. */
    public synchronized void append(Direction direction, byte[] data, int length, Instant at) {
        if (held == 0) {
            heldSince = System.nanoTime();
        }
        format(direction, data, length, at);
        if (held >= BATCH) {
            flush();
        }
    }

    /** Writes what was held back if it has waited {@link #HOLD_NANOS}, or at once when the console is quiet. */
    public synchronized void flushHeld(boolean quiet) {
        if (held > 0 && (quiet || System.nanoTime() - heldSince >= HOLD_NANOS)) {
            flush();
        }
    }

    /** Writes what was held back. */
    public synchronized void flush() {
        if (held == 0) {
            return;
        }
        try {
            out.write(line, 0, held);
            held = 0;
        } catch (IOException e) {
            // The run goes on; the journal still holds the evidence excerpts.
            throw new java.io.UncheckedIOException("cannot write transcript " + file, e);
        }
    }

    private void format(Direction direction, byte[] data, int length, Instant at) {
        String head = at + " " + direction.name() + " \"";
        int need = held + head.length() + 4 * length + 2;
        if (line.length < need) {
            line = java.util.Arrays.copyOf(line, Math.max(need, 2 * line.length));
        }
        int n = held;
        for (int i = 0; i < head.length(); i++) {
            line[n++] = (byte) head.charAt(i);
        }
        for (int i = 0; i < length; i++) {
            int c = data[i] & 0xff;
            if (PLAIN[c]) {
                line[n++] = (byte) c;
                continue;
            }
            switch (c) {
                case '\r' -> n = put(n, '\\', 'r');
                case '\n' -> n = put(n, '\\', 'n');
                case '\t' -> n = put(n, '\\', 't');
                case '\\' -> n = put(n, '\\', '\\');
                case '"' -> n = put(n, '\\', '"');
                default -> {
                    n = put(n, '\\', 'x');
                    n = put(n, HEX[c >> 4], HEX[c & 15]);
                }
            }
        }
        held = put(n, '"', '\n');
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
            flush();
        } catch (java.io.UncheckedIOException lost) {
            // closing anyway: the run reports what it has
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // closing a flushed file: nothing left to lose
        }
    }
}
