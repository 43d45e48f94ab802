package dev.starbench.bench.mqtt;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.testng.annotations.Test;

/** The credential probe against the embedded broker, and against things that are not brokers. */
public class ConnectProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    public void theBrokersAnswerIsTheConnAckReturnCode() throws Exception {
        try (Broker broker = Broker.start(new Broker.Options("127.0.0.1", 0, Map.of("unit", "right"), null, 0))) {
            int port = broker.port();
            assertEquals(ConnectProbe.connect("127.0.0.1", port, null, "p1", "unit", "right", TIMEOUT),
                    MqttConnectReturnCode.CONNECTION_ACCEPTED);
            MqttConnectReturnCode wrong = ConnectProbe.connect("127.0.0.1", port, null, "p2", "unit", "wrong", TIMEOUT);
            assertTrue(wrong == MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD
                    || wrong == MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, wrong.toString());
        }
    }

    @Test
    public void aServerThatIsNotABrokerIsAnErrorNotARefusal() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read(new byte[64]);
                } catch (IOException e) {
                    // the probe hung up
                }
            });
            t.start();
            IOException e = expectThrows(IOException.class,
                    () -> ConnectProbe.connect("127.0.0.1", server.getLocalPort(), null, "p", null, null, TIMEOUT));
            assertTrue(e.getMessage().contains("not MQTT") || e.getMessage().contains("answered"), e.getMessage());
            t.join();
        }
    }
}
