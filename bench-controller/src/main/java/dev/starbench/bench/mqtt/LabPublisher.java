package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.LabPki;
import dev.starbench.config.InputFile;
import dev.starbench.config.LabBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The bench's own connection to the lab's broker (Paho, TLS): a retained {@code online} on its status
 * topic while it lives, and {@code offline} as its Last Will, so a bench that dies shows as offline.
 *
 * <p>Nothing here may slow a run or fail it: every publish is handed to one background thread and
 * returns at once; that thread connects with a bounded timeout, at most once per
 * {@link #RETRY_AFTER} while the broker is away, and drops what it cannot send, telling
 * {@link Drops} why. Messages are not kept for later: a run's events are live news, and its report
 * holds the record.
 */
public final class LabPublisher implements AutoCloseable {
    /** Told of each message that was not sent (called on the publisher's thread). */
    @FunctionalInterface
    public interface Drops {
        void dropped(String topic, String why);
    }

    static final int CONNECT_TIMEOUT_S = 5;
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    private static final int QUEUE = 1000;

    private final LabBroker broker;
    private final String statusTopic;
    private final Drops drops;
    private final ThreadPoolExecutor worker;
    private final MqttConnectOptions options;
    private MqttAsyncClient client;
    private String notConnected = "not connected yet";
    private long lastAttemptNanos;
    private boolean attempted;

    private LabPublisher(LabBroker broker, String statusTopic, Drops drops, MqttConnectOptions options) {
        this.broker = broker;
        this.statusTopic = statusTopic;
        this.drops = drops;
        this.options = options;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "lab-broker");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts connecting in the background; returns at once.
     *
     * @throws BenchIoException when the fixture's TLS files cannot be read: a setup error, said at once
     */
    public static LabPublisher start(LabBroker broker, String statusTopic, Drops drops) throws BenchIoException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setConnectionTimeout(CONNECT_TIMEOUT_S);
        o.setKeepAliveInterval(30);
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay((int) RETRY_AFTER.toMillis());
        o.setWill(statusTopic, "offline".getBytes(StandardCharsets.UTF_8), 1, true);
        KeyManager[] client = null;
        if (broker.clientCert() != null) {
            try {
                client = LabPki.readCa(broker.clientCert(), broker.clientKey()).keyManagers();
            } catch (BenchIoException e) {
                throw new BenchIoException("cannot read the bench's certificate for the lab broker "
                        + "(fixture lab-broker.client-cert, client-key): " + e.getMessage(), e);
            }
        }
        o.setSocketFactory(BrokerTls.socketFactory(broker.caCert(), client,
                "the lab broker's CA certificate " + broker.caCert() + " (fixture lab-broker.ca-cert)"));
        o.setHttpsHostnameVerificationEnabled(true);
        if (broker.user() != null) {
            o.setUserName(broker.user());
        }
        if (broker.passwordFile() != null) {
            try {
                String first = InputFile.readText(broker.passwordFile(), InputFile.Kind.SECRET).lines().findFirst().orElse("");
                o.setPassword(first.toCharArray());
            } catch (IOException e) {
                // the file's content is a secret: name the file, never echo it
                throw new BenchIoException("cannot read the lab broker's password file " + broker.passwordFile()
                        + " (fixture lab-broker.password-file): " + e.getMessage(), e);
            }
        }
        LabPublisher p = new LabPublisher(broker, statusTopic, drops, o);
        p.submit(p::connectIfDue, null);
        return p;
    }

    public String describe() {
        return "lab broker " + broker.url();
    }

    /** Queues one QoS 1 message; never blocks. */
    public void publish(String topic, byte[] payload, boolean retained) {
        submit(() -> {
            connectIfDue();
            if (client == null || !client.isConnected()) {
                drops.dropped(topic, notConnected);
                return;
            }
            try {
                client.publish(topic, payload, 1, retained);
            } catch (MqttException e) {
                drops.dropped(topic, "publish failed: " + reason(e));
            }
        }, topic);
    }

    private void submit(Runnable task, String topic) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            if (topic != null) {
                drops.dropped(topic, worker.isShutdown() ? "the publisher is closed" : "more than " + QUEUE + " messages waiting");
            }
        }
    }

    /** On the worker thread only. */
    private void connectIfDue() {
        if (client != null && client.isConnected()) {
            return;
        }
        if (attempted && System.nanoTime() - lastAttemptNanos < RETRY_AFTER.toNanos()) {
            return;
        }
        attempted = true;
        lastAttemptNanos = System.nanoTime();
        try {
            if (client == null) {
                client = new MqttAsyncClient(broker.url(), "starbench-" + UUID.randomUUID().toString().substring(0, 12),
                        new MemoryPersistence());
                client.setCallback(new MqttCallbackExtended() {
                    @Override
                    public void connectComplete(boolean reconnect, String serverURI) {
                        if (reconnect) {
                            // Paho's own reconnect: the broker has dropped our retained online for the will.
                            submit(LabPublisher.this::announceOnline, null);
                        }
                    }

                    @Override
                    public void connectionLost(Throwable cause) {
                        notConnected = "connection lost: " + reason(cause);
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message) {
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken token) {
                    }
                });
            }
            client.connect(options).waitForCompletion((CONNECT_TIMEOUT_S + 1) * 1000L);
            announceOnline();
        } catch (MqttException e) {
            notConnected = "cannot connect: " + reason(e);
        }
    }

    private void announceOnline() {
        try {
            if (client != null && client.isConnected()) {
                client.publish(statusTopic, "online".getBytes(StandardCharsets.UTF_8), 1, true);
            }
        } catch (MqttException e) {
            drops.dropped(statusTopic, "publish failed: " + reason(e));
        }
    }

    /**
     * Sends what is queued (at most {@code drain}), then a retained {@code offline} and a clean
     * disconnect, so the status says the bench stopped on purpose.
     */
    public void close(Duration drain) {
        submit(() -> {
            if (client != null && client.isConnected()) {
                try {
                    client.publish(statusTopic, "offline".getBytes(StandardCharsets.UTF_8), 1, true)
                            .waitForCompletion(2000);
                    client.disconnect(1000).waitForCompletion(2000);
                } catch (MqttException e) {
                    // the will says offline if the goodbye did not get through
                }
            }
        }, null);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (client != null) {
            try {
                client.close(true);
            } catch (MqttException e) {
                // going away anyway
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() != null ? root.getMessage() : e.getMessage();
        return m != null ? m : root.getClass().getSimpleName();
    }
}
