package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;

/**
 * The MQTT broker behind the bench-as-cloud: the embedded {@link Broker}, or an {@link ExternalBroker}
 * the fixture names. The cloud endpoint relays the DUT there; the bench publishes and listens there.
 */
public interface Upstream extends Closeable {
    /**
     * A new connection for the cloud endpoint to relay one DUT's MQTT bytes over: plain TCP to the
     * embedded broker, TLS to an external broker that asks for it.
     */
    Socket open() throws IOException;

    /** From now on, every message published on a topic matching the filter. */
    BlockingQueue<Broker.Message> subscribe(String topicFilter) throws BenchIoException;

    /** Publishes at QoS 1 to whoever subscribed to the topic. */
    void publish(String topic, byte[] payload) throws BenchIoException;

    String describe();

    @Override
    void close();
}
