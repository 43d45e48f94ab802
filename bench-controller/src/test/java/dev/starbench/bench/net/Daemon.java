package dev.starbench.bench.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** A real server program on a loopback port, for the probes to meet; its log is kept for a failing test. */
final class Daemon implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path log;

    private Daemon(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} (PORT in an argument is replaced by a free port) and waits until the port is bound.
     *
     * @param udp the program binds a UDP port (read from /proc/net/udp*), else a TCP one (connected to)
     */
    static Daemon start(Path dir, boolean udp, String... command) throws Exception {
        return start(dir, udp, freePort(), command);
    }

    /** As {@link #start(Path, boolean, String...)}, on a port the caller chose (and wrote into a config file). */
    static Daemon start(Path dir, boolean udp, int port, String... command) throws Exception {
        List<String> argv = new ArrayList<>();
        for (String a : command) {
            argv.add(a.replace("PORT", Integer.toString(port)));
        }
        Path log = Files.createTempFile(dir, argv.get(0).replaceAll("[^A-Za-z0-9]", "_"), ".log");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Daemon d = new Daemon(port, p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (udp ? udpBound(port) : tcpListening(port)) {
                return d;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        d.close();
        throw new IllegalStateException(argv + " did not bind port " + port + ": " + Files.readString(log));
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    private static boolean tcpListening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether some socket is bound to this UDP port (IPv4 or IPv6), as the kernel lists them. */
    private static boolean udpBound(int port) throws IOException {
        String hex = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path p = Path.of(table);
            if (Files.exists(p) && Files.readAllLines(p).stream().skip(1).anyMatch(l -> l.trim().split("\\s+")[1].endsWith(hex.trim()))) {
                return true;
            }
        }
        return false;
    }

    /** A port free for both TCP and UDP, below Linux's ephemeral range. */
    static int freePort() throws IOException {
        Random random = new Random();
        for (int i = 0; i < 200; i++) {
            int port = 20000 + random.nextInt(12000);
            try (ServerSocket s = new ServerSocket(); java.net.DatagramSocket u = new java.net.DatagramSocket(null)) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                u.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
    }
}
