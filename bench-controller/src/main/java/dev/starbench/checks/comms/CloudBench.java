package dev.starbench.checks.comms;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.Broker;
import dev.starbench.bench.mqtt.CloudEndpoint;
import dev.starbench.bench.mqtt.ExternalBroker;
import dev.starbench.bench.mqtt.Upstream;
import dev.starbench.bench.net.LabPki;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.Fixture;
import dev.starbench.config.Network;
import java.io.Closeable;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench as the DUT's cloud, for one check: the profile's cloud inputs, the lab CA, the embedded
 * broker, and phases in which one listener configuration waits for the DUT's next connection.
 */
final class CloudBench implements Closeable {
    static final String WRONG_HOST = "wrong-host.starbench.invalid";

    final CheckContext ctx;
    final Evidence evidence;
    final Network.Cloud cloud;
    final LabPki.Identity labCa;
    final InetAddress bind;
    final Duration attemptTimeout;
    private Upstream broker;

    private CloudBench(CheckContext ctx, Network.Cloud cloud, LabPki.Identity labCa, InetAddress bind) {
        this.ctx = ctx;
        this.evidence = ctx.evidence();
        this.cloud = cloud;
        this.labCa = labCa;
        this.bind = bind;
        this.attemptTimeout = Duration.ofMillis(cloud.attemptTimeoutMs());
    }

    /** The profile's cloud, or NOT_APPLICABLE naming what is missing. */
    static CloudBench open(CheckContext ctx, boolean needsLabCa) throws BenchIoException {
        Network network = ctx.profile().network();
        if (network == null || network.cloud() == null) {
            throw new NotApplicable("the profile declares no cloud connection (no `network.cloud.url`)");
        }
        Network.Cloud cloud = network.cloud();
        LabPki.Identity ca = null;
        if (cloud.caCert() != null) {
            if (!Files.isReadable(cloud.caCert()) || !Files.isReadable(cloud.caKey())) {
                throw new BenchFault("cannot read the lab CA named by the profile: " + cloud.caCert() + " / " + cloud.caKey());
            }
            ca = LabPki.readCa(cloud.caCert(), cloud.caKey());
        } else if (needsLabCa) {
            throw new NotApplicable("the profile names no lab CA that the DUT trusts (`network.cloud.ca-cert`/`ca-key`),"
                    + " so the bench cannot present a certificate the DUT should accept");
        }
        return new CloudBench(ctx, cloud, ca, CloudEndpoint.bindAddress(cloud.host()));
    }

    /** The fixture's broker if it names one, else the embedded one; started on first use. */
    Upstream broker() throws BenchIoException {
        if (broker == null) {
            Fixture.CloudBroker external = ctx.fixture() == null ? null : ctx.fixture().cloudBroker();
            broker = external == null ? Broker.start(Broker.Options.loopback())
                    : ExternalBroker.connect(external);
            evidence.note("the cloud's MQTT side: " + broker.describe());
        }
        return broker;
    }

    void powerOn() throws BenchIoException {
        if (!ctx.dut().isPowered()) {
            ctx.dut().powerOn(ctx.dut().profile().device().name() + " must run to connect to its cloud");
        }
    }

    LabPki.Identity goodLeaf() throws BenchIoException {
        return LabPki.leaf(labCa, cloud.host());
    }

    /** The rogue certificates, in the order they are presented. */
    List<Rogue> rogues() throws BenchIoException {
        Instant now = Instant.now();
        return List.of(
                new Rogue("self-signed", "a self-signed certificate for " + cloud.host(), LabPki.leaf(null, cloud.host())),
                new Rogue("untrusted-ca", "a certificate for " + cloud.host() + " from a CA the DUT does not trust",
                        LabPki.leaf(LabPki.newCa("StarBench untrusted CA"), cloud.host())),
                new Rogue("wrong-host", "a valid lab-CA chain for the wrong host name " + WRONG_HOST,
                        LabPki.leaf(labCa, WRONG_HOST)),
                new Rogue("expired", "a lab-CA certificate for " + cloud.host() + " that expired a day ago",
                        LabPki.leaf(labCa, cloud.host(), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))));
    }

    record Rogue(String name, String description, LabPki.Identity identity) {
    }

    /**
     * Listens with one configuration until the DUT's first attempt finishes (or the timeout); the
     * attempt goes into the evidence. Null when the DUT made none.
     */
    Attempt phase(String title, CloudEndpoint.TlsTerminator tls, int port, boolean relayToBroker)
            throws BenchIoException, InterruptedException {
        evidence.step(title + ": listening on " + bind.getHostAddress() + ":" + port + " with "
                + (tls == null ? "plaintext MQTT" : tls.describe()) + ", waiting up to " + attemptTimeout.toMillis()
                + " ms for the DUT");
        try (CloudEndpoint endpoint = CloudEndpoint.start(bind, port, tls, relayToBroker ? broker() : null)) {
            powerOn();
            Attempt a = endpoint.awaitAttempt(attemptTimeout);
            evidence.note(title + ": " + (a == null ? "no connection attempt within " + attemptTimeout.toMillis() + " ms"
                    : a.describe()));
            return a;
        }
    }

    /** The first attempt on the endpoint that brought a CONNECT, within the attempt timeout; null if none. */
    Attempt awaitConnect(CloudEndpoint endpoint) throws InterruptedException {
        long deadline = System.nanoTime() + attemptTimeout.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            Attempt a = endpoint.awaitAttempt(Duration.ofNanos(left));
            if (a != null && a.connect() != null) {
                return a;
            }
        }
        return null;
    }

    /** Several listeners at once; every attempt on any of them until the first CONNECT or the timeout. */
    List<Attempt> watch(String title, List<CloudEndpoint> endpoints, Duration window, boolean stopAtConnect)
            throws InterruptedException {
        List<Attempt> seen = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        int[] taken = new int[endpoints.size()];
        while (System.nanoTime() < deadline) {
            boolean connect = false;
            for (int i = 0; i < endpoints.size(); i++) {
                List<Attempt> all = endpoints.get(i).attempts();
                for (; taken[i] < all.size(); taken[i]++) {
                    Attempt a = all.get(taken[i]);
                    seen.add(a);
                    evidence.note(title + ": " + a.describe());
                    connect |= a.connect() != null;
                }
            }
            if (connect && stopAtConnect) {
                break;
            }
            Thread.sleep(50);
        }
        return seen;
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
