package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.bench.net.LabPki;
import dev.starbench.cli.MainAccess;
import dev.starbench.history.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The bench's live events at a real mosquitto over TLS that asks for a client certificate (CA and
 * certificates made by the test with Bouncy Castle): the events of a run arrive, the Last Will
 * says offline when a real `starbench run` is killed with SIGKILL, and with the broker down a run
 * ends with the same verdicts.
 */
public class LabEventsTest {
    private static final String CONSOLE = "debug.uart-console";
    private static final String STATUS = "starbench/virtual-bench/status";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private TlsMosquitto broker;
    private Path fixture;
    private Path flawed;
    private MqttClient subscriber;
    private final BlockingQueue<String[]> messages = new LinkedBlockingQueue<>();

    @BeforeClass
    public void broker() throws Exception {
        dir = Files.createTempDirectory("starbench-lab-events");
        broker = TlsMosquitto.start(dir, "lab-mosquitto", true);
        LabPki.leaf(broker.ca, "virtual-bench").writePem(dir.resolve("bench.pem"), dir.resolve("bench.key"));
        fixture = VirtualBench.fixtureWith(dir, "fixture-lab-broker.yaml", "lab-broker:\n  url: ssl://localhost:"
                + broker.port + "\n  ca-cert: lab-mosquitto/ca.pem\n  client-cert: bench.pem\n  client-key: bench.key\n");
        flawed = VirtualBench.profileWithFlaws(dir, "root-console");

        subscriber = new MqttClient("ssl://localhost:" + broker.port, "test-subscriber", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setSocketFactory(tls(LabPki.leaf(broker.ca, "test-subscriber")));
        subscriber.connect(o);
        subscriber.subscribe("starbench/#", 1, (topic, m) -> messages.add(new String[] {topic,
                new String(m.getPayload(), StandardCharsets.UTF_8), String.valueOf(m.isRetained())}));
    }

    @AfterClass(alwaysRun = true)
    public void stop() throws Exception {
        if (subscriber != null) {
            subscriber.disconnect();
            subscriber.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private SSLContext context;

    private javax.net.ssl.SSLSocketFactory tls(LabPki.Identity client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", broker.ca.leaf());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        context = SSLContext.getInstance("TLS");
        context.init(client.keyManagers(), tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    @Test(timeOut = 180_000)
    public void aRunsEventsArriveAsJsonAndTheStatusSaysOnlineThenOffline() throws Exception {
        messages.clear();
        MainAccess.Printed run = MainAccess.capture("run", "--fixture", fixture.toString(), "--device", flawed.toString(),
                "--check", CONSOLE, "--out", dir.resolve("out-events").toString(),
                "--lease-dir", dir.resolve("leases").toString(), "--history", TestDatabases.sqlite(dir));
        assertEquals(run.exit(), 1, run.out() + run.err());
        Path runDir = only(dir.resolve("out-events"));
        String runId = runDir.getFileName().toString();

        List<String[]> seen = new ArrayList<>();
        await(seen, m -> m[0].equals(STATUS) && m[1].equals("online"));
        JsonNode started = json(await(seen, m -> m[0].equals("starbench/virtual-bench/events/run-started")));
        assertEquals(started.get("run").asText(), runId);
        assertEquals(started.get("model").asText(), "VCAM-1");
        assertEquals(started.get("checks").get(0).asText(), CONSOLE);
        JsonNode check = json(await(seen, m -> m[0].equals("starbench/virtual-bench/events/check-ended")));
        assertEquals(check.get("check").asText(), CONSOLE);
        assertEquals(check.get("verdict").asText(), "FAIL");
        assertTrue(check.get("duration-ms").asLong() > 0, check.toString());
        JsonNode ended = json(await(seen, m -> m[0].equals("starbench/virtual-bench/events/run-ended")));
        assertEquals(ended.get("outcome").asText(), "fail");
        assertEquals(ended.get("counts").get("FAIL").asInt(), 1);
        assertEquals(ended.get("counts").get("PASS").asInt(), 0);
        assertEquals(ended.get("report").asText(), runDir.resolve("report.html").toAbsolutePath().toString());
        String[] offline = await(seen, m -> m[0].equals(STATUS) && m[1].equals("offline"));
        assertEquals(offline[2], "false", "said live when the command ended, not left over");
    }

    @Test(timeOut = 180_000)
    public void theLastWillSaysOfflineWhenTheControllerIsKilled() throws Exception {
        messages.clear();
        Path runs = Files.createDirectories(dir.resolve("killed"));
        Process run = VirtualBench.startRun(runs, fixture, VirtualBench.profile("virtual-hardened"), "--check", CONSOLE,
                "--history", TestDatabases.sqlite(runs));
        List<String[]> seen = new ArrayList<>();
        try {
            await(seen, m -> m[0].equals(STATUS) && m[1].equals("online") && m[2].equals("false"));
            VirtualBench.awaitCheckStart(run, runs, CONSOLE);
            List<ProcessHandle> family = run.descendants().toList();
            run.destroyForcibly();  // SIGKILL: no shutdown hook, no goodbye; only the broker's will remains
            assertTrue(run.waitFor(30, TimeUnit.SECONDS));
            String[] will = await(seen, m -> m[0].equals(STATUS) && m[1].equals("offline"));
            assertNotNull(will);
            for (ProcessHandle h : family) {
                h.onExit().get(30, TimeUnit.SECONDS);
            }
        } finally {
            run.destroyForcibly();
        }
        MqttClient late = new MqttClient("ssl://localhost:" + broker.port, "late-subscriber", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(tls(LabPki.leaf(broker.ca, "late-subscriber")));
        late.connect(o);
        BlockingQueue<String> retained = new LinkedBlockingQueue<>();
        late.subscribe(STATUS, 1, (t, m) -> retained.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
        assertEquals(retained.poll(10, TimeUnit.SECONDS), "offline", "the will is retained: a dead bench shows as offline");
        late.disconnect();
        late.close();
    }

    @Test(timeOut = 180_000)
    public void aBrokerAndAHistoryThatAreDownChangeNoVerdictAndTheJournalSaysSo() throws Exception {
        int closed = CommsRunTest.freePort();
        String noDatabase = "jdbc:postgresql://127.0.0.1:" + CommsRunTest.freePort() + "/history?user=starbench";
        Path down = VirtualBench.fixtureWith(dir, "fixture-broker-down.yaml", "lab-broker:\n  url: ssl://localhost:"
                + closed + "\n  ca-cert: lab-mosquitto/ca.pem\n  client-cert: bench.pem\n  client-key: bench.key\n");
        Path without = VirtualBench.fixtureWith(dir, "fixture-no-broker.yaml", "");
        for (Path profile : List.of(VirtualBench.quickLogin(dir, flawed), VirtualBench.quickLogin(dir, VirtualBench.profile("virtual-hardened")))) {
            String name = profile.getFileName().toString();
            MainAccess.Printed withBrokerDown = MainAccess.capture("run", "--fixture", down.toString(), "--device",
                    profile.toString(), "--check", CONSOLE, "--out", dir.resolve("down-" + name).toString(),
                    "--lease-dir", dir.resolve("leases").toString(), "--history", noDatabase);
            MainAccess.Printed noBroker = MainAccess.capture("run", "--fixture", without.toString(), "--device",
                    profile.toString(), "--check", CONSOLE, "--out", dir.resolve("none-" + name).toString(),
                    "--lease-dir", dir.resolve("leases").toString(), "--history", TestDatabases.sqlite(dir));
            assertEquals(withBrokerDown.exit(), noBroker.exit(), withBrokerDown.out() + "\n---\n" + noBroker.out());
            assertEquals(verdicts(only(dir.resolve("down-" + name))), verdicts(only(dir.resolve("none-" + name))));
            String journal = Files.readString(only(dir.resolve("down-" + name)).resolve("journal.jsonl"));
            assertTrue(journal.contains("\"event\":\"note\",\"source\":\"lab-broker\",\"text\":\"lab broker ssl://localhost:"
                    + closed + ": events are dropped (cannot connect: "), journal);
            assertTrue(withBrokerDown.out().contains("live event(s) of this run did not reach the lab broker ssl://localhost:"
                    + closed), withBrokerDown.out());
            assertTrue(journal.contains("\"event\":\"note\",\"source\":\"history\",\"text\":\"the run history "
                    + noDatabase.substring(0, noDatabase.indexOf('?')) + "?… cannot be opened"), journal);
            assertTrue(withBrokerDown.out().contains("warning: the run is not in the history "), withBrokerDown.out());
        }
    }

    private static List<String> verdicts(Path runDir) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode c : JSON.readTree(runDir.resolve("record.json").toFile()).get("checks")) {
            out.add(c.get("id").asText() + " " + c.get("verdict").asText() + " " + c.get("reason").asText());
        }
        return out;
    }

    private static Path only(Path dir) throws Exception {
        try (Stream<Path> dirs = Files.list(dir)) {
            List<Path> all = dirs.filter(Files::isDirectory).toList();
            assertEquals(all.size(), 1, all.toString());
            return all.get(0);
        }
    }

    private static JsonNode json(String[] message) throws Exception {
        return JSON.readTree(message[1]);
    }

    /** The first message (from those seen so far, then new ones) that matches, within 30 s. */
    private String[] await(List<String[]> seen, Predicate<String[]> wanted) throws InterruptedException {
        for (String[] m : seen) {
            if (wanted.test(m)) {
                return m;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String[] m = messages.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                break;
            }
            seen.add(m);
            if (wanted.test(m)) {
                return m;
            }
        }
        StringBuilder got = new StringBuilder();
        seen.forEach(m -> got.append(m[0]).append(' ').append(m[1]).append(" retained=").append(m[2]).append('\n'));
        throw new AssertionError("no such message within 30 s; got:\n" + got);
    }
}
