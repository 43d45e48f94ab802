package dev.starbench.doctor;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.SerialLinkTest;
import dev.starbench.run.BenchLease;
import dev.starbench.run.VirtualBench;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.testng.annotations.Test;

/** `starbench doctor` on this PC: the virtual bench passes, and each broken bench fails with its fix. */
public class DoctorTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));
    private static final String MOCK_GPIO = "gpio:\n  provider: mock\npower:\n  driver: gpio-relay\n  pin: 17\n"
            + "  off-time-ms: 100\nlogging:\n  com.pi4j.boardinfo: \"OFF\"\n";

    @Test
    public void theVirtualBenchPasses() throws Exception {
        Path dir = Files.createTempDirectory("doctor-virtual");
        Out out = doctor("--fixture", VirtualBench.fixture().toString(),
                "--device", VirtualBench.profile("virtual-hardened").toString(), "--out", dir.resolve("reports").toString());
        assertEquals(out.exit, 0, out.text);
        assertTrue(out.text.lines().noneMatch(line -> line.startsWith("FAIL")), out.text);
        for (String check : List.of("java", "fixture", "profile", "gpio", "serial", "tools", "key", "reports")) {
            assertTrue(out.text.contains("PASS  " + String.format("%-11s", check)), check + " in " + out.text);
        }
        assertTrue(out.text.contains("socat (") && out.text.contains("virtual-dut.jar") && out.text.contains("openocd ("),
                out.text);
    }

    @Test(timeOut = 120_000)
    public void exercisingTheVirtualBenchSwitchesTheRelayAndSeesTheDutAnswer() throws Exception {
        Path dir = Files.createTempDirectory("doctor-exercise");
        Out out = doctor("--fixture", VirtualBench.fixture().toString(),
                "--device", VirtualBench.profile("virtual-hardened").toString(), "--exercise",
                "--out", dir.resolve("reports").toString(), "--lease-dir", dir.resolve("leases").toString());
        assertEquals(out.exit, 0, out.text);
        assertTrue(out.text.contains("PASS  power       power relay on GPIO 17 switched on and off; the console answered"),
                out.text);
        assertTrue(Files.list(dir.resolve("leases")).findAny().isEmpty(), "the lease is given back");
    }

    @Test
    public void aBenchHeldByARunIsNotSwitched() throws Exception {
        Path dir = Files.createTempDirectory("doctor-busy");
        try (BenchLease run = BenchLease.acquire(dir, "virtual-bench", "other-run", Duration.ofMinutes(5),
                Clock.systemUTC())) {
            Out out = doctor("--fixture", VirtualBench.fixture().toString(),
                    "--device", VirtualBench.profile("virtual-hardened").toString(), "--exercise",
                    "--out", dir.resolve("reports").toString(), "--lease-dir", dir.toString());
            assertEquals(out.exit, 1, out.text);
            assertTrue(out.text.contains("FAIL  power       bench virtual-bench is busy: run other-run"), out.text);
            assertTrue(out.text.contains("fix: wait for that run to end; the doctor switches nothing on a bench in use"),
                    out.text);
        }
    }

    @Test
    public void anAbsentUsbSerialNumberFailsWithTheFix() throws Exception {
        Path fixture = fixture("bench-id: absent\n" + MOCK_GPIO + "serial:\n  usb-serial: NO-SUCH-ADAPTER\n");
        Out out = doctor("--fixture", fixture.toString(), "--out", fixture.resolveSibling("reports").toString());
        assertEquals(out.exit, 1, out.text);
        assertTrue(out.text.contains("FAIL  serial      no serial adapter with USB serial number NO-SUCH-ADAPTER is attached"),
                out.text);
        assertTrue(out.text.contains("fix: plug the adapter in; `starbench ports` lists each attached adapter"), out.text);
    }

    @Test
    public void aPinUsedTwiceFailsWithTheFix() throws Exception {
        Path fixture = fixture("bench-id: twice\n" + MOCK_GPIO + "buttons:\n  reset:\n    pin: 17\n"
                + "serial:\n  path: /dev/null\n");
        Out out = doctor("--fixture", fixture.toString());
        assertEquals(out.exit, 3, out.text);
        assertTrue(out.text.contains("FAIL  fixture") && out.text.contains(
                "buttons.reset.pin: GPIO line 17 is already used by power.pin"), out.text);
        assertTrue(out.text.contains("fix: correct `buttons.reset.pin` at " + fixture + " line 12; `starbench validate "),
                out.text);
    }

    @Test
    public void aPlugBrokerThatTakesNoConnectionFailsWithTheFix() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Path fixture = fixture("bench-id: plug\npower:\n  driver: mqtt-plug\n  mqtt-plug:\n    url: tcp://127.0.0.1:" + closed
                + "\n    firmware: tasmota\n    topic: lab-plug\nserial:\n  path: /dev/null\n");
        Out out = doctor("--fixture", fixture.toString(), "--out", fixture.resolveSibling("reports").toString());
        assertEquals(out.exit, 1, out.text);
        assertTrue(out.text.contains("FAIL  plug broker cannot connect to tcp://127.0.0.1:" + closed), out.text);
        assertTrue(out.text.contains("fix: check power.mqtt-plug.url and that the lab's broker runs"), out.text);

        try (ServerSocket broker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path reachable = fixture(Files.readString(fixture).replace(":" + closed, ":" + broker.getLocalPort()));
            Out up = doctor("--fixture", reachable.toString(), "--out", reachable.resolveSibling("reports").toString());
            assertTrue(up.text.contains("PASS  plug broker tcp://127.0.0.1:" + broker.getLocalPort() + " takes connections"
                    + " (Tasmota plug lab-plug at tcp://127.0.0.1:" + broker.getLocalPort() + ")"), up.text);
        }
    }

    @Test
    public void aMissingPowerCommandOrUhubctlFailsTheTools() throws Exception {
        Path commands = fixture("bench-id: commands\npower:\n  driver: command\n  command:\n"
                + "    on: [/nonexistent/plug, \"on\"]\n    off: [/nonexistent/plug, \"off\"]\n    status: [sh, -c, \"echo on\"]\n"
                + "serial:\n  path: /dev/null\n");
        Out out = doctor("--fixture", commands.toString(), "--out", commands.resolveSibling("reports").toString());
        assertEquals(out.exit, 1, out.text);
        assertTrue(out.text.contains("FAIL  tools       /nonexistent/plug is not installed (it runs the fixture's"
                + " power.command.on)"), out.text);
        assertEquals(out.text.split("/nonexistent/plug is not installed", -1).length, 2, "named once: " + out.text);
        assertTrue(out.text.contains("PASS  tools       sh ("), out.text);

        Path hub = fixture("bench-id: hub\npower:\n  driver: uhubctl\n  uhubctl:\n    binary: /nonexistent/uhubctl\n"
                + "    location: 1-1\n    port: 2\nserial:\n  path: /dev/null\n");
        Out noHub = doctor("--fixture", hub.toString(), "--out", hub.resolveSibling("reports").toString());
        assertTrue(noHub.text.contains("FAIL  tools       /nonexistent/uhubctl is not installed (it switches the DUT's"
                + " USB hub port)") && noHub.text.contains("fix: sudo apt install uhubctl"), noHub.text);
    }

    @Test
    public void anUnreadableKeyFailsWithTheFix() throws Exception {
        Path dir = Files.createTempDirectory("doctor-key");
        Path key = dir.resolve("bench-key.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        Path fixture = fixture("bench-id: key\n" + MOCK_GPIO + "serial:\n  path: /dev/null\nsigning-key: " + key + "\n");

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        Out unreadable = doctor("--fixture", fixture.toString(), "--out", dir.toString());
        assertEquals(unreadable.exit, 1, unreadable.text);
        assertTrue(unreadable.text.contains("FAIL  key         " + key) && unreadable.text.contains(
                "cannot be read by its owner, so no run can sign"), unreadable.text);
        assertTrue(unreadable.text.contains("fix: chmod 600 " + key), unreadable.text);

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Out open = doctor("--fixture", fixture.toString(), "--out", dir.toString());
        assertTrue(open.text.contains("is open to others: anyone on this machine could sign reports as this bench")
                && open.text.contains("fix: chmod 600 " + key), open.text);

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Out garbage = doctor("--fixture", fixture.toString(), "--out", dir.toString());
        assertTrue(garbage.text.contains("is not a readable Ed25519 key")
                && garbage.text.contains("fix: restore it from a backup, or move it aside"), garbage.text);
    }

    @Test
    public void aMachineWithoutGpioChipsFailsTheGpiodFixtureAndSaysWhatToDo() throws Exception {
        Doctor.Finding gpio = finding(new FakePi(Files.createTempDirectory("no-dev"), null), "gpio");
        assertEquals(gpio.status(), Doctor.Status.FAIL);
        assertTrue(gpio.detail().contains("this machine has no GPIO chip at all"), gpio.detail());
        assertTrue(gpio.fix().contains("run on the Raspberry Pi; on a PC use `gpio: {provider: mock}`"), gpio.fix());
    }

    @Test
    public void aLineHeldByAnotherProcessFailsAndAFreeOnePasses() throws Exception {
        Path dev = Files.createTempDirectory("pi-dev");
        Files.createFile(dev.resolve("gpiochip0"));
        Doctor.Finding held = finding(new FakePi(dev, GpioInfoTest.V1_FAN_ON_17), "gpio lines");
        assertEquals(held.status(), Doctor.Status.FAIL, held.toString());
        assertEquals(held.detail(), "GPIO 17 (power.pin) is held by \"gpio-fan\"");
        assertTrue(held.fix().contains("`gpioinfo gpiochip0` names it") && held.fix().contains("dtoverlay"), held.fix());

        Doctor.Finding free = finding(new FakePi(dev, GpioInfoTest.V2_17_AND_27_FREE), "gpio lines");
        assertEquals(free.status(), Doctor.Status.PASS, free.toString());
        assertEquals(free.detail(), "GPIO 17 (power.pin), GPIO 27 (buttons.reset.pin) are free on gpiochip0");

        Doctor.Finding unseen = finding(new FakePi(dev, null), "gpio lines");
        assertEquals(unseen.status(), Doctor.Status.WARN, unseen.toString());
        assertEquals(unseen.fix(), "sudo apt install gpiod");
    }

    @Test(timeOut = 60_000)
    public void aRelayThatBringsNoConsoleByteFailsWithWhatToCheck() throws Exception {
        Path dir = Files.createTempDirectory("doctor-silent");
        Process socat = SerialLinkTest.ptyPair(dir.resolve("bench-tty"), dir.resolve("dut-tty"));
        try {
            Out out = doctor("--fixture", ptyFixture(dir).toString(), "--device", quickProfile(dir).toString(),
                    "--exercise", "--out", dir.toString(), "--lease-dir", dir.resolve("leases").toString());
            assertEquals(out.exit, 1, out.text);
            assertTrue(out.text.contains("FAIL  power       power relay on GPIO 17 switched on, but the console stayed"
                    + " silent for 1500 ms"), out.text);
            assertTrue(out.text.contains("power.active-low matches the board"), out.text);
        } finally {
            socat.destroyForcibly();
        }
    }

    @Test(timeOut = 60_000)
    public void aConsoleThatTalksWhileTheRelayIsOffFails() throws Exception {
        Path dir = Files.createTempDirectory("doctor-bypass");
        Path dut = dir.resolve("dut-tty");
        Process socat = SerialLinkTest.ptyPair(dir.resolve("bench-tty"), dut);
        AtomicBoolean talking = new AtomicBoolean(true);
        // a DUT powered around the relay: it keeps printing whatever the relay does
        Thread chatter = new Thread(() -> {
            try (OutputStream out = new FileOutputStream(dut.toFile())) {
                while (talking.get()) {
                    out.write("still up\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(10);
                }
            } catch (Exception ignored) {
                // the pty went away with socat
            }
        });
        chatter.start();
        try {
            Out out = doctor("--fixture", ptyFixture(dir).toString(), "--device", quickProfile(dir).toString(),
                    "--exercise", "--out", dir.toString(), "--lease-dir", dir.resolve("leases").toString());
            assertEquals(out.exit, 1, out.text);
            assertTrue(out.text.contains("was off: the DUT is powered around the relay"), out.text);
        } finally {
            talking.set(false);
            chatter.join(TimeUnit.SECONDS.toMillis(5));
            socat.destroyForcibly();
        }
    }

    // ---- helpers

    /** A Raspberry Pi's /dev and gpioinfo, shown to the doctor on this PC. */
    private record FakePi(Path dev, String gpioinfo) implements Host {
        @Override
        public Optional<Path> which(String program) {
            return program.equals("gpioinfo") && gpioinfo != null ? Optional.of(Path.of("/usr/bin/gpioinfo"))
                    : Host.system().which(program);
        }

        @Override
        public Optional<String> output(List<String> command) {
            return command.equals(List.of("gpioinfo", "gpiochip0")) ? Optional.ofNullable(gpioinfo) : Optional.empty();
        }
    }

    private static Doctor.Finding finding(Host host, String check) throws Exception {
        Path reports = Files.createTempDirectory("doctor-reports");
        Doctor.Result result = new Doctor(host).examine(new Doctor.Request(ROOT.resolve("fixtures/pi-relay-hat.yaml"),
                null, false, reports, reports.resolve("leases")));
        return result.findings().stream().filter(f -> f.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + check + " in " + result.findings()));
    }

    private static Path ptyFixture(Path dir) throws Exception {
        return Files.writeString(dir.resolve("pty.yaml"), "bench-id: doctor-pty\n" + MOCK_GPIO
                + "serial:\n  path: " + dir.resolve("bench-tty") + "\n");
    }

    private static Path quickProfile(Path dir) throws Exception {
        return Files.writeString(dir.resolve("quick.yaml"), "device:\n  name: quiet board\ntimeouts:\n  boot-ms: 1500\n");
    }

    private static Path fixture(String yaml) throws Exception {
        return Files.writeString(Files.createTempDirectory("doctor-fixture").resolve("fixture.yaml"), yaml);
    }

    private record Out(int exit, String text) {
    }

    private static synchronized Out doctor(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "doctor";
            System.arraycopy(args, 0, all, 1, args.length);
            int exit = dev.starbench.cli.MainAccess.execute(all);
            return new Out(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }
}
