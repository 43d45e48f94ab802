package dev.starbench.vdut;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The telnet-open flaw: BusyBox telnetd left listening on loopback, with its option negotiation and banner. */
final class Telnetd {
    private static final byte[] NEGOTIATION = {(byte) 0xff, (byte) 0xfb, 0x01, (byte) 0xff, (byte) 0xfb, 0x03};

    private final int port;
    private final String hostname;
    private ServerSocket server;

    Telnetd(int port, String hostname) {
        this.port = port;
        this.hostname = hostname;
    }

    void start() {
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            System.err.println("vdut: telnetd: cannot listen on " + port + ": " + e.getMessage());
            return;
        }
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(NEGOTIATION);
                    out.write(("\r\nBusyBox v1.36.1 (2026-11-01 12:00:00 UTC) built-in shell\r\n" + hostname + " login: ")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.setSoTimeout(2000);
                    s.getInputStream().read();
                } catch (IOException e) {
                    // a client that went away, or the server closed at power-off
                }
            }
        }, "vdut-telnetd");
        t.setDaemon(true);
        t.start();
    }

    void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // closing at power-off
        }
    }
}
