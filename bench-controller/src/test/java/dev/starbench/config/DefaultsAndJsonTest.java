package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.config.DeviceProfile.Simulation.Credential;
import dev.starbench.config.DeviceProfile.Simulation;
import dev.starbench.vdut.contract.Flaw;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

public class DefaultsAndJsonTest {
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-config");
    }

    private Path write(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml);
    }

    @Test
    public void minimalFixtureGetsDefaults() throws Exception {
        Fixture fixture = ConfigLoader.loadFixture(write("minimal-fixture.yaml", """
                bench-id: b1
                gpio: {provider: gpiod}
                power: {driver: gpio-relay, pin: 4}
                serial: {path: /dev/ttyAMA0}
                """));

        assertEquals(fixture.gpio().chip(), "gpiochip0");
        assertEquals(fixture.power(), new Fixture.Power("gpio-relay", 4, false, 500));
        assertEquals(fixture.serial().baud(), 115200);
        assertEquals(fixture.buttons(), Map.of());
        assertEquals(fixture.logging(), Map.of());
        assertNull(fixture.virtualDut());
        assertEquals(fixture.finalState(), "off");
    }

    @Test
    public void buttonsKeepFileOrder() throws Exception {
        Fixture fixture = ConfigLoader.loadFixture(write("buttons.yaml", """
                bench-id: b1
                gpio: {provider: mock}
                power: {driver: gpio-relay, pin: 4}
                serial: {path: /dev/ttyAMA0}
                buttons:
                  zeta: {pin: 5}
                  alpha: {pin: 6, active-low: true}
                  mid: {pin: 7}
                final-state: "on"
                """));

        assertEquals(new ArrayList<>(fixture.buttons().keySet()), List.of("zeta", "alpha", "mid"));
        assertEquals(fixture.buttons().get("alpha"), new Fixture.Button(6, true));
        assertEquals(fixture.finalState(), "on");
    }

    @Test
    public void virtualDutJarIsResolvedAgainstTheFixtureDirectory() throws Exception {
        Fixture fixture = ConfigLoader.loadFixture(write("vdut.yaml", """
                bench-id: b1
                gpio: {provider: mock}
                power: {driver: gpio-relay, pin: 4}
                virtual-dut: {jar: ./a/../vd.jar}
                """));

        assertEquals(fixture.virtualDut().jar(), dir.resolve("vd.jar").toAbsolutePath().normalize());
        assertNull(fixture.serial().path(), "a virtual DUT brings its own console");
        assertEquals(fixture.serial().baud(), 115200);
    }

    @Test
    public void minimalProfileGetsDefaults() throws Exception {
        DeviceProfile profile = ConfigLoader.loadProfile(write("minimal-profile.yaml", """
                device:
                  name: Thing
                bootloader: {}
                """));

        assertEquals(profile.device(), new DeviceProfile.Device("Thing", null, null, null));
        assertNull(profile.console());
        assertEquals(profile.bootloader(), new DeviceProfile.Bootloader("u-boot", List.of()));
        assertEquals(profile.timeouts(), new DeviceProfile.Timeouts(60000, 10000, 5000));
        assertEquals(profile.timeouts().loginBudgetMs(), 300_000, "five minutes: 46 credentials at BusyBox's 3 s and more");
        assertNull(profile.simulation());
    }

    @Test
    public void emptySimulationGetsDefaults() throws Exception {
        DeviceProfile profile = ConfigLoader.loadProfile(write("sim-defaults.yaml", """
                device: {name: Thing}
                console: {death-strings: ["Kernel panic"]}
                timeouts: {boot-ms: 1000}
                simulation: {}
                """));

        assertNull(profile.console().baud(), "an undeclared baud is unknown, not a default");
        assertEquals(profile.console().deathStrings(), List.of("Kernel panic"));
        assertEquals(profile.timeouts(), new DeviceProfile.Timeouts(1000, 10000, 5000));
        assertEquals(profile.simulation(), new Simulation(115200, 2, null, List.of(), 1000, "vdut", List.of()));
    }

    @Test
    public void simulationJsonCarriesEveryKeyInKebabCase() throws Exception {
        Simulation simulation = new Simulation(57600, 3, "stop", List.of(new Credential("root", "toor")), 150,
                "cam1", List.of(Flaw.ROOT_CONSOLE, Flaw.SECRET_IN_BOOTLOG));

        JsonNode json = new ObjectMapper().valueToTree(simulation.settings());

        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(keys, List.of("baud", "bootdelay-s", "autoboot-stop", "credentials", "login-fail-delay-ms",
                "hostname", "flaws", "ansi-console", "reconnect-cap-ms"));
        assertEquals(json.get("baud").asInt(), 57600);
        assertEquals(json.get("bootdelay-s").asInt(), 3);
        assertEquals(json.get("autoboot-stop").asText(), "stop");
        assertEquals(json.get("credentials").get(0).get("user").asText(), "root");
        assertEquals(json.get("credentials").get(0).get("password").asText(), "toor");
        assertEquals(json.get("login-fail-delay-ms").asLong(), 150);
        assertEquals(json.get("hostname").asText(), "cam1");
        assertEquals(json.get("flaws").get(0).asText(), "root-console");
        assertEquals(json.get("flaws").get(1).asText(), "secret-in-bootlog");
        assertFalse(json.get("ansi-console").asBoolean());
        assertEquals(json.get("reconnect-cap-ms").asLong(), 60_000);
    }

    @Test
    public void simulationJsonReadsBackAsTheSameSimulation() throws Exception {
        // Every flaw the virtual DUT implements (coap-open is the real-Linux DUT's alone), but those of
        // the unit's cloud identity, which the bench acts out in what it provisions and which need simulation.identity.
        Simulation simulation = new Simulation(9600, 0, null, List.of(new Credential("admin", "")), 0, "vdut",
                Arrays.stream(Flaw.values()).filter(f -> !LinuxDut.ONLY_LINUX.contains(f))
                        .filter(f -> !Flaw.PROVISIONED_IDENTITY.contains(f)).toList(), null, "virtual", null, true, null, 1500);

        Path file = write("round-trip.yaml", "device: {name: x}\nsimulation: " + new ObjectMapper().writeValueAsString(simulation.settings()) + "\n");

        assertEquals(ConfigLoader.loadProfile(file).simulation(), simulation);
    }

    @Test
    public void credentialToStringHidesThePassword() {
        Credential credential = new Credential("admin", "s3cret-Pa55");

        assertFalse(credential.toString().contains("s3cret-Pa55"), credential.toString());
        assertTrue(credential.toString().contains("admin"), credential.toString());
    }

    @Test
    public void recordsBuiltByHandAreValidatedToo() {
        assertThrows(IllegalArgumentException.class, () -> new Fixture.Power("gpio-relay", 54, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fixture.Serial(null, 0));
        assertThrows(IllegalArgumentException.class, () -> new Fixture.VirtualDut(Path.of("relative.jar")));
        assertThrows(IllegalArgumentException.class, () -> new DeviceProfile.Timeouts(1, 1, -1));
    }
}
