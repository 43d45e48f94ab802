package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** The power drivers' fixture sections: the shipped plug fixture, defaults, and every error with its place. */
public class PowerConfigTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));
    private static final String HEAD = "bench-id: b1\nserial: {path: /dev/ttyUSB0}\n";

    private final AtomicInteger files = new AtomicInteger();
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-power-config");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("case" + files.incrementAndGet() + ".yaml"), yaml);
    }

    private Fixture load(String yaml) throws Exception {
        return ConfigLoader.loadFixture(write(HEAD + yaml));
    }

    private void assertError(String yaml, int line, int column, String field, String problem) throws Exception {
        Path file = write(HEAD + yaml);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadFixture(file));
        assertEquals(e.getMessage(), file + ":" + line + ":" + column + ": " + field + ": " + problem);
    }

    @Test
    public void theVirtualPlugFixtureLoads() throws Exception {
        Fixture f = ConfigLoader.loadFixture(ROOT.resolve("fixtures/virtual-mqtt-plug.yaml"));

        assertEquals(f.power().driver(), "mqtt-plug");
        assertNull(f.power().pin());
        assertEquals(f.power().settings(), new PowerConfig.MqttPlug(new Fixture.CloudBroker("127.0.0.1", 21879, false, null),
                null, null, PowerConfig.MqttPlug.Firmware.TASMOTA, "vdut-plug", null, 5000));
        assertEquals(f.power().describe(), "Tasmota plug vdut-plug at tcp://127.0.0.1:21879");
        assertEquals(f.buttons().get("reset"), new Fixture.Button(27, true));
        assertTrue(f.virtualDut() != null);
    }

    @Test
    public void aPlugOverTlsWithCredentialsFromAFileKeepsThePasswordOutOfItsText() throws Exception {
        Files.writeString(dir.resolve("broker-password"), "s3cret-broker-pw\n");
        Files.writeString(dir.resolve("lab-ca.pem"), "");
        Fixture f = load("""
                power:
                  driver: mqtt-plug
                  mqtt-plug:
                    url: ssl://mqtt.lab.example:8883
                    ca-cert: lab-ca.pem
                    username: bench-3
                    password-file: broker-password
                    firmware: shelly-gen2
                    topic: shellyplusplugs-e465b8b961a4
                    relay: 0
                    confirm-timeout-ms: 3000
                """);
        PowerConfig.MqttPlug plug = (PowerConfig.MqttPlug) f.power().settings();
        assertEquals(plug.password(), "s3cret-broker-pw");
        assertEquals(plug.broker().caCert(), dir.resolve("lab-ca.pem").toAbsolutePath());
        assertEquals(plug.describe(), "Shelly Gen2 plug shellyplusplugs-e465b8b961a4 switch 0 at ssl://mqtt.lab.example:8883");
        assertFalse(f.toString().contains("s3cret-broker-pw"), f.toString());
    }

    @Test
    public void uhubctlSnmpAndCommandSectionsGetTheirDefaults() throws Exception {
        assertEquals(load("power: {driver: uhubctl, uhubctl: {location: 1-1.3, port: 2}}\n").power().settings(),
                new PowerConfig.Uhubctl("uhubctl", "1-1.3", 2, 10_000));
        PowerConfig.SnmpPdu pdu = (PowerConfig.SnmpPdu) load("""
                power:
                  driver: snmp-pdu
                  snmp-pdu: {host: pdu1.lab, version: v2c, community: private,
                             outlet-oid: 1.3.6.1.4.1.318.1.1.4.4.2.1.3.5, on-value: 1, off-value: 2}
                """).power().settings();
        assertEquals(pdu.port(), 161);
        assertEquals(pdu.statusOid(), pdu.outletOid());
        assertEquals(List.of(pdu.statusOn(), pdu.statusOff(), pdu.retries()), List.of(1, 2, 1));
        assertEquals(List.of(pdu.timeoutMs(), pdu.confirmTimeoutMs()), List.of(2000L, 5000L));
        assertFalse(pdu.toString().contains("private"), pdu.toString());
        assertEquals(load("power: {driver: command, command: {on: [relayctl, 'on'], off: [relayctl, 'off']}}\n")
                .power().settings(), new PowerConfig.Command(List.of("relayctl", "on"), List.of("relayctl", "off"), null,
                "on", "off", 10_000));
    }

    @Test
    public void theDriversSectionIsRequired() throws Exception {
        assertError("power: {driver: mqtt-plug}\n", 3, 8, "power.mqtt-plug", "required field is missing");
    }

    @Test
    public void anotherDriversSectionIsRefused() throws Exception {
        assertError("""
                gpio: {provider: mock}
                power:
                  driver: gpio-relay
                  pin: 17
                  uhubctl: {location: 1-1, port: 1}
                """, 7, 12, "power.uhubctl", "only used with power driver uhubctl (power.driver is gpio-relay)");
    }

    @Test
    public void aPinWithAPlugIsRefused() throws Exception {
        assertError("""
                power:
                  driver: mqtt-plug
                  pin: 17
                  mqtt-plug: {url: tcp://10.0.0.2:1883, firmware: tasmota, topic: p1}
                """, 5, 8, "power.pin", "the mqtt-plug driver switches no GPIO line; remove the pin");
    }

    @Test
    public void mqttPlugErrorsNameTheirField() throws Exception {
        String plug = "power:\n  driver: mqtt-plug\n  mqtt-plug:\n";
        assertError(plug + "    url: http://broker:80\n    firmware: tasmota\n    topic: p1\n", 6, 10,
                "power.mqtt-plug.url", "expected tcp://HOST:PORT or ssl://HOST:PORT (also mqtt://, mqtts://), got"
                        + " 'http://broker:80'");
        assertError(plug + "    url: tcp://b:1883\n    firmware: sonoff\n    topic: p1\n", 7, 15,
                "power.mqtt-plug.firmware", "unknown value 'sonoff' (allowed: tasmota, shelly-gen2)");
        assertError(plug + "    url: tcp://b:1883\n    firmware: tasmota\n    topic: plugs/#\n", 8, 12,
                "power.mqtt-plug.topic", "must be an MQTT topic without wildcards or spaces, got 'plugs/#'");
        assertError(plug + "    url: tcp://b:1883\n    firmware: tasmota\n    topic: p1\n    relay: 0\n", 9, 12,
                "power.mqtt-plug.relay", "a Tasmota relay is numbered 1 to 32, got 0");
        assertError(plug + "    url: tcp://b:1883\n    firmware: tasmota\n    topic: p1\n    password: x\n", 9, 15,
                "power.mqtt-plug.password", "a password needs a username");
        assertError(plug + "    url: tcp://b:1883\n    firmware: tasmota\n    topic: p1\n    username: u\n"
                + "    password-file: nowhere\n", 10, 20, "power.mqtt-plug.password-file",
                "cannot read " + dir.resolve("nowhere").toAbsolutePath() + ": file not found");
        // Checked before it is opened, as every file the controller is given: a FIFO would block the load.
        assertError(plug + "    url: tcp://b:1883\n    firmware: tasmota\n    topic: p1\n    username: u\n"
                + "    password-file: .\n", 10, 20, "power.mqtt-plug.password-file",
                "cannot read " + dir.toAbsolutePath() + ": not a regular file (a directory)");
        assertError(plug + "    url: tcp://b:1883\n    ca-cert: ca.pem\n    firmware: tasmota\n    topic: p1\n", 7, 14,
                "power.mqtt-plug.ca-cert", "only used with an ssl:// or mqtts:// url");
        assertError(plug + "    url: tcp://b:1883\n    firmware: tasmota\n    topic: p1\n    confirm-timeout-ms: 0\n", 9, 25,
                "power.mqtt-plug.confirm-timeout-ms", "must be greater than 0, got 0");
        assertError(plug + "    url: tcp://b:1883\n    firmware: tasmota\n    topic: p1\n    usr: bench\n", 9, 5,
                "power.mqtt-plug.usr", "unknown field (known: ca-cert, confirm-timeout-ms, firmware, password, "
                        + "password-file, relay, topic, url, username)");
    }

    @Test
    public void uhubctlErrorsNameTheirField() throws Exception {
        assertError("power: {driver: uhubctl, uhubctl: {location: usb1, port: 2}}\n", 3, 46, "power.uhubctl.location",
                "must be a hub location as uhubctl lists it (bus-port[.port]..., e.g. 1-1.3), got 'usb1'");
        assertError("power: {driver: uhubctl, uhubctl: {location: 1-1, port: 0}}\n", 3, 57, "power.uhubctl.port",
                "must be a port number between 1 and 255, got 0");
        assertError("power: {driver: uhubctl, uhubctl: {location: 1-1}}\n", 3, 35, "power.uhubctl.port",
                "required field is missing");
    }

    @Test
    public void snmpPduErrorsNameTheirField() throws Exception {
        String head = "power:\n  driver: snmp-pdu\n  snmp-pdu:\n    host: pdu1\n    outlet-oid: 1.3.6.1.4.1.318.1.1.4.4.2.1.3.5\n"
                + "    on-value: 1\n    off-value: 2\n";
        assertError(head + "    version: v2c\n", 6, 5, "power.snmp-pdu.community", "required field is missing");
        assertError(head + "    version: v1\n", 10, 14, "power.snmp-pdu.version", "unknown value 'v1' (allowed: v2c, v3)");
        assertError(head + "    version: v2c\n    community: private\n    user: admin\n", 12, 11, "power.snmp-pdu.user",
                "only used with version v3");
        assertError(head + "    version: v3\n", 6, 5, "power.snmp-pdu.user", "required field is missing");
        assertError(head + "    version: v3\n    user: admin\n    auth-protocol: sha\n    auth-password: short\n", 13, 20,
                "power.snmp-pdu.auth-password", "must be at least 8 characters");
        assertError(head + "    version: v3\n    user: admin\n    priv-protocol: aes\n    priv-password: long-enough\n", 12, 20,
                "power.snmp-pdu.priv-protocol", "SNMPv3 privacy needs authentication: give auth-protocol");
        assertError(head + "    version: v3\n    user: admin\n    auth-protocol: sha-256\n", 6, 5,
                "power.snmp-pdu.auth-password", "required with auth-protocol");
        assertError(head + "    version: v3\n    user: admin\n    priv-protocol: aes-256\n", 12, 20,
                "power.snmp-pdu.priv-protocol", "unknown value 'aes-256' (allowed: des, aes)");
        assertError(head.replace("1.3.6.1.4.1.318.1.1.4.4.2.1.3.5", "sPDUOutletCtl.5") + "    version: v2c\n"
                + "    community: private\n", 7, 17, "power.snmp-pdu.outlet-oid",
                "must be a numeric OID like 1.3.6.1.4.1.318.1.1.4.4.2.1.3.1, got 'sPDUOutletCtl.5'");
        assertError(head.replace("off-value: 2", "off-value: 1") + "    version: v2c\n    community: private\n", 9, 16,
                "power.snmp-pdu.off-value", "on-value and off-value must differ");
    }

    @Test
    public void commandErrorsNameTheirField() throws Exception {
        assertError("power: {driver: command, command: {on: 'relay on', off: [relay, 'off']}}\n", 3, 40,
                "power.command.on", "expected a list, got 'relay on'");
        assertError("power: {driver: command, command: {on: [], off: [relay, 'off']}}\n", 3, 40, "power.command.on",
                "must name a program (a list: [program, arg, ...])");
        assertError("power: {driver: command, command: {on: [relay, 'on']}}\n", 3, 35, "power.command.off",
                "required field is missing");
        assertError("power: {driver: command, command: {on: [r, '1'], off: [r, '0'], status-on: 'ON'}}\n", 3, 76,
                "power.command.status-on", "only used with a status command");
        assertError("power: {driver: command, command: {on: [r], off: [r], timeout-ms: -5}}\n", 3, 67,
                "power.command.timeout-ms", "must be greater than 0, got -5");
    }

    @Test
    public void theVirtualDutPlaysOnlyAPlugOnItsOwnBroker() throws Exception {
        String vdut = "gpio: {provider: mock}\nvirtual-dut: {jar: vdut.jar}\n";
        assertError(vdut + "power: {driver: mqtt-plug, mqtt-plug: {url: ssl://lab:8883, firmware: tasmota, topic: p}}\n",
                5, 45, "power.mqtt-plug.url", "with virtual-dut the virtual DUT starts this broker itself: use"
                        + " tcp://127.0.0.1:PORT");
        assertError(vdut + "power: {driver: command, command: {on: [a], off: [b]}}\n", 5, 17, "power.driver",
                "the virtual DUT's supply follows a gpio-relay line or an mqtt-plug");
        // What the virtual DUT's command line takes (the contract's PowerPlug): one topic level.
        assertError(vdut + "power: {driver: mqtt-plug, mqtt-plug: {url: tcp://127.0.0.1:21879, firmware: tasmota, topic: lab/p}}\n", 5, 94,
                "power.mqtt-plug.topic", "the virtual DUT's plug takes one topic level of 1 to 64 of A-Z a-z 0-9 . _ -,"
                        + " got 'lab/p'");
        // Its plug has one relay, the DUT's supply: any other would be switched into silence at run time.
        String plug = vdut + "power: {driver: mqtt-plug, mqtt-plug: {url: tcp://127.0.0.1:21879, firmware: ";
        assertError(plug + "tasmota, topic: p, relay: 2}}\n", 5, 104, "power.mqtt-plug.relay",
                "the virtual DUT's plug has one relay, its supply: POWER (relay 1, or none), got relay 2");
        assertError(plug + "shelly-gen2, topic: p, relay: 1}}\n", 5, 108, "power.mqtt-plug.relay",
                "the virtual DUT's plug has one relay, its supply: switch:0 (relay 0, or none), got relay 1");
        assertEquals(((PowerConfig.MqttPlug) load(plug + "tasmota, topic: p, relay: 1}}\n").power().settings()).relay(), 1);
        assertEquals(((PowerConfig.MqttPlug) load(plug + "shelly-gen2, topic: p, relay: 0}}\n").power().settings()).relay(), 0);
    }
}
