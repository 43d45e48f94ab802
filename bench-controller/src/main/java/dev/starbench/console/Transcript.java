package dev.starbench.console;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
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
 * printable ASCII become \xNN), so the raw stream can be rebuilt, and a crash loses at most the chunk
 * being written.
 */
public final class Transcript implements AutoCloseable {
    public enum Direction { RX, TX, NOTE }

    private final Path file;
    private final BufferedWriter out;

    public Transcript(Path file) throws IOException {
        this.file = file;
        this.out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), StandardCharsets.US_ASCII));
    }

    public Path file() {
        return file;
    }

    public synchronized void write(Direction direction, byte[] data, int length, Instant at) {
        try {
            out.write(at.toString());
            out.write(' ');
            out.write(direction.name());
            out.write(" \"");
            out.write(Printable.of(new String(data, 0, length, StandardCharsets.ISO_8859_1)));
            out.write("\"\n");
            out.flush();
        } catch (IOException e) {
            // The run goes on; the journal still holds the evidence excerpts.
            throw new java.io.UncheckedIOException("cannot write transcript " + file, e);
        }
    }

    public void note(String text, Instant at) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        write(Direction.NOTE, b, b.length, at);
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
                case 'u' -> {
                    byte[] b = String.valueOf((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)).getBytes(StandardCharsets.UTF_8);
                    out.write(b, 0, b.length);
                    i += 4;
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
