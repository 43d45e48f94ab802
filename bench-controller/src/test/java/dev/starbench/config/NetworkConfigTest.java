package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** The profile's `network:` section and the fixture's `cloud-broker:`: defaults, and errors that name the field. */
public class NetworkConfigTest {
    private static final String HEAD = "device:\n  name: cam\n";
    private Path dir;
    private int n;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-network-config");
        // The cloud broker's CA must exist when the fixture is loaded; the bench never makes it.
        Files.createDirectories(dir.resolve("certs"));
        Files.writeString(dir.resolve("certs/lab-ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("p" + (++n) + ".yaml"), yaml);
    }

    @Test
    public void aCloudUrlGivesHostPortAndDefaults() throws Exception {
        DeviceProfile p = ConfigLoader.loadProfile(write(HEAD + """
                network:
                  address: 10.0.0.5
                  cloud:
                    url: ssl://mqtt.example.com
                    ca-cert: ca.pem
                    ca-key: ca.key
                """));
        Network.Cloud cloud = p.network().cloud();
        assertEquals(cloud.host(), "mqtt.example.com");
        assertEquals(cloud.port(), 8883);
        assertTrue(cloud.tls());
        assertEquals(cloud.fallbackPort(), 1883);
        assertEquals(cloud.caCert(), dir.resolve("ca.pem"));
        assertEquals(cloud.attemptTimeoutMs(), 30_000);
        assertEquals(p.network().scanPorts(), new Network.PortRange(1, 65535));
        assertNull(p.network().replayProtection());
    }

    @Test
    public void aTlsBrokerDefaultsToPort8883AndAnSslUrl() throws Exception {
        Network.LocalBroker tls = ConfigLoader.loadProfile(write(HEAD + "network:\n  broker: {tls: true}\n")).network().broker();
        assertEquals(tls.url("10.0.0.5"), "ssl://10.0.0.5:8883");
        Network.LocalBroker plain = ConfigLoader.loadProfile(write(HEAD + "network:\n  broker: {}\n")).network().broker();
        assertEquals(plain.url("10.0.0.5"), "tcp://10.0.0.5:1883");
        ConfigException e = expectThrows(ConfigException.class,
                () -> ConfigLoader.loadProfile(write(HEAD + "network:\n  broker: {port: 8883, tls: maybe}\n")));
        assertTrue(e.getMessage().contains("network.broker.tls"), e.getMessage());
    }

    @Test
    public void aProfileWithoutNetworkStillLoads() throws Exception {
        assertNull(ConfigLoader.loadProfile(write(HEAD)).network());
    }

    @Test
    public void aWrongSchemeNamesTheUrlField() throws Exception {
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(write(HEAD + """
                network:
                  cloud:
                    url: http://mqtt.example.com
                """)));
        assertEquals(e.field(), "network.cloud.url");
        assertEquals(e.line(), 5);
        assertTrue(e.getMessage().contains("scheme must be ssl, mqtts, tcp or mqtt"), e.getMessage());
    }

    @Test
    public void aBadPortRangeNamesScanPorts() throws Exception {
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(write(HEAD + """
                network:
                  scan-ports: 100-20
                """)));
        assertEquals(e.field(), "network.scan-ports");
        assertEquals(e.line(), 4);
    }

    @Test
    public void udpPortsSettleTimeAndUdpServices() throws Exception {
        Network n = ConfigLoader.loadProfile(write(HEAD + """
                network:
                  address: 10.0.0.5
                  udp-ports: [5683, 161]
                  settle-ms: 45000
                  services:
                    - {port: 22, name: ssh}
                    - {port: 5683, name: coap, protocol: udp}
                """)).network();
        assertEquals(n.udpPorts(), List.of(5683, 161));
        assertEquals(n.settleMs(), Long.valueOf(45_000));
        assertTrue(n.declares(22) && n.declares("tcp", 22) && !n.declares("udp", 22));
        assertTrue(n.declares("udp", 5683) && !n.declares(5683));

        Network defaults = ConfigLoader.loadProfile(write(HEAD + "network: {address: 10.0.0.5}\n")).network();
        assertEquals(defaults.udpPorts(), List.of(69, 161, 1900, 5353, 5683));
        assertNull(defaults.settleMs(), "no settle time: the declared services answering is the signal");
        assertEquals(ConfigLoader.loadProfile(write(HEAD + "network: {udp-ports: []}\n")).network().udpPorts(), List.of());
    }

    @Test
    public void badUdpPortsSettleTimesAndProtocolsAreNamedWhereTheyStand() throws Exception {
        assertRefused("""
                network:
                  udp-ports: [161, 0]
                """, "network.udp-ports[1]", 4, "must be a port between 1 and 65535, got 0");
        assertRefused("""
                network:
                  udp-ports: [161, 69, 161]
                """, "network.udp-ports[2]", 4, "port 161 is listed twice");
        assertRefused("""
                network:
                  settle-ms: -1
                """, "network.settle-ms", 4, "must be between 0 and 3600000 ms, got -1");
        assertRefused("""
                network:
                  services:
                    - {port: 161, name: snmp, protocol: sctp}
                """, "network.services[0].protocol", 5, "unknown value 'sctp' (allowed: tcp, udp)");
    }

    private void assertRefused(String network, String field, int line, String problem) throws Exception {
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(write(HEAD + network)));
        assertEquals(e.field(), field, e.getMessage());
        assertEquals(e.line(), line, e.getMessage());
        assertTrue(e.getMessage().endsWith(field + ": " + problem), e.getMessage());
    }

    @Test
    public void aCaCertWithoutItsKeyIsRefused() throws Exception {
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(write(HEAD + """
                network:
                  cloud:
                    url: ssl://h:8883
                    ca-cert: ca.pem
                """)));
        assertEquals(e.field(), "network.cloud.ca-key");
        assertTrue(e.getMessage().contains("ca-cert and ca-key go together"), e.getMessage());
    }

    @Test
    public void anUnknownFlawListsTheNetworkOnes() throws Exception {
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(write(HEAD + """
                simulation:
                  flaws: [telnet-opened]
                """)));
        assertTrue(e.getMessage().contains("telnet-open") && e.getMessage().contains("anonymous-broker"), e.getMessage());
    }

    private static String virtualFixture() throws Exception {
        return Files.readString(Path.of(System.getProperty("starbench.root", ".."), "fixtures/virtual.yaml"));
    }

    @Test
    public void theFixtureCloudBrokerMayUseTlsWithItsOwnCa() throws Exception {
        Fixture f = ConfigLoader.loadFixture(write(virtualFixture()
                + "cloud-broker:\n  url: ssl://broker.lab:8884\n  ca-cert: certs/lab-ca.pem\n"));
        assertEquals(f.cloudBroker(), new Fixture.CloudBroker("broker.lab", 8884, true, dir.resolve("certs/lab-ca.pem")));
        assertEquals(f.cloudBroker().url(), "ssl://broker.lab:8884");
        Fixture.CloudBroker mqtts = ConfigLoader.loadFixture(write(virtualFixture()
                + "cloud-broker:\n  url: mqtts://127.0.0.1:8883\n")).cloudBroker();
        assertTrue(mqtts.tls());
        assertNull(mqtts.caCert(), "no ca-cert: the JVM's trust store");
        Fixture.CloudBroker plain = ConfigLoader.loadFixture(write(virtualFixture()
                + "cloud-broker:\n  url: tcp://127.0.0.1:1883\n")).cloudBroker();
        assertEquals(plain, new Fixture.CloudBroker("127.0.0.1", 1883, false, null));
    }

    @Test
    public void theFixtureCloudBrokerNeedsAnMqttUrlWithAPort() throws Exception {
        String fixture = virtualFixture();
        int line = (int) fixture.lines().count() + 2;
        for (String url : List.of("http://127.0.0.1:8883", "ssl://127.0.0.1", "tcp://127.0.0.1:1883/x")) {
            ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadFixture(write(fixture
                    + "cloud-broker:\n  url: " + url + "\n")));
            assertEquals(e.field(), "cloud-broker.url", url);
            assertEquals(e.line(), line, url);
            assertTrue(e.getMessage().contains("expected tcp://HOST:PORT or ssl://HOST:PORT"), e.getMessage());
        }
    }

    @Test
    public void aCaCertForAPlaintextCloudBrokerIsRefused() throws Exception {
        String fixture = virtualFixture();
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadFixture(write(fixture
                + "cloud-broker:\n  url: tcp://127.0.0.1:1883\n  ca-cert: ca.pem\n")));
        assertEquals(e.field(), "cloud-broker.ca-cert");
        assertEquals(e.line(), (int) fixture.lines().count() + 3);
        assertTrue(e.getMessage().contains("only used with an ssl:// or mqtts:// url"), e.getMessage());
    }
}
