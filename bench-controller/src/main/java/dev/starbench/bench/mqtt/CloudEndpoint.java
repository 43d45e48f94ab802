package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Where the DUT connects when the bench plays its cloud: a TCP listener that terminates TLS itself
 * (so it sees the handshake, its alert, version and suite), reads the DUT's first MQTT packet with
 * Netty's MQTT decoder, and then relays the connection to its {@link Upstream} broker. Each
 * connection becomes one {@link Attempt}.
 *
 * <p>It can also play a cloud that is down ({@link #answer(Answer)}): refusing every connection with a
 * TCP reset, or black-holing it (taking it and never answering). Every TCP connection, however it was
 * answered, is a {@link Connection} with the time it came and the time it ended, so the bench can
 * judge how a device retries.
 */
public final class CloudEndpoint implements Closeable {
    /** How the listener terminates TLS; a null terminator means plaintext MQTT. */
    public interface TlsTerminator {
        /** Runs the server side of the handshake; throws with the alert or reason when it fails. */
        Terminated accept(Socket raw) throws IOException;

        String describe();
    }

    /** @param clientChain the certificates the client presented, its own first; empty when it presented none */
    public record Terminated(InputStream in, OutputStream out, String version, String suite,
                            List<X509Certificate> clientChain) {
        public Terminated(InputStream in, OutputStream out, String version, String suite) {
            this(in, out, version, suite, List.of());
        }
    }

    /** How the cloud answers new connections. */
    public enum Answer {
        /** Up: TLS as configured, the CONNECT read, then relayed to the broker. */
        SERVE,
        /** Down, actively: each connection is taken and reset at once (SO_LINGER 0, so the DUT sees an RST). */
        REFUSE,
        /** Down, silently: each connection is taken and never answered; it ends when the DUT gives up. */
        BLACK_HOLE
    }

    /**
     * One TCP connection the DUT opened: when it came, how the cloud answered it, and when it ended (null
     * while it is open). For a black-holed one the end is when the DUT gave up on it.
     */
    public record Connection(Instant at, Instant ended, Answer answer, String remote) {
    }

    /** A connection's record while it is open. */
    private static final class Tracked {
        final Instant at = Instant.now();
        final Answer answer;
        final String remote;
        volatile Instant ended;

        Tracked(Answer answer, Socket s) {
            this.answer = answer;
            this.remote = s.getInetAddress().getHostAddress() + ":" + s.getPort();
        }

        void end() {
            if (ended == null) {
                ended = Instant.now();
            }
        }

        /** A refusal takes no time the DUT could notice. */
        void refused() {
            ended = at;
        }

        Connection snapshot() {
            return new Connection(at, ended, answer, remote);
        }
    }

    private static final Duration FIRST_PACKET_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration BIND_RETRY = Duration.ofSeconds(3);

    private final ServerSocket server;
    private final TlsTerminator tls;
    private final Upstream upstream;
    private final String listener;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Attempt> completed = new LinkedBlockingQueue<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Connections the black hole holds. */
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final List<Tracked> connections = new CopyOnWriteArrayList<>();
    private volatile Answer answer = Answer.SERVE;
    private final java.util.concurrent.atomic.AtomicInteger underWay = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    private CloudEndpoint(InetAddress bind, int port, TlsTerminator tls, Upstream upstream) throws BenchIoException {
        this.tls = tls;
        this.upstream = upstream;
        this.listener = (tls == null ? "plaintext" : tls.describe()) + " on port " + port;
        server = bind(bind, port);
        Thread t = new Thread(this::acceptLoop, "cloud-accept-" + port);
        t.setDaemon(true);
        t.start();
    }

    /**
     * The previous phase's listener on this port was just closed; a connection of it that the DUT has
     * not closed yet can hold the port a moment longer, so binding is retried briefly.
     */
    private static ServerSocket bind(InetAddress bind, int port) throws BenchIoException {
        long deadline = System.nanoTime() + BIND_RETRY.toNanos();
        while (true) {
            ServerSocket s = null;
            try {
                s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(bind, port));
                return s;
            } catch (IOException e) {
                if (s != null) {
                    quietly(s);
                }
                if (System.nanoTime() > deadline) {
                    throw new BenchIoException("cannot listen on " + bind.getHostAddress() + ":" + port
                            + " as the DUT's cloud: " + e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchIoException("interrupted while binding port " + port, e);
            }
        }
    }

    /**
     * @param tls          null for plaintext MQTT
     * @param upstream the broker to hand connections to after the CONNECT; null to drop them once
     *                 the CONNECT has been seen
     */
    public static CloudEndpoint start(InetAddress bind, int port, TlsTerminator tls, Upstream upstream)
            throws BenchIoException {
        return new CloudEndpoint(bind, port, tls, upstream);
    }

    /**
     * Where to listen for the DUT that connects to {@code host}: a name that resolves to loopback (the
     * virtual DUT) is served there; otherwise the lab's DNS points the name at this machine, which then
     * listens on all its addresses.
     */
    public static InetAddress bindAddress(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            if (a.isLoopbackAddress()) {
                return a;
            }
        } catch (java.net.UnknownHostException e) {
            // a name only the DUT's network resolves
        }
        try {
            return InetAddress.getByName("0.0.0.0");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /**
     * The next finished attempt (CONNECT seen, handshake failed, or the DUT went quiet), or null. An
     * attempt already under way when the timeout passes is still waited for: it ends by itself.
     */
    public Attempt awaitAttempt(Duration timeout) throws InterruptedException {
        Attempt a = completed.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (a == null && underWay.get() > 0) {
            a = completed.poll(FIRST_PACKET_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        }
        return a;
    }

    /**
     * From now on answers new connections this way. Going down resets every connection being served, as a
     * cloud that fails does; coming back resets the connections the black hole still holds (the DUT would
     * otherwise wait out its own timeout on a connection that can never be served).
     */
    public synchronized void answer(Answer how) {
        Answer was = answer;
        answer = how;
        if (was == how) {
            return;
        }
        if (was == Answer.SERVE || how == Answer.SERVE) {
            for (Socket s : was == Answer.SERVE ? open : held) {
                reset(s);
            }
        }
    }

    /** Every TCP connection so far, oldest first. */
    public List<Connection> connections() {
        return connections.stream().map(Tracked::snapshot).toList();
    }

    /** Stops listening and drops every connection, so the DUT has to connect afresh. */
    @Override
    public void close() {
        closed = true;
        quietly(server);
        for (Socket s : open) {
            drop(s);
        }
        for (Socket s : held) {
            drop(s);
        }
    }

    /** An RST rather than a FIN: what the DUT sees when the cloud's host drops it. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        quietly(s);
    }

    /** A FIN the DUT cannot miss, even while another thread is blocked reading the socket. */
    private static void drop(Socket s) {
        try {
            s.shutdownOutput();
        } catch (IOException e) {
            // already closed or reset
        }
        quietly(s);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            Answer how;
            Tracked tracked;
            synchronized (this) {
                how = answer;
                tracked = new Tracked(how, s);
                connections.add(tracked);
                if (how == Answer.REFUSE) {
                    reset(s);
                    tracked.refused();
                    continue;
                }
                (how == Answer.SERVE ? open : held).add(s);
            }
            if (how == Answer.SERVE) {
                underWay.incrementAndGet();
            }
            Thread t = new Thread(() -> {
                try {
                    if (how == Answer.SERVE) {
                        serve(s);
                    } else {
                        swallow(s);
                    }
                } finally {
                    open.remove(s);
                    held.remove(s);
                    tracked.end();
                }
            }, "cloud-conn-" + s.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    /** Reads and discards whatever the DUT sends, never answering, until it closes or resets the connection. */
    private static void swallow(Socket s) {
        byte[] buf = new byte[4096];
        try (InputStream in = s.getInputStream()) {
            while (in.read(buf) >= 0) {
                // a black hole answers nothing
            }
        } catch (IOException e) {
            // the DUT reset it, or the endpoint closed
        } finally {
            quietly(s);
        }
    }

    private void serve(Socket raw) {
        Instant at = Instant.now();
        String remote = raw.getInetAddress().getHostAddress() + ":" + raw.getPort();
        InputStream in;
        OutputStream out;
        String version = null;
        String suite = null;
        String handshake = null;
        List<X509Certificate> clientChain = List.of();
        try {
            raw.setSoTimeout((int) FIRST_PACKET_TIMEOUT.toMillis());
            if (tls == null) {
                in = raw.getInputStream();
                out = raw.getOutputStream();
            } else {
                Terminated t = tls.accept(raw);
                in = t.in();
                out = t.out();
                version = t.version();
                suite = t.suite();
                clientChain = t.clientChain();
                handshake = "ok";
            }
        } catch (IOException e) {
            finish(new Attempt(at, listener, remote, tls != null, reason(e), null, null, null, null));
            quietly(raw);
            return;
        }
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        MqttConnect connect = null;
        String note = null;
        EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder());
        byte[] buf = new byte[4096];
        try {
            while (connect == null && note == null) {
                int n = in.read(buf);
                if (n < 0) {
                    note = "closed before a CONNECT";
                    break;
                }
                seen.write(buf, 0, n);
                decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
                Object msg = decoder.readInbound();
                if (msg instanceof MqttConnectMessage c) {
                    connect = new MqttConnect(c.payload().clientIdentifier(),
                            c.variableHeader().hasUserName() ? c.payload().userName() : null,
                            c.variableHeader().hasPassword());
                } else if (msg instanceof MqttMessage m) {
                    note = m.decoderResult().isFailure() ? "not MQTT: " + m.decoderResult().cause().getMessage()
                            : "first packet was " + m.fixedHeader().messageType() + ", not CONNECT";
                }
            }
        } catch (SocketTimeoutException e) {
            note = "no CONNECT within " + FIRST_PACKET_TIMEOUT.toSeconds() + " s";
        } catch (IOException e) {
            note = "connection lost before a CONNECT: " + reason(e);
        } finally {
            decoder.finishAndReleaseAll();
        }
        finish(new Attempt(at, listener, remote, tls != null, handshake, version, suite, connect, note, clientChain));
        if (connect == null || upstream == null || closed) {
            quietly(raw);
            return;
        }
        relay(raw, in, out, seen.toByteArray());
    }

    /** Hands the connection to the broker, replaying what was read, and pumps both ways until one side closes. */
    private void relay(Socket raw, InputStream in, OutputStream out, byte[] already) {
        try {
            raw.setSoTimeout(0);
            Socket up = upstream.open();
            open.add(up);
            if (closed) {
                // close() ran between the CONNECT and here, and did not see this socket
                drop(up);
                drop(raw);
                return;
            }
            up.getOutputStream().write(already);
            up.getOutputStream().flush();
            InputStream upIn = up.getInputStream();
            Thread back = new Thread(() -> pump(up, upIn, out, raw), "cloud-relay-" + raw.getPort());
            back.setDaemon(true);
            back.start();
            pump(raw, in, up.getOutputStream(), up);
        } catch (IOException e) {
            quietly(raw);
        }
    }

    private static void pump(Closeable from, InputStream in, OutputStream out, Closeable to) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side gone: close both below
        } finally {
            quietly(from);
            quietly(to);
        }
    }

    private void finish(Attempt a) {
        underWay.decrementAndGet();
        attempts.add(a);
        completed.add(a);
    }

    private static String reason(IOException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static void quietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }
}
