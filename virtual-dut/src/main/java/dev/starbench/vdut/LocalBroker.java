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
    private final SimulationSettings sim;
    private final int port;
    private Process process;
    private Path dir;

    LocalBroker(SimulationSettings sim, int port) {
        this.sim = sim;
        this.port = port;
    }

    void start() {
        try {
            dir = Files.createTempDirectory("vdut-mosquitto");
            // mosquitto drops root privileges before it reads the password file.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            boolean anonymous = sim.has(Flaw.ANONYMOUS_BROKER) || sim.credentials().isEmpty();
            StringBuilder conf = new StringBuilder()
                    .append("listener ").append(port).append(" 127.0.0.1\n")
                    .append("allow_anonymous ").append(anonymous).append('\n')
                    .append("persistence false\nsys_interval 1\nlog_dest stderr\nlog_type error\n");
            NetworkSettings net = sim.network();
            if (Boolean.TRUE.equals(net.brokerTls())) {
                if (net.brokerCert() == null || net.brokerKey() == null) {
                    System.err.println("vdut: broker: broker-tls needs broker-cert and broker-key");
                    return;
                }
                conf.append("certfile ").append(readable(dir.resolve("broker.crt"), net.brokerCert())).append('\n')
                        .append("keyfile ").append(readable(dir.resolve("broker.key"), net.brokerKey())).append('\n');
            }
            if (!anonymous) {
                var c = sim.credentials().get(0);
                Path passwd = readable(dir.resolve("passwd"), c.user() + ":" + c.password() + "\n");
                Process hash = new ProcessBuilder(tool("mosquitto_passwd"), "-U", passwd.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!hash.waitFor(10, TimeUnit.SECONDS) || hash.exitValue() != 0) {
                    System.err.println("vdut: broker: mosquitto_passwd failed");
                    return;
                }
                conf.append("password_file ").append(passwd).append('\n');
            }
            Path confFile = readable(dir.resolve("mosquitto.conf"), conf.toString());
            // Under a shell that holds a pipe from this JVM: if the JVM dies, the pipe closes and the broker goes too.
            process = new ProcessBuilder("sh", "-c", "\"$0\" -c \"$1\" & pid=$!; trap 'kill $pid' EXIT; read _; ",
                    tool("mosquitto"), confFile.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            System.err.println("vdut: broker: mosquitto on 127.0.0.1:" + port + (Boolean.TRUE.equals(net.brokerTls()) ? " (TLS)" : "")
                    + (anonymous ? " (anonymous allowed)" : ""));
        } catch (IOException e) {
            System.err.println("vdut: broker: cannot start mosquitto: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        if (process != null) {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
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
