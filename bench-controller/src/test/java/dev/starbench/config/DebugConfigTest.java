package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The fixture's {@code debug-probe:} and the profile's {@code debug-port:}: their defaults, and each
 * error with its file, line, column and field, including every way a command could be smuggled into
 * OpenOCD through the extra configuration lines.
 */
public class DebugConfigTest {
    private static final String FIXTURE = """
            bench-id: b1
            gpio: {provider: mock}
            power: {driver: gpio-relay, pin: 17}
            serial: {path: /dev/ttyUSB0}
            """;
    private static final String PROFILE = """
            device: {name: board}
            """;

    private final AtomicInteger files = new AtomicInteger();
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-debug-config");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("case" + files.incrementAndGet() + ".yaml"), yaml);
    }

    private void assertFixtureError(String probe, int line, int column, String field, String problem) throws Exception {
        Path file = write(FIXTURE + probe);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadFixture(file));
        assertEquals(e.getMessage(), file + ":" + line + ":" + column + ": " + field + ": " + problem);
    }

    private void assertProfileError(String port, int line, int column, String field, String problem) throws Exception {
        Path file = write(PROFILE + port);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(file));
        assertEquals(e.getMessage(), file + ":" + line + ":" + column + ": " + field + ": " + problem);
    }

    @Test
    public void piHeaderProbeWithItsDefaults() throws Exception {
        Fixture f = ConfigLoader.loadFixture(write(FIXTURE + """
                debug-probe:
                  driver: linuxgpiod
                  pins: {swclk: 25, swdio: 24}
                  reference: {board: nRF52840-DK rev 3, id: 0x2ba01477, recorded: 2026-11-02}
                """));

        DebugProbe p = f.debugProbe();
        assertEquals(p.transport(), "swd", "a GPIO or USB probe speaks SWD unless told otherwise");
        assertEquals(p.speedKhz(), 1000);
        assertEquals(p.gpioChip(), 0);
        assertEquals(p.pins(), Map.of("swclk", 25, "swdio", 24));
        assertEquals(p.openocd(), "openocd");
        assertEquals(p.timeoutMs(), 10_000);
        assertEquals(p.reference(), new DebugProbe.Reference("nRF52840-DK rev 3", 0x2ba01477L, "2026-11-02"));
        assertTrue(p.reachesAccessPorts());
    }

    @Test
    public void remoteBitbangDefaultsToJtagOnLoopback() throws Exception {
        DebugProbe p = ConfigLoader.loadFixture(write(FIXTURE + "debug-probe: {driver: remote_bitbang, port: 21871}\n"))
                .debugProbe();

        assertEquals(p.transport(), "jtag");
        assertEquals(p.host(), "127.0.0.1");
        assertTrue(p.pins().isEmpty());
        assertNull(ConfigLoader.loadFixture(write(FIXTURE)).debugProbe(), "no section, no probe");
    }

    @Test
    public void probeErrorsAreLocated() throws Exception {
        assertFixtureError("debug-probe: {driver: buspirate}\n", 5, 23, "debug-probe.driver",
                "unknown driver 'buspirate' (allowed: remote_bitbang, linuxgpiod, bcm2835gpio, cmsis-dap, jlink, hla)");
        assertFixtureError("debug-probe: {driver: remote_bitbang, transport: swd, port: 1}\n", 5, 50,
                "debug-probe.transport", "OpenOCD 0.12's remote_bitbang speaks JTAG only");
        assertFixtureError("debug-probe: {driver: remote_bitbang}\n", 5, 14, "debug-probe.port",
                "remote_bitbang needs port (TCP) or socket (a unix socket path)");
        assertFixtureError("debug-probe:\n  driver: linuxgpiod\n", 6, 3, "debug-probe.pins", "required field is missing");
        assertFixtureError("debug-probe:\n  driver: linuxgpiod\n  transport: jtag\n  pins: {tck: 11, tms: 25, tdi: 10}\n",
                8, 9, "debug-probe.pins.tdo", "required field is missing (jtag needs tck, tms, tdi, tdo)");
        assertFixtureError("debug-probe:\n  driver: linuxgpiod\n  pins: {swclk: 17, swdio: 24}\n", 7, 17,
                "debug-probe.pins.swclk", "GPIO line 17 is already used by power.pin");
        assertFixtureError("debug-probe:\n  driver: linuxgpiod\n  pins: {swclk: 25, swdio: 25}\n", 7, 28,
                "debug-probe.pins.swdio", "GPIO line 25 is already used by pins.swclk");
        assertFixtureError("debug-probe:\n  driver: linuxgpiod\n  pins: {swclk: 25, tdo: 9, swdio: 24}\n", 7, 26,
                "debug-probe.pins.tdo", "not a swd signal (swd: swclk, swdio, optional srst)");
        assertFixtureError("debug-probe:\n  driver: bcm2835gpio\n  pins: {swclk: 25, swdio: 24}\n", 6, 3,
                "debug-probe.peripheral-base", "required field is missing");
        assertFixtureError("debug-probe:\n  driver: bcm2835gpio\n  peripheral-base: 0xFE000000\n  pins: {swclk: 40, swdio: 24}\n",
                8, 17, "debug-probe.pins.swclk", "bcm2835gpio reaches GPIO 0 to 31 only, got 40");
        assertFixtureError("debug-probe: {driver: cmsis-dap, port: 3}\n", 5, 40, "debug-probe.port",
                "only for driver remote_bitbang");
        assertFixtureError("debug-probe: {driver: hla, transport: jtag}\n", 5, 39, "debug-probe.transport",
                "the bench drives an ST-Link over SWD only (hla_swd)");
        assertFixtureError("debug-probe:\n  driver: jlink\n  reference: {board: x, id: 0xFFFFFFFF, recorded: today}\n", 7, 29,
                "debug-probe.reference.id", "all ones is what a dead chain reads, not an ID");
    }

    @Test
    public void extraConfigCarriesAdapterSettingsOnly() throws Exception {
        DebugProbe p = ConfigLoader.loadFixture(write(FIXTURE + """
                debug-probe:
                  driver: cmsis-dap
                  usb-serial: "0240000034544e45"
                  extra-config:
                    - adapter srst delay 100
                    - reset_config srst_only srst_nogate
                    - cmsis_dap_backend usb_bulk
                """)).debugProbe();

        assertEquals(p.extraConfig(), List.of("adapter srst delay 100", "reset_config srst_only srst_nogate",
                "cmsis_dap_backend usb_bulk"));
    }

    @Test
    public void commandsSmuggledThroughExtraConfigAreRefusedWhereTheyStand() throws Exception {
        String head = "debug-probe:\n  driver: cmsis-dap\n  extra-config:\n    - adapter speed 1000\n    - ";
        String allowed = "allowed: " + String.join(", ", DebugProbe.EXTRA_COMMANDS);
        String[][] cases = {
                {"nrf52_recover", "'nrf52_recover' is not an adapter setting the bench passes on (" + allowed + ")"},
                {"stm32f1x unlock 0", "'stm32f1x unlock' is not an adapter setting the bench passes on (" + allowed + ")"},
                {"flash erase_sector 0 0 last", "'flash erase_sector' is not an adapter setting the bench passes on (" + allowed + ")"},
                {"source [find target/nrf52.cfg]", "'[find' is not a plain word (letters, digits, . _ : / + -): the bench"
                        + " passes no Tcl substitution, quoting, comment or second command to OpenOCD"},
                {"\"adapter speed 100; nrf52_recover\"", "'100;' is not a plain word (letters, digits, . _ : / + -): the"
                        + " bench passes no Tcl substitution, quoting, comment or second command to OpenOCD"},
                {"\"adapter speed 100\\nnrf52_recover\"", "'100\\x0anrf52_recover' is not a plain word (letters, digits,"
                        + " . _ : / + -): the bench passes no Tcl substitution, quoting, comment or second command to OpenOCD"},
                {"adapter speed $x", "'$x' is not a plain word (letters, digits, . _ : / + -): the bench passes no Tcl"
                        + " substitution, quoting, comment or second command to OpenOCD"},
                {"reset_config srst_only connect_assert_srst",
                        "reset_config connect_assert_srst is not allowed: the bench never resets the DUT on connect"},
                {"init", "'init' is not an adapter setting the bench passes on (" + allowed + ")"},
        };
        for (String[] c : cases) {
            assertFixtureError(head + c[0] + "\n", 9, 7, "debug-probe.extra-config[1]", c[1]);
        }
    }

    @Test
    public void portWithItsDefaults() throws Exception {
        DeviceProfile p = ConfigLoader.loadProfile(write(PROFILE + """
                debug-port:
                  transport: swd
                  memory:
                    - {name: flash, address: 0x0}
                """));

        DebugPort d = p.debugPort();
        assertEquals(d.family(), DebugPort.GENERIC);
        assertEquals(d.memory(), List.of(new DebugPort.Range("flash", 0, 256)));
        assertEquals(d.fused(), false);
        assertEquals(d.haltAllowed(), false);
        assertNull(d.expectedId());
        assertNull(ConfigLoader.loadProfile(write(PROFILE)).debugPort());
    }

    @Test
    public void portErrorsAreLocated() throws Exception {
        String head = "debug-port:\n  transport: jtag\n";
        String ram = "  memory: [{name: ram, address: 0x20000000}]\n";
        assertProfileError("debug-port: {transport: uart, memory: []}\n", 2, 25, "debug-port.transport",
                "unknown value 'uart' (allowed: jtag, swd)");
        assertProfileError(head, 3, 3, "debug-port.memory", "required field is missing");
        assertProfileError(head + "  memory: []\n", 4, 11, "debug-port.memory",
                "name at least one range worth reading (flash, RAM)");
        assertProfileError(head + "  memory: [{name: flash, address: 0x2, length: 16}]\n", 4, 35,
                "debug-port.memory[0].address", "must be a word-aligned 32-bit address");
        assertProfileError(head + "  memory: [{name: flash, address: 0x0, length: 8192}]\n", 4, 48,
                "debug-port.memory[0].length", "must be a multiple of 4, at most 4096");
        assertProfileError(head + "  memory: [{name: ram, address: 0x0}, {name: ram, address: 0x4}]\n", 4, 46,
                "debug-port.memory[1].name", "range name 'ram' given twice");
        assertProfileError(head + ram + "  family: esp32\n", 5, 11, "debug-port.family",
                "unknown value 'esp32' (allowed: generic-adiv5, nrf52, stm32)");
        assertProfileError(head + ram + "  expected-id: 0x4ba00476\n", 5, 16, "debug-port.expected-id",
                "an IDCODE or DPIDR has bit 0 set");
        assertProfileError(head + ram + "  halt: true\n  fragile: true\n", 5, 9, "debug-port.halt",
                "a fragile part is never halted; remove one of halt and fragile");
        assertProfileError(head + ram + "  family: stm32\n", 3, 3, "debug-port.rdp-register", "required field is missing");
        assertProfileError(head + ram + "  rdp-register: 0x40023C14\n", 5, 17, "debug-port.rdp-register",
                "only for family stm32");
        Path missing = dir.resolve("no-such-target.cfg");
        assertProfileError(head + ram + "  target-config: no-such-target.cfg\n", 5, 18, "debug-port.target-config",
                missing + ": " + InputFile.problem(missing, null));
    }
}
