package dev.starbench.vdut;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Puts the wall-clock time in front of every log line, so the device's side of a run can be laid
 * next to the bench's journal when the two disagree about what happened.
 */
final class TimestampedLines extends FilterOutputStream {
    private boolean atLineStart = true;

    TimestampedLines(OutputStream out) {
        super(out);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (atLineStart) {
            out.write((Instant.now() + " ").getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b);
        atLineStart = b == '\n';
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }
}
