package dev.starbench.bench.mqtt;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.LabPki;
import dev.starbench.config.Fixture;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLSocket;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The fixture's external broker over TLS, against the embedded broker's real TLS listener: trusted
 * only through the fixture's CA, with the host name checked, for the bench's client and the relay.
 */
public class ExternalBrokerTest {
    private LabPki.Identity ca;
    private Path caPem;

    @BeforeClass
    public void labCa() throws Exception {
        Path dir = Files.createTempDirectory("starbench-external-broker");
        ca = LabPki.newCa("external broker test CA");
        caPem = dir.resolve("ca.pem");
        ca.writePem(caPem, dir.resolve("ca.key"));
    }

    @Test
    public void aBrokerWithACertificateFromTheFixturesCaCarriesMessagesAndRelays() throws Exception {
        try (Broker server = tlsBroker(LabPki.leaf(ca, "localhost"));
             ExternalBroker external = ExternalBroker.connect(
                     new Fixture.CloudBroker("localhost", server.tlsPort(), true, caPem))) {
            assertEquals(external.describe(), "the fixture's broker ssl://localhost:" + server.tlsPort());
            BlockingQueue<Broker.Message> q = external.subscribe("vcam/#");
            external.publish("vcam/cmd", "reboot".getBytes(StandardCharsets.UTF_8));
            Broker.Message m = q.poll(5, TimeUnit.SECONDS);
            assertNotNull(m, "the message came back through the broker");
            assertEquals(new String(m.payload(), StandardCharsets.UTF_8), "reboot");

            try (Socket relay = external.open()) {
                assertTrue(relay instanceof SSLSocket ssl && ssl.getSession().getProtocol().startsWith("TLS"), relay.toString());
                OutputStream out = relay.getOutputStream();
                out.write(connect("relayed-1"));
                out.flush();
                assertEquals(relay.getInputStream().read(), 0x20, "a CONNACK");
            }
            MqttConnect seen;
            do {
                seen = server.awaitConnect(Duration.ofSeconds(5));
            } while (seen != null && !seen.clientId().equals("relayed-1"));
            assertNotNull(seen, "the broker saw the relayed CONNECT: " + server.connects());
        }
    }

    @Test
    public void aBrokerCertificateFromAnotherCaIsRefused() throws Exception {
        try (Broker server = tlsBroker(LabPki.leaf(LabPki.newCa("someone else's CA"), "localhost"))) {
            BenchIoException e = expectThrows(BenchIoException.class, () -> ExternalBroker.connect(
                    new Fixture.CloudBroker("localhost", server.tlsPort(), true, caPem)));
            assertTrue(e.getMessage().startsWith("cannot reach the fixture's broker ssl://localhost:" + server.tlsPort()
                    + ": TLS handshake failed: its certificate is not from the CA in cloud-broker.ca-cert " + caPem),
                    e.getMessage());
        }
    }

    @Test
    public void aBrokerCertificateForAnotherHostIsRefused() throws Exception {
        try (Broker server = tlsBroker(LabPki.leaf(ca, "elsewhere.starbench.invalid"))) {
            BenchIoException e = expectThrows(BenchIoException.class, () -> ExternalBroker.connect(
                    new Fixture.CloudBroker("localhost", server.tlsPort(), true, caPem)));
            assertTrue(e.getMessage().contains("TLS handshake failed: its certificate does not name localhost"),
                    e.getMessage());
        }
    }

    @Test
    public void aMissingCaFileIsNamed() {
        Path missing = caPem.resolveSibling("no-such-ca.pem");
        BenchIoException e = expectThrows(BenchIoException.class, () -> ExternalBroker.connect(
                new Fixture.CloudBroker("localhost", 8883, true, missing)));
        assertTrue(e.getMessage().contains(missing + " (fixture cloud-broker.ca-cert)"), e.getMessage());
    }

    private static Broker tlsBroker(LabPki.Identity identity) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("k", identity.key(), "x".toCharArray(), identity.chain());
        kmf.init(keys, "x".toCharArray());
        return Broker.start(new Broker.Options("127.0.0.1", 0, null, kmf, 0));
    }

    /** An MQTT 3.1.1 CONNECT with a clean session, as a DUT's first packet arrives at the relay. */
    private static byte[] connect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] variable = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60};
        int remaining = variable.length + 2 + id.length;
        byte[] packet = new byte[2 + remaining];
        packet[0] = 0x10;
        packet[1] = (byte) remaining;
        System.arraycopy(variable, 0, packet, 2, variable.length);
        packet[2 + variable.length] = (byte) (id.length >> 8);
        packet[3 + variable.length] = (byte) id.length;
        System.arraycopy(id, 0, packet, 4 + variable.length, id.length);
        return packet;
    }
}
