package dev.starbench.checks.userdata;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.Broker;
import dev.starbench.bench.mqtt.CloudEndpoint;
import dev.starbench.bench.mqtt.JsseTls;
import dev.starbench.bench.mqtt.Upstream;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.Network;
import dev.starbench.lab.CloudService;
import java.time.Duration;
import java.time.Instant;

/**
 * The bench's cloud up for the device, as the lifecycle checks need it: the run's cloud service
 * listening where the device connects, with the lab CA's certificate for its host (the one it should
 * accept), relaying to the broker. The check closes it when its procedure ends.
 */
public final class DeviceCloud implements AutoCloseable {
    private final CloudService service;
    private final CloudEndpoint endpoint;

    private DeviceCloud(CloudService service, CloudEndpoint endpoint) {
        this.service = service;
        this.endpoint = endpoint;
    }

    /** NOT_APPLICABLE when the profile has no cloud, or a TLS cloud without the lab CA the device trusts. */
    public static DeviceCloud open(CheckContext ctx, String why) throws BenchIoException {
        Network network = ctx.profile().network();
        if (network == null || network.cloud() == null) {
            throw new NotApplicable(why + " needs the profile's network.cloud");
        }
        Network.Cloud cloud = network.cloud();
        if (cloud.tls() && cloud.caCert() == null) {
            throw new NotApplicable(why + " needs the lab CA the device trusts (network.cloud.ca-cert and ca-key):"
                    + " without it the bench cannot be a cloud the device accepts");
        }
        CloudService service = ctx.services().cloud();
        CloudEndpoint.TlsTerminator tls = cloud.tls() ? new JsseTls("lab CA", service.goodLeaf()) : null;
        return new DeviceCloud(service, service.listen(cloud.port(), tls, true));
    }

    public CloudEndpoint endpoint() {
        return endpoint;
    }

    public Network.Cloud config() {
        return service.config();
    }

    public Upstream broker() throws BenchIoException {
        return service.broker();
    }

    /**
     * Publishes once the device listens on the topic: the embedded broker tells when a client subscribed
     * (an external one cannot, and gets the message at once). False when nobody subscribed in time.
     */
    public boolean publishToDevice(String topic, byte[] payload, Duration within) throws BenchIoException, InterruptedException {
        Upstream broker = broker();
        if (broker instanceof Broker b && b.awaitSubscriber(topic, within) == null) {
            return false;
        }
        broker.publish(topic, payload);
        return true;
    }

    /**
     * The next attempt with an MQTT CONNECT that started after {@code since}, waiting up to the timeout
     * (and for an attempt already under way then); null if none came.
     */
    public Attempt awaitConnect(Instant since, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            Attempt a = endpoint.awaitAttempt(Duration.ofNanos(left));
            if (a != null && a.connect() != null && !a.at().isBefore(since)) {
                return a;
            }
        }
        return null;
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
