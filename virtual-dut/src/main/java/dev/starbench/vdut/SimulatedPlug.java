package dev.starbench.vdut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starbench.vdut.contract.PowerPlug.Firmware;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A smart plug on an MQTT broker, as its firmware documents it; its relay is the virtual DUT's supply
 * when the DUT runs with {@code --power-plug}, and the bench's tests use it as a plug of their own.
 *
 * <ul>
 *   <li>Tasmota: takes {@code cmnd/<topic>/POWER} (and POWER1) with ON/OFF/TOGGLE (also 1/0/2), an empty
 *       payload being a query; answers {@code stat/<topic>/RESULT {"POWER":"ON"}} then
 *       {@code stat/<topic>/POWER ON}, the latter retained (PowerRetain on); its will is
 *       {@code tele/<topic>/LWT} Offline, and it says Online (both retained).
 *   <li>Shelly Gen2: JSON-RPC frames on {@code <topic>/rpc} ({@code id}, {@code src}, {@code method},
 *       {@code params}); replies {@code {"id", "src", "dst", "result"|"error"}} on {@code <src>/rpc}.
 *       {@code Switch.Set} answers {@code {"was_on"}}, {@code Switch.GetStatus} {@code {"id", "source",
 *       "output", ...}}, {@code Switch.Toggle} like Set; a change is announced as NotifyStatus on
 *       {@code <topic>/events/rpc} and as status on {@code <topic>/status/switch:0}. Its will is
 *       {@code <topic>/online} false, and it says true (both retained).
 * </ul>
 *
 * The relay starts off (PowerOnState 0). Three faults a lab meets are switchable: a firmware that stops
 * answering while still on the broker, one that reports the state it was not told, and a plug that
 * drops off the broker (its connection dies without a goodbye, so the broker publishes its will).
 */
public final class SimulatedPlug implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttClient client;
    private final Firmware firmware;
    private final String topic;
    private final Consumer<Boolean> relayListener;
    // Paho must not publish from its own callback: every answer is sent from here, in order.
    private final ExecutorService replies = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vdut-plug");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean relay;
    private volatile boolean answering = true;
    private volatile boolean misreporting;

    private SimulatedPlug(MqttClient client, Firmware firmware, String topic, Consumer<Boolean> relayListener) {
        this.client = client;
        this.firmware = firmware;
        this.topic = topic;
        this.relayListener = relayListener;
    }

    /**
     * Connects as the plug and announces itself.
     *
     * @param options TLS and credentials as the broker wants them; the will is set here, as the firmware sets it
     * @param relay   told each time the relay switches
     */
    public static SimulatedPlug start(String brokerUrl, MqttConnectOptions options, Firmware firmware, String topic,
                                      Consumer<Boolean> relay) throws MqttException {
        String clientId = firmware == Firmware.TASMOTA
                ? "DVES_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2).toUpperCase(Locale.ROOT)
                : topic.replace('/', '-');
        MqttClient client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        SimulatedPlug plug = new SimulatedPlug(client, firmware, topic, relay);
        options.setCleanSession(true);
        options.setWill(plug.willTopic(), (firmware == Firmware.TASMOTA ? "Offline" : "false")
                .getBytes(StandardCharsets.UTF_8), 1, true);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                System.err.println("vdut: plug: lost the broker: " + cause);
            }

            @Override
            public void messageArrived(String t, MqttMessage message) {
                String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
                plug.replies.execute(() -> plug.handle(t, payload));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options);
        if (firmware == Firmware.TASMOTA) {
            client.subscribe(new String[] {"cmnd/" + topic + "/POWER", "cmnd/" + topic + "/POWER1"}, new int[] {1, 1});
            plug.publish("stat/" + topic + "/POWER", "OFF", true);
        } else {
            client.subscribe(new String[] {topic + "/rpc"}, new int[] {1});
        }
        plug.publish(plug.willTopic(), firmware == Firmware.TASMOTA ? "Online" : "true", true);
        System.err.println("vdut: plug: " + firmware + " " + topic + " on " + brokerUrl + ", relay off");
        return plug;
    }

    private String willTopic() {
        return firmware == Firmware.TASMOTA ? "tele/" + topic + "/LWT" : topic + "/online";
    }

    public boolean relayOn() {
        return relay;
    }

    /** False: the firmware still holds its connection but answers nothing (hung, or busy). */
    public void answering(boolean answers) {
        answering = answers;
    }

    /** True: it reports the state it was not told (two plugs sharing one topic do this). */
    public void misreporting(boolean misreports) {
        misreporting = misreports;
    }

    /** The plug's connection dies without a DISCONNECT (power or Wi-Fi gone): the broker publishes its will. */
    public void dropOff() {
        try {
            client.disconnectForcibly(0, 0, false);
        } catch (MqttException | RuntimeException e) {
            // gone either way
        }
    }

    private void handle(String t, String payload) {
        if (!answering) {
            System.err.println("vdut: plug: ignoring " + t + " (not answering)");
            return;
        }
        try {
            if (firmware == Firmware.TASMOTA) {
                tasmota(payload);
            } else {
                shelly(payload);
            }
        } catch (MqttException | RuntimeException e) {
            System.err.println("vdut: plug: cannot answer " + t + ": " + e);
        }
    }

    private void tasmota(String payload) throws MqttException {
        switch (payload.strip().toUpperCase(Locale.ROOT)) {
            case "ON", "1", "TRUE" -> switchRelay(true);
            case "OFF", "0", "FALSE" -> switchRelay(false);
            case "TOGGLE", "2" -> switchRelay(!relay);
            case "" -> { }
            default -> {
                publish("stat/" + topic + "/RESULT", "{\"Command\":\"Error\"}", false);
                return;
            }
        }
        String word = (relay ^ misreporting) ? "ON" : "OFF";
        publish("stat/" + topic + "/RESULT", "{\"POWER\":\"" + word + "\"}", false);
        publish("stat/" + topic + "/POWER", word, true);
    }

    private void shelly(String payload) throws MqttException {
        JsonNode request;
        try {
            request = JSON.readTree(payload);
        } catch (Exception e) {
            System.err.println("vdut: plug: ignoring a frame that is not JSON");
            return;
        }
        String src = request.path("src").asText("");
        if (src.isEmpty() || !request.has("id")) {
            return;  // Shelly drops a frame it cannot answer
        }
        ObjectNode reply = JSON.createObjectNode();
        reply.set("id", request.get("id"));
        reply.put("src", topic).put("dst", src);
        JsonNode params = request.path("params");
        String method = request.path("method").asText("");
        boolean changed = false;
        if (!method.startsWith("Switch.")) {
            error(reply, 404, "No handler for " + method);
        } else if (params.path("id").asInt(0) != 0) {
            error(reply, -105, "Argument 'id', value " + params.path("id") + " not found!");
        } else {
            switch (method) {
                case "Switch.Set" -> {
                    if (!params.path("on").isBoolean()) {
                        error(reply, -103, "Invalid argument 'on'!");
                    } else {
                        reply.putObject("result").put("was_on", relay ^ misreporting);
                        changed = switchRelay(params.get("on").asBoolean());
                    }
                }
                case "Switch.Toggle" -> {
                    reply.putObject("result").put("was_on", relay ^ misreporting);
                    changed = switchRelay(!relay);
                }
                case "Switch.GetStatus" -> reply.set("result", switchStatus());
                default -> error(reply, 404, "No handler for " + method);
            }
        }
        publish(src + "/rpc", reply.toString(), false);
        if (changed) {
            ObjectNode notify = JSON.createObjectNode().put("src", topic).put("dst", topic + "/events")
                    .put("method", "NotifyStatus");
            notify.putObject("params").put("ts", System.currentTimeMillis() / 1000.0)
                    .putObject("switch:0").put("id", 0).put("output", relay ^ misreporting).put("source", "MQTT");
            publish(topic + "/events/rpc", notify.toString(), false);
            publish(topic + "/status/switch:0", switchStatus().toString(), false);
        }
    }

    private ObjectNode switchStatus() {
        ObjectNode s = JSON.createObjectNode().put("id", 0).put("source", "MQTT").put("output", relay ^ misreporting)
                .put("apower", 0.0).put("voltage", 230.0).put("current", 0.0);
        s.putObject("aenergy").put("total", 0.0);
        s.putObject("temperature").put("tC", 40.0).put("tF", 104.0);
        return s;
    }

    private static void error(ObjectNode reply, int code, String message) {
        reply.putObject("error").put("code", code).put("message", message);
    }

    /** Returns whether the relay changed. */
    private boolean switchRelay(boolean on) {
        if (relay == on) {
            return false;
        }
        relay = on;
        System.err.println("vdut: plug: relay " + (on ? "ON" : "OFF"));
        relayListener.accept(on);
        return true;
    }

    private void publish(String t, String payload, boolean retained) throws MqttException {
        client.publish(t, payload.getBytes(StandardCharsets.UTF_8), 1, retained);
    }

    /** A clean shutdown: the plug says it goes (its will's words, retained), then disconnects. */
    @Override
    public void close() {
        replies.shutdownNow();
        try {
            if (client.isConnected()) {
                publish(willTopic(), firmware == Firmware.TASMOTA ? "Offline" : "false", true);
                client.disconnect(1000);
            }
        } catch (MqttException | RuntimeException e) {
            // going away anyway
        }
        try {
            client.close(true);
        } catch (MqttException | RuntimeException e) {
            // as above
        }
        try {
            replies.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
