package dev.starbench.vdut;

import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.NetworkSettings;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * The device's own MQTT broker: a real mosquitto on loopback while the device has power. Hardened,
 * it takes only the unit's credential; with {@code anonymous-broker} it lets anyone in.
 */
final class LocalBroker {
    private final int port;
    private final boolean anonymous;
    private final String certPem;
    private final String keyPem;
    private final SimulationSettings.Credential credential;
    private final String problem;
    private Process process;
    private Path dir;

    /** The device's own broker, hardened or not as the simulation says. */
    LocalBroker(SimulationSettings sim, int port) {
        this.port = port;
        this.anonymous = sim.has(Flaw.ANONYMOUS_BROKER) || sim.credentials().isEmpty();
        NetworkSettings net = sim.network();
        boolean tls = Boolean.TRUE.equals(net.brokerTls());
        this.certPem = tls ? net.brokerCert() : null;
        this.keyPem = tls ? net.brokerKey() : null;
        this.credential = anonymous ? null : sim.credentials().get(0);
        this.problem = tls && (certPem == null || keyPem == null) ? "broker-tls needs broker-cert and broker-key" : null;
    }

    private LocalBroker(int port) {
        this.port = port;
        this.anonymous = true;
        this.certPem = null;
        this.keyPem = null;
        this.credential = null;
        this.problem = null;
    }

    /** A plain anonymous broker on loopback: the lab's broker a simulated smart plug lives on. */
    static LocalBroker anonymous(int port) {
        return new LocalBroker(port);
    }

    /** Starts the device's own broker; a failure is the device's, noted in its log. */
    void start() {
        if (problem != null) {
            System.err.println("vdut: broker: " + problem);
            return;
        }
        try {
            launch();
        } catch (IOException e) {
            System.err.println("vdut: broker: cannot start mosquitto: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void launch() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("vdut-mosquitto");
        // mosquitto drops root privileges before it reads the password file.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        StringBuilder conf = new StringBuilder()
                .append("listener ").append(port).append(" 127.0.0.1\n")
                .append("allow_anonymous ").append(anonymous).append('\n')
                .append("persistence false\nsys_interval 1\nlog_dest stderr\nlog_type error\n");
        if (certPem != null) {
            conf.append("certfile ").append(readable(dir.resolve("broker.crt"), certPem)).append('\n')
                    .append("keyfile ").append(readable(dir.resolve("broker.key"), keyPem)).append('\n');
        }
        if (credential != null) {
            Path passwd = readable(dir.resolve("passwd"), credential.user() + ":" + credential.password() + "\n");
            Process hash = new ProcessBuilder(tool("mosquitto_passwd"), "-U", passwd.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!hash.waitFor(10, TimeUnit.SECONDS) || hash.exitValue() != 0) {
                throw new IOException("mosquitto_passwd failed");
            }
            conf.append("password_file ").append(passwd).append('\n');
        }
        Path confFile = readable(dir.resolve("mosquitto.conf"), conf.toString());
        // Under a shell that holds a pipe from this JVM: if the JVM dies, the pipe closes and the broker goes too.
        process = new ProcessBuilder("sh", "-c", "\"$0\" -c \"$1\" & pid=$!; trap 'kill $pid' EXIT; read _; ",
                tool("mosquitto"), confFile.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        System.err.println("vdut: broker: mosquitto on 127.0.0.1:" + port + (certPem != null ? " (TLS)" : "")
                + (anonymous ? " (anonymous allowed)" : ""));
    }

    void stop() {
        if (process != null) {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    kill(process);
                }
            } catch (IOException e) {
                kill(process);
            } catch (InterruptedException e) {
                kill(process);
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temp dir left behind is harmless
            }
        }
    }

    /** The broker first: killed, its shell never runs the trap that would end the broker. */
    private static void kill(Process shell) {
        shell.descendants().forEach(ProcessHandle::destroyForcibly);
        shell.destroyForcibly();
    }

    /** mosquitto drops root privileges before it reads its files: they must be readable by its user. */
    private static Path readable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** Debian puts mosquitto in /usr/sbin, which a non-root PATH may lack. */
    private static String tool(String name) {
        for (String d : new String[] {"/usr/sbin/", "/usr/bin/", "/usr/local/sbin/", "/usr/local/bin/"}) {
            if (Files.isExecutable(Path.of(d + name))) {
                return d + name;
            }
        }
        return name;
    }
}
