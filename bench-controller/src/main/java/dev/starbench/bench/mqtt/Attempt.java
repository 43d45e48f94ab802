package dev.starbench.bench.mqtt;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * One connection the DUT made to the bench-as-cloud: the TCP connect, the TLS handshake (null fields
 * on a plaintext listener), and the MQTT CONNECT if one arrived.
 *
 * @param listener  what the bench offered on that port, e.g. {@code tls(self-signed)} or {@code plaintext}
 * @param tls       false on a plaintext listener
 * @param handshake "ok", the failure with the alert, or null on a plaintext listener
 * @param connect   null when no CONNECT arrived
 * @param clientChain the certificates the DUT presented in the handshake, its own first; empty when none
 */
public record Attempt(Instant at, String listener, String remote, boolean tls, String handshake, String version,
                      String suite, MqttConnect connect, String note, List<X509Certificate> clientChain) {
    public Attempt {
        clientChain = clientChain == null ? List.of() : List.copyOf(clientChain);
    }

    public Attempt(Instant at, String listener, String remote, boolean tls, String handshake, String version,
                   String suite, MqttConnect connect, String note) {
        this(at, listener, remote, tls, handshake, version, suite, connect, note, List.of());
    }

    public boolean handshakeOk() {
        return "ok".equals(handshake);
    }

    public String describe() {
        StringBuilder s = new StringBuilder("TCP connect from " + remote + " to " + listener);
        if (tls) {
            s.append(handshakeOk() ? "; TLS handshake ok, " + version + " " + suite : "; TLS handshake failed: " + handshake);
        }
        if (!clientChain.isEmpty()) {
            s.append("; client certificate ").append(clientChain.get(0).getSubjectX500Principal().getName());
        }
        s.append(connect == null ? "; no MQTT CONNECT" : "; MQTT CONNECT " + connect.describe());
        if (note != null) {
            s.append(" (").append(note).append(')');
        }
        return s.toString();
    }
}
