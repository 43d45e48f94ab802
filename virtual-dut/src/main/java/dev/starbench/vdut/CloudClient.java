package dev.starbench.vdut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.NetworkSettings;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.IOException;
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
 * online, obey signed commands and take configuration, and reconnect after any loss as its
 * {@link ReconnectPolicy} says. With {@code never-resumes} a connection attempt that times out (the
 * cloud took the connection and never answered) wedges the client until the next power cycle.
 *
 * <p>Configuration travels beside the command topic: {@code PREFIX/config/set} takes {@code KEY=VALUE},
 * {@code PREFIX/config/get} takes {@code KEY} and the answer goes to {@code PREFIX/config}, where
 * PREFIX is the command topic without its last level. The credentials it connects with are the owner's
 * {@code cloud.user} and {@code cloud.password} settings, else the factory ones.
 *
 * <p>A command is one JSON line, then a line with the Base64 ECDSA-SHA256 signature of the first line
 * by the lab CA's key. The JSON carries {@code action}, {@code counter} and {@code nonce}; a hardened
 * device acts only on a counter above the last one it obeyed and a nonce it has not seen.
 */
final class CloudClient {
    // Paho's synchronous calls wait forever by default: a CONNACK that never comes (the cloud dropped
    // the connection unseen) would leave the device silent until its next power cycle.
    private static final long CALL_TIMEOUT_MS = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();
    // Remembered for the life of the process, so a replay after a power cycle is refused as well.
    private static long lastCounter;
    private static final Set<String> seenNonces = new HashSet<>();

    private static final String FACTORY_RESET = "factory-reset";

    /** How one connection ended. */
    private enum Outcome { LOST, FAILED, TIMED_OUT }

    private final SimulationSettings sim;
    private final NetworkSettings net;
    /** Null unless the OTA agent takes its offers over this connection. */
    private final Ota ota;
    private final UserData userData;
    private final Accounts accounts;
    private final Board board;
    private final ReconnectPolicy policy;
    private volatile boolean running = true;
    private volatile MqttClient client;
    private Thread thread;

    CloudClient(SimulationSettings sim, Ota ota, UserData userData, Accounts accounts, Board board) {
        this.sim = sim;
        this.net = sim.network();
        this.ota = ota;
        this.userData = userData;
        this.accounts = accounts;
        this.board = board;
        this.policy = new ReconnectPolicy(sim);
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
        int failures = 0;
        while (running) {
            Outcome outcome = tlsFirst ? session(tlsUrl, tls, ca) : session(plainUrl, null, ca);
            if (outcome != Outcome.LOST && tlsFirst && running && sim.has(Flaw.FALLS_BACK_TO_PLAINTEXT)) {
                Outcome fallback = session(plainUrl, null, ca);
                outcome = fallback == Outcome.LOST ? fallback : outcome;
            }
            if (outcome == Outcome.TIMED_OUT && sim.has(Flaw.NEVER_RESUMES)) {
                System.err.println("vdut: cloud: a connect timed out and the client is stuck (never-resumes):"
                        + " no more attempts until the next power cycle");
                return;
            }
            failures = outcome == Outcome.LOST ? 1 : failures + 1;
            long wait = policy.delayMs(failures);
            if (running) {
                System.err.println("vdut: cloud: next attempt in " + wait + " ms (" + failures + " in a row)");
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One connection, kept until it is lost (LOST), or how it failed to come up. */
    private Outcome session(String url, SSLSocketFactory tls, X509Certificate ca) {
        MqttClient c;
        try {
            c = new MqttClient(url, sim.hostname(), new MemoryPersistence());
        } catch (MqttException e) {
            return Outcome.FAILED;
        }
        c.setTimeToWait(CALL_TIMEOUT_MS);
        client = c;
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        // One connection per attempt: Paho's default tries 3.1.1 and then 3.1, two connections a time.
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setConnectionTimeout(3);
        o.setKeepAliveInterval(10);
        String user = userData.get("cloud.user");
        String password = userData.get("cloud.password");
        if (user == null && !sim.credentials().isEmpty()) {
            user = sim.credentials().get(0).user();
            password = password == null ? sim.credentials().get(0).password() : password;
        }
        if (user != null) {
            o.setUserName(user);
            if (password != null) {
                o.setPassword(password.toCharArray());
            }
        }
        if (tls != null) {
            o.setSocketFactory(tls);
            o.setHttpsHostnameVerificationEnabled(!sim.has(Flaw.IGNORES_HOSTNAME) && !sim.has(Flaw.TRUSTS_ANY_CERT));
        }
        try {
            if (!running) {
                return Outcome.FAILED;
            }
            c.connect(o);
            System.err.println("vdut: cloud: connected to " + url);
            if (net.commandTopic() != null) {
                c.subscribe(new String[] {net.commandTopic()}, new int[] {1},
                        new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {(topic, msg) -> command(c, msg, ca)});
                subscribeConfig(c, net.commandTopic());
                c.publish(net.statusTopic(), "online".getBytes(StandardCharsets.UTF_8), 1, false);
            }
            if (ota != null) {
                c.subscribe(new String[] {ota.settings().offerTopic()}, new int[] {1},
                        new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {(topic, msg) -> OtaMqtt.offer(c, msg, ota)});
            }
            while (running && c.isConnected()) {
                Thread.sleep(100);
            }
            if (running) {
                System.err.println("vdut: cloud: lost the connection to " + url);
            }
            return Outcome.LOST;
        } catch (MqttException e) {
            if (running) {
                System.err.println("vdut: cloud: " + url + ": " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            }
            return timedOut(e) ? Outcome.TIMED_OUT : Outcome.FAILED;
        } catch (RuntimeException e) {
            // Paho 1.2.5 throws NullPointerExceptions when a client is closed under a call (power cut
            // while connecting); the device keeps trying, as long as it has power.
            if (running) {
                System.err.println("vdut: cloud: " + url + ": " + e);
            }
            return Outcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.LOST;
        } finally {
            try {
                c.close(true);
            } catch (MqttException | RuntimeException e) {
                // closing a dead client
            }
        }
    }

    /** A connect the cloud took and never answered: Paho's own timeout, or the socket's during TLS. */
    private static boolean timedOut(MqttException e) {
        if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_TIMEOUT) {
            return true;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void subscribeConfig(MqttClient c, String commandTopic) throws MqttException {
        int slash = commandTopic.lastIndexOf('/');
        String prefix = slash < 0 ? commandTopic : commandTopic.substring(0, slash);
        c.subscribe(new String[] {prefix + "/config/set", prefix + "/config/get"}, new int[] {1, 1},
                new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {
                        (topic, msg) -> configSet(new String(msg.getPayload(), StandardCharsets.UTF_8)),
                        (topic, msg) -> configGet(c, prefix + "/config", new String(msg.getPayload(), StandardCharsets.UTF_8))});
    }

    private void configSet(String payload) {
        int eq = payload.indexOf('=');
        String key = eq < 0 ? "" : payload.substring(0, eq).trim();
        String value = eq < 0 ? "" : payload.substring(eq + 1).trim();
        if (!UserData.KEY.matcher(key).matches() || value.length() > UserData.MAX_VALUE) {
            System.err.println("vdut: cloud: config: ignoring a malformed setting");
            return;
        }
        // On Paho's callback thread, so messages take effect in the order they came (a get after a set sees it).
        try {
            userData.set(key, value);
            System.err.println("vdut: cloud: config: " + key + " set");
        } catch (IOException e) {
            System.err.println("vdut: cloud: config: " + key + " not saved: " + e);
        } catch (InterruptedException e) {
            // power went during the write: what reached the flash stays
            Thread.currentThread().interrupt();
        }
    }

    private void configGet(MqttClient c, String answerTopic, String key) {
        String value = UserData.KEY.matcher(key.trim()).matches() ? userData.get(key.trim()) : null;
        String answer = value == null ? key.trim() + ": not set" : key.trim() + "=" + value;
        publishFromFreshThread(c, answerTopic, answer, null);
    }

    private void command(MqttClient c, MqttMessage msg, X509Certificate ca) {
        String verdict = judge(new String(msg.getPayload(), StandardCharsets.UTF_8), ca);
        System.err.println("vdut: cloud: command " + verdict);
        Runnable then = !verdict.startsWith("executed " + FACTORY_RESET + " ") ? null : () -> {
            try {
                accounts.factoryReset();
            } catch (IOException e) {
                System.err.println("vdut: cloud: factory reset failed: " + e.getMessage());
            }
            board.reboot("factory reset commanded by the cloud");
        };
        publishFromFreshThread(c, net.statusTopic(), verdict, then);
    }

    /** Paho does not allow publishing (or disconnecting) from its callback; {@code then} runs after the publish. */
    private static void publishFromFreshThread(MqttClient c, String topic, String text, Runnable then) {
        new Thread(() -> {
            try {
                c.publish(topic, text.getBytes(StandardCharsets.UTF_8), 1, false);
            } catch (MqttException e) {
                System.err.println("vdut: cloud: cannot publish on " + topic + ": " + e.getMessage());
            }
            if (then != null) {
                then.run();
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
