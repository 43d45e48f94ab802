package dev.starbench.bench.net;

import dev.starbench.bench.BenchIoException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A TCP connect scan with a banner grab: what a person with a laptop on the DUT's network sees first.
 * A port that says nothing gets one harmless probe on the same connection, GDB's "why did you stop"
 * packet: gdbserver speaks only when spoken to, and serves one connection only, so a later probe on a
 * new connection would find it gone. What a port is, is {@link TcpProbes}' business.
 */
public final class PortScanner {
    /**
     * A port that accepted a connection, and what it said there; texts hold raw bytes as ISO-8859-1.
     *
     * @param banner     what it sent before the bench sent anything
     * @param probeReply what it answered to GDB's probe (sent only when there was no banner)
     * @param hungUp     it closed the connection without sending a byte (at once, or after the probe)
     */
    public record OpenPort(int port, String banner, String probeReply, boolean hungUp) {
        public boolean telnetNegotiation() {
            return !banner.isEmpty() && banner.charAt(0) == 0xff;
        }

        /** Whether it sent anything at all. */
        public boolean spoke() {
            return !banner.isEmpty() || !probeReply.isEmpty();
        }
    }

    static final byte[] GDB_PROBE = "+$?#3f".getBytes(StandardCharsets.US_ASCII);
    /** Once a peer has started to answer, this much silence ends its answer: a reply comes in one burst. */
    static final int QUIET_MS = 300;
    /** What is kept of one answer: enough for a banner, a prompt or a status line. */
    static final int MAX_ANSWER = 2048;

    private final Duration connectTimeout;
    private final Duration bannerTimeout;
    private final int parallelism;

    public PortScanner(Duration connectTimeout, Duration bannerTimeout, int parallelism) {
        this.connectTimeout = connectTimeout;
        this.bannerTimeout = bannerTimeout;
        this.parallelism = parallelism;
    }

    public List<OpenPort> scan(InetAddress address, int from, int to) throws BenchIoException, InterruptedException {
        List<Integer> ports = new ArrayList<>();
        for (int port = from; port <= to; port++) {
            ports.add(port);
        }
        return scan(address, ports);
    }

    /** The given ports, in parallel; those that accept, in port order. */
    public List<OpenPort> scan(InetAddress address, List<Integer> ports) throws BenchIoException, InterruptedException {
        List<OpenPort> open = new ArrayList<>();
        for (OpenPort o : inParallel(parallelism, ports.stream().<Callable<OpenPort>>map(p -> () -> probe(address, p)).toList(),
                "port scan of " + address.getHostAddress())) {
            if (o != null) {
                open.add(o);
            }
        }
        open.sort(Comparator.comparingInt(OpenPort::port));
        return open;
    }

    /** One port: null when it does not accept a connection. */
    public OpenPort probe(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            s.setSoTimeout((int) bannerTimeout.toMillis());
            Answer banner = read(s);
            if (!banner.text().isEmpty() || banner.closed()) {
                return new OpenPort(port, banner.text(), "", banner.text().isEmpty());
            }
            Answer reply;
            try {
                s.getOutputStream().write(GDB_PROBE);
                s.getOutputStream().flush();
                reply = read(s);
            } catch (SocketException reset) {
                reply = new Answer("", true);
            }
            return new OpenPort(port, "", reply.text(), reply.text().isEmpty() && reply.closed());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Everything a peer says until it closes, fills the buffer, or falls silent: for the socket's timeout
     * before its first byte, for {@link #QUIET_MS} after it. A reset counts as closed.
     */
    static Answer read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        int timeout = socket.getSoTimeout();
        byte[] buf = new byte[MAX_ANSWER];
        int n = 0;
        boolean closed = false;
        try {
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    closed = true;
                    break;
                }
                n += r;
                socket.setSoTimeout(Math.min(timeout, QUIET_MS));
            }
        } catch (SocketTimeoutException e) {
            // silence is an answer too
        } catch (SocketException reset) {
            closed = true;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(timeout);
            }
        }
        return new Answer(new String(Arrays.copyOf(buf, n), StandardCharsets.ISO_8859_1), closed);
    }

    /** What a peer said, and whether it then closed the connection. */
    record Answer(String text, boolean closed) {
    }

    /** Runs the tasks on a pool of daemon threads and returns their results in order. */
    static <T> List<T> inParallel(int threads, List<Callable<T>> tasks, String what) throws BenchIoException, InterruptedException {
        if (tasks.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
            Thread t = new Thread(r, "net-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw new BenchIoException(what + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
