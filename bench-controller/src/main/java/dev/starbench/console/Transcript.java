package dev.starbench.console;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

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

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // closing a flushed file: nothing left to lose
        }
    }
}
