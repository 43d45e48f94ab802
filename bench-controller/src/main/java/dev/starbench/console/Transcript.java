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
 * printable ASCII become \xNN), so the raw stream can be rebuilt. TX and NOTE lines are written at once,
 * after anything held before them, so the order stays. Received lines ({@link #append}) are written by
 * a writer thread of the transcript's own, at most {@link #HOLD_NANOS} after they came (at once when
 * the console falls quiet, in batches of up to {@link #BATCH} bytes in a burst): the thread that reads
 * the console never waits on the disk, where one write can stall for milliseconds, and a flood is not
 * written 4 KiB at a time. A crash loses at most the lines of the last {@link #HOLD_NANOS}.
 *
 * <p>A batch that cannot be written whole (a full disk takes what fits) is cut off again, and the
 * transcript stops there, whichever thread was writing: {@link #failure()} says why, so the run can
 * stop, while the console goes on delivering what the DUT says to the check that is waiting for it. A
 * RandomAccessFile rather than a channel, since a check thread interrupted while sending would close a
 * channel for good.
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
    /** Past this much held, appends wait for the writer: a stalled disk slows the console, never fills the heap. */
    static final int MAX_HELD = 16 * BATCH;

    private final Path file;
    private final RandomAccessFile out;
    /** Taken before the monitor by whoever writes to the file, so batches reach it in order. */
    private final Object fileLock = new Object();
    /** Bytes of whole lines, where a failed write is cut back to; under {@link #fileLock}. */
    private long written;
    /** Under {@link #fileLock}: what comes after {@link #close} is dropped, not taken for a disk fault. */
    private boolean fileClosed;
    private volatile IOException failure;
    /** Lines not yet written; reused (swapped with {@link #spare}), so reading a console makes no garbage per chunk. */
    private byte[] line = new byte[BATCH + 16 * 1024];
    private byte[] spare = new byte[BATCH + 16 * 1024];
    private int held;
    private long heldSince;
    private boolean hurry;
    private boolean closed;
    private Thread writer;

    public Transcript(Path file) throws IOException {
        this.file = file;
        Files.createFile(file);
        this.out = new RandomAccessFile(file.toFile(), "rw");
    }

    /**
     * Why the transcript stopped, or null while every line reaches the file. What is held back is
     * written first, on this thread, so a run that asks between two checks learns of a full disk now,
     * not a batching delay later.
     */
    public IOException failure() {
        if (failure == null) {
            flush();
        }
        return failure;
    }

    public Path file() {
        return file;
    }

    /** Writes one line (after any held back) with a single system call, so it reaches the file now. */
    public void write(Direction direction, byte[] data, int length, Instant at) {
        synchronized (fileLock) {
            synchronized (this) {
                if (failure != null) {
                    return;
                }
                format(direction, data, length, at);
            }
            writeHeld();
        }
    }

    /** Holds a received line for the writer thread; never waits on the file. */
    public synchronized void append(Direction direction, byte[] data, int length, Instant at) {
        while (held >= MAX_HELD && writer != null && !closed && failure == null) {
            notifyAll();
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (failure != null) {
            return;
        }
        if (held == 0) {
            heldSince = System.nanoTime();
        }
        format(direction, data, length, at);
        if (writer == null && !closed) {
            writer = new Thread(this::writeLoop, "transcript-writer");
            writer.setDaemon(true);
            writer.start();
        }
        if (held >= BATCH) {
            notifyAll();
        }
    }

    /** The console fell quiet: what is held is written now, by the writer thread. */
    public synchronized void hurry() {
        if (held > 0) {
            hurry = true;
            notifyAll();
        }
    }

    /** Writes what was held back, on this thread. */
    public void flush() {
        synchronized (fileLock) {
            writeHeld();
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                synchronized (this) {
                    while (!closed && (held == 0 || !hurry && held < BATCH && System.nanoTime() - heldSince < HOLD_NANOS)) {
                        long left = HOLD_NANOS - (System.nanoTime() - heldSince);
                        if (held == 0) {
                            wait();
                        } else {
                            wait(Math.max(1, left / 1_000_000), 0);
                        }
                    }
                    if (closed) {
                        return;
                    }
                    hurry = false;
                }
                synchronized (fileLock) {
                    writeHeld();
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /**
     * Under the file lock: takes what is held (the buffers swap, so appends go on meanwhile) and writes
     * it; after a failure or the close, drops it.
     */
    private void writeHeld() {
        byte[] batch;
        int n;
        synchronized (this) {
            if (held == 0) {
                return;
            }
            batch = line;
            n = held;
            line = spare;
            held = 0;
            notifyAll();   // an append waiting for room
        }
        try {
            if (failure == null && !fileClosed) {
                out.write(batch, 0, n);
                written += n;
            }
        } catch (IOException e) {
            failure = e;
            try {
                out.setLength(written);
            } catch (IOException cannotCut) {
                // The reader drops a torn last line; nothing follows it.
            }
        } finally {
            synchronized (this) {
                spare = batch;
            }
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
    public void close() {
        Thread w;
        synchronized (this) {
            closed = true;
            notifyAll();
            w = writer;
        }
        if (w != null) {
            try {
                w.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (fileLock) {
            writeHeld();
            fileClosed = true;
            try {
                out.close();
            } catch (IOException ignored) {
                // closing a flushed file: nothing left to lose
            }
        }
    }
}
