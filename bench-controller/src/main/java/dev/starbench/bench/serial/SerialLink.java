package dev.starbench.bench.serial;

import com.fazecast.jSerialComm.SerialPort;
import dev.starbench.bench.BenchIoException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A UART adapter opened by path through jSerialComm, 8N1. Pseudo-terminals are not listed by
 * {@code SerialPort.getCommPorts()}, so the port is always opened by the path the fixture gives.
 * One reader thread hands every chunk to the sink the moment it arrives; nothing polls.
 */
public final class SerialLink implements AutoCloseable {
    /** Receives bytes in arrival order on the reader thread; must not block for long. */
    @FunctionalInterface
    public interface Sink {
        void received(byte[] data, int length, Instant at);
    }

    private final SerialPort port;
    private final String path;
    private final Thread reader;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile String failure;

    private SerialLink(SerialPort port, String path, Sink sink) {
        this.port = port;
        this.path = path;
        this.reader = new Thread(() -> readLoop(sink), "serial-reader " + path);
        this.reader.setDaemon(true);
    }

    public static SerialLink open(String path, int baud, Sink sink) throws BenchIoException {
        SerialPort port;
        try {
            port = SerialPort.getCommPort(path);
        } catch (RuntimeException e) {
            throw new BenchIoException("serial adapter " + path + " not found: " + e.getMessage(), e);
        }
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        // Semi-blocking: read() returns as soon as any byte is there; the timeout only bounds how long
        // the reader takes to notice close().
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, 200, 2000);
        if (!port.openPort()) {
            throw new BenchIoException("cannot open serial adapter " + path + " (error " + port.getLastErrorCode()
                    + "): is it plugged in, and is the user in the dialout group?");
        }
        SerialLink link = new SerialLink(port, path, sink);
        link.reader.start();
        return link;
    }

    private void readLoop(Sink sink) {
        byte[] buf = new byte[4096];
        while (open.get()) {
            int n = port.readBytes(buf, buf.length);
            if (n > 0) {
                sink.received(buf, n, Instant.now());
            } else if (n < 0 && open.get()) {
                failure = "serial adapter " + path + " stopped answering (error " + port.getLastErrorCode() + ")";
                return;
            }
        }
    }

    public void write(byte[] data) throws BenchIoException {
        String broken = failure;
        if (broken != null) {
            throw new BenchIoException(broken);
        }
        int written = port.writeBytes(data, data.length);
        if (written != data.length) {
            throw new BenchIoException("serial adapter " + path + " took " + written + " of " + data.length + " bytes");
        }
    }

    /** Changes the rate of the open port; the reader thread and the sink stay as they are. */
    public void setBaud(int baud) throws BenchIoException {
        if (!port.setBaudRate(baud)) {
            throw new BenchIoException("serial adapter " + path + " refused " + baud + " baud (error " + port.getLastErrorCode() + ")");
        }
    }

    /** Why the reader stopped, or null while it runs. */
    public String failure() {
        return failure;
    }

    public String path() {
        return path;
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
