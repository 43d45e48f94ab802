package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * YAML 1.1's surprises, each refused with file, line, column and field (or read as YAML 1.2 would),
 * in every file the controller reads YAML from. Each case is one a user could write by accident.
 */
public class YamlStrictnessTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));
    private static final String HEAD = "bench-id: b1\ngpio: {provider: mock}\n";
    private static final String SERIAL = "serial: {path: /dev/ttyUSB0}\n";

    private final AtomicInteger files = new AtomicInteger();
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-yaml");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("case" + files.incrementAndGet() + ".yaml"), yaml);
    }

    private ConfigException fails(String yaml) throws Exception {
        Path file = write(yaml);
        return expectThrows(ConfigException.class, () -> ConfigLoader.load(file));
    }

    private static void assertAt(ConfigException e, int line, int column, String field, String problemStart) {
        assertEquals(e.line() + ":" + e.column() + " " + e.field(), line + ":" + column + " " + field, e.getMessage());
        String problem = e.getMessage().substring(e.getMessage().indexOf(": " + field + ": ") + field.length() + 4);
        assertTrue(problem.startsWith(problemStart), e.getMessage());
    }

    @DataProvider
    public Object[][] refused() {
        return new Object[][] {
                // Read as YAML 1.1 reads them, these were GPIO 17, 8192 ms, the text "n", and 1000.
                {"power: {driver: gpio-relay, pin: 021}\n", 3, 34, "power.pin",
                        "'021': a number with a leading zero (YAML 1.1 reads it as octal: 17); write 21"},
                {"power: {driver: gpio-relay, pin: 17, off-time-ms: 020000}\n", 3, 51, "power.off-time-ms",
                        "'020000': a number with a leading zero (YAML 1.1 reads it as octal: 8192)"},
                {"power: {driver: gpio-relay, pin: 1_7}\n", 3, 34, "power.pin", "'1_7': YAML 1.1 drops the '_'"},
                {"power: {driver: gpio-relay, pin: 0b10001}\n", 3, 34, "power.pin", "'0b10001': not a plain decimal number"},
                {"power: {driver: gpio-relay, pin: +17}\n", 3, 34, "power.pin", "'+17': not a plain decimal number"},
                {"power: {driver: gpio-relay, pin: 17, off-time-ms: .inf}\n", 3, 51, "power.off-time-ms",
                        "'.inf': not a plain decimal number"},
                {"power: {driver: gpio-relay, pin: 17, off-time-ms: 1:20}\n", 3, 51, "power.off-time-ms",
                        "'1:20': YAML 1.1 reads it as a base-60 number"},
                {"power: &p {driver: gpio-relay, pin: 17}\n", 3, 8, "power", "an anchor (&p)"},
                {"power: {driver: &d gpio-relay, pin: 17}\n", 3, 17, "power.driver", "an anchor (&d)"},
                {"power: {driver: gpio-relay, pin: 17}\nbuttons: {reset: *undefined}\n", 4, 18, "buttons.reset",
                        "an alias (*undefined)"},
                {"power: {driver: !!str gpio-relay, pin: 17}\n", 3, 17, "power.driver", "a tag (tag:yaml.org,2002:str)"},
                {"power: {driver: gpio-relay, pin: 17}\nlogging: {\"a\\x1bb\": INFO}\n", 4, 11, "logging.a\u001bb",
                        "contains the control character U+001B (ESC) at position 2"},
        };
    }

    @Test(dataProvider = "refused")
    public void yaml11SurprisesAreRefusedWhereTheyStand(String body, int line, int column, String field, String problem)
            throws Exception {
        assertAt(fails(HEAD + body + SERIAL), line, column, field, problem);
    }

    @Test
    public void controlCharactersAreRefusedInEveryString() throws Exception {
        String fixture = HEAD + "power: {driver: gpio-relay, pin: 17}\n";
        assertAt(fails(fixture + "serial: {path: \"/dev/ttyUSB0\\0\"}\n"), 4, 16, "serial.path",
                "contains the control character U+0000 (NUL) at position 13");
        assertAt(fails(fixture + "serial: {path: \"/dev/tty\\e[2J\"}\n"), 4, 16, "serial.path",
                "contains the control character U+001B (ESC) at position 9");
        assertAt(fails(fixture + "serial: {path: \"/dev/tty\\rUSB0\"}\n"), 4, 16, "serial.path",
                "contains the control character U+000D (CR)");
        assertAt(fails(fixture + "serial: {path: \"/dev/tty\\x9b2J\"}\n"), 4, 16, "serial.path",
                "contains the control character U+009B");
    }

    @Test
    public void aPasswordIsNeverRepeatedInAnError() throws Exception {
        String profile = "device: {name: cam}\nsimulation:\n  credentials:\n    - {user: admin, password: 0123}\n";
        ConfigException e = fails(profile);
        assertAt(e, 4, 31, "simulation.credentials[0].password", "YAML 1.1 reads this value as a number; write it in quotes");
        String problem = e.getMessage().substring(e.getMessage().indexOf("password: ") + "password: ".length());
        assertFalse(problem.contains("0123") || problem.contains("83"), "neither the value nor its octal reading: " + problem);
    }

    @Test
    public void yesNoOnOffAreTextAndOnlyTrueFalseAreBooleans() throws Exception {
        DeviceProfile p = ConfigLoader.loadProfile(write("device: {name: cam, vendor: no, model: on}\n"
                + "network: {broker: {port: 1883, tls: false}}\n"));
        assertEquals(p.device().vendor(), "no", "the Norway problem");
        assertEquals(p.device().model(), "on");
        Fixture f = ConfigLoader.loadFixture(write(HEAD + "power: {driver: gpio-relay, pin: 17, active-low: True}\n"
                + SERIAL + "logging: {com.pi4j.boardinfo: OFF}\n"));
        assertTrue(f.power().activeLow());
        assertEquals(f.logging().get("com.pi4j.boardinfo"), "OFF", "no need to quote OFF any more");
        assertAt(fails(HEAD + "power: {driver: gpio-relay, pin: 17, active-low: yes}\n" + SERIAL), 3, 50,
                "power.active-low", "expected true or false, got 'yes'");
    }

    @Test
    public void deepNestingIsRefusedWhereItGoesTooDeep() throws Exception {
        ConfigException e = fails(HEAD + "buttons: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
        assertTrue(e.line() == 3 && e.column() > 1, e.getMessage());
        assertTrue(e.getMessage().endsWith(": nested more than 32 levels deep"), e.getMessage());
    }

    /** "Every future YAML" too: a YAML parser made anywhere else would read YAML 1.1 as it comes. */
    @Test
    public void noYamlIsReadOutsideStrictYaml() throws Exception {
        Path main = ROOT.resolve("bench-controller/src/main/java");
        try (var sources = Files.walk(main)) {
            for (Path file : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                boolean makesParser = text.contains("new YAMLFactory(") || text.contains("YAMLFactory.builder(")
                        || text.contains("new YAMLMapper(") || text.contains("YAMLMapper.builder()")
                        || text.contains("new Yaml(") || text.contains("new ParserImpl(");
                assertFalse(makesParser && !file.endsWith("StrictYaml.java"), file + " reads YAML without StrictYaml");
            }
        }
    }

    @Test
    public void plainDecimalsHexAndQuotedTextStillRead() throws Exception {
        DeviceProfile p = ConfigLoader.loadProfile(write("device: {name: cam, firmware-version: \"021\", model: '1_000'}\n"
                + "timeouts: {boot-ms: 20000, command-ms: 0x400}\n"));
        assertEquals(p.device().firmwareVersion(), "021");
        assertEquals(p.device().model(), "1_000");
        assertEquals(p.timeouts().commandMs(), 1024);
        assertEquals(ConfigLoader.loadProfile(write("device: {name: '1:20'}\n")).device().name(), "1:20");
    }
}
