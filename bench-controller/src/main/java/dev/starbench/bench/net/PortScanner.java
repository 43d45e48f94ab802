package dev.starbench.bench.net;

import dev.starbench.bench.BenchIoException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A TCP connect scan with a banner grab: what a person with a laptop on the DUT's network sees first.
 * Silent services get one harmless probe, GDB's "why did you stop" packet, since gdbserver speaks
 * only when spoken to.
 */
public final class PortScanner {
    /** An open port and what it said; {@code banner} holds raw bytes as ISO-8859-1 characters. */
    public record OpenPort(int port, String banner, boolean answersGdb) {
        public boolean telnetNegotiation() {
            return !banner.isEmpty() && banner.charAt(0) == 0xff;
        }
    }

    private static final byte[] GDB_PROBE = "+$?#3f".getBytes(StandardCharsets.US_ASCII);

    private final Duration connectTimeout;
    private final Duration bannerTimeout;
    private final int parallelism;

    public PortScanner(Duration connectTimeout, Duration bannerTimeout, int parallelism) {
        this.connectTimeout = connectTimeout;
        this.bannerTimeout = bannerTimeout;
        this.parallelism = parallelism;
    }

    public List<OpenPort> scan(InetAddress address, int from, int to) throws BenchIoException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "port-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<OpenPort>> results = new ArrayList<>();
            for (int port = from; port <= to; port++) {
                int p = port;
                results.add(pool.submit(() -> probe(address, p)));
            }
            List<OpenPort> open = new ArrayList<>();
            for (Future<OpenPort> f : results) {
                OpenPort o = f.get();
                if (o != null) {
                    open.add(o);
                }
            }
            open.sort(Comparator.comparingInt(OpenPort::port));
            return open;
        } catch (ExecutionException e) {
            throw new BenchIoException("port scan of " + address.getHostAddress() + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private OpenPort probe(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            s.setSoTimeout((int) bannerTimeout.toMillis());
            String banner = read(s.getInputStream());
            boolean gdb = false;
            if (banner.isEmpty()) {
                s.getOutputStream().write(GDB_PROBE);
                s.getOutputStream().flush();
                String reply = read(s.getInputStream());
                gdb = reply.startsWith("+") || reply.startsWith("$");
            }
            return new OpenPort(port, banner, gdb);
        } catch (IOException e) {
            return null;
        }
    }

    /** Everything the service says until it falls silent for the banner timeout, closes, or fills the buffer. */
    private static String read(InputStream in) throws IOException {
        byte[] buf = new byte[512];
        int n = 0;
        try {
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (SocketTimeoutException e) {
            // silence is an answer too
        }
        return new String(Arrays.copyOf(buf, n), StandardCharsets.ISO_8859_1);
    }
}
