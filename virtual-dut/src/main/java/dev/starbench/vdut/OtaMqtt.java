package dev.starbench.vdut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.HexFormat;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * Offers that come through the cloud connection: one JSON object {@code {"id", "name", "size",
 * "sha256", "image"}} (the image Base64) on the offer topic. The agent reports on the status topic,
 * each report a JSON object with the offer's {@code id} and a {@code state}: {@code received}, then
 * {@code installed}, {@code refused} or {@code failed} with the installer's {@code code} and {@code reason}.
 */
final class OtaMqtt {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OtaMqtt() {
    }

    /**
     * Called from Paho's callback: the install (and every report) runs on a thread of its own, since
     * Paho does not allow publishing from its callback and an install takes seconds.
     */
    static void offer(MqttClient client, MqttMessage message, Ota ota) {
        byte[] payload = message.getPayload();
        Thread t = new Thread(() -> handle(client, payload, ota), "vdut-ota-offer");
        t.setDaemon(true);
        t.start();
    }

    private static void handle(MqttClient client, byte[] payload, Ota ota) {
        String topic = ota.settings().statusTopic();
        JsonNode offer;
        try {
            offer = JSON.readTree(payload);
        } catch (Exception e) {
            offer = null;
        }
        String id = offer == null ? null : offer.path("id").asText(null);
        if (offer == null || !offer.isObject() || id == null) {
            report(client, topic, null, "refused", 400, "an offer is a JSON object with an id");
            return;
        }
        byte[] image;
        try {
            image = Base64.getDecoder().decode(offer.path("image").asText(""));
        } catch (IllegalArgumentException e) {
            report(client, topic, id, "refused", 400, "the image is not Base64");
            return;
        }
        report(client, topic, id, "received", null, null);
        // The transport's own check, as a download's; the image's authenticity is the installer's to judge.
        String sha = HexFormat.of().formatHex(McubootImage.sha256(image));
        if (offer.path("size").asLong(-1) != image.length || !sha.equals(offer.path("sha256").asText())) {
            ota.note("refused: offer " + id + " does not match its size and sha256");
            report(client, topic, id, "refused", 400, "the image does not match the offer's size and sha256");
            return;
        }
        Ota.Answer answer = ota.install(image);
        String state = answer.status() / 100 == 2 ? "installed" : answer.status() / 100 == 4 ? "refused" : "failed";
        report(client, topic, id, state, answer.status(), answer.text());
    }

    private static void report(MqttClient client, String topic, String id, String state, Integer code, String reason) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id);
        r.put("state", state);
        if (code != null) {
            r.put("code", code);
            r.put("reason", reason);
        }
        try {
            client.publish(topic, JSON.writeValueAsBytes(r), 1, false);
        } catch (MqttException | com.fasterxml.jackson.core.JsonProcessingException e) {
            // Power went during the install, or the cloud dropped us: the report is lost, as on a device.
            System.err.println("vdut: ota: cannot report " + state + " on " + topic + ": " + e.getMessage());
        }
    }
}
