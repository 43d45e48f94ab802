package dev.starbench.vdut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.NetworkSettings;
import dev.starbench.vdut.contract.SimulationSettings;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The device's cloud link while it is powered: connect (TLS, unless a flaw says otherwise), report
 * online, obey signed commands, and reconnect soon after any loss, as IoT firmware does.
 *
 * <p>A command is one JSON line, then a line with the Base64 ECDSA-SHA256 signature of the first line
 * by the lab CA's key. The JSON carries {@code action}, {@code counter} and {@code nonce}; a hardened
 * device acts only on a counter above the last one it obeyed and a nonce it has not seen.
 */
final class CloudClient {
    private static final long RETRY_MS = 300;
    // Paho's synchronous calls wait forever by default: a CONNACK that never comes (the cloud dropped
    // the connection unseen) would leave the device silent until its next power cycle.
    private static final long CALL_TIMEOUT_MS = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();
    // Remembered for the life of the process, so a replay after a power cycle is refused as well.
    private static long lastCounter;
    private static final Set<String> seenNonces = new HashSet<>();

    private final SimulationSettings sim;
    private final NetworkSettings net;
    /** Null unless the OTA agent takes its offers over this connection. */
    private final Ota ota;
    private volatile boolean running = true;
    private volatile MqttClient client;
    private Thread thread;

    CloudClient(SimulationSettings sim, Ota ota) {
        this.sim = sim;
        this.net = sim.network();
        this.ota = ota;
    }

    void start() {
        thread = new Thread(this::loop, "vdut-cloud");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        MqttClient c = client;
        if (c != null) {
            try {
                c.disconnectForcibly(0, 0, false);
            } catch (MqttException | RuntimeException e) {
                // Power is gone: nothing is sent anyway. Paho 1.2.5 throws a NullPointerException here
                // for a client that never connected; it must not take the GPIO thread down with it.
            }
            try {
                c.close(true);
            } catch (MqttException | RuntimeException e) {
                // as above
            }
        }
        thread.interrupt();
    }

    private void loop() {
        X509Certificate ca;
        SSLSocketFactory tls;
        try {
            ca = net.caCert() == null ? null : TrustPolicy.readCa(net.caCert());
            tls = ca == null ? null : TrustPolicy.socketFactory(sim, ca);
        } catch (Exception e) {
            System.err.println("vdut: cloud: cannot load the trusted CA: " + e);
            return;
        }
        boolean tlsCloud = Boolean.TRUE.equals(net.cloudTls());
        String tlsUrl = "ssl://" + net.cloudHost() + ":" + net.cloudPort();
        // A TLS cloud's plaintext side is its fall-back port; a plaintext cloud's is its own port.
        int plainPort = !tlsCloud ? net.cloudPort() : net.fallbackPort() == null ? 1883 : net.fallbackPort();
        String plainUrl = "tcp://" + net.cloudHost() + ":" + plainPort;
        boolean tlsFirst = tlsCloud && !sim.has(Flaw.PLAINTEXT_MQTT) && tls != null;
        while (running) {
            boolean up = tlsFirst ? session(tlsUrl, tls, ca) : session(plainUrl, null, ca);
            if (!up && tlsFirst && running && sim.has(Flaw.FALLS_BACK_TO_PLAINTEXT)) {
                session(plainUrl, null, ca);
            }
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One connection, kept until it is lost; false when it could not be made at all. */
    private boolean session(String url, SSLSocketFactory tls, X509Certificate ca) {
        MqttClient c;
        try {
            c = new MqttClient(url, sim.hostname(), new MemoryPersistence());
        } catch (MqttException e) {
            return false;
        }
        c.setTimeToWait(CALL_TIMEOUT_MS);
        client = c;
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setConnectionTimeout(3);
        o.setKeepAliveInterval(10);
        if (!sim.credentials().isEmpty()) {
            o.setUserName(sim.credentials().get(0).user());
            o.setPassword(sim.credentials().get(0).password().toCharArray());
        }
        if (tls != null) {
            o.setSocketFactory(tls);
            o.setHttpsHostnameVerificationEnabled(!sim.has(Flaw.IGNORES_HOSTNAME) && !sim.has(Flaw.TRUSTS_ANY_CERT));
        }
        try {
            if (!running) {
                return false;
            }
            c.connect(o);
            System.err.println("vdut: cloud: connected to " + url);
            if (net.commandTopic() != null) {
                c.subscribe(new String[] {net.commandTopic()}, new int[] {1},
                        new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {(topic, msg) -> command(c, msg, ca)});
                c.publish(net.statusTopic(), "online".getBytes(StandardCharsets.UTF_8), 1, false);
            }
            if (ota != null) {
                c.subscribe(new String[] {ota.settings().offerTopic()}, new int[] {1},
                        new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {(topic, msg) -> OtaMqtt.offer(c, msg, ota)});
            }
            while (running && c.isConnected()) {
                Thread.sleep(100);
            }
            return true;
        } catch (MqttException e) {
            if (running) {
                System.err.println("vdut: cloud: " + url + ": " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            }
            return false;
        } catch (RuntimeException e) {
            // Paho 1.2.5 throws NullPointerExceptions when a client is closed under a call (power cut
            // while connecting); the device keeps trying, as long as it has power.
            if (running) {
                System.err.println("vdut: cloud: " + url + ": " + e);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            try {
                c.close(true);
            } catch (MqttException | RuntimeException e) {
                // closing a dead client
            }
        }
    }

    private void command(MqttClient c, MqttMessage msg, X509Certificate ca) {
        String verdict = judge(new String(msg.getPayload(), StandardCharsets.UTF_8), ca);
        System.err.println("vdut: cloud: command " + verdict);
        // Acks go out from a fresh thread: Paho does not allow publishing from its callback.
        new Thread(() -> {
            try {
                c.publish(net.statusTopic(), verdict.getBytes(StandardCharsets.UTF_8), 1, false);
            } catch (MqttException e) {
                System.err.println("vdut: cloud: cannot report a command: " + e.getMessage());
            }
        }, "vdut-ack").start();
    }

    private String judge(String payload, X509Certificate ca) {
        int nl = payload.indexOf('\n');
        if (nl < 0 || ca == null) {
            return "rejected unsigned";
        }
        String body = payload.substring(0, nl);
        try {
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(ca.getPublicKey());
            v.update(body.getBytes(StandardCharsets.UTF_8));
            if (!v.verify(Base64.getDecoder().decode(payload.substring(nl + 1).trim()))) {
                return "rejected bad-signature";
            }
            JsonNode cmd = JSON.readTree(body);
            long counter = cmd.path("counter").asLong(-1);
            String nonce = cmd.path("nonce").asText("");
            String action = cmd.path("action").asText("?");
            synchronized (CloudClient.class) {
                if (!sim.has(Flaw.REPLAYABLE_COMMANDS) && (counter <= lastCounter || !seenNonces.add(nonce))) {
                    return "rejected replay counter=" + counter;
                }
                lastCounter = Math.max(lastCounter, counter);
            }
            return "executed " + action + " counter=" + counter;
        } catch (Exception e) {
            return "rejected malformed";
        }
    }
}
