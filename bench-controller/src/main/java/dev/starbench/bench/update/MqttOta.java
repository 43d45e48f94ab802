package dev.starbench.bench.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.Broker;
import dev.starbench.bench.mqtt.CloudEndpoint;
import dev.starbench.bench.mqtt.JsseTls;
import dev.starbench.bench.net.LabPki;
import dev.starbench.config.Firmware;
import dev.starbench.config.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bench as the DUT's cloud: the embedded broker behind a TLS endpoint on the profile's
 * {@code network.cloud.url}, with a certificate from the lab CA the DUT trusts. An update is one JSON
 * offer on the DUT's offer topic, the image inline (Base64); the DUT's JSON reports on its status topic
 * that carry the offer's id are followed until one is final.
 *
 * <p>The offer goes out only while the DUT is subscribed to the offer topic (else nobody would get it,
 * and silence would read as a refusal), and the wait for its answer ends when the connection it went
 * out on closes (a power cut), so a push never outlives the device's session.
 */
final class MqttOta implements UpdatePath {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MS = 100;

    private final Network.Cloud cloud;
    private final String offerTopic;
    private final String statusTopic;
    private final Duration connectTimeout;
    private final Random offerIds;
    private Broker broker;
    private CloudEndpoint endpoint;
    private boolean closed;

    MqttOta(Firmware.Update update, Network.Cloud cloud, Random offerIds) {
        this.offerIds = offerIds;
        this.cloud = cloud;
        this.offerTopic = update.offerTopic();
        this.statusTopic = update.statusTopic();
        this.connectTimeout = Duration.ofMillis(cloud.attemptTimeoutMs());
    }

    /** Starts the broker and the endpoint the DUT connects to, on first use. */
    private synchronized Broker open() throws BenchIoException {
        if (broker != null) {
            return broker;
        }
        if (closed) {
            throw new BenchIoException("the bench's cloud for mqtt-ota is already closed");
        }
        Broker b = Broker.start(Broker.Options.loopback());
        try {
            CloudEndpoint.TlsTerminator tls = null;
            if (cloud.tls()) {
                LabPki.Identity ca = LabPki.readCa(cloud.caCert(), cloud.caKey());
                tls = new JsseTls("lab-CA certificate for " + cloud.host(), LabPki.leaf(ca, cloud.host()));
            }
            endpoint = CloudEndpoint.start(CloudEndpoint.bindAddress(cloud.host()), cloud.port(), tls, b);
        } catch (BenchIoException | RuntimeException e) {
            b.close();
            throw e;
        }
        broker = b;
        return b;
    }

    /** Waits until the DUT listens on the offer topic; the connections it made so far explain a timeout. */
    @Override
    public void awaitReady() throws BenchIoException, InterruptedException {
        subscriber(open());
    }

    private String subscriber(Broker b) throws BenchIoException, InterruptedException {
        String client = b.awaitSubscriber(offerTopic, connectTimeout);
        if (client == null) {
            CloudEndpoint e = endpoint;
            List<Attempt> seen = e == null ? List.of() : e.attempts();
            List<String> last = new ArrayList<>();
            for (Attempt a : seen.subList(Math.max(0, seen.size() - 3), seen.size())) {
                last.add(a.describe());
            }
            throw new BenchIoException("the DUT did not subscribe to the offer topic `" + offerTopic + "` on the bench's cloud "
                    + cloud.url() + " within " + connectTimeout.toMillis() + " ms; connections seen: "
                    + (seen.isEmpty() ? "none" : seen.size() + (seen.size() > 3 ? ", the last 3: " : ": ") + String.join("; ", last)));
        }
        return client;
    }

    @Override
    public Answer push(byte[] image, String fileName, Duration timeout) throws BenchIoException, InterruptedException {
        Broker b = open();
        String client = subscriber(b);
        long session = b.session(client);
        // Its own queue: a push cut short by a power cut must not take the next offer's reports.
        BlockingQueue<Broker.Message> reports = b.subscribe(statusTopic);
        String id = String.format("%08x", offerIds.nextInt());
        ObjectNode offer = JSON.createObjectNode();
        offer.put("id", id);
        offer.put("name", fileName);
        offer.put("size", image.length);
        offer.put("sha256", HexFormat.of().formatHex(sha256(image)));
        offer.put("image", Base64.getEncoder().encodeToString(image));
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(offer);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON object of strings and a number always serialises", e);
        }
        b.publish(offerTopic, payload);
        List<String> progress = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Broker.Message m = reports.poll(POLL_MS, TimeUnit.MILLISECONDS);
            if (m == null) {
                if (b.session(client) != session) {
                    return new Answer(null, "the DUT's cloud connection closed before it reported on offer " + id
                            + trail(progress));
                }
                continue;
            }
            JsonNode report = parse(m.payload());
            if (report == null || !id.equals(report.path("id").asText(null))) {
                continue;
            }
            String state = report.path("state").asText("?");
            String text = "reported " + state + (report.has("code") ? " " + report.path("code").asInt() : "")
                    + (report.hasNonNull("reason") ? ": " + report.path("reason").asText() : "");
            switch (state) {
                case "installed":
                    return new Answer(true, UpdatePath.shorten(text + trail(progress)));
                case "refused":
                case "failed":
                    return new Answer(false, UpdatePath.shorten(text + trail(progress)));
                default:
                    progress.add(state);
            }
        }
        return new Answer(null, "no final report on offer " + id + " within " + timeout.toMillis() + " ms" + trail(progress));
    }

    private static String trail(List<String> progress) {
        return progress.isEmpty() ? "" : " (after " + String.join(", ", progress) + ")";
    }

    /** A report that is no JSON object is another message on the same topic, not an answer. */
    private static JsonNode parse(byte[] payload) {
        try {
            JsonNode n = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String describe() {
        return "mqtt-ota: offer on " + offerTopic + ", reports on " + statusTopic + " via the bench's cloud " + cloud.url();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (endpoint != null) {
            endpoint.close();
            endpoint = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }
}
