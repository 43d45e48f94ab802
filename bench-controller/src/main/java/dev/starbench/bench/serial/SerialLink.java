package dev.starbench.bench.serial;

import com.fazecast.jSerialComm.SerialPort;
import dev.starbench.bench.BenchIoException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A UART adapter opened through jSerialComm, 8N1. Pseudo-terminals are not listed by
 * {@code SerialPort.getCommPorts()}, so ports are opened by path. A reader thread hands every chunk to
 * the sink the moment it arrives, except while a caller reads for itself ({@link #readWhile}). Many USB
 * UARTs vanish when the DUT loses power: when the port fails, the reader waits for the adapter to come
 * back (found again by its identity), reopens it and tells the sink where the gap was; only after the
 * reconnect window does the link fail.
 */
public final class SerialLink implements AutoCloseable {
    /**
     * Receives bytes in arrival order, on the reader thread or on a caller's thread in {@link #readWhile}
     * (one at a time); must not block for long.
     */
    public interface Sink {
        void received(byte[] data, int length, Instant at);

        /** The adapter vanished or came back; the transcript marks the gap. */
        default void gap(String note, Instant at) {
        }

        /** Nothing came for a read timeout: what the sink held back can be written out now. */
        default void quiet() {
        }

        /** The link failed for good (also {@link #failure()}); waiters can stop at once instead of polling. */
        default void failed(String why, Instant at) {
        }
    }

    /** How often the reader looks for a vanished adapter: USB re-enumeration has no event jSerialComm exposes. */
    private static final long RECONNECT_POLL_MS = 100;
    /**
     * How long the reader thread leaves the port to callers after one stops reading: a check's next wait
     * comes within microseconds. What the DUT sends meanwhile waits in the kernel's buffer.
     */
    static final long GRACE_NANOS = 5_000_000;
    /**
     * How often the reader thread looks whether callers still keep the port; it is not woken when one
     * stops (that wake-up would compete for a CPU at the worst moment), so after a caller's last wait the
     * console is read again at most this late. A read's own timeout is as long.
     */
    static final long RECHECK_NANOS = 100_000_000;

    private final Supplier<Optional<String>> locator;
    private volatile int baud;
    private final Duration reconnectWindow;
    private final Sink sink;
    private final Thread reader;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile SerialPort port;
    private volatile String path;   // as found, not as jSerialComm resolves it: names what the fixture named
    private volatile String failure;

    // Whose turn it is to read: the reader thread, or a caller waiting for the console (readWhile).
    private final ReentrantLock turn = new ReentrantLock();
    /** Callers wait here for the reader thread's read to end. */
    private final Condition readerDone = turn.newCondition();
    /** The reader thread waits here for its turn (see {@link #RECHECK_NANOS}). */
    private final Condition readerTurn = turn.newCondition();
    private boolean readerReading;
    private boolean callerReading;
    private int waitingCallers;
    private long callerEndedAt = System.nanoTime() - GRACE_NANOS;
    private volatile boolean troubled;   // a caller's read failed: the reader thread must reconnect
    private final byte[] callerBuffer = new byte[4096];

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
        // Semi-blocking: a read returns as soon as any byte is there. The timeout (termios counts it in
        // tenths of a second, 100 ms at the least) bounds how long a reader takes to notice close(), how far
        // past its deadline a waiting caller's read may end, and when a quiet console's last lines are logged.
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, 100, 2000);
        if (!port.openPort()) {
            throw new BenchIoException("cannot open serial adapter " + path + " (error " + port.getLastErrorCode()
                    + "): is it plugged in, and is the user in the dialout group?");
        }
        return port;
    }

    private void readLoop() {
        byte[] buf = new byte[4096];
        while (awaitTurn()) {
            try {
                SerialPort p = port;
                int n = p.readBytes(buf, buf.length);
                if (n >= 0 || !open.get()) {
                    troubled = false;
                    deliver(buf, n);
                    continue;
                }
                String why = "serial adapter " + path + " stopped answering (error " + p.getLastErrorCode() + ")";
                p.closePort();
                if (!reconnect(why)) {
                    failure = why + (reconnectWindow.isZero() ? "" : "; not back within " + reconnectWindow.toMillis() + " ms");
                    sink.failed(failure, Instant.now());
                    return;
                }
                troubled = false;
            } finally {
                endTurn();
            }
        }
    }

    private void deliver(byte[] buf, int n) {
        if (n > 0) {
            sink.received(buf, n, Instant.now());
        } else if (n == 0) {
            sink.quiet();
        }
    }

    /**
     * The reader thread's turn: when no caller holds or waits for the port and the grace after the last
     * caller has passed (or the port failed in a caller's hands: reconnecting is this thread's job).
     * False once the link is closed.
     */
    private boolean awaitTurn() {
        turn.lock();
        try {
            while (open.get()) {
                long sinceCaller = System.nanoTime() - callerEndedAt;
                if (troubled || !callerReading && waitingCallers == 0 && sinceCaller >= GRACE_NANOS) {
                    readerReading = true;
                    return true;
                }
                readerTurn.awaitNanos(callerReading || waitingCallers > 0 ? RECHECK_NANOS : GRACE_NANOS - sinceCaller);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            turn.unlock();
        }
    }

    private void endTurn() {
        turn.lock();
        try {
            readerReading = false;
            readerDone.signalAll();
        } finally {
            turn.unlock();
        }
    }

    /**
     * Reads on the calling thread while {@code waiting} holds and the deadline is ahead, delivering to the
     * sink exactly as the reader thread does. A thread that waits for what the DUT sends is then woken by
     * its own read, not by another thread: under load, every wake-up of another thread can wait a
     * scheduler slice for a CPU. While the reader thread is inside a read this waits for it to end (what
     * it read may settle the wait), and the reader thread leaves the port alone while a caller holds or
     * wants it and for {@link #GRACE_NANOS} after, so back-to-back waits keep it. One caller at a time.
     */
    public void readWhile(BooleanSupplier waiting, long deadlineNanos) throws InterruptedException {
        turn.lock();
        try {
            waitingCallers++;
            try {
                while (readerReading || callerReading || troubled || !open.get()) {
                    long left = deadlineNanos - System.nanoTime();
                    if (!waiting.getAsBoolean() || failure != null || left <= 0) {
                        return;
                    }
                    readerDone.awaitNanos(left);
                }
            } finally {
                waitingCallers--;
            }
            callerReading = true;
        } finally {
            turn.unlock();
        }
        try {
            while (waiting.getAsBoolean() && System.nanoTime() < deadlineNanos && open.get()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while reading the console");
                }
                SerialPort p = port;
                int n = p.readBytes(callerBuffer, callerBuffer.length);
                if (n < 0 && open.get()) {
                    troubled = true;   // the reader thread reconnects or fails the link
                    turn.lock();
                    try {
                        readerTurn.signal();
                    } finally {
                        turn.unlock();
                    }
                    return;
                }
                deliver(callerBuffer, n);
            }
        } finally {
            turn.lock();
            try {
                callerReading = false;
                callerEndedAt = System.nanoTime();
                readerDone.signalAll();   // another caller may be waiting for the port
            } finally {
                turn.unlock();
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
            turn.lock();
            try {
                readerTurn.signalAll();
                readerDone.signalAll();
                // A caller's read ends within the read timeout; the port must not close under it.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (callerReading && System.nanoTime() < deadline) {
                    readerDone.awaitNanos(deadline - System.nanoTime());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                turn.unlock();
            }
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            port.closePort();
        }
    }
}
