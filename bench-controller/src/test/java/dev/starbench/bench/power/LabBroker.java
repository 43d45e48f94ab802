package dev.starbench.bench.power;

import dev.starbench.bench.net.LabPki;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A lab's MQTT broker for the power tests: a real mosquitto on loopback, over TLS with a certificate
 * from a CA of the test's own, and with a password file when a user is given.
 */
public final class LabBroker implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path caPem;
    private final Path log;

    private LabBroker(Process process, int port, Path caPem, Path log) {
        this.process = process;
        this.port = port;
        this.caPem = caPem;
        this.log = log;
    }

    /**
     * @param tls      TLS with a certificate for "localhost" from a new CA (then {@link #caPem()})
     * @param user     null: anonymous clients allowed
     */
    public static LabBroker start(Path dir, boolean tls, String user, String password) throws Exception {
        Path home = Files.createDirectories(dir.resolve("lab-broker"));
        // mosquitto drops root privileges before it reads its files: world-readable directory and files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringBuilder conf = new StringBuilder("listener " + port + " 127.0.0.1\npersistence false\n"
                + "log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\n");
        Path caPem = null;
        if (tls) {
            LabPki.Identity ca = LabPki.newCa("StarBench test lab broker CA");
            caPem = home.resolve("ca.pem");
            ca.writePem(caPem, dir.resolve("lab-broker-ca.key"));
            LabPki.leaf(ca, "localhost").writePem(home.resolve("server.pem"), home.resolve("server.key"));
            conf.append("certfile ").append(home.resolve("server.pem")).append("\nkeyfile ")
                    .append(home.resolve("server.key")).append('\n');
        }
        if (user != null) {
            Path passwd = Files.writeString(home.resolve("passwd"), user + ":" + password + "\n");
            Process hash = new ProcessBuilder(tool("mosquitto_passwd"), "-U", passwd.toString()).inheritIO().start();
            if (!hash.waitFor(10, TimeUnit.SECONDS) || hash.exitValue() != 0) {
                throw new IllegalStateException("mosquitto_passwd failed");
            }
            conf.append("allow_anonymous false\npassword_file ").append(passwd).append('\n');
        } else {
            conf.append("allow_anonymous true\n");
        }
        Path confFile = Files.writeString(home.resolve("mosquitto.conf"), conf);
        try (var files = Files.list(home)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        Path log = dir.resolve("lab-broker.log");
        Process p = new ProcessBuilder(tool("mosquitto"), "-c", confFile.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        LabBroker broker = new LabBroker(p, port, caPem, log);
        broker.awaitListening();
        return broker;
    }

    // mosquitto prints nothing we asked for when it listens: a connection is the sign.
    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("mosquitto did not listen on " + port + ": " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
    }

    static String tool(String name) {
        for (String d : new String[] {"/usr/sbin/", "/usr/bin/"}) {
            if (Files.isExecutable(Path.of(d + name))) {
                return d + name;
            }
        }
        return name;
    }

    public int port() {
        return port;
    }

    /** ssl://localhost:PORT with TLS, else tcp://127.0.0.1:PORT. */
    public String url() {
        return caPem != null ? "ssl://localhost:" + port : "tcp://127.0.0.1:" + port;
    }

    public Path caPem() {
        return caPem;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
