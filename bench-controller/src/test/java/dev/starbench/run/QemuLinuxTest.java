package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.Bench;
import dev.starbench.bench.mqtt.ConnectProbe;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.console.BoundedPattern;
import dev.starbench.console.Console;
import dev.starbench.console.Prompts;
import dev.starbench.console.Transcript;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The real-Linux DUT (scripts/build-linux-dut) through the shipped fixture: Debian's U-Boot, Debian's
 * kernel, BusyBox, dropbear and mosquitto under QEMU, each flaw shown by the real program doing it, and
 * the hardened build refusing the same. Power-on to prompt and each service's first answer are printed.
 */
public class QemuLinuxTest {
    // Deadlines only: under TCG on a loaded 2-core host the boot takes 6-30 s.
    private static final Duration BOOT = Duration.ofSeconds(150);
    private static final Duration ANSWER = Duration.ofSeconds(20);
    // One try at a port that may not answer yet: QEMU accepts at once and waits for the guest, whose SYN
    // retries back off, so a fresh connection every couple of seconds times the first answer better.
    private static final Duration TRY = Duration.ofSeconds(2);
    private static final int SSH = 21922;
    private static final int TELNET = 21923;
    private static final int MQTT = 21983;
    private static final Pattern LOGIN = BoundedPattern.compile("linux-dut login: ");
    private static final Pattern PASSWORD = BoundedPattern.compile("Password: ");
    private static final Pattern ROOT_ID = BoundedPattern.compile("uid=0\\(root\\) gid=0\\(root\\)");

    private final ExecutorService watchers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "guest-port-watch");
        t.setDaemon(true);
        return t;
    });
    private Path dir;

    @BeforeClass(timeOut = 1_260_000)
    public void buildTheImage() throws Exception {
        LinuxDutImage.ensure();
        dir = Files.createTempDirectory("starbench-linux-dut");
    }

    @AfterClass(alwaysRun = true)
    public void stopWatchers() {
        watchers.shutdownNow();
    }

    @Test
    public void theShippedFixtureBootsTheBuiltImage() throws Exception {
        Fixture.Qemu qemu = ConfigLoader.loadFixture(QemuBench.linuxFixture(dir)).qemu();

        assertEquals(qemu.kernel(), LinuxDutImage.DIR.resolve("Image"));
        assertEquals(qemu.initrd(), LinuxDutImage.DIR.resolve("initramfs.cpio"));
        assertEquals(qemu.append(), "console=ttyAMA0,115200");
        assertEquals(qemu.forwards(), List.of(new Fixture.Forward("tcp", SSH, 22), new Fixture.Forward("tcp", TELNET, 23),
                new Fixture.Forward("tcp", MQTT, 1883)));
    }

    @Test(timeOut = 400_000)
    public void theInsecureBuildGivesARootShellAndLetsAnyoneIntoItsServices() throws Exception {
        Path work = Files.createDirectories(dir.resolve("insecure"));
        DeviceProfile profile = ConfigLoader.loadProfile(VirtualBench.profile("qemu-linux-insecure"));
        try (Bench bench = Bench.open(ConfigLoader.loadFixture(QemuBench.linuxFixture(work)), profile);
             Console console = new Console(new Transcript(work.resolve("console.transcript")))) {
            console.attach(bench.openSerial(console));
            long from = console.position();
            PowerOn boot = powerOn(bench);
            CompletableFuture<Timed<Tcp>> telnet = boot.watch(() -> {
                Tcp t = Tcp.connect(TELNET);
                try {
                    t.until(LOGIN, TRY);
                    return t;
                } catch (IOException e) {
                    t.close();
                    throw e;
                }
            });
            CompletableFuture<Timed<String>> ssh = boot.watch(() -> banner(SSH));
            CompletableFuture<Timed<MqttConnectReturnCode>> mqtt = boot.watch(() -> anonymousConnect());

            // BusyBox ash as it is: the prompt, then its cursor position query, which the console answers as a
            // terminal would; patterns read what a terminal shows, where the query is not.
            console.expect(BOOT, BoundedPattern.compile("\\n/ # "));
            long promptMs = boot.elapsedMs();
            console.send("id\r");
            console.expect(ANSWER, ROOT_ID);

            String log = console.textSince(from);
            assertTrue(log.contains("\n/ # \u001b[6n"), "the raw stream keeps the query: " + log);
            String sent = Files.readString(work.resolve("console.transcript"));
            assertTrue(Pattern.compile("TX \"\\\\x1b\\[\\d{1,2};\\d{1,2}R\"").matcher(sent).find(), "the cursor report went out");
            assertTrue(log.contains("*** Warning - bad CRC, using default environment"), "stock U-Boot environment");
            assertTrue(log.contains("Hit any key to stop autoboot"), log);
            assertTrue(log.contains("Kernel command line: console=ttyAMA0,115200 starbench.flaws=root-console,"
                    + "default-password,bootloader-open,secret-in-bootlog,telnet-open,ssh-default-password,"
                    + "anonymous-broker"), log);
            assertTrue(log.contains("\tpsk=\"") && log.contains("-----BEGIN EC PRIVATE KEY-----"), log);

            Timed<Tcp> telnetd = telnet.get();
            try (Tcp session = telnetd.value()) {
                String greeting = session.text();
                // BusyBox telnetd's option negotiation (IAC DO/WILL ...), then BusyBox login's prompt.
                assertEquals(greeting.charAt(0), '\u00ff', greeting);
                session.send("root\r\n");
                session.until(PASSWORD, ANSWER);
                session.send("root\r\n");
                session.until(BoundedPattern.compile("# "), ANSWER);
                session.send("id\r\n");
                session.until(ROOT_ID, ANSWER);
            }
            Timed<String> dropbear = ssh.get();
            assertTrue(dropbear.value().startsWith("SSH-2.0-dropbear_2022.83"), dropbear.value());
            String sshId = ssh(work, List.of("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no"),
                    "root");
            assertTrue(ROOT_ID.matcher(sshId).find(), "root/root over SSH: " + sshId);
            Timed<MqttConnectReturnCode> broker = mqtt.get();
            assertEquals(broker.value(), MqttConnectReturnCode.CONNECTION_ACCEPTED);

            System.out.printf("QemuLinuxTest insecure: power-on to root shell prompt %d ms; first answers after power-on:"
                    + " dropbear banner %d ms, telnetd login prompt %d ms, mosquitto CONNACK %d ms%n",
                    promptMs, dropbear.ms(), telnetd.ms(), broker.ms());
        }
        QemuBenchTest.assertNoQemuOrSocatLeft();
    }

    @Test(timeOut = 400_000)
    public void theHardenedBuildAsksForItsOwnPasswordAndKeepsItsServicesShut() throws Exception {
        Path work = Files.createDirectories(dir.resolve("hardened"));
        Path transcript = work.resolve("console.transcript");
        DeviceProfile profile = ConfigLoader.loadProfile(VirtualBench.profile("qemu-linux-hardened"));
        try (Bench bench = Bench.open(ConfigLoader.loadFixture(QemuBench.linuxFixture(work)), profile);
             Console console = new Console(new Transcript(transcript))) {
            console.attach(bench.openSerial(console));
            long from = console.position();
            PowerOn boot = powerOn(bench);
            CompletableFuture<Timed<String>> ssh = boot.watch(() -> banner(SSH));
            CompletableFuture<Timed<MqttConnectReturnCode>> mqtt = boot.watch(() -> anonymousConnect());

            console.expect(BOOT, LOGIN);
            long promptMs = boot.elapsedMs();
            String log = console.textSince(from);
            assertTrue(log.contains("Loading Environment from Flash... OK"), log);
            assertFalse(log.contains("Hit any key"), "bootdelay -2 does not offer to stop autoboot: " + log);
            assertTrue(Pattern.compile("Kernel command line: console=ttyAMA0,115200 starbench\\.flaws=\\s").matcher(log)
                    .find(), log);
            assertFalse(log.contains("PRIVATE KEY") || log.contains("psk="), log);

            // The login prompt comes after /init started every service: whatever listens, listens now.
            Timed<String> dropbear = ssh.get();
            assertTrue(dropbear.value().startsWith("SSH-2.0-dropbear_2022.83"), dropbear.value());
            Timed<MqttConnectReturnCode> broker = mqtt.get();
            assertEquals(broker.value(), MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            // QEMU accepts on the forwarded port and hangs up when nothing listens in the guest.
            try (Tcp telnet = Tcp.connect(TELNET)) {
                assertEquals(telnet.readToEnd(), "", "telnet is closed");
            }
            assertTrue(ssh(work, List.of("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no"),
                    "root").contains("Permission denied (publickey)"), "dropbear offers keys only");
            String keyed = ssh(work, List.of("-i", LinuxDutImage.DIR.resolve("keys/bench_ed25519").toString(), "-o",
                    "IdentitiesOnly=yes", "-o", "PreferredAuthentications=publickey"), null);
            assertTrue(ROOT_ID.matcher(keyed).find(), "the bench's key logs in: " + keyed);
            assertEquals(ConnectProbe.connect("127.0.0.1", MQTT, null, "sb-control", "bench",
                    LinuxDutImage.read("keys/broker-password"), ANSWER), MqttConnectReturnCode.CONNECTION_ACCEPTED);

            console.send("root\r");
            console.expect(ANSWER, PASSWORD);
            console.send("root\r");
            long refusedFrom = System.nanoTime();
            console.expect(ANSWER, BoundedPattern.compile("Login incorrect"));
            long refusalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refusedFrom);
            console.expect(ANSWER, LOGIN);
            // The control: the build's own root password (never printed) opens the console.
            console.send("root\r");
            console.expect(ANSWER, PASSWORD);
            console.send(LinuxDutImage.read("root-password") + "\r");
            console.expect(ANSWER, BoundedPattern.compile("# "));
            console.send("id\r");
            console.expect(ANSWER, ROOT_ID);

            System.out.printf("QemuLinuxTest hardened: power-on to login prompt %d ms; first answers after power-on:"
                    + " dropbear banner %d ms, mosquitto CONNACK (refused) %d ms; root/root refused after %d ms%n",
                    promptMs, dropbear.ms(), broker.ms(), refusalMs);
        } finally {
            // It holds the root password as typed.
            Files.deleteIfExists(transcript);
        }
        QemuBenchTest.assertNoQemuOrSocatLeft();
    }

    @Test(timeOut = 300_000)
    public void theBootloaderCheckFailsTheStockEnvironmentAndPassesBootdelayMinus2() throws Exception {
        Map<String, Verdict> verdicts = new java.util.LinkedHashMap<>();
        for (String name : List.of("qemu-linux-insecure", "qemu-linux-hardened")) {
            Path work = Files.createDirectories(dir.resolve("bootloader-" + name));
            VirtualBench.Run run = VirtualBench.run(work, QemuBench.linuxFixture(work), VirtualBench.profile(name),
                    List.of("debug.bootloader-interrupt"), null);
            RunRecord.CheckResult check = VirtualRunTest.byId(run.result().record()).get("debug.bootloader-interrupt");
            verdicts.put(name, check.verdict());
            if (name.endsWith("insecure")) {
                assertTrue(check.reason().contains("`=>`") && check.reason().contains("U-Boot 2023.01"), check.reason());
            }
        }
        assertEquals(verdicts, Map.of("qemu-linux-insecure", Verdict.FAIL, "qemu-linux-hardened", Verdict.PASS));
        QemuBenchTest.assertNoQemuOrSocatLeft();
    }

    /**
     * debug.uart-console as a run makes it, against the hardened build's BusyBox login, which a UART delivers
     * in pieces ("\r\nlo", "gin: bad salt" for its locked admin account; "Password:" before its space):
     * every credential counted was typed whole, its user name at a whole login prompt and its password at a
     * whole "Password: ", and the answer times are BusyBox's own (its 3 s failure delay; for the locked
     * account, login's exit and getty's respawn), not a race with them.
     */
    @Test(timeOut = 900_000)
    public void theHardenedConsoleLoginIsSweptWithEveryCredentialTypedWhole() throws Exception {
        Path work = Files.createDirectories(dir.resolve("uart-hardened"));
        VirtualBench.Run run = VirtualBench.run(work, QemuBench.linuxFixture(work), VirtualBench.profile("qemu-linux-hardened"),
                List.of("debug.uart-console"), null);
        RunRecord.CheckResult uart = VirtualRunTest.byId(run.result().record()).get("debug.uart-console");
        assertEquals(uart.verdict(), Verdict.PASS, VirtualRunTest.describe(uart));
        String evidence = VirtualRunTest.evidenceText(uart);
        assertTrue(evidence.contains("46 of 46 default credentials tried in"), evidence);

        List<String> typed = credentialsTypedWhole(run.result().runDir().resolve("console.transcript"));
        assertEquals(typed.subList(1, typed.size()), defaultCredentials(), "after the random control, each default credential"
                + " once, in order, its password typed at a whole password prompt");
        Matcher times = Pattern.compile("answered in (\\d+) ms \\(fastest\\), (\\d+) ms \\(median\\), (\\d+) ms \\(slowest\\)")
                .matcher(evidence);
        assertTrue(times.find(), evidence);
        assertTrue(Long.parseLong(times.group(1)) >= 1000, "every answer is BusyBox's own delay, none a race with it: " + times.group());
        System.out.println("QemuLinuxTest hardened console login: "
                + evidence.lines().filter(l -> l.contains("default credentials tried in")).findFirst().orElseThrow());
        QemuBenchTest.assertNoQemuOrSocatLeft();
    }

    /** "user/password" for each user name typed at a whole login prompt and then its password at a whole "Password: ". */
    private static List<String> credentialsTypedWhole(Path transcript) throws IOException {
        Pattern passwordPrompt = Pattern.compile("Password: (?:\\r?\\n?\\[ {0,6}\\d{1,6}\\.\\d{1,6}\\][^\\n]{0,200}\\n){0,3}$");
        List<String> typed = new ArrayList<>();
        StringBuilder shown = new StringBuilder();   // what the console printed since the bench last typed a line
        String user = null;
        for (Transcript.Chunk c : Transcript.read(transcript)) {
            String text = new String(c.data(), StandardCharsets.ISO_8859_1);
            if (c.direction() == Transcript.Direction.RX) {
                shown.append(text);
            } else if (c.direction() == Transcript.Direction.TX && text.endsWith("\r")) {
                String line = text.substring(0, text.length() - 1);
                if (Prompts.LOGIN.matcher(shown).find()) {
                    user = line;
                } else if (user != null && passwordPrompt.matcher(shown).find()) {
                    typed.add(user + "/" + line);
                    user = null;
                } else {
                    user = null;
                }
                shown.setLength(0);
            }
        }
        return typed;
    }

    private static List<String> defaultCredentials() throws IOException {
        try (InputStream in = QemuLinuxTest.class.getResourceAsStream("/dev/starbench/checks/default-credentials.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.contains("\t") ? l.replace('\t', '/') : l + "/").toList();
        }
    }

    @Test(timeOut = 1_260_000)
    public void aRebuildWithTheSamePackagesAndSecretsGivesTheSameBytesAndASecondRunDoesNothing() throws Exception {
        Path again = Files.createDirectories(dir.resolve("rebuild"));
        // The same secrets and the same .deb files (so no network is needed): only the script's work differs.
        Files.copy(LinuxDutImage.DIR.resolve("root-password"), again.resolve("root-password"));
        copyTree(LinuxDutImage.DIR.resolve("keys"), again.resolve("keys"));
        copyTree(LinuxDutImage.DIR.resolve("debs"), again.resolve("debs"));

        String built = LinuxDutImage.build(again);
        String manifest = Files.readString(again.resolve("manifest.txt"));

        assertTrue(built.contains("built " + again), built);
        assertEquals(manifest, LinuxDutImage.read("manifest.txt"), "the same packages, secrets and script, the same bytes");
        for (String pkg : List.of("linux-image-arm64", "busybox-static", "dropbear-bin", "mosquitto", "libc6")) {
            assertTrue(Pattern.compile("(?m)^deb " + pkg + " \\S+ [0-9a-f]{64}$").matcher(manifest).find(), pkg + ": " + manifest);
        }
        assertTrue(Pattern.compile("(?m)^output Image [0-9a-f]{64} \\d+$").matcher(manifest).find(), manifest);
        assertTrue(Pattern.compile("(?m)^output initramfs.cpio [0-9a-f]{64} \\d+$").matcher(manifest).find(), manifest);
        long imageTime = Files.getLastModifiedTime(again.resolve("Image")).toMillis();
        assertTrue(LinuxDutImage.build(again).contains("up to date"), "a second run finds nothing to do");
        assertEquals(Files.getLastModifiedTime(again.resolve("Image")).toMillis(), imageTime);
        assertEquals(Files.getPosixFilePermissions(LinuxDutImage.DIR.resolve("root-password")),
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), "owner-only");
        assertEquals(Files.getPosixFilePermissions(LinuxDutImage.DIR.resolve("keys")),
                PosixFilePermissions.fromString("rwx------"));
        assertNotEquals(LinuxDutImage.read("root-password").strip(), "", "a root password was made");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName().toString()));
            }
        }
    }

    /** The first line a service sends. */
    private static String banner(int port) throws IOException {
        try (Tcp t = Tcp.connect(port)) {
            return t.until(BoundedPattern.compile("\\n"), TRY).strip();
        }
    }

    private static MqttConnectReturnCode anonymousConnect() throws IOException {
        return ConnectProbe.connect("127.0.0.1", MQTT, null, "sb-anonymous", null, null, TRY);
    }

    /** OpenSSH's client running `id` as root on the guest; the password, if any, comes from an askpass script. */
    private static String ssh(Path work, List<String> options, String password) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-p", Integer.toString(SSH),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=30", "-o", "NumberOfPasswordPrompts=1", "-o", "BatchMode=" + (password == null ? "yes" : "no")));
        cmd.addAll(options);
        cmd.addAll(List.of("root@127.0.0.1", "id"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (password != null) {
            Path askpass = work.resolve("askpass");
            Files.writeString(askpass, "#!/bin/sh\necho '" + password + "'\n");
            Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
            pb.environment().put("SSH_ASKPASS", askpass.toString());
            pb.environment().put("SSH_ASKPASS_REQUIRE", "force");
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ssh ended");
        return out;
    }

    private PowerOn powerOn(Bench bench) throws Exception {
        long t0 = System.nanoTime();
        bench.power().on();
        return new PowerOn(t0, watchers);
    }

    /** Milliseconds from power-on to the first answer, and the answer. */
    record Timed<T>(long ms, T value) {
    }

    /** Power-on time, and watchers that try a guest port until it answers. */
    record PowerOn(long t0, ExecutorService pool) {
        long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }

        // A guest service gives no signal when it starts: the port is tried until it answers or the boot deadline.
        <T> CompletableFuture<Timed<T>> watch(Callable<T> attempt) {
            return CompletableFuture.supplyAsync(() -> {
                long deadline = t0 + BOOT.toNanos();
                IOException last = null;
                while (System.nanoTime() < deadline) {
                    try {
                        T value = attempt.call();
                        return new Timed<>(elapsedMs(), value);
                    } catch (IOException e) {
                        last = e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                throw new IllegalStateException("no answer within " + BOOT.toSeconds() + " s of power-on: " + last);
            }, pool);
        }
    }

    /** A client connection to a forwarded guest port. */
    static final class Tcp implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final StringBuilder received = new StringBuilder();

        private Tcp(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        static Tcp connect(int port) throws IOException {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 3000);
                s.setSoTimeout(250);
                return new Tcp(s);
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        /** Reads until the text so far matches; an end of stream before that is an IOException (not up yet). */
        String until(Pattern pattern, Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] buf = new byte[4096];
            while (!pattern.matcher(received).find()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no " + pattern + " within " + timeout.toMillis() + " ms; got " + received);
                }
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        throw new IOException("closed after " + received.length() + " chars: " + received);
                    }
                    received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                } catch (SocketTimeoutException e) {
                    // keep reading until the deadline
                }
            }
            return received.toString();
        }

        /** Everything until the peer closes (a reset counts as closed). */
        String readToEnd() throws IOException {
            byte[] buf = new byte[4096];
            long deadline = System.nanoTime() + ANSWER.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        return received.toString();
                    }
                    received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                } catch (SocketTimeoutException e) {
                    // keep reading until the deadline
                } catch (java.net.SocketException e) {
                    return received.toString();
                }
            }
            throw new IOException("still open after " + ANSWER.toSeconds() + " s; got " + received);
        }

        String text() {
            return received.toString();
        }

        void send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
