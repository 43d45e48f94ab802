package dev.starbench.vdut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** The virtual DUT as the bench sees it: real process, real socat, real pty, real socket. */
public class VirtualDutTest {
    private Path root;

    @BeforeClass
    void createRoot() throws Exception {
        root = Files.createTempDirectory("vdut-test");
    }

    @AfterClass(alwaysRun = true)
    void removeRoot() throws Exception {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Path dir(String name) {
        return root.resolve(name);
    }

    @Test
    public void hardenedDeviceBootsToLoginAndRejectsDefaultPassword() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("hardened"), "{\"bootdelay-s\":2,\"login-fail-delay-ms\":100}")) {
            dut.powerOn();
            dut.expect("Autobooting in 2 seconds\r\n");
            dut.expect("vdut login: ");
            dut.send("root\r");
            dut.expect("root\r\nPassword: ");
            dut.send("root\r");
            dut.expect("\r\nLogin incorrect\r\nvdut login: ");
            assertFalse(dut.seenSinceStart("~ #"));
            assertFalse(dut.transcript().contains("BEGIN EC PRIVATE KEY"), "no secret without the flaw");
        }
    }

    @Test
    public void defaultPasswordFlawAcceptsRootRoot() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("default-password"),
                "{\"bootdelay-s\":0,\"flaws\":[\"default-password\"]}")) {
            dut.powerOn();
            dut.expect("vdut login: ");
            dut.send("root\r\n");
            dut.expect("Password: ");
            dut.send("root\r\n");
            dut.expect("~ # ");
            dut.send("id\r");
            assertTrue(dut.expect("~ # ").contains("\r\nuid=0(root) gid=0(root) groups=0(root)\r\n"));
        }
    }

    @Test
    public void anAnsiConsoleColoursItsPromptAndWaitsForTheCursorReport() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("ansi"),
                "{\"bootdelay-s\":0,\"flaws\":[\"root-console\"],\"ansi-console\":true}")) {
            dut.powerOn();
            String prompt = "\u001b]0;root@vdut: ~\u0007\u001b[1;32mroot@vdut\u001b[0m:\u001b[1;34m~\u001b[0m# \u001b[6n";
            dut.expect(prompt);
            // typed before the report: kept, and read once the report is in
            dut.send("id\r");
            assertEquals(dut.collect(Duration.ofMillis(300)), "", "the shell waits for the terminal's report");
            dut.send("\u001b[24;15R");
            assertTrue(dut.expect(prompt).contains("uid=0(root) gid=0(root) groups=0(root)\r\n"));
        }
    }

    @Test
    public void profileCredentialsGiveAnUnprivilegedShell() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("credentials"),
                "{\"bootdelay-s\":0,\"hostname\":\"cam7\",\"credentials\":[{\"user\":\"ops\",\"password\":\"s3cret\"}]}")) {
            dut.powerOn();
            dut.expect("cam7 login: ");
            dut.send("ops\r");
            dut.expect("Password: ");
            dut.send("s3cret\r");
            dut.expect("~ $ ");
            dut.send("id\r");
            assertTrue(dut.expect("~ $ ").contains("uid=1000(ops) gid=1000(ops) groups=1000(ops)\r\n"));
            dut.send("exit\r");
            dut.expect("cam7 login: ");
        }
    }

    @Test
    public void rootConsoleFlawGivesShellThatSplitsWords() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("root-console"),
                "{\"bootdelay-s\":0,\"flaws\":[\"root-console\",\"secret-in-bootlog\"]}")) {
            dut.powerOn();
            String boot = dut.expect("~ # ");
            assertTrue(boot.contains("psk=Sup3rS3cret-wifi"));
            assertTrue(boot.contains("-----BEGIN EC PRIVATE KEY-----\r\n"));
            dut.send("echo 'AB''CD'\r");
            assertTrue(dut.expect("~ # ").endsWith("\r\nABCD\r\n~ # "));
            dut.send("uname -a\r");
            assertTrue(dut.expect("~ # ").contains("\r\nLinux vdut 5.15.0-vdut #1 SMP PREEMPT armv7l GNU/Linux\r\n"));
            dut.send("cat /etc/version\r");
            assertTrue(dut.expect("~ # ").contains("\r\nVCAM-1 firmware 1.4.2\r\n"));
            dut.send("reboot\r");
            assertTrue(dut.expect("~ # ").contains("sh: reboot: not found\r\n"));
        }
    }

    @Test
    public void openBootloaderStopsOnAnyKey() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("bootloader-open"),
                "{\"bootdelay-s\":2,\"flaws\":[\"bootloader-open\"]}")) {
            dut.powerOn();
            dut.expect("Hit any key to stop autoboot:  2");
            dut.send(" ");
            dut.expect("=> ");
            dut.send("version\r");
            assertTrue(dut.expect("=> ").contains("U-Boot 2024.01-vdut"));
            dut.send("frobnicate\r");
            assertTrue(dut.expect("=> ").contains("Unknown command 'frobnicate' - try 'help'\r\n"));
            dut.send("\r");
            assertTrue(dut.expect("=> ").contains("Unknown command 'frobnicate'"), "empty line repeats");
            dut.send("boot\r");
            dut.expect("Starting kernel ...");
        }
    }

    @Test
    public void hardenedBootloaderIgnoresKeysAndBootsTheKernel() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("hardened-keys"), "{\"bootdelay-s\":1}")) {
            dut.powerOn();
            dut.expect("Autobooting in 1 seconds");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!dut.seenSinceStart("Starting kernel") && System.nanoTime() < deadline) {
                dut.send(" \u0003\r\n");
                Thread.sleep(50);
            }
            dut.expect("Starting kernel ...", Duration.ofSeconds(1));
            assertFalse(dut.transcript().contains("=> "));
            dut.expect("vdut login: ");
        }
    }

    @Test
    public void keyedAutobootStopsOnlyOnTheKey() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("keyed"), "{\"bootdelay-s\":2,\"autoboot-stop\":\"sbs\"}")) {
            dut.powerOn();
            dut.expect("Autobooting in 2 seconds");
            dut.send(" x\u0003s");
            dut.send("bs");
            dut.expect("=> ");
            dut.send("printenv bootdelay\r");
            assertTrue(dut.expect("=> ").contains("bootdelay=2\r\n"));
        }
    }

    @Test
    public void powerOffMidBootStopsOutputAndPowerOnBootsAgain() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("power-off"), "{\"bootdelay-s\":0,\"flaws\":[\"root-console\"]}")) {
            dut.powerOn();
            dut.expect("DRAM:");
            dut.powerOff();
            dut.collect(Duration.ofMillis(150)); // a line already in the UART may still arrive
            String after = dut.collect(Duration.ofMillis(1500));
            assertEquals(after, "", "output after power off");
            dut.powerOn();
            dut.expect("U-Boot 2024.01-vdut");
            dut.expect("~ # ");
        }
    }

    @Test
    public void bootCountSurvivesPowerCyclesAndRestarts() throws Exception {
        Path work = dir("boot-count");
        String sim = "{\"bootdelay-s\":0,\"flaws\":[\"root-console\"]}";
        try (var dut = VirtualDutProcess.start(work, sim)) {
            dut.powerOn();
            dut.expect("~ # ");
            dut.powerOff();
            dut.powerOn();
            dut.expect("U-Boot");
            dut.expect("~ # ");
            assertTrue(Files.readString(work.resolve("state.json")).matches("(?s).*\"boot-count\"\\s*:\\s*2\\b.*"));
            assertEquals(dut.stop(), 0);
        }
        try (var dut = VirtualDutProcess.start(work, sim)) {
            dut.powerOn();
            dut.expect("~ # ");
            assertTrue(Files.readString(work.resolve("state.json")).matches("(?s).*\"boot-count\"\\s*:\\s*3\\b.*"));
        }
    }

    @Test
    public void resetButtonHoldsTheDeviceAndReleaseBootsIt() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("reset"), "{\"bootdelay-s\":0,\"flaws\":[\"root-console\"]}")) {
            dut.gpio(VirtualDutProcess.RESET_PIN, 0);
            dut.powerOn();
            assertEquals(dut.collect(Duration.ofMillis(500)), "", "held in reset");
            dut.gpio(99, 1); // not wired: ignored
            dut.gpio(VirtualDutProcess.RESET_PIN, 1);
            dut.expect("U-Boot");
            dut.expect("~ # ");
        }
    }

    @Test
    public void stdinEofEndsTheProcessAndSocat() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("stdin-eof"), "{}")) {
            List<ProcessHandle> descendants = dut.process.descendants().toList();
            assertTrue(descendants.stream().anyMatch(p -> p.info().command().orElse("").endsWith("socat")),
                    "socat among " + descendants.stream().map(p -> p.info().command().orElse("?")).toList());
            dut.process.getOutputStream().close();
            assertTrue(dut.process.waitFor(5, TimeUnit.SECONDS), "process exits on stdin EOF");
            assertEquals(dut.process.exitValue(), 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (descendants.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(descendants.stream().anyMatch(ProcessHandle::isAlive), "socat and its supervisor are gone");
            assertFalse(Files.exists(dir("stdin-eof").resolve("bench-tty")), "socat removed its link");
        }
    }

    @Test
    public void sigtermEndsTheProcessAndSocat() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("sigterm"), "{\"bootdelay-s\":0}")) {
            dut.powerOn();
            dut.expect("U-Boot");
            List<ProcessHandle> descendants = dut.process.descendants().toList();
            dut.process.destroy();
            assertTrue(dut.process.waitFor(5, TimeUnit.SECONDS), "process exits on SIGTERM");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (descendants.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(descendants.stream().anyMatch(ProcessHandle::isAlive), "socat and its supervisor are gone");
        }
    }

    @Test
    public void badSimulationExitsWithStatus3() throws Exception {
        Path stderr = root.resolve("bad.stderr");
        for (String[] c : new String[][] {
                {"{\"bootdelay\":2}", "unknown key 'bootdelay'"},
                {"{\"flaws\":[\"ftp-open\"]}", "unknown flaw 'ftp-open'"},
                {"{\"baud\":", "simulation"}}) {
            Path sim = root.resolve("bad-sim.json");
            Files.writeString(sim, c[0]);
            Process p = VirtualDutProcess.launch(stderr, "--simulation", sim.toString(),
                    "--work-dir", dir("bad").toString(), "--wire", "power=17:active-low");
            p.getOutputStream().close();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(p.exitValue(), 3, c[0]);
            assertTrue(Files.readString(stderr).contains(c[1]), Files.readString(stderr));
            assertEquals(new String(p.getInputStream().readAllBytes()), "", "nothing on stdout");
        }
    }

    @Test
    public void aSimulationFromStdinIsReadUpToItsLineBreakAndABadOneNamesStdin() throws Exception {
        Path stderr = root.resolve("stdin.stderr");
        for (String[] c : new String[][] {
                {"{\"bootdelay\":2}\n", "simulation stdin: unknown key 'bootdelay'"},
                {"{\"baud\":115200}", "simulation stdin: ended before the simulation line"}}) {
            Process p = VirtualDutProcess.launch(stderr, "--simulation", "-",
                    "--work-dir", dir("stdin").toString(), "--wire", "power=17:active-low");
            p.getOutputStream().write(c[0].getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(p.exitValue(), 3, c[0]);
            assertTrue(Files.readString(stderr).contains(c[1]), Files.readString(stderr));
        }
    }

    @Test
    public void badCommandLineExitsWithStatus2() throws Exception {
        Path stderr = root.resolve("usage.stderr");
        Process p = VirtualDutProcess.launch(stderr, "--simulation", "x.json", "--work-dir", "w", "--wire", "power");
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(p.exitValue(), 2);
        assertTrue(Files.readString(stderr).contains("NAME=PIN"));
    }

    @Test
    public void theSupplyIsEitherAPowerWireOrAPlug() throws Exception {
        Path stderr = root.resolve("plug-usage.stderr");
        for (String[] c : new String[][] {
                {"--wire", "power=17", "--power-plug", "tasmota=p1", "--plug-broker-port", "21879"},
                {"--power-plug", "tasmota=p1"},
                {"--power-plug", "sonoff=p1", "--plug-broker-port", "21879"},
                {"--wire", "reset=27", "--plug-broker-port", "21879"}}) {
            List<String> args = new ArrayList<>(List.of("--simulation", "x.json", "--work-dir", "w"));
            args.addAll(List.of(c));
            Process p = VirtualDutProcess.launch(stderr, args.toArray(new String[0]));
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(p.exitValue(), 2, String.join(" ", c));
        }
        assertTrue(Files.readString(stderr).contains("--plug-broker-port is only used with --power-plug"),
                Files.readString(stderr));
    }

    @Test
    public void aBenchAtTheWrongRateSeesGarbageAndTheRightRateSeesTheBoot() throws Exception {
        try (var dut = VirtualDutProcess.start(dir("baud"), "{\"baud\":57600,\"bootdelay-s\":1}")) {
            dut.benchBaud(115200);
            dut.powerOn();
            String garbled = dut.collect(Duration.ofMillis(700));
            assertFalse(garbled.isEmpty(), "a receiver at the wrong rate still receives bytes");
            assertFalse(garbled.contains("U-Boot"), "garbled: " + VirtualDutProcess.printable(garbled));
            dut.powerOff();
            dut.benchBaud(57600);
            dut.collect(Duration.ofMillis(200));
            dut.powerOn();
            dut.expect("U-Boot 2024.01-vdut");
        }
    }

    /**
     * A cloud that takes the CONNECT and never answers (the bench dropped the relay unseen) must not
     * silence the device until its next power cycle: it gives up and connects again.
     */
    @Test
    public void aCloudThatNeverAnswersTheConnectIsRetried() throws Exception {
        try (ServerSocket cloud = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             var dut = VirtualDutProcess.start(dir("silent-cloud"), "{\"bootdelay-s\":0,\"network\":{\"cloud-host\":\"127.0.0.1\","
                     + "\"cloud-port\":" + cloud.getLocalPort() + ",\"cloud-tls\":false}}")) {
            cloud.setSoTimeout(20_000);
            dut.powerOn();
            try (Socket first = cloud.accept()) {
                assertEquals(first.getInputStream().read() & 0xf0, 0x10, "the first packet is an MQTT CONNECT");
                // Held open and unanswered: only the device's own timeout can end this attempt.
                try (Socket second = cloud.accept()) {
                    assertEquals(second.getInputStream().read() & 0xf0, 0x10, "the device connects again");
                }
            }
        }
    }
}
