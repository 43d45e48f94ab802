package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import dev.starbench.config.Fixture.Provider;
import dev.starbench.vdut.contract.Flaw;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.testng.annotations.Test;

/** The example files in the repository are the contract with users: they must load, with these values. */
public class ExampleFilesTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));

    @Test
    public void virtualFixtureLoads() throws Exception {
        Path file = ROOT.resolve("fixtures/virtual.yaml");
        Fixture fixture = ConfigLoader.loadFixture(file);

        assertEquals(fixture.source(), file);
        assertEquals(fixture.sha256(), sha256(file));
        assertEquals(fixture.benchId(), "virtual-bench");
        assertEquals(fixture.gpio(), new Fixture.Gpio(Provider.MOCK, null));
        assertEquals(fixture.power(), new Fixture.Power("gpio-relay", 17, true, 300));
        assertEquals(fixture.buttons(), Map.of("reset", new Fixture.Button(27, true),
                "factory-reset", new Fixture.Button(22, true), "recovery", new Fixture.Button(23, true)));
        assertNull(fixture.serial().path());
        assertEquals(fixture.serial().baud(), 115200);
        Path jar = fixture.virtualDut().jar();
        assertTrue(jar.isAbsolute(), jar.toString());
        assertTrue(jar.endsWith(Path.of("virtual-dut", "target", "virtual-dut.jar")), jar.toString());
        assertEquals(jar, ROOT.resolve("virtual-dut/target/virtual-dut.jar").toAbsolutePath().normalize());
        assertEquals(fixture.logging(), Map.of("com.pi4j.boardinfo", "OFF"));
        assertEquals(fixture.finalState(), "off");
    }

    @Test
    public void relayHatFixtureLoads() throws Exception {
        Fixture fixture = ConfigLoader.loadFixture(ROOT.resolve("fixtures/pi-relay-hat.yaml"));

        assertEquals(fixture.benchId(), "pi-bench-1");
        assertEquals(fixture.gpio(), new Fixture.Gpio(Provider.GPIOD, "gpiochip0"));
        assertEquals(fixture.power(), new Fixture.Power("gpio-relay", 17, true, 1000));
        assertEquals(fixture.buttons().get("reset"), new Fixture.Button(27, true));
        assertEquals(fixture.serial(), new Fixture.Serial(
                "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0", 115200));
        assertNull(fixture.virtualDut());
        assertEquals(fixture.logging(), Map.of());
        assertEquals(fixture.finalState(), "off");
    }

    @Test
    public void hardenedProfileLoads() throws Exception {
        Path file = ROOT.resolve("device-profiles/virtual-hardened.yaml");
        DeviceProfile profile = ConfigLoader.loadProfile(file);

        assertEquals(profile.source(), file);
        assertEquals(profile.sha256(), sha256(file));
        assertEquals(profile.device(),
                new DeviceProfile.Device("Virtual camera (hardened)", "StarBench", "VCAM-1", "1.4.2"));
        assertEquals(profile.console(), new DeviceProfile.Console(115200, List.of()));
        assertEquals(profile.bootloader(), new DeviceProfile.Bootloader("u-boot", List.of()));
        assertEquals(profile.timeouts(), new DeviceProfile.Timeouts(20000, 6000, 3000));
        DeviceProfile.Simulation simulation = profile.simulation();
        assertEquals(simulation.baud(), 115200);
        assertEquals(simulation.bootdelayS(), 2);
        assertNull(simulation.autobootStop());
        assertEquals(simulation.credentials(),
                List.of(new DeviceProfile.Simulation.Credential("admin", "Qx7-vd2K-unit0001")));
        assertEquals(simulation.loginFailDelayMs(), 1000);
        assertEquals(simulation.hostname(), "vdut");
        assertEquals(simulation.flaws(), List.of());
    }

    @Test
    public void insecureProfileHasTheConsoleAndNetworkFlaws() throws Exception {
        DeviceProfile profile = ConfigLoader.loadProfile(ROOT.resolve("device-profiles/virtual-insecure.yaml"));

        assertEquals(profile.device().name(), "Virtual camera (insecure)");
        assertTrue(profile.simulation().flaws().containsAll(List.of(
                Flaw.ROOT_CONSOLE, Flaw.DEFAULT_PASSWORD, Flaw.BOOTLOADER_OPEN, Flaw.SECRET_IN_BOOTLOG,
                Flaw.FALLS_BACK_TO_PLAINTEXT, Flaw.TRUSTS_ANY_CERT, Flaw.ALLOWS_TLS10, Flaw.REPLAYABLE_COMMANDS,
                Flaw.ANONYMOUS_BROKER, Flaw.TELNET_OPEN, Flaw.ACCEPTS_UNSIGNED, Flaw.ACCEPTS_DOWNGRADE,
                Flaw.BRICKS_ON_POWER_LOSS)), profile.simulation().flaws().toString());
        assertTrue(profile.network() != null && profile.network().cloud() != null, "the main job exercises the network checks");
        assertTrue(profile.firmware() != null && profile.simulation().ota() != null, "and the update checks");
    }

    @Test
    public void loadTellsProfilesFromFixturesByTheDeviceKey() throws Exception {
        assertTrue(ConfigLoader.load(ROOT.resolve("fixtures/virtual.yaml")) instanceof Fixture);
        assertTrue(ConfigLoader.load(ROOT.resolve("fixtures/pi-relay-hat.yaml")) instanceof Fixture);
        assertTrue(ConfigLoader.load(ROOT.resolve("device-profiles/virtual-hardened.yaml")) instanceof DeviceProfile);
        assertTrue(ConfigLoader.load(ROOT.resolve("device-profiles/virtual-insecure.yaml")) instanceof DeviceProfile);
    }

    @Test
    public void profileSecretsStayOutOfToString() throws Exception {
        DeviceProfile profile = ConfigLoader.loadProfile(ROOT.resolve("device-profiles/virtual-insecure.yaml"));

        assertFalse(profile.toString().contains("Qx7-vd2K-unit0001"), profile.toString());
        assertTrue(profile.toString().contains("admin"), profile.toString());
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
