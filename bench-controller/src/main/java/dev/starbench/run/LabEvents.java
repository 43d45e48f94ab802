package dev.starbench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.LabPublisher;
import dev.starbench.config.Fixture;
import dev.starbench.report.RunManifest;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bench's live events on the lab broker: {@code starbench/<bench-id>/status} (retained
 * {@code online}, {@code offline} as the Last Will) for as long as the controller lives, and per run
 * {@code starbench/<bench-id>/events/run-started}, {@code .../check-ended} and {@code .../run-ended}
 * as JSON. Published in the background; what the broker does not get is dropped, the first drop of
 * a run noted in its journal and the count printed at its end.
 */
final class LabEvents implements RunListener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String benchId;
    private final PrintStream out;
    private final String broker;
    private final LabPublisher publisher;
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile Journal journal;
    private volatile String runId;

    private LabEvents(Fixture fixture, PrintStream out) throws BenchIoException {
        this.benchId = fixture.benchId();
        this.out = out;
        this.broker = "lab broker " + fixture.labBroker().url();
        this.publisher = LabPublisher.start(fixture.labBroker(), topic("status"), this::dropped);
    }

    /** Null when the fixture names no lab broker, or its TLS files cannot be read (said on {@code out}). */
    static LabEvents open(Fixture fixture, PrintStream out) {
        if (fixture.labBroker() == null) {
            return null;
        }
        try {
            return new LabEvents(fixture, out);
        } catch (BenchIoException e) {
            out.printf("warning: no live events: %s%n", e.getMessage());
            return null;
        }
    }

    private String topic(String leaf) {
        return "starbench/" + benchId + "/" + leaf;
    }

    private void dropped(String topic, String why) {
        Journal j = journal;
        if (dropped.getAndIncrement() == 0 && j != null) {
            j.note("lab-broker", broker + ": events are dropped (" + why + "), first " + topic);
        }
    }

    @Override
    public void runStarted(RunManifest m, Journal journal) {
        this.journal = journal;
        this.runId = m.runId();
        dropped.set(0);
        ObjectNode e = event("run-started");
        e.put("device", m.deviceName());
        e.put("model", m.deviceModel());
        e.put("firmware", m.firmwareVersion());
        m.checks().forEach(e.putArray("checks")::add);
        send(e);
    }

    @Override
    public void checkEnded(String checkId, Verdict verdict, long durationMs) {
        ObjectNode e = event("check-ended");
        e.put("check", checkId);
        e.put("verdict", verdict.name());
        e.put("duration-ms", durationMs);
        send(e);
    }

    @Override
    public void runEnded(RunRecord record, Path runDir) {
        ObjectNode e = event("run-ended");
        e.put("outcome", record.run().outcome());
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            counts.put(v, 0);
        }
        record.checks().forEach(c -> counts.merge(c.verdict(), 1, Integer::sum));
        ObjectNode n = e.putObject("counts");
        counts.forEach((v, c) -> n.put(v.name(), c));
        e.put("report", runDir.resolve("report.html").toAbsolutePath().toString());
        send(e);
        journal = null;
        if (dropped.get() > 0) {
            out.printf("warning: %d live event(s) of this run did not reach the %s%n", dropped.get(), broker);
        }
    }

    private ObjectNode event(String name) {
        ObjectNode e = JSON.createObjectNode();
        e.put("event", name);
        e.put("bench", benchId);
        e.put("run", runId);
        e.put("time", java.time.Instant.now().toString());
        return e;
    }

    private void send(ObjectNode e) {
        try {
            publisher.publish(topic("events/" + e.get("event").asText()), JSON.writeValueAsBytes(e), false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise a lab event", ex);
        }
    }

    @Override
    public void close() {
        publisher.close(Duration.ofSeconds(5));
    }
}
