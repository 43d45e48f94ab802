package dev.starbench.vdut;

import dev.starbench.vdut.contract.GpioWire;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;

/**
 * The bench's GPIO outputs, as ASCII lines {@code <pin> <0|1>} over loopback TCP, one line per level
 * change. A new connection replaces the old one, so a restarted bench takes over at once. The last
 * levels are kept when the bench disconnects, as a latched output would be. The same connection
 * carries {@code baud <rate>} when the bench's adapter changes rate: the serial line's other wire.
 */
final class GpioBridge implements Closeable {
    private static final int MAX_LINE = 256;

    private final ServerSocket server;
    private final Map<Integer, GpioWire.Wire> wires;
    private final Device device;
    private final UartLine uart;
    private Socket client;
    private volatile boolean closed;

    GpioBridge(Map<Integer, GpioWire.Wire> wires, Device device, UartLine uart) throws StartupException {
        this.wires = wires;
        this.device = device;
        this.uart = uart;
        try {
            server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new StartupException(StartupException.RUNTIME, "cannot listen for the GPIO bridge: " + e.getMessage(), e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    void start() {
        Thread t = new Thread(this::acceptLoop, "vdut-gpio-accept");
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                synchronized (this) {
                    if (client != null) {
                        System.err.println("vdut: gpio: new bench connection replaces the old one");
                        client.close();
                    }
                    client = s;
                }
                Thread t = new Thread(() -> serve(s), "vdut-gpio-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("vdut: gpio: accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    try {
                        handle(line.toString().trim());
                    } catch (RuntimeException e) {
                        // A fault in one part of the device (its network side, say) must not cut the
                        // power line: the bench could no longer switch the device at all.
                        System.err.println("vdut: gpio: handling '" + printable(line.toString()) + "' failed: " + e);
                        e.printStackTrace();
                    }
                    line.setLength(0);
                } else if (line.length() < MAX_LINE) {
                    line.append((char) c);
                }
            }
        } catch (SocketException e) {
            // closed by a newer connection or by shutdown
        } catch (IOException e) {
            System.err.println("vdut: gpio: connection failed: " + e.getMessage());
        }
    }

    private void handle(String line) {
        if (line.isEmpty()) {
            return;
        }
        GpioWire.Message message = GpioWire.parse(line.strip());
        if (message instanceof GpioWire.Baud baud) {
            uart.benchBaud(baud.rate());
            return;
        }
        if (!(message instanceof GpioWire.Level level)) {
            System.err.println("vdut: gpio: ignoring malformed line '" + printable(line) + "' (expected '<pin> <0|1>' or 'baud <rate>')");
            return;
        }
        GpioWire.Wire wire = wires.get(level.pin());
        if (wire == null) {
            System.err.println("vdut: gpio: ignoring pin " + level.pin() + ": not wired to the device");
            return;
        }
        boolean active = wire.isActive(level.high() ? 1 : 0);
        if (wire.name().equals(GpioWire.POWER)) {
            device.power(active);
        } else {
            device.button(wire.name(), active);
        }
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            server.close();
            if (client != null) {
                client.close();
            }
        } catch (IOException e) {
            // shutting down anyway
        }
    }
}
