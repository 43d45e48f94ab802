package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.PermitAllAuthorizatorPolicy;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import io.moquette.interception.messages.InterceptConnectionLostMessage;
import io.moquette.interception.messages.InterceptDisconnectMessage;
import io.moquette.interception.messages.InterceptSubscribeMessage;
import io.moquette.interception.messages.InterceptUnsubscribeMessage;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;

/**
 * The bench's embedded MQTT broker (Moquette), on a loopback port: the cloud the DUT talks to, and
 * the broker the update path publishes through. Observers see every CONNECT (password redacted) and
 * every PUBLISH; the bench publishes as the broker itself, so it needs no client credentials.
 */
public final class Broker implements Upstream {
    /** A message some client published. */
    public record Message(String topic, byte[] payload, String clientId) {
    }

    /**
     * @param users  null: anonymous clients allowed; else the only user/password pairs accepted
     * @param tls    null for plain MQTT; else the broker also listens for MQTT over TLS with these keys
     */
    public record Options(String host, int port, Map<String, String> users, KeyManagerFactory tls, int tlsPort) {
        public static Options loopback() {
            return new Options("127.0.0.1", 0, null, null, 0);
        }

        @Override
        public String toString() {
            return "Options[host=" + host + ", port=" + port + ", users=" + (users == null ? "anonymous" : users.keySet())
                    + ", tls=" + (tls != null) + "]";
        }
    }

    private final Server server = new Server();
    private final Path dataDir;
    private final int port;
    private final int tlsPort;
    private final List<MqttConnect> connects = new CopyOnWriteArrayList<>();
    private final BlockingQueue<MqttConnect> newConnects = new LinkedBlockingQueue<>();
    private record Subscriber(String filter, BlockingQueue<Message> queue) {
    }

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    /** What each connected client subscribed to (clean sessions: forgotten when it goes). */
    private final Map<String, java.util.Set<String>> subscriptions = new java.util.HashMap<>();
    /** The number of each connected client's current session; absent while the client is not connected. */
    private final Map<String, Long> sessions = new java.util.HashMap<>();
    private long sessionCount;

    private Broker(Options options) throws BenchIoException {
        try {
            dataDir = Files.createTempDirectory("starbench-broker");
            // Moquette reports the configured port, not the bound one: choose a free one first.
            port = options.port() == 0 ? freePort(options.host()) : options.port();
            tlsPort = options.tls() == null ? 0 : options.tlsPort() == 0 ? freePort(options.host()) : options.tlsPort();
            Properties p = new Properties();
            p.setProperty("host", options.host());
            p.setProperty("port", Integer.toString(port));
            p.setProperty("websocket_port", "disabled");
            p.setProperty("persistence_enabled", "false");
            p.setProperty("data_path", dataDir.toString());
            p.setProperty("telemetry_enabled", "false");
            p.setProperty("use_bugsnag", "false");
            p.setProperty("allow_anonymous", Boolean.toString(options.users() == null));
            p.setProperty("allow_zero_byte_client_id", "true");
            if (options.tls() != null) {
                p.setProperty("ssl_port", Integer.toString(tlsPort));
            }
            Map<String, String> users = options.users();
            IAuthenticator auth = users == null ? (client, user, password) -> true
                    : (client, user, password) -> user != null && password != null
                    && new String(password, java.nio.charset.StandardCharsets.UTF_8).equals(users.get(user));
            server.startServer(new MemoryConfig(p), List.of(new Observer()),
                    options.tls() == null ? null : () -> {
                        try {
                            return SslContextBuilder.forServer(options.tls()).build();
                        } catch (IOException e) {
                            throw new IllegalStateException("cannot build the broker's TLS context", e);
                        }
                    }, auth, new PermitAllAuthorizatorPolicy());
        } catch (IOException | RuntimeException e) {
            throw new BenchIoException("cannot start the embedded MQTT broker (" + options + "): " + e.getMessage(), e);
        }
    }

    public static Broker start(Options options) throws BenchIoException {
        return new Broker(options);
    }

    public int port() {
        return port;
    }

    @Override
    public Socket open() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public String describe() {
        return "the embedded broker on 127.0.0.1:" + port;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** Every CONNECT the broker accepted, oldest first. */
    public List<MqttConnect> connects() {
        return List.copyOf(connects);
    }

    /** The next CONNECT after the ones already taken, or null after the timeout. */
    public MqttConnect awaitConnect(Duration timeout) throws InterruptedException {
        return newConnects.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** From now on, every message published on a topic matching the filter ({@code +}/{@code #} wildcards). */
    @Override
    public BlockingQueue<Message> subscribe(String topicFilter) {
        BlockingQueue<Message> q = new LinkedBlockingQueue<>();
        subscribers.add(new Subscriber(topicFilter, q));
        return q;
    }

    /**
     * The first connected client that has subscribed to a filter matching {@code topic}, waiting up
     * to the timeout for one; null if none did. A message published to the topic after this returns
     * reaches that client (Moquette records the subscription before it reports it).
     */
    public String awaitSubscriber(String topic, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (subscriptions) {
            while (true) {
                for (var e : subscriptions.entrySet()) {
                    if (e.getValue().stream().anyMatch(f -> matches(f, topic))) {
                        return e.getKey();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(subscriptions, left);
            }
        }
    }

    /**
     * A number for the client's current connection, or -1 while it is not connected: a changed number
     * means the connection a message went out on is gone.
     */
    public long session(String client) {
        synchronized (subscriptions) {
            return sessions.getOrDefault(client, -1L);
        }
    }

    private void connected(String client, boolean up) {
        synchronized (subscriptions) {
            subscriptions.remove(client);
            if (up) {
                sessions.put(client, ++sessionCount);
            } else {
                sessions.remove(client);
            }
            subscriptions.notifyAll();
        }
    }

    private void subscribed(String client, String filter, boolean add) {
        synchronized (subscriptions) {
            if (add) {
                subscriptions.computeIfAbsent(client, c -> new java.util.HashSet<>()).add(filter);
            } else if (subscriptions.containsKey(client)) {
                subscriptions.get(client).remove(filter);
            }
            subscriptions.notifyAll();
        }
    }

    /** Publishes as the broker itself (QoS 1), to every client subscribed to the topic. */
    @Override
    public void publish(String topic, byte[] payload) {
        MqttPublishMessage msg = new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                new MqttPublishVariableHeader(topic, 0), Unpooled.copiedBuffer(payload));
        server.internalPublish(msg, "starbench");
    }

    @Override
    public void close() {
        server.stopServer();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        }
    }

    private final class Observer extends AbstractInterceptHandler {
        @Override
        public String getID() {
            return "starbench-observer";
        }

        @Override
        public void onConnect(InterceptConnectMessage msg) {
            MqttConnect c = new MqttConnect(msg.getClientID(), msg.getUsername(), msg.isPasswordFlag());
            connects.add(c);
            newConnects.add(c);
            // A clean session starts without subscriptions, also when it takes over a client id.
            connected(msg.getClientID(), true);
        }

        @Override
        public void onSubscribe(InterceptSubscribeMessage msg) {
            subscribed(msg.getClientID(), msg.getTopicFilter(), true);
        }

        @Override
        public void onUnsubscribe(InterceptUnsubscribeMessage msg) {
            subscribed(msg.getClientID(), msg.getTopicFilter(), false);
        }

        @Override
        public void onDisconnect(InterceptDisconnectMessage msg) {
            connected(msg.getClientID(), false);
        }

        @Override
        public void onConnectionLost(InterceptConnectionLostMessage msg) {
            connected(msg.getClientID(), false);
        }

        @Override
        public void onPublish(InterceptPublishMessage msg) {
            try {
                byte[] payload = ByteBufUtil.getBytes(msg.getPayload());
                for (Subscriber s : subscribers) {
                    if (matches(s.filter(), msg.getTopicName())) {
                        s.queue().add(new Message(msg.getTopicName(), payload, msg.getClientID()));
                    }
                }
            } finally {
                // Moquette hands interceptors a retained payload; whoever takes it releases it.
                msg.getPayload().release();
            }
        }

        @Override
        public void onSessionLoopError(Throwable error) {
            // the session loop logs it; nothing for the bench to decide here
        }
    }
}
