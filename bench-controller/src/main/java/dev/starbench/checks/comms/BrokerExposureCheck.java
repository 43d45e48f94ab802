package dev.starbench.checks.comms;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.ConnectProbe;
import dev.starbench.bench.net.AnyCertificate;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NetworkScan;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.Network;
import dev.starbench.dut.Boot;
import dev.starbench.dut.Dut;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.5-4/5.1-1: a broker the DUT runs must authenticate its clients. A random credential
 * must be refused before any hit counts (a broker that takes anything is its own finding); then an
 * anonymous CONNECT and the universal default list; with whatever got in, {@code #} and
 * {@code $SYS/#} show what an intruder would read.
 */
public class BrokerExposureCheck {
    private static final String ID = "comms.broker-exposure";
    private static final long LISTEN_MS = 2500;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    record Credential(String user, String password) {
        @Override
        public String toString() {
            return user + "/" + (password.isEmpty() ? "(empty)" : password);
        }
    }

    enum Outcome { ACCEPTED, REFUSED }

    @Test
    @CheckId(ID)
    public void localBrokerRequiresAuthentication(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        Network network = ctx.profile().network();
        if (network == null || network.broker() == null || network.address() == null) {
            throw new NotApplicable("the profile declares no MQTT broker on the DUT (`network.address` and `network.broker`)");
        }
        Evidence evidence = ctx.evidence();
        Network.LocalBroker declared = network.broker();
        AnyCertificate certificate = declared.tls() ? new AnyCertificate() : null;
        Target broker = new Target(network.address(), declared, certificate == null ? null : certificate.socketFactory());
        Boot boot = ctx.dut().transition(Dut.State.LOGIN, ID + ": the DUT's broker runs with its OS");
        Instant deadline = NetworkScan.settleDeadline(ctx, boot);
        // Every random choice comes from the run's seed: a rerun sends the broker the same bytes.
        Random seeded = new Random(ctx.seedFor(ID));
        Credential random = new Credential("sb-" + hex(seeded, 4), new UUID(seeded.nextLong(), seeded.nextLong()).toString());
        evidence.step("wait for " + broker + " to answer an MQTT CONNECT with a random user and password (any CONNACK), until "
                + Duration.between(boot.poweredOn(), deadline).toMillis() + " ms after power-on");
        awaitAnswer(broker, random, "starbench-" + hex(seeded, 4), boot, deadline, evidence);
        List<String> problems = new ArrayList<>();
        Credential access = null;
        evidence.step("control: a random user and password");
        boolean takesAnything = connect(broker, random, false, evidence, seeded) == Outcome.ACCEPTED;
        if (certificate != null) {
            evidence.note("the broker's TLS certificate (taken whatever it is, as an intruder would): " + certificate.describeSeen());
        }
        if (takesAnything) {
            // Then a default credential getting in proves nothing: it is not tried.
            problems.add("a random user and password accepted: the broker checks no credential");
            access = random;
        }
        evidence.step("anonymous CONNECT (no user name)");
        if (connect(broker, null, false, evidence, seeded) == Outcome.ACCEPTED) {
            problems.add("anonymous CONNECT accepted");
        }
        List<Credential> defaults = defaultCredentials();
        if (!takesAnything) {
            evidence.step("the universal default credentials (" + defaults.size() + ")");
            for (Credential c : defaults) {
                if (connect(broker, c, true, evidence, seeded) == Outcome.ACCEPTED) {
                    problems.add("default credential " + c + " accepted");
                    access = access == null ? c : access;
                }
            }
        }
        if (problems.isEmpty()) {
            evidence.finding("the broker refused a random credential, an anonymous CONNECT and all "
                    + defaults.size() + " default credentials");
            return;
        }
        problems.forEach(evidence::finding);
        evidence.finding("subscribed to # and $SYS/# " + (access == null ? "anonymously" : "as " + access.user())
                + ", the bench read " + eavesdrop(broker, access));
        throw new AssertionError("the DUT's broker at " + broker + ": " + String.join("; ", problems));
    }

    private static String hex(Random random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * A broker starts some time after the OS, and a port forwarder accepts before it listens: only a CONNACK
     * says it is up. Nothing signals that, so a CONNECT is tried every moment until the deadline.
     */
    private static void awaitAnswer(Target broker, Credential c, String clientId, Boot boot, Instant deadline, Evidence evidence)
            throws InterruptedException {
        IOException last;
        do {
            try {
                MqttConnectReturnCode code = ConnectProbe.connect(broker.host(), broker.broker().port(), broker.tls(), clientId, c.user(),
                        c.password(), PROBE_TIMEOUT);
                evidence.step("the broker answered (CONNACK " + code + ") " + Duration.between(boot.poweredOn(), Instant.now()).toMillis()
                        + " ms after power-on");
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(500);
            }
        } while (Instant.now().isBefore(deadline));
        throw new BenchFault("the DUT's broker at " + broker + " did not answer an MQTT CONNECT by "
                + Duration.between(boot.poweredOn(), deadline).toMillis() + " ms after power-on (`network.settle-ms`, else the"
                + " boot timeout): " + last.getMessage());
    }

    /** @param quiet only accepted credentials go into the evidence (the default list is long) */
    private static Outcome connect(Target broker, Credential c, boolean quiet, Evidence evidence, Random random) {
        MqttConnectReturnCode code;
        try {
            code = ConnectProbe.connect(broker.host(), broker.broker().port(), broker.tls(),
                    "starbench-" + hex(random, 4),
                    c == null ? null : c.user(), c == null ? null : c.password(), PROBE_TIMEOUT);
        } catch (IOException e) {
            throw new BenchFault("the DUT's broker at " + broker + " failed other than by refusing: " + e.getMessage(), e);
        }
        switch (code) {
            case CONNECTION_ACCEPTED -> {
                evidence.note((c == null ? "anonymous" : c.toString()) + ": CONNECT accepted");
                return Outcome.ACCEPTED;
            }
            case CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, CONNECTION_REFUSED_NOT_AUTHORIZED -> {
                if (!quiet) {
                    evidence.note((c == null ? "anonymous" : "random user") + ": refused (CONNACK " + code + ")");
                }
                return Outcome.REFUSED;
            }
            default -> throw new BenchFault("the DUT's broker at " + broker + " answered the CONNECT with " + code
                    + ", which says nothing about the credential");
        }
    }

    /** The DUT's broker as an MQTT client reaches it; {@code tls} null for plain MQTT. */
    record Target(String host, Network.LocalBroker broker, SSLSocketFactory tls) {
        String url() {
            return broker.url(host);
        }

        MqttConnectOptions options(Credential c) {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setConnectionTimeout(5);
            o.setAutomaticReconnect(false);
            if (tls != null) {
                o.setSocketFactory(tls);
                o.setHttpsHostnameVerificationEnabled(false);
            }
            if (c != null) {
                o.setUserName(c.user());
                o.setPassword(c.password().toCharArray());
            }
            return o;
        }

        @Override
        public String toString() {
            return url();
        }
    }

    private static String eavesdrop(Target broker, Credential access) {
        AtomicInteger count = new AtomicInteger();
        Set<String> topics = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
        try (MqttClient client = new MqttClient(broker.url(), "starbench-listen", new MemoryPersistence())) {
            client.connect(broker.options(access));
            IMqttMessageListener l = (topic, msg) -> {
                count.incrementAndGet();
                if (topics.size() < 10) {
                    topics.add(topic);
                }
            };
            // Paho 1.2.5's array form: its single-topic variants are fine in v3, but keep one style.
            client.subscribe(new String[] {"#", "$SYS/#"}, new int[] {0, 0}, new IMqttMessageListener[] {l, l});
            Thread.sleep(LISTEN_MS);
            client.disconnect();
        } catch (MqttException e) {
            return "(subscribing failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return count.get() + " messages in " + LISTEN_MS + " ms, topics " + topics;
    }

    static List<Credential> defaultCredentials() {
        List<Credential> list = new ArrayList<>();
        try (var in = BrokerExposureCheck.class.getResourceAsStream("/dev/starbench/checks/default-credentials.txt");
             var reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(in), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int tab = line.indexOf('\t');
                    list.add(tab < 0 ? new Credential(line, "") : new Credential(line.substring(0, tab), line.substring(tab + 1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return list;
    }
}
