package dev.starbench.run;

import dev.starbench.bench.net.LabPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A real mosquitto on loopback, TLS only, with a server certificate for {@code localhost} from a CA
 * made by the test (Bouncy Castle): what a lab runs on a Pi or a server.
 */
final class TlsMosquitto implements AutoCloseable {
    final Path dir;
    final int port;
    final LabPki.Identity ca;
    private final Process process;

    private TlsMosquitto(Path dir, int port, LabPki.Identity ca, Process process) {
        this.dir = dir;
        this.port = port;
        this.ca = ca;
        this.process = process;
    }

    /**
     * @param requireClientCertificate clients must show a certificate from {@link #ca}
     */
    static TlsMosquitto start(Path parent, String name, boolean requireClientCertificate) throws Exception {
        // mosquitto drops root privileges before it reads its files: a world-readable directory and files.
        Path dir = Files.createDirectories(parent.resolve(name));
        LabPki.Identity ca = LabPki.newCa("StarBench test broker CA");
        ca.writePem(dir.resolve("ca.pem"), parent.resolve(name + "-ca.key"));
        LabPki.leaf(ca, "localhost").writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
        int port = CommsRunTest.freePort();
        Files.writeString(dir.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\n"
                + "certfile " + dir.resolve("server.pem") + "\nkeyfile " + dir.resolve("server.key") + "\n"
                + (requireClientCertificate ? "cafile " + dir.resolve("ca.pem") + "\nrequire_certificate true\n" : "")
                + "allow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\n");
        var readable = PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String f : List.of("mosquitto.conf", "server.pem", "server.key", "ca.pem")) {
            Files.setPosixFilePermissions(dir.resolve(f), readable);
        }
        String exe = Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? "/usr/sbin/mosquitto" : "mosquitto";
        Process p = new ProcessBuilder(exe, "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(parent.resolve(name + ".log").toFile()).start();
        awaitPort(port);
        return new TlsMosquitto(dir, port, ca, p);
    }

    String log() throws Exception {
        return Files.readString(dir.resolveSibling(dir.getFileName() + ".log"));
    }

    private static void awaitPort(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto did not open port " + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
