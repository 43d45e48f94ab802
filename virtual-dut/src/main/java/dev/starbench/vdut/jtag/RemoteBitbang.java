package dev.starbench.vdut.jtag;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;

/**
 * The server end of OpenOCD's {@code remote_bitbang} adapter: one ASCII character per request. '0'-'7'
 * set TCK, TMS and TDI (bits 2, 1, 0), 'R' asks for TDO (answered '0' or '1'), 'r'-'u' set TRST and SRST
 * (bits 1, 0, asserted when set), 'B'/'b' are the activity light, 'Q' ends the connection. One probe at
 * a time; answers go out when the requests that arrived together are done, so a probe that waits for
 * a TDO sample gets it and one that does not is not slowed down by a write per character.
 */
final class RemoteBitbang implements AutoCloseable {
    /** The wires on the target's side of the connector. */
    interface Wires {
        void drive(boolean tck, boolean tms, boolean tdi);

        boolean tdo();

        void reset(boolean trst, boolean srst);
    }

    private final ServerSocketChannel server;
    private final Path socketFile;
    private final Wires wires;
    private final Consumer<String> log;
    private volatile SocketChannel client;
    private volatile boolean closed;

    private RemoteBitbang(ServerSocketChannel server, Path socketFile, Wires wires, Consumer<String> log) {
        this.server = server;
        this.socketFile = socketFile;
        this.wires = wires;
        this.log = log;
    }

    /** Listens on 127.0.0.1:{@code port} when {@code socket} is null, else on that unix socket. */
    static RemoteBitbang listen(Integer port, String socket, Wires wires, Consumer<String> log) throws IOException {
        ServerSocketChannel server;
        SocketAddress address;
        Path socketFile = null;
        if (socket != null) {
            socketFile = Path.of(socket).toAbsolutePath();
            // A socket left by a process that died; never a file or directory someone keeps.
            if (Files.exists(socketFile) && Files.readAttributes(socketFile, BasicFileAttributes.class).isOther()) {
                Files.delete(socketFile);
            }
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            address = UnixDomainSocketAddress.of(socketFile);
        } else {
            server = ServerSocketChannel.open(StandardProtocolFamily.INET);
            server.socket().setReuseAddress(true);
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }
        try {
            server.bind(address, 1);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen for the debug probe on " + address + ": " + e.getMessage(), e);
        }
        RemoteBitbang rbb = new RemoteBitbang(server, socketFile, wires, log);
        Thread t = new Thread(rbb::acceptLoop, "vdut-remote-bitbang");
        t.setDaemon(true);
        t.start();
        log.accept("listening for a remote_bitbang probe on " + address);
        return rbb;
    }

    private void acceptLoop() {
        while (!closed) {
            try (SocketChannel c = server.accept()) {
                client = c;
                log.accept("probe connected");
                String end = serve(c);
                log.accept("probe disconnected (" + end + ")");
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.accept("probe connection failed: " + e.getMessage());
                }
            } finally {
                client = null;
            }
        }
    }

    /** Answers one probe until it quits or goes; returns how it ended. */
    private String serve(SocketChannel c) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(8192);
        ByteBuffer out = ByteBuffer.allocate(8192);
        boolean unknownSeen = false;
        while (true) {
            in.clear();
            if (c.read(in) < 0) {
                return "connection closed";
            }
            in.flip();
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b >= '0' && b <= '7') {
                    int v = b - '0';
                    wires.drive((v & 4) != 0, (v & 2) != 0, (v & 1) != 0);
                } else if (b == 'R') {
                    if (!out.hasRemaining()) {
                        send(c, out);
                    }
                    out.put((byte) (wires.tdo() ? '1' : '0'));
                } else if (b >= 'r' && b <= 'u') {
                    int v = b - 'r';
                    wires.reset((v & 2) != 0, (v & 1) != 0);
                } else if (b == 'Q') {
                    send(c, out);
                    return "the probe quit";
                } else if (b != 'B' && b != 'b' && b != '\n' && b != '\r' && !unknownSeen) {
                    unknownSeen = true;
                    log.accept("ignoring unknown remote_bitbang request 0x" + Integer.toHexString(b & 0xFF));
                }
            }
            send(c, out);
        }
    }

    private static void send(SocketChannel c, ByteBuffer out) throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            c.write(out);
        }
        out.clear();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            SocketChannel c = client;
            if (c != null) {
                c.close();
            }
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
        } catch (IOException e) {
            // the process is ending; the OS releases the port
        }
    }
}
