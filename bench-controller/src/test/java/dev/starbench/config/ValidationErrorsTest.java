package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** One test per class of error: each must name the file, line, column and field a user has to fix. */
public class ValidationErrorsTest {
    private static final String FIXTURE_HEAD = """
            bench-id: b1
            gpio:
              provider: mock
            """;

    private final AtomicInteger files = new AtomicInteger();
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-config-errors");
    }

    private ConfigException fails(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("case" + files.incrementAndGet() + ".yaml"), yaml);
        return expectThrows(ConfigException.class, () -> ConfigLoader.load(file));
    }

    private static void assertError(ConfigException e, int line, int column, String field, String problem) {
        String where = e.file() + ":" + line + ":" + column + ": ";
        String expected = where + (field.isEmpty() ? "" : field + ": ") + problem;
        assertEquals(e.getMessage(), expected);
        assertEquals(e.line(), line);
        assertEquals(e.column(), column);
        assertEquals(e.field(), field);
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ValidationErrorsTest.class.getResource("/config/" + name).toURI());
    }

    @Test
    public void unknownFieldListsTheKnownOnes() throws Exception {
        Path file = resource("unknown-field.yaml");
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(file));

        assertError(e, 7, 3, "console.bauds", "unknown field (known: baud, death-strings)");
        assertEquals(e.file(), file);
    }

    @Test
    public void profileLoadedAsFixtureIsAnUnknownField() throws Exception {
        Path file = resource("unknown-field.yaml");
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadFixture(file));

        assertError(e, 2, 1, "device", "unknown field (known: bench-id, buttons, cloud-broker, debug-probe, final-state, gpio, history, "
                + "lab-broker, logging, power, qemu, serial, signing-key, virtual-dut)");
    }

    @Test
    public void typoIsReportedRatherThanTheFieldItHides() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                powr: {driver: gpio-relay, pin: 17}
                serial: {path: /dev/ttyUSB0}
                """);

        assertError(e, 4, 1, "powr", "unknown field (known: bench-id, buttons, cloud-broker, debug-probe, final-state, gpio, history, "
                + "lab-broker, logging, power, qemu, serial, signing-key, virtual-dut)");
    }

    @Test
    public void nestedTypoIsReportedRatherThanTheFieldItHides() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power:
                  driver: gpio-relay
                  pn: 17
                """);

        assertError(e, 6, 3, "power.pn", "unknown field (known: active-low, command, driver, mqtt-plug, off-time-ms, pin, "
                + "snmp-pdu, uhubctl)");
    }

    @Test
    public void wrongType() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power:
                  driver: gpio-relay
                  pin: seventeen
                """);

        assertError(e, 6, 8, "power.pin", "expected a whole number, got 'seventeen'");
    }

    @Test
    public void fractionIsNotAPin() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power: {driver: gpio-relay, pin: 17.5}
                """);

        assertError(e, 4, 34, "power.pin", "expected a whole number, got '17.5'");
    }

    @Test
    public void numberTooBigForItsField() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power:
                  driver: gpio-relay
                  pin: 99999999999
                """);

        assertError(e, 6, 8, "power.pin", "number out of range for a 32-bit whole number, got '99999999999'");
    }

    @Test
    public void sectionGivenAsScalar() throws Exception {
        ConfigException e = fails("bench-id: b1\ngpio: mock\n");

        assertError(e, 2, 7, "gpio", "expected a mapping, got 'mock'");
    }

    @Test
    public void missingFieldPointsAtTheEnclosingMapping() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power:
                  driver: gpio-relay
                  active-low: true
                serial:
                  path: /dev/ttyUSB0
                """);

        assertError(e, 5, 3, "power.pin", "required field is missing");
    }

    @Test
    public void missingTopLevelFieldPointsAtTheDocument() throws Exception {
        ConfigException e = fails("""
                # no bench id
                gpio: {provider: mock}
                power: {driver: gpio-relay, pin: 17}
                serial: {path: /dev/ttyUSB0}
                """);

        assertError(e, 2, 1, "bench-id", "required field is missing");
    }

    @Test
    public void missingFieldInAListElement() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                simulation:
                  credentials:
                    - user: admin
                      password: x
                    - user: root
                """);

        assertError(e, 6, 7, "simulation.credentials[1].password", "required field is missing");
    }

    @Test
    public void requiredSectionWithoutValue() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + "power:\nserial: {path: /dev/ttyUSB0}\n");

        assertError(e, 4, 7, "power", "has no value (required)");
    }

    @Test
    public void pinOutOfRange() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power: {driver: gpio-relay, pin: 17}
                serial: {path: /dev/ttyUSB0}
                buttons:
                  reset:
                    pin: 54
                """);

        assertError(e, 8, 10, "buttons.reset.pin", "must be a GPIO line between 0 and 53, got 54");
    }

    @Test
    public void pinUsedTwice() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power: {driver: gpio-relay, pin: 17}
                serial: {path: /dev/ttyUSB0}
                buttons:
                  reset: {pin: 17}
                """);

        assertError(e, 7, 16, "buttons.reset.pin", "GPIO line 17 is already used by power.pin");
    }

    @Test
    public void baudNotPositive() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power: {driver: gpio-relay, pin: 17}
                serial:
                  path: /dev/ttyUSB0
                  baud: -9600
                """);

        assertError(e, 7, 9, "serial.baud", "must be greater than 0, got -9600");
    }

    @Test
    public void negativeTime() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power:
                  driver: gpio-relay
                  pin: 17
                  off-time-ms: -1
                serial: {path: /dev/ttyUSB0}
                """);

        assertError(e, 7, 16, "power.off-time-ms", "must not be negative, got -1");
    }

    @Test
    public void negativeTimeout() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                timeouts:
                  boot-ms: 20000
                  command-ms: -5
                """);

        assertError(e, 4, 15, "timeouts.command-ms", "must be greater than 0, got -5");
    }

    @Test
    public void aLoginBudgetOfZeroIsLocated() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                timeouts:
                  command-ms: 3000
                  login-budget-ms: 0
                """);

        assertError(e, 4, 20, "timeouts.login-budget-ms", "must be greater than 0, got 0");
    }

    @Test
    public void unknownEnumListsTheAllowedValues() throws Exception {
        ConfigException e = fails("bench-id: b1\ngpio:\n  provider: foo\n");

        assertError(e, 3, 13, "gpio.provider", "unknown value 'foo' (allowed: mock, gpiod, linuxfs)");
    }

    @Test
    public void unknownFlaw() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                simulation:
                  flaws: [root-console, default-password, ftp-open]
                """);

        assertError(e, 3, 43, "simulation.flaws[2]", "unknown value 'ftp-open' (allowed: root-console, "
                + "default-password, bootloader-open, secret-in-bootlog, plaintext-mqtt, falls-back-to-plaintext, "
                + "trusts-any-cert, ignores-hostname, accepts-expired, allows-tls10, replayable-commands, "
                + "anonymous-broker, telnet-open, accepts-unsigned, accepts-foreign-key, skips-hash-check, "
                + "accepts-downgrade, bricks-on-power-loss, ssh-default-password, jtag-open, jtag-fused, no-client-cert, "
                + "shared-device-key, expired-device-cert, device-key-in-image, coap-open, web-default-password, no-login-delay, "
                + "permanent-lockout, user-enumeration, password-change-ignored, refuses-reused-password, "
                + "loses-settings-on-power-cut, bricks-on-early-power-cut, no-reconnect-backoff, never-resumes, reset-keeps-data)");
    }

    @Test
    public void serialPathMissingWithoutVirtualDut() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power: {driver: gpio-relay, pin: 17}
                serial:
                  baud: 9600
                """);

        assertError(e, 6, 3, "serial.path", "required field is missing");
    }

    @Test
    public void unknownPowerDriver() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power:
                  driver: usb-hub
                  pin: 17
                """);

        assertError(e, 5, 11, "power.driver", "unknown driver 'usb-hub' (allowed: gpio-relay, qemu, mqtt-plug, uhubctl, "
                + "snmp-pdu, command)");
    }

    @Test
    public void invalidLoggingLevel() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power: {driver: gpio-relay, pin: 17}
                serial: {path: /dev/ttyUSB0}
                logging:
                  com.pi4j: "OFF"
                  dev.starbench: LOUD
                """);

        assertError(e, 8, 18, "logging.dev.starbench",
                "unknown level 'LOUD' (allowed: OFF, ERROR, WARN, INFO, DEBUG, TRACE)");
    }

    @Test
    public void unknownFinalState() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power: {driver: gpio-relay, pin: 17}
                serial: {path: /dev/ttyUSB0}
                final-state: standby
                """);

        assertError(e, 6, 14, "final-state", "unknown value 'standby' (allowed: off, on)");
    }

    @Test
    public void duplicateKey() throws Exception {
        ConfigException e = fails(FIXTURE_HEAD + """
                power:
                  driver: gpio-relay
                  pin: 17
                  pin: 18
                """);

        assertError(e, 7, 3, "power.pin", "duplicate key (first at line 6, column 3)");
    }

    @Test
    public void malformedYaml() throws Exception {
        Path file = resource("malformed.yaml");
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.load(file));

        assertError(e, 4, 2, "", "YAML syntax error: expected <block end>, but found '<block mapping start>'");
    }

    @Test
    public void unclosedFlowMapping() throws Exception {
        ConfigException e = fails("bench-id: b1\ngpio: {provider: mock\n");

        assertError(e, 3, 1, "gpio", "YAML syntax error: expected ',' or '}', but got <stream end>");
    }

    @Test
    public void emptyFile() throws Exception {
        assertError(fails(""), 1, 1, "", "file is empty");
        assertError(fails("# nothing but a comment\n"), 1, 1, "", "file is empty");
    }

    @Test
    public void topLevelMustBeAMapping() throws Exception {
        assertError(fails("- a\n- b\n"), 1, 1, "", "expected a mapping of settings, got a list");
    }

    @Test
    public void secondDocument() throws Exception {
        assertError(fails("device: {name: a}\n---\ndevice: {name: b}\n"), 3, 1, "",
                "only one YAML document is allowed");
    }

    @Test
    public void fileNotFound() {
        Path file = dir.resolve("does-not-exist.yaml");
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadFixture(file));

        assertError(e, 0, 0, "", "file not found");
        assertEquals(e.file(), file);
    }
}
