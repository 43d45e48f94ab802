package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A broker of the lab's own (say mosquitto on the Pi), used through an MQTT 3.1.1 client (Paho). */
public final class ExternalBroker implements Upstream {
    private final String host;
    private final int port;
    private final MqttClient client;

    private ExternalBroker(String host, int port) throws BenchIoException {
        this.host = host;
        this.port = port;
        try {
            client = new MqttClient("tcp://" + host + ":" + port, "starbench-cloud-" + UUID.randomUUID().toString().substring(0, 8),
                    new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setConnectionTimeout(5);
            client.connect(o);
        } catch (MqttException e) {
            throw new BenchIoException("cannot reach the fixture's cloud broker tcp://" + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
    }

    public static ExternalBroker connect(String host, int port) throws BenchIoException {
        return new ExternalBroker(host, port);
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public BlockingQueue<Broker.Message> subscribe(String topicFilter) throws BenchIoException {
        BlockingQueue<Broker.Message> q = new LinkedBlockingQueue<>();
        IMqttMessageListener l = (topic, msg) -> q.add(new Broker.Message(topic, msg.getPayload(), null));
        try {
            // The array form: Paho 1.2.5's single-topic listener variants are the ones to avoid.
            client.subscribe(new String[] {topicFilter}, new int[] {1}, new IMqttMessageListener[] {l});
        } catch (MqttException e) {
            throw new BenchIoException("cannot subscribe to " + topicFilter + " on " + describe() + ": " + e.getMessage(), e);
        }
        return q;
    }

    @Override
    public void publish(String topic, byte[] payload) throws BenchIoException {
        try {
            client.publish(topic, payload, 1, false);
        } catch (MqttException e) {
            throw new BenchIoException("cannot publish to " + topic + " on " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "the fixture's broker tcp://" + host + ":" + port;
    }

    @Override
    public void close() {
        try {
            client.disconnect(1000);
        } catch (MqttException e) {
            // going away anyway
        }
        try {
            client.close();
        } catch (MqttException e) {
            // as above
        }
    }
}
