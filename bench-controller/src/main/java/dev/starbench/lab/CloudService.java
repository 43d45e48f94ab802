package dev.starbench.lab;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Broker;
import dev.starbench.bench.mqtt.CloudEndpoint;
import dev.starbench.bench.mqtt.ExternalBroker;
import dev.starbench.bench.mqtt.Upstream;
import dev.starbench.bench.net.LabPki;
import dev.starbench.config.Fixture;
import dev.starbench.config.Network;
import java.net.InetAddress;

/**
 * The bench as the DUT's cloud: where it listens for the DUT (the cloud URL's port, on the address its
 * host resolves to) and the MQTT broker behind it, the fixture's external broker or the embedded one,
 * started on first use and kept for the run. The listeners themselves are a check's procedure (each
 * phase presents other certificates), so they are opened here per phase and closed by the check.
 */
public final class CloudService implements LabService {
    private final Network.Cloud cloud;
    private final Fixture.CloudBroker external;
    private final LabPkiService pki;
    private final InetAddress bind;
    private Upstream broker;

    CloudService(Network.Cloud cloud, Fixture.CloudBroker external, LabPkiService pki) {
        this.cloud = cloud;
        this.external = external;
        this.pki = pki;
        this.bind = CloudEndpoint.bindAddress(cloud.host());
    }

    @Override
    public String name() {
        return "cloud";
    }

    public Network.Cloud config() {
        return cloud;
    }

    public InetAddress bindAddress() {
        return bind;
    }

    /** The cloud's MQTT side: the fixture's broker if it names one, else the embedded one. */
    public synchronized Upstream broker() throws BenchIoException {
        if (broker == null) {
            broker = external == null ? Broker.start(Broker.Options.loopback()) : ExternalBroker.connect(external);
        }
        return broker;
    }

    /** Listens where the DUT connects, with this TLS (null: plaintext), relaying to the broker or not. */
    public CloudEndpoint listen(int port, CloudEndpoint.TlsTerminator tls, boolean relayToBroker) throws BenchIoException {
        return CloudEndpoint.start(bind, port, tls, relayToBroker ? broker() : null);
    }

    /** The lab CA the DUT trusts; null when the profile names none. */
    public LabPki.Identity labCa() throws BenchIoException {
        return pki.labCa();
    }

    /** The lab CA's certificate for the cloud's host: the one the DUT should accept. */
    public LabPki.Identity goodLeaf() throws BenchIoException {
        return pki.leaf(cloud.host());
    }

    @Override
    public synchronized void close() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
