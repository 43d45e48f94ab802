package dev.starbench.bench.power;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.BrokerTls;
import dev.starbench.config.PowerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Power driver {@code mqtt-plug}: a smart plug on the lab's MQTT broker, as its firmware documents it.
 *
 * <ul>
 *   <li><b>Tasmota</b>: {@code cmnd/<topic>/POWER} with ON or OFF (empty: a query); the plug reports on
 *       {@code stat/<topic>/RESULT} ({@code {"POWER":"ON"}}) and {@code stat/<topic>/POWER} ({@code ON}),
 *       and says whether it is on the broker with its will {@code tele/<topic>/LWT} (Online or Offline).
 *   <li><b>Shelly Gen2</b>: JSON-RPC on {@code <prefix>/rpc} ({@code {"id", "src", "method", "params"}}), each
 *       reply on {@code <src>/rpc} with the same id and a {@code result} or {@code error}. {@code Switch.Set}'s
 *       result is only {@code was_on}, so the state is then read with {@code Switch.GetStatus} ({@code output});
 *       its will is {@code <prefix>/online} (true or false).
 * </ul>
 *
 * A switch is done only when the plug reports the new state within the confirm timeout. A retained state
 * message is the plug's last word from before, never a confirmation. A plug that reports the other state,
 * says nothing, or whose will announces it offline makes the switch a bench fault; so does losing the
 * broker (one reconnect is tried first). The broker's password is never put into any message.
 *
 * <p>Both firmwares also report a change of their relay unasked (Tasmota on its stat topics, Shelly as
 * NotifyStatus on {@code <prefix>/events/rpc}), a button press included. So the state the plug last
 * confirmed, followed by those reports, serves {@link #lastKnown()} without a round trip to the plug; it is
 * dropped, and the plug asked again, after a switch or query that failed, when the bench's connection
 * drops (reports may have been missed), and when the plug's will says it is offline.
 */
public final class MqttPlugPower extends PowerDriver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEEPALIVE_S = 15;

    private final PowerConfig.MqttPlug config;
    private final MqttClient client;
    private final MqttConnectOptions options;
    private final Dialect dialect;
    private final String clientId;
    private final BlockingQueue<Heard> heard = new LinkedBlockingQueue<>();
    /** The plug's will: null until it said, else whether it is on the broker. */
    private volatile Boolean online;
    private volatile String retainedAtStart;
    private volatile String lost;
    /** The state the plug last confirmed, kept current by its own reports; null when none can be vouched for. */
    private volatile Held held;

    /** A confirmed state and when the plug said it (System.nanoTime). */
    private record Held(PowerState state, long at) {
    }

    /** A message from the broker; {@code topic} null marks the bench's own connection lost. */
    private record Heard(String topic, String payload, boolean retained) {
    }

    private MqttPlugPower(PowerConfig.MqttPlug config, Duration offTime) throws BenchIoException {
        super(config.describe(), offTime);
        this.config = config;
        this.clientId = "starbench-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.dialect = config.firmware() == PowerConfig.MqttPlug.Firmware.TASMOTA ? new Tasmota() : new Shelly();
        options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout((int) Math.max(1, (config.confirmTimeoutMs() + 999) / 1000));
        options.setKeepAliveInterval(KEEPALIVE_S);
        if (config.username() != null) {
            options.setUserName(config.username());
            options.setPassword(config.password() == null ? new char[0] : config.password().toCharArray());
        }
        if (config.broker().tls()) {
            options.setSocketFactory(BrokerTls.socketFactory(config.broker().caCert(), null, "the plug broker's CA certificate "
                    + config.broker().caCert() + " (fixture power.mqtt-plug.ca-cert)"));
            options.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            client = new MqttClient(config.broker().url(), clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new BenchIoException("cannot use the plug broker " + config.broker().url() + ": " + e.getMessage(), e);
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost = cause == null || cause.getMessage() == null ? "connection lost" : cause.getMessage();
                heard.add(new Heard(null, lost, false));
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // Paho's thread: only note it; the caller waiting for an answer reads the queue.
                heard.add(new Heard(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.isRetained()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    /** Connects, reads the plug's retained state and will, and asks it its state now: it must answer. */
    public static MqttPlugPower open(PowerConfig.MqttPlug config, Duration offTime) throws BenchIoException {
        MqttPlugPower plug = new MqttPlugPower(config, offTime);
        try {
            plug.connect();
            PowerState now = plug.query();
            if (!now.isKnown()) {
                throw new BenchIoException("the " + plug.describe() + " did not tell its state: " + now.detail());
            }
            return plug;
        } catch (BenchIoException | RuntimeException e) {
            plug.close();
            throw e;
        }
    }

    private void connect() throws BenchIoException {
        try {
            client.connect(options);
            String[] topics = dialect.subscriptions();
            client.subscribe(topics, new int[topics.length]);
            lost = null;
        } catch (MqttException e) {
            String why = e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED
                    || e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                    ? "the broker refused the credentials (power.mqtt-plug.username and password)"
                    : BrokerTls.reason(e, config.broker().host(), config.broker().caCert(), "power.mqtt-plug.ca-cert");
            throw new BenchIoException("cannot reach the plug broker " + config.broker().url() + ": " + why, e);
        }
    }

    @Override
    protected synchronized PowerState switchTo(boolean on) throws BenchIoException {
        return vouched(() -> dialect.set(on));
    }

    @Override
    public synchronized PowerState status() {
        return query();
    }

    /** The held state, with its age, while the plug has reported no change and can still be heard; else a query. */
    @Override
    public synchronized PowerState lastKnown() {
        for (Heard h; (h = heard.poll()) != null; ) {
            note(h);
        }
        Held h = held;
        if (h == null || lost != null || !client.isConnected() || Boolean.FALSE.equals(online)) {
            return query();
        }
        return new PowerState(h.state().level(), h.state().basis(), h.state().detail() + " ("
                + (System.nanoTime() - h.at()) / 1_000_000 + " ms ago; no change reported since)");
    }

    private PowerState query() {
        try {
            return vouched(dialect::query);
        } catch (BenchIoException e) {
            return PowerState.unknown(e.getMessage());
        }
    }

    private interface Exchange {
        PowerState run() throws BenchIoException;
    }

    /** Runs one exchange with the plug; only the state it confirms is held, and nothing while it runs or after it failed. */
    private PowerState vouched(Exchange exchange) throws BenchIoException {
        held = null;
        PowerState confirmed = exchange.run();
        held = new Held(confirmed, System.nanoTime());
        return confirmed;
    }

    /** Ready to send: the bench's connection is up (reconnected once if it was lost) and the plug not known offline. */
    private void ready(String doing) throws BenchIoException {
        String was = lost;
        if (was != null || !client.isConnected()) {
            try {
                connect();
            } catch (BenchIoException e) {
                throw new BenchIoException("lost the plug broker " + config.broker().url() + " (" + was + ") and could not"
                        + " reconnect to " + doing + ": " + e.getMessage(), e);
            }
        }
        // Answers to earlier requests that came too late are not answers to this one.
        for (Heard h; (h = heard.poll()) != null; ) {
            note(h);
        }
        if (Boolean.FALSE.equals(online)) {
            throw new BenchIoException("the " + describe() + " is offline (" + dialect.willTopic()
                    + " says so): cannot " + doing);
        }
    }

    /** The next message within the deadline, after availability is noted; null when the time is up. */
    private Heard next(long deadline, String doing) throws BenchIoException {
        long left = deadline - System.nanoTime();
        Heard h;
        try {
            h = left <= 0 ? null : heard.poll(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while waiting for the plug to " + doing, e);
        }
        if (h == null) {
            return null;
        }
        note(h);
        if (h.topic() == null) {
            throw new BenchIoException("lost the plug broker " + config.broker().url() + " while waiting for the plug to "
                    + doing + ": " + h.payload());
        }
        if (h.topic().equals(dialect.willTopic()) && Boolean.FALSE.equals(online)) {
            throw new BenchIoException("the " + describe() + " dropped off the broker (" + h.topic() + " "
                    + h.payload() + ") while the bench waited for it to " + doing);
        }
        return h;
    }

    private void note(Heard h) {
        if (h.topic() == null) {
            held = null;
        } else if (h.topic().equals(dialect.willTopic())) {
            online = dialect.online(h.payload());
            if (!online) {
                held = null;
            }
        } else if (h.retained()) {
            if (retainedAtStart == null) {
                retainedAtStart = h.topic() + " " + h.payload();
            }
        } else if (held != null) {
            // Only a state an exchange confirmed is followed: a report never makes one up after a failure.
            Boolean reported = dialect.reported(h);
            if (reported != null) {
                held = new Held(PowerState.confirmed(reported, "the plug reported " + h.topic() + " " + h.payload()),
                        System.nanoTime());
            }
        }
    }

    private long deadline() {
        return System.nanoTime() + config.confirmTimeoutMs() * 1_000_000;
    }

    private void publish(String topic, String payload) throws BenchIoException {
        try {
            client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        } catch (MqttException e) {
            throw new BenchIoException("cannot publish to " + topic + " on the plug broker " + config.broker().url() + ": "
                    + e.getMessage(), e);
        }
    }

    private String timedOut(String doing, String lastSaid) {
        return "the " + describe() + " did not " + doing + " within " + config.confirmTimeoutMs() + " ms"
                + (lastSaid == null ? ": it said nothing" : "; the last it said was " + lastSaid)
                + (retainedAtStart == null ? "" : " (retained from before: " + retainedAtStart + ")");
    }

    /** How one firmware is spoken to. */
    private interface Dialect {
        String[] subscriptions();

        String willTopic();

        Boolean online(String payload);

        /** The state a non-retained message from the plug reports of the relay, unasked; null when none. */
        Boolean reported(Heard h);

        PowerState set(boolean on) throws BenchIoException;

        PowerState query() throws BenchIoException;
    }

    private final class Tasmota implements Dialect {
        private final String power = "POWER" + (config.relay() == null ? "" : config.relay());
        private final String command = "cmnd/" + config.topic() + "/" + power;
        private final String stat = "stat/" + config.topic() + "/";
        /** The report that will repeat the last answer ("stat/t/POWER true"), not yet seen; null when none. */
        private String twin;

        @Override
        public String[] subscriptions() {
            return new java.util.LinkedHashSet<>(java.util.List.of(stat + "RESULT", stat + power, stat + "POWER",
                    willTopic())).toArray(new String[0]);
        }

        @Override
        public String willTopic() {
            return "tele/" + config.topic() + "/LWT";
        }

        @Override
        public Boolean online(String payload) {
            return payload.strip().equalsIgnoreCase("Online");
        }

        @Override
        public Boolean reported(Heard h) {
            return state(h);
        }

        @Override
        public PowerState set(boolean on) throws BenchIoException {
            String word = on ? "ON" : "OFF";
            return exchange(word, "confirm " + word, on);
        }

        @Override
        public PowerState query() throws BenchIoException {
            return exchange("", "answer a state query", null);
        }

        /**
         * Publishes to cmnd and waits for a state report: the one wanted, or any when {@code wanted} is null.
         * Tasmota reports each answer twice (RESULT, then POWER): the second of the last answer may still
         * be on its way, and is not an answer to this command.
         */
        private PowerState exchange(String payload, String doing, Boolean wanted) throws BenchIoException {
            ready(doing);
            publish(command, payload);
            long deadline = deadline();
            String lastSaid = null;
            String stale = twin;
            twin = null;
            for (Heard h; (h = next(deadline, doing)) != null; ) {
                Boolean state = h.retained() ? null : state(h);
                if (state == null) {
                    continue;
                }
                String said = h.topic() + " " + h.payload();
                if (lastSaid == null && stale != null && stale.equals(h.topic() + " " + state)) {
                    stale = null;
                    continue;
                }
                lastSaid = said;
                if (wanted == null || state == wanted) {
                    twin = (h.topic().equals(stat + "RESULT") ? stat + power : stat + "RESULT") + " " + state;
                    return PowerState.confirmed(state, "the plug reported " + lastSaid);
                }
            }
            if (wanted != null && lastSaid != null) {
                throw new BenchIoException("the " + describe() + " was switched " + (wanted ? "ON" : "OFF")
                        + " but reported " + lastSaid + ", and no other state within " + config.confirmTimeoutMs() + " ms");
            }
            throw new BenchIoException(timedOut(doing, lastSaid));
        }

        /** ON/OFF from {@code stat/<topic>/POWERn} or from the POWERn key of {@code stat/<topic>/RESULT}; else null. */
        private Boolean state(Heard h) {
            String text;
            if (h.topic().equals(stat + "RESULT")) {
                JsonNode v = parse(h.payload()).get(power);
                // A single-relay Tasmota answers POWER1 with the key POWER.
                if (v == null && Integer.valueOf(1).equals(config.relay())) {
                    v = parse(h.payload()).get("POWER");
                }
                text = v == null ? null : v.asText();
            } else if (h.topic().equals(stat + power) || h.topic().equals(stat + "POWER") && "POWER1".equals(power)) {
                text = h.payload();
            } else {
                return null;
            }
            if ("ON".equalsIgnoreCase(text)) {
                return true;
            }
            return "OFF".equalsIgnoreCase(text) ? false : null;
        }
    }

    private final class Shelly implements Dialect {
        private final int id = config.relay() == null ? 0 : config.relay();
        private long nextRequest = ThreadLocalRandom.current().nextInt(1, 1 << 20);

        @Override
        public String[] subscriptions() {
            return new String[] {clientId + "/rpc", willTopic(), events()};
        }

        private String events() {
            return config.topic() + "/events/rpc";
        }

        /** NotifyStatus on the events topic: {@code {"params": {"switch:0": {"output": true, ...}}}}. */
        @Override
        public Boolean reported(Heard h) {
            if (!h.topic().equals(events())) {
                return null;
            }
            JsonNode output = parse(h.payload()).path("params").path("switch:" + id).path("output");
            return output.isBoolean() ? output.asBoolean() : null;
        }

        @Override
        public String willTopic() {
            return config.topic() + "/online";
        }

        @Override
        public Boolean online(String payload) {
            return payload.strip().equalsIgnoreCase("true");
        }

        @Override
        public PowerState set(boolean on) throws BenchIoException {
            String doing = "confirm switch " + id + " " + (on ? "on" : "off");
            ObjectNode params = JSON.createObjectNode().put("id", id).put("on", on);
            JsonNode result = call("Switch.Set", params, doing);
            String done = "Switch.Set on=" + on + " answered " + result;
            return confirm(on, done, query()).after(done);
        }

        @Override
        public PowerState query() throws BenchIoException {
            JsonNode result = call("Switch.GetStatus", JSON.createObjectNode().put("id", id), "answer Switch.GetStatus");
            JsonNode output = result.get("output");
            if (output == null || !output.isBoolean()) {
                throw new BenchIoException("the " + describe() + " answered Switch.GetStatus without an output: " + result);
            }
            return PowerState.confirmed(output.asBoolean(), "Switch.GetStatus says output " + output.asBoolean());
        }

        /** One request frame, and its reply frame (same id, on {@code <src>/rpc}); an error reply is a fault. */
        private JsonNode call(String method, ObjectNode params, String doing) throws BenchIoException {
            ready(doing);
            long requestId = nextRequest++;
            ObjectNode frame = JSON.createObjectNode().put("id", requestId).put("src", clientId).put("method", method);
            frame.set("params", params);
            publish(config.topic() + "/rpc", frame.toString());
            long deadline = deadline();
            String lastSaid = null;
            for (Heard h; (h = next(deadline, doing)) != null; ) {
                if (!h.topic().equals(clientId + "/rpc")) {
                    continue;
                }
                JsonNode reply = parse(h.payload());
                if (reply.path("id").asLong(-1) != requestId) {
                    lastSaid = h.topic() + " " + h.payload();
                    continue;
                }
                if (reply.has("error")) {
                    throw new BenchIoException("the " + describe() + " refused " + method + ": " + reply.get("error"));
                }
                if (!reply.has("result")) {
                    throw new BenchIoException("the " + describe() + " answered " + method + " without a result: " + reply);
                }
                return reply.get("result");
            }
            throw new BenchIoException(timedOut(doing, lastSaid));
        }
    }

    private static JsonNode parse(String payload) {
        try {
            JsonNode n = JSON.readTree(payload);
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** The plug's retained state message as the broker kept it from before this session, or null. */
    public String retainedAtStart() {
        return retainedAtStart;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        } catch (MqttException e) {
            // going away anyway
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // closing is best effort
        }
    }
}
