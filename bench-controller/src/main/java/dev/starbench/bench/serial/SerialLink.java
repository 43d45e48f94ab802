package dev.starbench.bench.serial;

import com.fazecast.jSerialComm.SerialPort;
import dev.starbench.bench.BenchIoException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A UART adapter opened through jSerialComm, 8N1. Pseudo-terminals are not listed by
 * {@code SerialPort.getCommPorts()}, so ports are opened by path. One reader thread hands every chunk
 * to the sink the moment it arrives. Many USB UARTs vanish when the DUT loses power: when the port
 * fails, the reader waits for the adapter to come back (found again by its identity), reopens it
 * and tells the sink where the gap was; only after the reconnect window does the link fail.
 */
public final class SerialLink implements AutoCloseable {
    /** Receives bytes in arrival order on the reader thread; must not block for long. */
    public interface Sink {
        void received(byte[] data, int length, Instant at);

        /** The adapter vanished or came back; the transcript marks the gap. */
        default void gap(String note, Instant at) {
        }

        /**
         * Nothing more is waiting at the adapter after a chunk ({@code quiet} false), or nothing came for a
         * read timeout (true): a moment to write out what was held back during a burst.
         */
        default void idle(boolean quiet) {
        }

        /** The link failed for good (also {@link #failure()}); waiters can stop at once instead of polling. */
        default void failed(String why, Instant at) {
        }
    }

    /** How often the reader looks for a vanished adapter: USB re-enumeration has no event jSerialComm exposes. */
    private static final long RECONNECT_POLL_MS = 100;

    private final Supplier<Optional<String>> locator;
    private volatile int baud;
    private final Duration reconnectWindow;
    private final Sink sink;
    private final Thread reader;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile SerialPort port;
    private volatile String path;   // as found, not as jSerialComm resolves it: names what the fixture named
    private volatile String failure;

    private SerialLink(SerialPort port, String path, Supplier<Optional<String>> locator, int baud, Duration reconnectWindow,
                       Sink sink) {
        this.port = port;
        this.path = path;
        this.locator = locator;
        this.baud = baud;
        this.reconnectWindow = reconnectWindow;
        this.sink = sink;
        this.reader = new Thread(this::readLoop, "serial-reader " + path);
        this.reader.setDaemon(true);
    }

    /** Opens a port that is not reopened if it fails (a benchmark's pty, a port that cannot come back). */
    public static SerialLink open(String path, int baud, Sink sink) throws BenchIoException {
        return open(path, Optional::empty, baud, Duration.ZERO, sink);
    }

    /**
     * Opens the adapter at {@code path}, and whatever the locator finds later if the port fails.
     *
     * @param reconnectWindow how long a vanished adapter may stay away before the link fails (zero: no reconnect)
     */
    public static SerialLink open(String path, Supplier<Optional<String>> locator, int baud, Duration reconnectWindow,
                                  Sink sink) throws BenchIoException {
        SerialLink link = new SerialLink(openPort(path, baud), path, locator, baud, reconnectWindow, sink);
        link.reader.start();
        return link;
    }

    private static SerialPort openPort(String path, int baud) throws BenchIoException {
        SerialPort port;
        try {
            port = SerialPort.getCommPort(path);
        } catch (RuntimeException e) {
            throw new BenchIoException("serial adapter " + path + " not found: " + e.getMessage(), e);
        }
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        // Semi-blocking: a read returns as soon as any byte is there; the timeout bounds how long the
        // reader takes to notice close(), and when a console that fell quiet gets its last lines logged.
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, 100, 2000);
        if (!port.openPort()) {
            throw new BenchIoException("cannot open serial adapter " + path + " (error " + port.getLastErrorCode()
                    + "): is it plugged in, and is the user in the dialout group?");
        }
        return port;
    }

    private void readLoop() {
        byte[] buf = new byte[4096];
        while (open.get()) {
            SerialPort p = port;
            int n = p.readBytes(buf, buf.length);
            if (n > 0) {
                sink.received(buf, n, Instant.now());
                if (p.bytesAvailable() <= 0) {
                    sink.idle(false);
                }
            } else if (n == 0) {
                sink.idle(true);
            } else if (n < 0 && open.get()) {
                String why = "serial adapter " + path + " stopped answering (error " + p.getLastErrorCode() + ")";
                p.closePort();
                if (!reconnect(why)) {
                    failure = why + (reconnectWindow.isZero() ? "" : "; not back within " + reconnectWindow.toMillis() + " ms");
                    sink.failed(failure, Instant.now());
                    return;
                }
            }
        }
    }

    private boolean reconnect(String why) {
        if (reconnectWindow.isZero()) {
            return false;
        }
        Instant lost = Instant.now();
        sink.gap(why + "; waiting up to " + reconnectWindow.toMillis() + " ms for it to return", lost);
        long deadline = System.nanoTime() + reconnectWindow.toNanos();
        while (open.get() && System.nanoTime() < deadline) {
            Optional<String> path = locator.get();
            if (path.isPresent()) {
                try {
                    port = openPort(path.get(), baud);
                    this.path = path.get();
                    Instant back = Instant.now();
                    sink.gap("serial adapter back as " + path.get() + " after " + Duration.between(lost, back).toMillis()
                            + " ms; bytes sent by the DUT in the gap are lost", back);
                    return true;
                } catch (BenchIoException notYet) {
                    // listed but not openable yet: udev is still setting it up
                }
            }
            try {
                Thread.sleep(RECONNECT_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public void write(byte[] data) throws BenchIoException {
        String broken = failure;
        if (broken != null) {
            throw new BenchIoException(broken);
        }
        SerialPort p = port;
        int written = p.writeBytes(data, data.length);
        if (written != data.length) {
            throw new BenchIoException("serial adapter " + path + " took " + written + " of " + data.length + " bytes");
        }
    }

    /** Changes the rate of the open port (and of any port reopened later); the reader and sink stay. */
    public void setBaud(int baud) throws BenchIoException {
        this.baud = baud;
        if (!port.setBaudRate(baud)) {
            throw new BenchIoException("serial adapter " + path + " refused " + baud + " baud (error " + port.getLastErrorCode() + ")");
        }
    }

    /** Why the link failed for good, or null while it works (or is waiting for its adapter). */
    public String failure() {
        return failure;
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            port.closePort();
        }
    }
}
