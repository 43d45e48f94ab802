package dev.starbench.vdut;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The telnet-open flaw: BusyBox telnetd left listening on loopback, with its option negotiation, banner
 * and {@code login}, which takes the device's accounts (three tries a connection, as BusyBox login).
 */
final class Telnetd {
    private static final byte[] NEGOTIATION = {(byte) 0xff, (byte) 0xfb, 0x01, (byte) 0xff, (byte) 0xfb, 0x03};
    private static final int IAC = 0xff;
    private static final int SB = 0xfa;
    private static final int SE = 0xf0;
    private static final int TRIES = 3;

    private final int port;
    private final String hostname;
    private final Accounts accounts;
    private ServerSocket server;

    Telnetd(int port, String hostname, Accounts accounts) {
        this.port = port;
        this.hostname = hostname;
        this.accounts = accounts;
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
                try {
                    Socket s = server.accept();
                    Thread session = new Thread(() -> serve(s), "vdut-telnet-session");
                    session.setDaemon(true);
                    session.start();
                } catch (IOException e) {
                    // the server closed at power-off
                }
            }
        }, "vdut-telnetd");
        t.setDaemon(true);
        t.start();
    }

    private void serve(Socket socket) {
        try (socket; OutputStream out = socket.getOutputStream(); InputStream in = socket.getInputStream()) {
            socket.setSoTimeout(60_000);
            out.write(NEGOTIATION);
            write(out, "\r\nBusyBox v1.36.1 (2026-11-01 12:00:00 UTC) built-in shell\r\n");
            for (int i = 0; i < TRIES; i++) {
                write(out, hostname + " login: ");
                String user = readLine(in);
                write(out, "Password: ");
                String password = readLine(in);
                if (user == null || password == null || server.isClosed()) {
                    return;
                }
                Accounts.Answer answer = accounts.login(Accounts.Surface.TELNET, user, password);
                if (answer.accepted()) {
                    write(out, "\r\n~ $ ");
                    readLine(in);   // whatever it is, the session ends: nothing here runs commands
                    return;
                }
                write(out, "\r\n" + answer.failure() + "\r\n");
            }
        } catch (IOException e) {
            // a client that went away, or the server closed at power-off
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A line without telnet commands; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == IAC) {
                int cmd = in.read();
                if (cmd == SB) {
                    while ((c = in.read()) >= 0 && !(c == IAC && in.read() == SE)) {
                        // sub-negotiation bytes are of no interest here
                    }
                } else if (cmd >= 0xfb && cmd <= 0xfe) {
                    in.read();
                } else if (cmd == IAC) {
                    line.write(IAC);
                }
                continue;
            }
            if (c == '\r' || c == '\n') {
                if (line.size() > 0 || c == '\r') {
                    return line.toString(StandardCharsets.ISO_8859_1);
                }
                continue;   // the LF of a CR LF, or a NUL-less line end
            }
            if (c != 0 && line.size() < 256) {
                line.write(c);
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
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
