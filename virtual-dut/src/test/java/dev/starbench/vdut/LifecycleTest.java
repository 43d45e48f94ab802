package dev.starbench.vdut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The owner's data, power cuts, the factory reset and the cloud client's reconnects, on the real
 * process: each flaw against the hardened behaviour it breaks.
 */
public class LifecycleTest {
    private static final String USER = "admin";
    private static final String PASSWORD = "Fact0ry-pw";
    private Path root;

    @BeforeClass
    void createRoot() throws Exception {
        root = Files.createTempDirectory("vdut-lifecycle");
    }

    @AfterClass(alwaysRun = true)
    void removeRoot() throws Exception {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String sim(String flaws) {
        return "{\"bootdelay-s\":0,\"login-fail-delay-ms\":50,\"credentials\":[{\"user\":\"" + USER + "\",\"password\":\""
                + PASSWORD + "\"}],\"flaws\":[" + flaws + "]}";
    }

    private static void login(VirtualDutProcess dut, String password) throws Exception {
        dut.expect("vdut login: ", Duration.ofSeconds(10));
        loginAtPrompt(dut, password);
    }

    private static void loginAtPrompt(VirtualDutProcess dut, String password) throws Exception {
        dut.send(USER + "\r");
        dut.expect("Password: ");
        dut.send(password + "\r");
        dut.expect("~ $ ");
    }

    private static String run(VirtualDutProcess dut, String command) throws Exception {
        dut.send(command + "\r");
        String out = dut.expect("~ $ ");
        return out.substring(Math.min(out.length(), command.length() + 2), out.length() - "~ $ ".length());
    }

    private static void passwd(VirtualDutProcess dut, String old, String now) throws Exception {
        dut.send("passwd\r");
        dut.expect("Old password: ");
        dut.send(old + "\r");
        dut.expect("New password: ");
        dut.send(now + "\r");
        dut.expect("Retype password: ");
        dut.send(now + "\r");
        assertTrue(dut.expect("~ $ ").contains("passwd: password for admin changed by admin"));
    }

    private static void powerCycle(VirtualDutProcess dut) throws Exception {
        dut.powerOff();
        dut.collect(Duration.ofMillis(200));
        dut.powerOn();
    }

    @Test
    public void settingsAndAPasswordSurviveAPowerCycleAndAFreshDeviceShowsItsSetupMode() throws Exception {
        try (var dut = VirtualDutProcess.start(root.resolve("keeps"), sim(""))) {
            dut.powerOn();
            assertTrue(dut.expect("vdut login: ").contains(Firmware.SETUP_MODE), "a fresh device is in setup mode");
            dut.send(USER + "\r");
            dut.expect("Password: ");
            dut.send(PASSWORD + "\r");
            dut.expect("~ $ ");
            assertEquals(run(dut, "config get device.label"), "config: device.label: not set\r\n");
            run(dut, "config set device.label Living room");
            run(dut, "config set wifi.psk hunter22");
            run(dut, "logger hello log");
            passwd(dut, PASSWORD, "N3w-pw");
            powerCycle(dut);
            String boot = dut.expect("vdut login: ");
            assertFalse(boot.contains(Firmware.SETUP_MODE), "a device that was set up shows no setup mode");
            dut.send(USER + "\r");
            dut.expect("Password: ");
            dut.send(PASSWORD + "\r");
            assertTrue(dut.expect("vdut login: ").contains("Login incorrect"), "the factory password no longer works");
            dut.send(USER + "\r");
            dut.expect("Password: ");
            dut.send("N3w-pw\r");
            dut.expect("~ $ ");
            assertEquals(run(dut, "config show"), "device.label=Living room\r\nwifi.psk=hunter22\r\n");
            assertTrue(run(dut, "logread").contains("admin: hello log"));
        }
    }

    /** A cut inside the first second of a boot tears the owner's file on the flawed device only. */
    @Test
    public void aCutEarlyInTheBootLosesTheSettingsOnlyWithTheFlaw() throws Exception {
        for (boolean flawed : new boolean[] {false, true}) {
            try (var dut = VirtualDutProcess.start(root.resolve("early-cut-" + flawed),
                    sim(flawed ? "\"loses-settings-on-power-cut\"" : ""))) {
                dut.powerOn();
                login(dut, PASSWORD);
                run(dut, "config set device.label kitchen");
                dut.powerOff();
                dut.collect(Duration.ofMillis(200));
                dut.powerOn();
                dut.expect("U-Boot 2024.01-vdut");
                Thread.sleep(500);
                dut.powerOff();
                dut.collect(Duration.ofMillis(200));
                dut.powerOn();
                String boot = dut.expect("vdut login: ");
                assertEquals(boot.contains("userdata.json is corrupt"), flawed, boot);
                dut.send(USER + "\r");
                dut.expect("Password: ");
                dut.send(PASSWORD + "\r");
                dut.expect("~ $ ");
                assertEquals(run(dut, "config get device.label"),
                        flawed ? "config: device.label: not set\r\n" : "device.label=kitchen\r\n", "flawed: " + flawed);
            }
        }
    }

    @Test
    public void aCutWhileTheBootloaderSavesItsOnlyEnvironmentBricksUntilTheRecoveryStrap() throws Exception {
        try (var dut = VirtualDutProcess.start(root.resolve("brick"), sim("\"bricks-on-early-power-cut\""))) {
            dut.powerOn();
            dut.expect("U-Boot 2024.01-vdut");
            // The save starts 100 to 400 ms after power-on and takes 1000 ms: 700 ms is inside it.
            Thread.sleep(700);
            dut.powerOff();
            dut.collect(Duration.ofMillis(200));
            for (int i = 0; i < 2; i++) {
                dut.powerOn();
                String dead = dut.expect(BootEnvironment.NO_IMAGE);
                assertFalse(dead.contains("Starting kernel"), dead);
                assertEquals(dut.collect(Duration.ofMillis(1500)), "\r\n### ERROR ### Please RESET the board ###\r\n");
                dut.powerOff();
                dut.collect(Duration.ofMillis(200));
            }
            dut.button(VirtualDutProcess.RECOVERY_PIN, true);
            dut.powerOn();
            dut.expect("boot environment restored");
            dut.button(VirtualDutProcess.RECOVERY_PIN, false);
            login(dut, PASSWORD);
        }
    }

    @Test
    public void aHardenedBootloaderSurvivesTheSameCut() throws Exception {
        try (var dut = VirtualDutProcess.start(root.resolve("no-brick"), sim(""))) {
            dut.powerOn();
            dut.expect("U-Boot 2024.01-vdut");
            Thread.sleep(700);
            dut.powerOff();
            dut.collect(Duration.ofMillis(200));
            dut.powerOn();
            login(dut, PASSWORD);
        }
    }

    /** Holds the factory-reset button past the long-press time; the device restarts into its setup mode. */
    private static void holdFactoryReset(VirtualDutProcess dut) throws Exception {
        dut.button(VirtualDutProcess.FACTORY_RESET_PIN, true);
        dut.expect("factory-reset: button held", Duration.ofMillis(Device.FACTORY_RESET_HOLD_MS + 2000));
        dut.button(VirtualDutProcess.FACTORY_RESET_PIN, false);
        assertTrue(dut.expect("vdut login: ").contains(Firmware.SETUP_MODE));
    }

    private static void plant(VirtualDutProcess dut) throws Exception {
        login(dut, PASSWORD);
        run(dut, "config set device.label attic");
        run(dut, "config set wifi.psk canary-psk");
        run(dut, "config set cloud.password canary-cloud");
        run(dut, "logger canary-log");
        passwd(dut, PASSWORD, "canary-pw");
    }

    @Test
    public void aLongPressErasesEveryStore() throws Exception {
        try (var dut = VirtualDutProcess.start(root.resolve("reset"), sim(""))) {
            dut.powerOn();
            plant(dut);
            dut.button(VirtualDutProcess.FACTORY_RESET_PIN, true);
            Thread.sleep(500);
            dut.button(VirtualDutProcess.FACTORY_RESET_PIN, false);
            assertFalse(dut.collect(Duration.ofMillis(Device.FACTORY_RESET_HOLD_MS)).contains("factory-reset"),
                    "a short press does nothing");
            holdFactoryReset(dut);
            dut.send(USER + "\r");
            dut.expect("Password: ");
            dut.send(PASSWORD + "\r");
            dut.expect("~ $ ");
            assertEquals(run(dut, "config show"), "");
            assertEquals(run(dut, "logread"), "");
        }
    }

    @Test
    public void aFlawedResetKeepsTheCredentialsAndThePassword() throws Exception {
        try (var dut = VirtualDutProcess.start(root.resolve("reset-keeps"), sim("\"reset-keeps-data\""))) {
            dut.powerOn();
            plant(dut);
            holdFactoryReset(dut);
            loginAtPrompt(dut, "canary-pw");
            assertEquals(run(dut, "config show"), "wifi.psk=canary-psk\r\ncloud.password=canary-cloud\r\n");
            assertEquals(run(dut, "logread"), "");
        }
    }

    @Test
    public void theConsoleCommandResetsToo() throws Exception {
        try (var dut = VirtualDutProcess.start(root.resolve("reset-command"), sim(""))) {
            dut.powerOn();
            plant(dut);
            dut.send("factory-reset\r");
            assertTrue(dut.expect("vdut login: ").contains(Firmware.SETUP_MODE));
            loginAtPrompt(dut, PASSWORD);
            assertEquals(run(dut, "config show"), "");
        }
    }

    // ---- reconnects ------------------------------------------------------------------------------

    /** A cloud that resets every connection at once, noting when each arrived and when the device gave up on it. */
    private static final class RefusingCloud implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Long> arrivals = new CopyOnWriteArrayList<>();
        final boolean answer;

        RefusingCloud(boolean reset) throws IOException {
            this.answer = reset;
            Thread t = new Thread(this::serve, "test-cloud");
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    arrivals.add(System.nanoTime());
                    if (answer) {
                        s.setSoLinger(true, 0);
                        s.close();
                    } else {
                        // black hole: read and never answer, until the device gives up
                        Thread r = new Thread(() -> drain(s));
                        r.setDaemon(true);
                        r.start();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void drain(Socket s) {
            try (s; InputStream in = s.getInputStream()) {
                while (in.read() >= 0) {
                    // swallowed
                }
            } catch (IOException e) {
                // the device reset it
            }
        }

        String simulation(String flaws, long capMs) {
            return "{\"bootdelay-s\":0,\"reconnect-cap-ms\":" + capMs + ",\"flaws\":[" + flaws + "],\"network\":{"
                    + "\"cloud-host\":\"127.0.0.1\",\"cloud-port\":" + server.getLocalPort() + ",\"cloud-tls\":false}}";
        }

        List<Long> gapsMs() {
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < arrivals.size(); i++) {
                gaps.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
            }
            return gaps;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    public void theHardenedClientBacksOffUpToItsCap() throws Exception {
        try (RefusingCloud cloud = new RefusingCloud(true);
             var dut = VirtualDutProcess.start(root.resolve("backoff"), cloud.simulation("", 2000))) {
            dut.powerOn();
            Thread.sleep(9000);
            List<Long> gaps = cloud.gapsMs();
            assertTrue(gaps.size() >= 5 && gaps.size() <= 11, "gaps " + gaps);
            // Steps 250, 500, 1000, 2000, 2000...: each wait is between half its step and the step.
            assertTrue(gaps.get(0) >= 125 && gaps.get(0) < 550, "gaps " + gaps);
            for (long g : gaps.subList(3, gaps.size())) {
                assertTrue(g >= 1000 && g < 2600, "gaps " + gaps);
            }
        }
    }

    @Test
    public void withoutBackOffItRetriesEvery200Ms() throws Exception {
        try (RefusingCloud cloud = new RefusingCloud(true);
             var dut = VirtualDutProcess.start(root.resolve("no-backoff"), cloud.simulation("\"no-reconnect-backoff\"", 2000))) {
            dut.powerOn();
            Thread.sleep(4000);
            List<Long> gaps = cloud.gapsMs();
            assertTrue(gaps.size() >= 8, "gaps " + gaps);
            for (long g : gaps.subList(1, gaps.size())) {
                assertTrue(g >= 180 && g < 700, "gaps " + gaps);
            }
        }
    }

    /** After a connect the cloud took and never answered, the flawed client stays silent until power-cycled. */
    @Test
    public void neverResumesWedgesAfterAnUnansweredConnectUntilPowerCycled() throws Exception {
        try (RefusingCloud cloud = new RefusingCloud(false);
             var dut = VirtualDutProcess.start(root.resolve("never-resumes"), cloud.simulation("\"never-resumes\"", 2000))) {
            dut.powerOn();
            // The client gives a connect 5 s; a hardened one would be back within 0.5 s of that.
            Thread.sleep(7000);
            assertEquals(cloud.arrivals.size(), 1, "one attempt, then nothing");
            powerCycle(dut);
            Thread.sleep(1000);
            assertEquals(cloud.arrivals.size(), 2, "a power cycle brings it back");
        }
    }
}
