package dev.starbench.bench.qemu;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.Spawner;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bench's serial adapter for an emulated board: a pty made by socat that lives for the whole run,
 * so the bench opens one path once through jSerialComm, as it would a USB adapter. socat bridges the
 * pty to a unix socket of ours; each QEMU power-on is attached behind it and detached at power-off.
 * QEMU itself cannot hold the pty: a pty made per QEMU start would vanish at every power cycle, and
 * with it the bench's open handle. What the bench types while the board is off is dropped, as on a
 * board without power.
 */
final class ConsoleBridge implements AutoCloseable {
    private static final long START_TIMEOUT_S = 10;

    private final Path link;
    private final Process socat;
    private final ServerSocketChannel server;
    private final SocketChannel pty;
    private final Thread tx;
    private volatile SocketChannel board;
    private Thread rx;

    private ConsoleBridge(Path link, Process socat, ServerSocketChannel server, SocketChannel pty) {
        this.link = link;
        this.socat = socat;
        this.server = server;
        this.pty = pty;
        this.tx = new Thread(this::benchToBoard, "qemu-console-tx");
        this.tx.setDaemon(true);
    }

    /** Starts socat; returns once its pty exists (socat opens the pty before it connects to us). */
    static ConsoleBridge open(Path dir, Spawner spawner) throws BenchIoException {
        Path link = dir.resolve("console");
        Path socket = dir.resolve("bridge.sock");
        Path log = dir.resolve("socat.log");
        ServerSocketChannel server = null;
        Process socat = null;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            socat = spawner.start(new ProcessBuilder(List.of("socat", "PTY,link=" + link + ",raw,echo=0",
                    "UNIX-CONNECT:" + socket))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true));
            ServerSocketChannel s = server;
            CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.accept();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture.anyOf(accepted, socat.onExit()).get(START_TIMEOUT_S, TimeUnit.SECONDS);
            if (!accepted.isDone()) {
                throw new BenchIoException("socat exited (status " + socat.exitValue() + ") before it made the console pty: "
                        + QemuPower.tail(log));
            }
            ConsoleBridge bridge = new ConsoleBridge(link, socat, server, accepted.get());
            bridge.tx.start();
            return bridge;
        } catch (IOException e) {
            cleanUp(server, socat);
            throw new BenchIoException("cannot start socat for the QEMU console (is socat installed?): " + e.getMessage(), e);
        } catch (TimeoutException e) {
            cleanUp(server, socat);
            throw new BenchIoException("socat did not make the console pty within " + START_TIMEOUT_S + " s: "
                    + QemuPower.tail(log));
        } catch (ExecutionException e) {
            cleanUp(server, socat);
            throw new BenchIoException("cannot accept socat's connection: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cleanUp(server, socat);
            throw new BenchIoException("interrupted while starting socat", e);
        } catch (BenchIoException e) {
            cleanUp(server, socat);
            throw e;
        }
    }

    private static void cleanUp(ServerSocketChannel server, Process socat) {
        if (socat != null) {
            socat.destroyForcibly();
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // the socket file goes with the work directory
            }
        }
    }

    /** The pty the bench opens: the same path for every power cycle of the run. */
    Path path() {
        return link;
    }

    long socatPid() {
        return socat.pid();
    }

    /** Puts a started QEMU's serial socket behind the pty; everything it prints from now on reaches the bench. */
    synchronized void attach(SocketChannel serial) {
        detach();
        board = serial;
        rx = new Thread(() -> boardToBench(serial), "qemu-console-rx");
        rx.setDaemon(true);
        rx.start();
    }

    /** After QEMU quit: forwards what it printed last, then forgets the connection. */
    synchronized void detach() {
        SocketChannel b = board;
        if (b == null) {
            return;
        }
        board = null;
        try {
            rx.join(2000);
            b.close();
        } catch (IOException ignored) {
            // the connection is gone either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void boardToBench(SocketChannel serial) {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        try {
            while (serial.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    pty.write(buf);
                }
                buf.clear();
            }
        } catch (IOException e) {
            // QEMU quit or the bridge closed: the bench sees the console fall silent, as at power-off
        }
    }

    private void benchToBoard() {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        try {
            while (pty.read(buf) >= 0) {
                buf.flip();
                SocketChannel b = board;
                if (b != null) {
                    try {
                        while (buf.hasRemaining()) {
                            b.write(buf);
                        }
                    } catch (IOException e) {
                        // QEMU is quitting: a powered-off board does not hear its keys
                    }
                }
                buf.clear();
            }
        } catch (IOException e) {
            // closed by close(), or socat died: the bench's serial link reports the pty gone
        }
    }

    /** Closing our end makes socat quit on its own (and remove its link); it is killed if it does not. */
    @Override
    public void close() {
        detach();
        try {
            pty.close();
            if (!socat.waitFor(2, TimeUnit.SECONDS)) {
                socat.destroyForcibly();
            }
            tx.join(1000);
        } catch (IOException ignored) {
            socat.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cleanUp(server, socat);
    }
}
