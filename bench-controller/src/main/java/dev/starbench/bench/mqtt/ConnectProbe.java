package dev.starbench.bench.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;

/**
 * One MQTT 3.1.1 CONNECT and the broker's CONNACK, encoded and decoded by Netty's MQTT codec, on a
 * socket of its own. Trying a list of credentials this way takes milliseconds each; Paho's client
 * takes about 0.6 s to give up after a refusal.
 */
public final class ConnectProbe {
    private ConnectProbe() {
    }

    /** @param tls null for plain MQTT; {@code user} null for an anonymous CONNECT */
    public static MqttConnectReturnCode connect(String host, int port, SSLSocketFactory tls, String clientId,
                                                String user, String password, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            Socket s = tls == null ? socket : tls.createSocket(socket, host, port, false);
            MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect()
                    .protocolVersion(MqttVersion.MQTT_3_1_1).clientId(clientId).cleanSession(true).keepAlive(10);
            if (user != null) {
                connect.hasUser(true).username(user).hasPassword(password != null)
                        .password(password == null ? null : password.getBytes(StandardCharsets.UTF_8));
            }
            OutputStream out = s.getOutputStream();
            write(out, connect.build());
            MqttConnectReturnCode code = readConnAck(s.getInputStream());
            if (code == MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                write(out, new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0)));
            }
            return code;
        }
    }

    /** An anonymous MQTT 3.1.1 CONNECT as bytes, for a probe that reads the answer itself. */
    public static byte[] anonymousConnect(String clientId) {
        return encode(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId(clientId)
                .cleanSession(true).keepAlive(10).build());
    }

    /** The return code of the CONNACK these bytes start with; null when they start with no CONNACK. */
    public static MqttConnectReturnCode connAck(byte[] bytes) {
        EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder());
        try {
            decoder.writeInbound(Unpooled.copiedBuffer(bytes));
            return decoder.readInbound() instanceof MqttConnAckMessage ack && ack.decoderResult().isSuccess()
                    ? ack.variableHeader().connectReturnCode() : null;
        } catch (RuntimeException notMqtt) {
            return null;
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

    private static void write(OutputStream out, MqttMessage message) throws IOException {
        out.write(encode(message));
        out.flush();
    }

    private static byte[] encode(MqttMessage message) {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        try {
            encoder.writeOutbound(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
                try {
                    byte[] bytes = new byte[b.readableBytes()];
                    b.readBytes(bytes);
                    out.writeBytes(bytes);
                } finally {
                    b.release();
                }
            }
            return out.toByteArray();
        } finally {
            encoder.finishAndReleaseAll();
        }
    }

    private static MqttConnectReturnCode readConnAck(InputStream in) throws IOException {
        EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder());
        byte[] buf = new byte[256];
        try {
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    throw new IOException("no CONNACK within the timeout", e);
                }
                if (n < 0) {
                    throw new IOException("the broker closed the connection without a CONNACK");
                }
                decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
                Object msg = decoder.readInbound();
                if (msg instanceof MqttConnAckMessage ack) {
                    return ack.variableHeader().connectReturnCode();
                }
                if (msg instanceof MqttMessage m) {
                    throw new IOException(m.decoderResult().isFailure() ? "not MQTT: " + m.decoderResult().cause().getMessage()
                            : "the broker answered the CONNECT with " + m.fixedHeader().messageType());
                }
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
    }
}
