package dev.starbench.bench.mqtt;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.mqtt.CloudEndpoint.Answer;
import dev.starbench.bench.mqtt.CloudEndpoint.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.testng.annotations.Test;

/** The cloud endpoint going down (reset, black hole) and coming back, with real sockets, Moquette and Paho. */
public class CloudOutageTest {
    /** The bytes of an MQTT 3.1.1 CONNECT with client id "x". */
    private static final byte[] CONNECT = {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 1, 'x'};

    private static CloudEndpoint endpoint(Broker broker) throws Exception {
        return CloudEndpoint.start(InetAddress.getLoopbackAddress(), 0, null, broker);
    }

    private static MqttClient connect(CloudEndpoint cloud, CountDownLatch lost) throws Exception {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + cloud.port(), "dut-1", new MemoryPersistence());
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setConnectionTimeout(3);
        c.connect(o);
        return c;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(20);
        }
    }

    @Test
    public void goingDownResetsTheLiveConnectionAndRefusesEveryNewOneWithAReset() throws Exception {
        try (Broker broker = Broker.start(Broker.Options.loopback()); CloudEndpoint cloud = endpoint(broker)) {
            CountDownLatch lost = new CountDownLatch(1);
            MqttClient dut = connect(cloud, lost);
            assertTrue(dut.isConnected());

            cloud.answer(Answer.REFUSE);
            assertTrue(lost.await(5, TimeUnit.SECONDS), "the DUT loses its connection when the cloud goes down");
            dut.close(true);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), cloud.port())) {
                s.setSoTimeout(5000);
                // The reset may already be there when the CONNECT goes out.
                SocketException reset = expectThrows(SocketException.class, () -> {
                    s.getOutputStream().write(CONNECT);
                    readOrReset(s.getInputStream());
                });
                assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
            }

            List<Connection> all = cloud.connections();
            assertEquals(all.size(), 2, all.toString());
            assertEquals(all.get(0).answer(), Answer.SERVE);
            assertNotNull(all.get(0).ended(), "the served connection ended with the outage");
            assertEquals(all.get(1).answer(), Answer.REFUSE);
            assertEquals(all.get(1).ended(), all.get(1).at(), "refused at once");
            assertFalse(all.get(1).at().isBefore(all.get(0).at()), "in order of arrival");
        }
    }

    /** Reads until the stream ends; a reset throws. */
    private static void readOrReset(InputStream in) throws IOException {
        while (in.read() >= 0) {
            // nothing is expected
        }
    }

    @Test
    public void aBlackHoleTakesTheConnectionNeverAnswersAndNotesWhenTheDutGivesUp() throws Exception {
        try (Broker broker = Broker.start(Broker.Options.loopback()); CloudEndpoint cloud = endpoint(broker)) {
            cloud.answer(Answer.BLACK_HOLE);
            Socket s = new Socket(InetAddress.getLoopbackAddress(), cloud.port());
            s.setSoTimeout(800);
            s.getOutputStream().write(CONNECT);
            expectThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            Connection open = cloud.connections().get(0);
            assertEquals(open.answer(), Answer.BLACK_HOLE);
            assertNull(open.ended(), "still open: the DUT has not given up");
            assertTrue(broker.connects().isEmpty(), "nothing reached the broker");
            s.close();
            await(() -> cloud.connections().get(0).ended() != null, "the end is noted when the DUT closes");
            assertTrue(cloud.attempts().isEmpty(), "a black-holed connection is no MQTT attempt");
        }
    }

    @Test
    public void comingBackResetsWhatTheBlackHoleStillHolds() throws Exception {
        try (Broker broker = Broker.start(Broker.Options.loopback()); CloudEndpoint cloud = endpoint(broker)) {
            cloud.answer(Answer.BLACK_HOLE);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), cloud.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(CONNECT);
                await(() -> !cloud.connections().isEmpty(), "the connection is taken");
                cloud.answer(Answer.SERVE);
                expectThrows(SocketException.class, () -> readOrReset(s.getInputStream()));
            }
            await(() -> cloud.connections().get(0).ended() != null, "its end is noted");
        }
    }

    @Test
    public void afterTheOutageTheCloudServesAgain() throws Exception {
        try (Broker broker = Broker.start(Broker.Options.loopback()); CloudEndpoint cloud = endpoint(broker)) {
            cloud.answer(Answer.REFUSE);
            expectThrows(Exception.class, () -> connect(cloud, new CountDownLatch(1)));
            cloud.answer(Answer.SERVE);
            MqttClient dut = connect(cloud, new CountDownLatch(1));
            assertTrue(dut.isConnected());
            Attempt a = cloud.awaitAttempt(Duration.ofSeconds(5));
            assertNotNull(a);
            assertEquals(a.connect().clientId(), "dut-1");
            assertEquals(cloud.connections().stream().map(Connection::answer).toList(), List.of(Answer.REFUSE, Answer.SERVE));
            dut.disconnect();
            dut.close();
        }
    }
}
