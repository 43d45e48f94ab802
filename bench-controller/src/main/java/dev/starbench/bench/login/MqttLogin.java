package dev.starbench.bench.login;

import dev.starbench.bench.mqtt.ConnectProbe;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/** MQTT logins: one CONNECT and its CONNACK per attempt ({@link ConnectProbe}, Netty's MQTT codec). */
public final class MqttLogin implements LoginClient {
    private final String host;
    private final int port;
    private final SSLSocketFactory tls;
    private final Duration timeout;
    private final Supplier<String> clientIds;

    /**
     * @param tls       null for plain MQTT
     * @param clientIds a client id per attempt (from the check's seed)
     */
    public MqttLogin(String host, int port, SSLSocketFactory tls, Duration timeout, Supplier<String> clientIds) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.timeout = timeout;
        this.clientIds = clientIds;
    }

    @Override
    public String label() {
        return "mqtt:" + port;
    }

    @Override
    public Answer attempt(String user, String password) {
        long start = System.nanoTime();
        try {
            MqttConnectReturnCode code = ConnectProbe.connect(host, port, tls, clientIds.get(), user, password, timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Outcome o = switch (code) {
                case CONNECTION_ACCEPTED -> Outcome.ACCEPTED;
                case CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, CONNECTION_REFUSED_NOT_AUTHORIZED -> Outcome.REFUSED;
                // A broker that refuses service while it still answers: what a throttled or locked broker says.
                case CONNECTION_REFUSED_SERVER_UNAVAILABLE -> Outcome.LOCKED_OUT;
                default -> Outcome.NO_ANSWER;
            };
            return new Answer(o, took, "CONNACK " + code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        } catch (IOException e) {
            return new Answer(Outcome.NO_ANSWER, Duration.ofNanos(System.nanoTime() - start),
                    AnswerText.of(String.valueOf(e.getMessage())));
        }
    }
}
