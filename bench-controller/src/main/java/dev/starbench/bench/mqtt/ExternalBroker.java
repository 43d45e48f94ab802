package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.Fixture;
import java.io.IOException;
import java.net.Socket;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A broker of the lab's own (say mosquitto on the Pi), used through an MQTT 3.1.1 client (Paho), over
 * TLS when the fixture's URL says so. Its certificate must chain to the fixture's {@code ca-cert} (or
 * the JVM's trust store) and name the URL's host, for the bench's own connection and every relayed one.
 */
public final class ExternalBroker implements Upstream {
    private final Fixture.CloudBroker broker;
    /** Null for a plaintext broker. */
    private final SSLSocketFactory tls;
    private final MqttClient client;

    private ExternalBroker(Fixture.CloudBroker broker) throws BenchIoException {
        this.broker = broker;
        this.tls = broker.tls() ? BrokerTls.socketFactory(broker.caCert(), null, "the cloud broker's CA certificate "
                + broker.caCert() + " (fixture cloud-broker.ca-cert)") : null;
        try {
            client = new MqttClient(broker.url(), "starbench-cloud-" + UUID.randomUUID().toString().substring(0, 8),
                    new MemoryPersistence());
        } catch (MqttException e) {
            throw new BenchIoException("cannot use the fixture's cloud broker " + broker.url() + ": " + e.getMessage(), e);
        }
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setConnectionTimeout(5);
        if (tls != null) {
            o.setSocketFactory(tls);
            o.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            client.connect(o);
        } catch (MqttException e) {
            quietly(client);
            throw new BenchIoException("cannot reach " + describe() + ": " + reason(e), e);
        }
    }

    public static ExternalBroker connect(Fixture.CloudBroker broker) throws BenchIoException {
        return new ExternalBroker(broker);
    }

    @Override
    public Socket open() throws IOException {
        if (tls == null) {
            return new Socket(broker.host(), broker.port());
        }
        SSLSocket s = (SSLSocket) tls.createSocket(broker.host(), broker.port());
        try {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
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
        return "the fixture's broker " + broker.url();
    }

    @Override
    public void close() {
        try {
            client.disconnect(1000);
        } catch (MqttException e) {
            // going away anyway
        }
        quietly(client);
    }

    private static void quietly(MqttClient client) {
        try {
            client.close();
        } catch (MqttException e) {
            // closing is best effort
        }
    }

    /** Paho's own message is often just "MqttException": say what went wrong with the broker's certificate. */
    private String reason(Throwable e) {
        return BrokerTls.reason(e, broker.host(), broker.caCert(), "cloud-broker.ca-cert");
    }
}
