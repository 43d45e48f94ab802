package dev.starbench.bench.mqtt;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.net.LabPki;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.testng.annotations.Test;

/** The embedded broker's API as the update path and the comms checks use it, with a real Paho client. */
public class BrokerTest {
    @Test
    public void aTlsClientIsSeenAndBothDirectionsCarryMessages() throws Exception {
        LabPki.Identity ca = LabPki.newCa("broker test CA");
        LabPki.Identity leaf = LabPki.leaf(ca, "localhost");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("k", leaf.key(), "x".toCharArray(), leaf.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "x".toCharArray());

        try (Broker broker = Broker.start(new Broker.Options("127.0.0.1", 0, Map.of("dev", "s3cret-pass"), kmf, 0))) {
            BlockingQueue<Broker.Message> telemetry = broker.subscribe("dev/+/telemetry");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.leaf());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);

            MqttClient client = new MqttClient("ssl://localhost:" + broker.tlsPort(), "unit-1", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setSocketFactory(ssl.getSocketFactory());
            o.setUserName("dev");
            o.setPassword("s3cret-pass".toCharArray());
            client.connect(o);
            BlockingQueue<String> commands = new LinkedBlockingQueue<>();
            client.subscribe(new String[] {"dev/unit-1/cmd"}, new int[] {1},
                    new IMqttMessageListener[] {(t, m) -> commands.add(new String(m.getPayload(), StandardCharsets.UTF_8))});

            MqttConnect seen = broker.awaitConnect(Duration.ofSeconds(5));
            assertNotNull(seen);
            assertEquals(seen.clientId(), "unit-1");
            assertEquals(seen.user(), "dev");
            assertTrue(seen.passwordSent());
            assertFalse(seen.toString().contains("s3cret") || seen.describe().contains("s3cret"), seen.describe());

            client.publish("dev/unit-1/telemetry", "t=21.5".getBytes(StandardCharsets.UTF_8), 1, false);
            Broker.Message m = telemetry.poll(5, TimeUnit.SECONDS);
            assertNotNull(m);
            assertEquals(new String(m.payload(), StandardCharsets.UTF_8), "t=21.5");
            assertEquals(m.clientId(), "unit-1");

            broker.publish("dev/unit-1/cmd", "reboot".getBytes(StandardCharsets.UTF_8));
            assertEquals(commands.poll(5, TimeUnit.SECONDS), "reboot");
            client.disconnect();
            client.close();

            MqttClient wrong = new MqttClient("tcp://127.0.0.1:" + broker.port(), "intruder", new MemoryPersistence());
            MqttConnectOptions bad = new MqttConnectOptions();
            bad.setUserName("dev");
            bad.setPassword("guess".toCharArray());
            try {
                wrong.connect(bad);
                throw new AssertionError("a wrong password got in");
            } catch (MqttSecurityException expected) {
                // refused, as configured
            } finally {
                wrong.close();
            }
        }
    }

    @Test
    public void topicFiltersMatchLikeMqtt() {
        assertTrue(Broker.matches("#", "a/b"));
        assertTrue(Broker.matches("a/+/c", "a/b/c"));
        assertFalse(Broker.matches("a/+", "a/b/c"));
        assertTrue(Broker.matches("a/#", "a/b/c"));
        assertFalse(Broker.matches("a/b", "a/c"));
    }
    @Test
    public void aSubscriberIsKnownUntilItsConnectionGoesAndAnImageSizedMessageReachesIt() throws Exception {
        try (Broker broker = Broker.start(Broker.Options.loopback())) {
            assertEquals(broker.awaitSubscriber("dev/ota", Duration.ofMillis(100)), null, "nobody yet");
            MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port(), "unit-2", new MemoryPersistence());
            client.connect();
            BlockingQueue<byte[]> offers = new LinkedBlockingQueue<>();
            client.subscribe(new String[] {"dev/+"}, new int[] {1}, new IMqttMessageListener[] {(t, m) -> offers.add(m.getPayload())});
            assertEquals(broker.awaitSubscriber("dev/ota", Duration.ofSeconds(5)), "unit-2");
            long session = broker.session("unit-2");
            assertTrue(session > 0);
            // Far above Moquette's 8 KiB limit on incoming messages: the bench publishes as the broker itself.
            byte[] big = new byte[200_000];
            broker.publish("dev/ota", big);
            byte[] got = offers.poll(5, TimeUnit.SECONDS);
            assertNotNull(got);
            assertEquals(got.length, big.length);
            client.disconnectForcibly(0, 1000, false);
            client.close(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (broker.session("unit-2") != -1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(broker.session("unit-2"), -1L, "the connection is gone");
            assertEquals(broker.awaitSubscriber("dev/ota", Duration.ofMillis(100)), null, "and its subscription with it");
        }
    }
}
