package dev.starbench.vdut;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The serial line between the bench's adapter and the device's UART. A pty carries bytes, not bits,
 * and has no real baud rate, so when the two ends run at different rates we do what the wire would:
 * turn each write into the 8N1 bit stream at the sender's rate and sample it with a receiver at the
 * other rate, including the framing garbage a real receiver delivers.
 *
 * <p>Each write is one burst starting and ending on an idle (high) line: the pauses between the
 * firmware's writes stand for real idle time, which is what lets a receiver resynchronise.
 */
final class UartLine {
    private final int deviceBaud;
    private volatile int benchBaud;

    UartLine(int deviceBaud, int benchBaud) {
        this.deviceBaud = deviceBaud;
        this.benchBaud = benchBaud;
    }

    /** The bench's adapter changed its rate (told over the GPIO bridge, since a pty has no rate). */
    void benchBaud(int baud) {
        if (baud != benchBaud) {
            System.err.println("vdut: bench line now at " + baud + " baud (device at " + deviceBaud + ")");
        }
        benchBaud = baud;
    }

    int benchBaud() {
        return benchBaud;
    }

    /** The device's transmit line as the bench's adapter receives it. */
    OutputStream towardsBench(OutputStream pty) {
        return new FilterOutputStream(pty) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(reframe(b, off, len, deviceBaud, benchBaud));
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
    }

    /** Bytes the bench typed, as the device's UART receives them. */
    byte[] towardsDevice(byte[] b, int len) {
        return reframe(b, 0, len, benchBaud, deviceBaud);
    }

    /**
     * What a receiver at {@code rxBaud} makes of bytes sent at {@code txBaud}. Time is counted in units
     * of 1/(2·tx·rx) s so every bit edge and mid-bit sample is an exact integer.
     */
    static byte[] reframe(byte[] b, int off, int len, int txBaud, int rxBaud) {
        if (txBaud == rxBaud) {
            byte[] same = new byte[len];
            System.arraycopy(b, off, same, 0, len);
            return same;
        }
        Wire wire = new Wire(b, off, len, 2L * rxBaud);
        long rxBit = 2L * txBaud;
        long halfRxBit = txBaud;
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        long t = 0;
        while (true) {
            long edge = wire.nextFallingEdge(t);
            if (edge < 0) {
                return out.toByteArray();
            }
            if (wire.level(edge + halfRxBit) != 0) {
                // a glitch shorter than half a bit: a real receiver rejects it and keeps hunting
                t = edge + halfRxBit;
                continue;
            }
            int value = 0;
            for (int bit = 0; bit < 8; bit++) {
                value |= wire.level(edge + (1 + bit) * rxBit + halfRxBit) << bit;
            }
            long stopSample = edge + 9 * rxBit + halfRxBit;
            // A framing error (stop bit low) reaches the reader as NUL, as Linux delivers it without PARMRK.
            out.write(wire.level(stopSample) == 1 ? value : 0);
            t = stopSample;
        }
    }

    /** The 8N1 waveform of a burst: idle high before and after, each bit {@code bitLength} units long. */
    private record Wire(byte[] b, int off, int len, long bitLength) {
        int level(long t) {
            if (t < 0) {
                return 1;
            }
            long bit = t / bitLength;
            long frame = bit / 10;
            if (frame >= len) {
                return 1;
            }
            int pos = (int) (bit % 10);
            if (pos == 0) {
                return 0;
            }
            if (pos == 9) {
                return 1;
            }
            return (b[off + (int) frame] >> (pos - 1)) & 1;
        }

        /** The first high-to-low edge at or after t, or -1 when the line stays idle. */
        long nextFallingEdge(long t) {
            long bit = Math.max(0, (t + bitLength - 1) / bitLength);
            for (long total = 10L * len; bit < total; bit++) {
                long at = bit * bitLength;
                if (level(at) == 0 && level(at - 1) == 1 && at >= t) {
                    return at;
                }
            }
            return -1;
        }
    }
}
