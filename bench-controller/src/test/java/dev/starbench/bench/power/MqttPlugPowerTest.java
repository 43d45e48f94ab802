package dev.starbench.bench.power;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.BrokerTls;
import dev.starbench.config.Fixture;
import dev.starbench.config.PowerConfig;
import dev.starbench.config.PowerConfig.MqttPlug.Firmware;
import dev.starbench.vdut.SimulatedPlug;
import dev.starbench.vdut.contract.PowerPlug;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The mqtt-plug driver against a real mosquitto (TLS with the lab's CA, a password file) and plugs
 * that behave as Tasmota and Shelly Gen2 firmware document, including the ways real plugs fail.
 */
public class MqttPlugPowerTest {
    private static final String USER = "starbench";
    private static final String PASSWORD = "pl4g-Br0ker-s3cret";
    private static final long CONFIRM_MS = 1500;

    private final AtomicInteger topics = new AtomicInteger();
    private final List<AutoCloseable> open = new ArrayList<>();
    private LabBroker broker;

    @BeforeClass
    public void labBroker() throws Exception {
        broker = LabBroker.start(Files.createTempDirectory("starbench-plug-test"), true, USER, PASSWORD);
    }

    @AfterClass(alwaysRun = true)
    public void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterMethod(alwaysRun = true)
    public void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        open.clear();
    }

    private PowerConfig.MqttPlug config(PowerPlug.Firmware firmware, String topic, String password) {
        return new PowerConfig.MqttPlug(new Fixture.CloudBroker("localhost", broker.port(), true, broker.caPem()), USER,
                password, Firmware.valueOf(firmware.name()), topic, null, CONFIRM_MS);
    }

    /** A plug of the given firmware on the lab broker, its relay mirrored into {@code relay}. */
    private SimulatedPlug plug(PowerPlug.Firmware firmware, String topic, AtomicBoolean relay) throws Exception {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(BrokerTls.socketFactory(broker.caPem(), null, "test CA"));
        o.setUserName(USER);
        o.setPassword(PASSWORD.toCharArray());
        SimulatedPlug plug = SimulatedPlug.start(broker.url(), o, firmware, topic, relay::set);
        open.add(plug);
        return plug;
    }

    private MqttPlugPower power(PowerConfig.MqttPlug config) throws BenchIoException {
        MqttPlugPower power = MqttPlugPower.open(config, Duration.ofMillis(10));
        open.add(power);
        return power;
    }

    private String topic(String kind) {
        return "lab/" + kind + "-" + topics.incrementAndGet();
    }

    /** A plug on a topic of its own and the driver opened on it. */
    private record Plugged(String topic, SimulatedPlug plug, AtomicBoolean relay, MqttPlugPower power) {
    }

    private Plugged plugged(PowerPlug.Firmware firmware) throws Exception {
        String topic = topic(firmware.optionName());
        AtomicBoolean relay = new AtomicBoolean();
        SimulatedPlug plug = plug(firmware, topic, relay);
        return new Plugged(topic, plug, relay, power(config(firmware, topic, PASSWORD)));
    }

    @Test
    public void aTasmotaPlugIsSwitchedAndConfirmedOverTlsWithCredentials() throws Exception {
        Plugged p = plugged(PowerPlug.Firmware.TASMOTA);
        MqttPlugPower power = p.power();

        PowerState start = power.status();
        assertEquals(start.level(), PowerState.Level.OFF, start.detail());
        assertEquals(start.basis(), PowerState.Basis.CONFIRMED);

        PowerState on = power.on();
        assertTrue(on.isOn());
        assertEquals(on.basis(), PowerState.Basis.CONFIRMED);
        assertTrue(p.relay().get(), "the plug's relay is on");
        assertEquals(on.detail(), "the plug reported stat/" + p.topic() + "/RESULT {\"POWER\":\"ON\"}");

        PowerState off = power.off();
        assertFalse(off.isOn());
        assertFalse(p.relay().get());
        power.cycle();
        assertTrue(p.relay().get());
        assertTrue(power.isOn());

        String everything = start.detail() + on.detail() + off.detail() + power.describe()
                + config(PowerPlug.Firmware.TASMOTA, p.topic(), PASSWORD);
        assertFalse(everything.contains(PASSWORD), everything);
        assertEquals(power.describe(), "Tasmota plug " + p.topic() + " at ssl://localhost:" + broker.port());
    }

    @Test
    public void aShellyGen2PlugIsSwitchedThroughRpcAndReadBackWithGetStatus() throws Exception {
        Plugged p = plugged(PowerPlug.Firmware.SHELLY_GEN2);
        MqttPlugPower power = p.power();

        assertEquals(power.status(), PowerState.confirmed(false, "Switch.GetStatus says output false"));
        PowerState on = power.on();
        assertTrue(p.relay().get());
        assertEquals(on, PowerState.confirmed(true,
                "Switch.Set on=true answered {\"was_on\":false}; then Switch.GetStatus says output true"));
        power.off();
        assertFalse(p.relay().get());
        assertFalse(power.isOn());
    }

    @Test
    public void theRetainedStateIsReadAtStartAndTheLiveOneConfirmsIt() throws Exception {
        Plugged p = plugged(PowerPlug.Firmware.TASMOTA);
        p.power().on();

        // A later run: the plug's retained POWER (PowerRetain) says ON from before, and it answers ON now.
        MqttPlugPower later = power(config(PowerPlug.Firmware.TASMOTA, p.topic(), PASSWORD));
        assertEquals(later.retainedAtStart(), "stat/" + p.topic() + "/POWER ON");
        assertEquals(later.status().level(), PowerState.Level.ON);
    }

    /**
     * The state a plug confirmed is what the bench knows until the plug reports a change: read without a
     * round trip (the plug is silent when it is read), and following a switch someone else made.
     */
    @Test
    public void theLastConfirmedStateIsKnownWithoutAskingAndFollowsThePlugsOwnReports() throws Exception {
        for (PowerPlug.Firmware firmware : PowerPlug.Firmware.values()) {
            Plugged p = plugged(firmware);
            p.power().on();
            p.plug().answering(false);
            assertTrue(p.power().isOn(), firmware + ": the plug confirmed ON and has said nothing since");
            PowerState held = p.power().lastKnown();
            assertEquals(held.basis(), PowerState.Basis.CONFIRMED);
            assertTrue(held.detail().matches(".*output true \\(\\d+ ms ago; no change reported since\\)"
                    + "|the plug reported stat/.*ON.* \\(\\d+ ms ago; no change reported since\\)"), held.detail());

            // Someone else switches it off (a home-automation rule, say); the plug reports it, then goes silent.
            p.plug().answering(true);
            boolean tasmota = firmware == PowerPlug.Firmware.TASMOTA;
            String report = tasmota ? "stat/" + p.topic() + "/POWER" : p.topic() + "/status/switch:0";
            try (MqttClient other = client("home-automation")) {
                BlockingQueue<String> heard = new LinkedBlockingQueue<>();
                other.subscribe(report, 1, (t, m) -> {
                    if (!m.isRetained()) {
                        heard.add(new String(m.getPayload(), StandardCharsets.UTF_8));
                    }
                });
                if (tasmota) {
                    other.publish("cmnd/" + p.topic() + "/POWER", "OFF".getBytes(StandardCharsets.UTF_8), 1, false);
                } else {
                    other.publish(p.topic() + "/rpc", ("{\"id\":7,\"src\":\"home-automation\",\"method\":\"Switch.Set\","
                            + "\"params\":{\"id\":0,\"on\":false}}").getBytes(StandardCharsets.UTF_8), 1, false);
                }
                String said = heard.poll(5, TimeUnit.SECONDS);
                assertTrue(said != null && (said.equals("OFF") || said.contains("\"output\":false")), firmware + ": " + said);
                other.disconnect();
            }
            p.plug().answering(false);
            PowerState now = eventually(p.power(), s -> !s.isOn());
            assertEquals(now.level(), PowerState.Level.OFF, now.detail());
            assertEquals(now.basis(), PowerState.Basis.CONFIRMED);
            assertTrue(now.detail().matches("the plug reported " + (tasmota ? "stat/" + p.topic() + "/.*OFF.*"
                    : p.topic() + "/events/rpc .*\"output\":false.*") + " \\(\\d+ ms ago; no change reported since\\)"),
                    now.detail());
        }
    }

    /** Another client of the lab broker. */
    private MqttClient client(String id) throws Exception {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(BrokerTls.socketFactory(broker.caPem(), null, "test CA"));
        o.setUserName(USER);
        o.setPassword(PASSWORD.toCharArray());
        MqttClient c = new MqttClient(broker.url(), id, new MemoryPersistence());
        c.connect(o);
        return c;
    }

    /**
     * What the driver knows, once {@code until} holds: the plug's report reaches it on Paho's thread, after
     * it reached the test's own client, so it is read again until then (at most 5 s).
     */
    private static PowerState eventually(MqttPlugPower power, java.util.function.Predicate<PowerState> until)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        PowerState s = power.lastKnown();
        while (!until.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = power.lastKnown();
        }
        return s;
    }

    @Test
    public void aPlugThatNeverConfirmsIsABenchFaultAndItsStateUnknown() throws Exception {
        Plugged p = plugged(PowerPlug.Firmware.TASMOTA);
        p.plug().answering(false);

        BenchIoException e = expectThrows(BenchIoException.class, p.power()::on);
        assertEquals(e.getMessage(), "the " + p.power().describe() + " did not confirm ON within " + CONFIRM_MS
                + " ms: it said nothing (retained from before: stat/" + p.topic() + "/POWER OFF)");
        PowerState now = p.power().status();
        assertEquals(now.level(), PowerState.Level.UNKNOWN);
        assertTrue(now.detail().contains("did not answer a state query within " + CONFIRM_MS + " ms"), now.detail());
        // After a failed switch the bench holds nothing it could vouch for: it asks, and the plug is silent.
        assertEquals(p.power().lastKnown().level(), PowerState.Level.UNKNOWN);
    }

    @Test
    public void aShellyThatNeverAnswersIsABenchFault() throws Exception {
        Plugged p = plugged(PowerPlug.Firmware.SHELLY_GEN2);
        p.plug().answering(false);

        BenchIoException e = expectThrows(BenchIoException.class, p.power()::off);
        assertTrue(e.getMessage().endsWith("did not confirm switch 0 off within " + CONFIRM_MS + " ms: it said nothing"),
                e.getMessage());
    }

    @Test
    public void aPlugThatConfirmsTheWrongStateIsABenchFault() throws Exception {
        Plugged p = plugged(PowerPlug.Firmware.TASMOTA);
        p.plug().misreporting(true);

        BenchIoException e = expectThrows(BenchIoException.class, p.power()::on);
        assertEquals(e.getMessage(), "the " + p.power().describe() + " was switched ON but reported stat/" + p.topic()
                + "/POWER OFF, and no other state within " + CONFIRM_MS + " ms");
    }

    @Test
    public void aShellyThatReadsBackTheWrongStateIsABenchFault() throws Exception {
        Plugged p = plugged(PowerPlug.Firmware.SHELLY_GEN2);
        p.plug().misreporting(true);

        BenchIoException e = expectThrows(BenchIoException.class, p.power()::on);
        assertTrue(e.getMessage().endsWith(": Switch.Set on=true answered {\"was_on\":true}, but the read-back says off:"
                + " Switch.GetStatus says output false"), e.getMessage());
    }

    @Test
    public void aPlugThatDropsOffTheBrokerMidRunIsABenchFault() throws Exception {
        for (PowerPlug.Firmware firmware : PowerPlug.Firmware.values()) {
            Plugged p = plugged(firmware);
            p.power().on();
            p.plug().dropOff();

            BenchIoException e = expectThrows(BenchIoException.class, p.power()::off);
            assertTrue(e.getMessage().matches(".*(dropped off the broker \\(.*\\) while the bench waited"
                    + "|is offline \\(.* says so\\): cannot).*"), e.getMessage());
            assertEquals(p.power().status().level(), PowerState.Level.UNKNOWN);
            assertEquals(p.power().lastKnown().level(), PowerState.Level.UNKNOWN, "the ON it confirmed is not held");
        }
    }

    @Test
    public void aPlugThatIsOfflineAtStartIsNotBelievedFromItsRetainedState() throws Exception {
        String topic = topic("tasmota");
        plug(PowerPlug.Firmware.TASMOTA, topic, new AtomicBoolean()).dropOff();

        BenchIoException e = expectThrows(BenchIoException.class,
                () -> power(config(PowerPlug.Firmware.TASMOTA, topic, PASSWORD)));
        assertTrue(e.getMessage().contains("did not tell its state"), e.getMessage());
        assertTrue(e.getMessage().matches(".*(dropped off the broker|is offline).*"), e.getMessage());
    }

    @Test
    public void noPlugOnTheTopicIsABenchFaultAtOpen() {
        String topic = topic("nobody");
        BenchIoException e = expectThrows(BenchIoException.class,
                () -> power(config(PowerPlug.Firmware.TASMOTA, topic, PASSWORD)));
        assertTrue(e.getMessage().endsWith("did not answer a state query within " + CONFIRM_MS + " ms: it said nothing"),
                e.getMessage());
    }

    @Test
    public void wrongCredentialsAreNamedWithoutThePassword() {
        String wrong = "not-the-" + PASSWORD;
        BenchIoException e = expectThrows(BenchIoException.class,
                () -> power(config(PowerPlug.Firmware.TASMOTA, topic("tasmota"), wrong)));
        assertEquals(e.getMessage(), "cannot reach the plug broker ssl://localhost:" + broker.port()
                + ": the broker refused the credentials (power.mqtt-plug.username and password)");
        assertFalse(e.getMessage().contains(wrong));
    }

    @Test
    public void aBrokerCertificateFromAnotherCaIsRefused() throws Exception {
        Path otherCa = Files.createTempFile("other-ca", ".pem");
        dev.starbench.bench.net.LabPki.newCa("someone else's CA").writePem(otherCa, Files.createTempFile("other", ".key"));
        PowerConfig.MqttPlug c = new PowerConfig.MqttPlug(new Fixture.CloudBroker("localhost", broker.port(), true, otherCa),
                USER, PASSWORD, Firmware.TASMOTA, topic("tasmota"), null, CONFIRM_MS);
        BenchIoException e = expectThrows(BenchIoException.class, () -> power(c));
        assertTrue(e.getMessage().contains("TLS handshake failed: its certificate is not from the CA in"
                + " power.mqtt-plug.ca-cert " + otherCa), e.getMessage());
    }
}
