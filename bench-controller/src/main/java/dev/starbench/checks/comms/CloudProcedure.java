package dev.starbench.checks.comms;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.CloudEndpoint;
import dev.starbench.bench.mqtt.Upstream;
import dev.starbench.bench.net.LabPki;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.Network;
import dev.starbench.dut.Dut;
import dev.starbench.lab.CloudService;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the comms checks do with the run's cloud service: phases in which one listener configuration
 * waits for the DUT's next connection, the rogue certificates, and the DUT running (booted by the
 * strategy, or still booted from an earlier check).
 */
final class CloudProcedure {
    static final String WRONG_HOST = "wrong-host.starbench.invalid";

    final CheckContext ctx;
    final Evidence evidence;
    final Network.Cloud config;
    final CloudService service;
    final LabPki.Identity labCa;
    final InetAddress bind;
    final Duration attemptTimeout;
    private boolean running;
    private boolean brokerNoted;

    private CloudProcedure(CheckContext ctx, CloudService service, LabPki.Identity labCa) {
        this.ctx = ctx;
        this.evidence = ctx.evidence();
        this.config = service.config();
        this.service = service;
        this.labCa = labCa;
        this.bind = service.bindAddress();
        this.attemptTimeout = Duration.ofMillis(config.attemptTimeoutMs());
    }

    /** The run's cloud, or NOT_APPLICABLE naming what the profile lacks. */
    static CloudProcedure open(CheckContext ctx, boolean needsLabCa) throws BenchIoException {
        Network network = ctx.profile().network();
        if (network == null || network.cloud() == null) {
            throw new NotApplicable("the profile declares no cloud connection (no `network.cloud.url`)");
        }
        if (network.cloud().caCert() == null && needsLabCa) {
            throw new NotApplicable("the profile names no lab CA that the DUT trusts (`network.cloud.ca-cert`/`ca-key`),"
                    + " so the bench cannot present a certificate the DUT should accept");
        }
        CloudService service = ctx.services().cloud();
        return new CloudProcedure(ctx, service, service.labCa());
    }

    /** The cloud's MQTT side, started by the run's cloud service on first use. */
    Upstream broker() throws BenchIoException {
        Upstream broker = service.broker();
        if (!brokerNoted) {
            evidence.note("the cloud's MQTT side: " + broker.describe());
            brokerNoted = true;
        }
        return broker;
    }

    /** Listens where the DUT connects; the check closes the endpoint when its phase ends. */
    CloudEndpoint listen(int port, CloudEndpoint.TlsTerminator tls, boolean relayToBroker) throws BenchIoException {
        if (relayToBroker) {
            broker();
        }
        return service.listen(port, tls, relayToBroker);
    }

    /** The DUT runs its OS (and so its cloud client); asked once per check, after its first listener is up. */
    void deviceRuns() throws BenchIoException {
        if (!running) {
            ctx.dut().transition(Dut.State.LOGIN, ctx.profile().device().name() + " must run to connect to its cloud");
            running = true;
        }
    }

    LabPki.Identity goodLeaf() throws BenchIoException {
        return service.goodLeaf();
    }

    /**
     * The rogue certificates, in the order they are presented. Their keys come from the system's
     * random source, not the run's seed: they never reach the console, and a key derivable from the
     * journalled seed would be a key anyone holding the report has.
     */
    List<Rogue> rogues() throws BenchIoException {
        Instant now = Instant.now();
        return List.of(
                new Rogue("self-signed", "a self-signed certificate for " + config.host(), LabPki.leaf(null, config.host())),
                new Rogue("untrusted-ca", "a certificate for " + config.host() + " from a CA the DUT does not trust",
                        LabPki.leaf(LabPki.newCa("StarBench untrusted CA"), config.host())),
                new Rogue("wrong-host", "a valid lab-CA chain for the wrong host name " + WRONG_HOST,
                        LabPki.leaf(labCa, WRONG_HOST)),
                new Rogue("expired", "a lab-CA certificate for " + config.host() + " that expired a day ago",
                        LabPki.leaf(labCa, config.host(), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))));
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
        try (CloudEndpoint endpoint = listen(port, tls, relayToBroker)) {
            deviceRuns();
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
}
