package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;
import static dev.starbench.config.InvalidField.requiredUri;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The profile's {@code network:} section: where the DUT is, what it declares it listens on, where
 * it connects to (its cloud, which the bench plays) and what its maker claims. Every part is
 * optional; a check whose part is missing is NOT_APPLICABLE.
 *
 * @param address          the DUT's IP address or host name, for the service scan
 * @param scanPorts        the TCP ports to scan (default all)
 * @param udpPorts         the UDP ports to probe (default {@link #DEFAULT_UDP_PORTS}); empty: none
 * @param settleMs         how long after power-on the DUT may take to start all its services; null when the
 *                         profile does not say (the declared services answering is then the signal)
 * @param services         what the maker declares the DUT listens on
 * @param cloud            null when the DUT talks to no cloud the bench can play
 * @param broker           null unless the DUT runs an MQTT broker of its own
 * @param replayProtection the maker claims commands cannot be replayed; null when it does not say
 */
public record Network(String address, PortRange scanPorts, List<Integer> udpPorts, Long settleMs, List<Service> services,
                      Cloud cloud, LocalBroker broker, Boolean replayProtection) {
    /** The usual IoT UDP services: TFTP, SNMP, SSDP, mDNS, CoAP. */
    public static final List<Integer> DEFAULT_UDP_PORTS = List.of(69, 161, 1900, 5353, 5683);
    /** An hour: a settle time beyond it is a typo, not a device. */
    static final long MAX_SETTLE_MS = 3_600_000;

    public Network {
        scanPorts = scanPorts == null ? PortRange.ALL : scanPorts;
        udpPorts = udpPorts == null ? DEFAULT_UDP_PORTS : InvalidField.list(udpPorts, "udp-ports");
        for (int i = 0; i < udpPorts.size(); i++) {
            int port = udpPorts.get(i);
            check(port >= 1 && port <= 65535, "must be a port between 1 and 65535, got " + port, "udp-ports", i);
            check(udpPorts.indexOf(port) == i, "port " + port + " is listed twice", "udp-ports", i);
        }
        if (settleMs != null) {
            check(settleMs >= 0 && settleMs <= MAX_SETTLE_MS, "must be between 0 and " + MAX_SETTLE_MS + " ms, got " + settleMs,
                    "settle-ms");
        }
        services = InvalidField.list(services, "services");
    }

    @JsonCreator
    static Network fromYaml(@JsonProperty("address") String address, @JsonProperty("scan-ports") String scanPorts,
                            @JsonProperty("udp-ports") List<Integer> udpPorts, @JsonProperty("settle-ms") Long settleMs,
                            @JsonProperty("services") List<Service> services, @JsonProperty("cloud") Cloud cloud,
                            @JsonProperty("broker") LocalBroker broker,
                            @JsonProperty("replay-protection") Boolean replayProtection) {
        if (address != null) {
            requiredText(address, "address");
        }
        return new Network(address, scanPorts == null ? null : PortRange.parse(scanPorts, "scan-ports"), udpPorts, settleMs,
                services, cloud, broker, replayProtection);
    }

    /** Whether the maker declares a service on this TCP port. */
    public boolean declares(int port) {
        return declares("tcp", port);
    }

    /** @param protocol tcp or udp */
    public boolean declares(String protocol, int port) {
        return services.stream().anyMatch(s -> s.port() == port && s.protocol().equals(protocol));
    }

    public record PortRange(int from, int to) {
        static final PortRange ALL = new PortRange(1, 65535);
        private static final Pattern RANGE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");

        public PortRange {
            check(from >= 1 && to <= 65535 && from <= to, "must be a port range within 1-65535, got " + from + "-" + to,
                    "scan-ports");
        }

        static PortRange parse(String text, String field) {
            Matcher m = RANGE.matcher(text.trim());
            check(m.matches(), "expected PORT or FROM-TO (e.g. 1-1024), got '" + text + "'", field);
            int from = Integer.parseInt(m.group(1));
            return new PortRange(from, m.group(2) == null ? from : Integer.parseInt(m.group(2)));
        }

        public int size() {
            return to - from + 1;
        }

        @Override
        public String toString() {
            return from + "-" + to;
        }
    }

    /** @param protocol tcp (the default) or udp */
    public record Service(int port, String name, String protocol) {
        static final List<String> PROTOCOLS = List.of("tcp", "udp");

        public Service {
            check(port >= 1 && port <= 65535, "must be a port between 1 and 65535, got " + port, "port");
            requiredText(name, "name");
            check(PROTOCOLS.contains(protocol), "unknown value '" + protocol + "' (allowed: tcp, udp)", "protocol");
        }

        @JsonCreator
        static Service fromYaml(@JsonProperty("port") Integer port, @JsonProperty("name") String name,
                                @JsonProperty("protocol") String protocol) {
            return new Service(required(port, "port"), name, protocol == null ? "tcp" : protocol);
        }

        @Override
        public String toString() {
            return port + (protocol.equals("tcp") ? "" : "/" + protocol) + " (" + name + ")";
        }
    }

    /**
     * Where the DUT connects, and the lab CA it trusts (which the bench uses for its good certificate).
     *
     * @param host           as the DUT resolves it; its certificate must name it
     * @param tls            the URL's scheme is ssl or mqtts
     * @param fallbackPort   the plaintext port the bench watches for a fall-back (default 1883)
     * @param caCert         the lab CA certificate the DUT trusts (PEM); null when none is known
     * @param caKey          its private key (PEM), so the bench can issue the good certificate
     * @param commandTopic   where the cloud sends the DUT signed commands; null when it does not
     * @param statusTopic    where the DUT reports what it did with a command
     * @param attemptTimeoutMs how long the DUT may take to (re)connect to the cloud
     * @param deviceIdentity how the maker says its units prove who they are; null when it does not say
     */
    public record Cloud(String host, int port, boolean tls, int fallbackPort, Path caCert, Path caKey,
                        String commandTopic, String statusTopic, long attemptTimeoutMs, DeviceIdentity deviceIdentity) {
        public Cloud {
            requiredText(host, "url");
            check(port >= 1 && port <= 65535, "the URL's port must be between 1 and 65535, got " + port, "url");
            check(fallbackPort >= 1 && fallbackPort <= 65535, "must be a port between 1 and 65535", "fallback-port");
            check((caCert == null) == (caKey == null), "ca-cert and ca-key go together", caCert == null ? "ca-cert" : "ca-key");
            check((commandTopic == null) == (statusTopic == null), "command-topic and status-topic go together",
                    commandTopic == null ? "command-topic" : "status-topic");
            if (commandTopic != null) {
                InvalidField.mqttTopicName(commandTopic, "command-topic");
                InvalidField.mqttTopicName(statusTopic, "status-topic");
            }
            positive(attemptTimeoutMs, "attempt-timeout-ms");
        }

        @JsonCreator
        static Cloud fromYaml(@JacksonInject("base-dir") Path baseDir, @JsonProperty("url") String url,
                              @JsonProperty("fallback-port") Integer fallbackPort,
                              @JsonProperty("ca-cert") String caCert, @JsonProperty("ca-key") String caKey,
                              @JsonProperty("command-topic") String commandTopic,
                              @JsonProperty("status-topic") String statusTopic,
                              @JsonProperty("attempt-timeout-ms") Long attemptTimeoutMs,
                              @JsonProperty("device-identity") DeviceIdentity deviceIdentity) {
            URI uri = requiredUri(url, "url");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme();
            check(List.of("ssl", "mqtts", "tcp", "mqtt").contains(scheme),
                    "scheme must be ssl, mqtts, tcp or mqtt, got '" + url + "'", "url");
            boolean tls = scheme.equals("ssl") || scheme.equals("mqtts");
            check(uri.getHost() != null, "needs a host, e.g. ssl://broker.lab:8883", "url");
            int port = uri.getPort() > 0 ? uri.getPort() : tls ? 8883 : 1883;
            return new Cloud(uri.getHost(), port, tls, fallbackPort == null ? 1883 : fallbackPort,
                    caCert == null ? null : Paths.file(baseDir, caCert, "ca-cert"),
                    caKey == null ? null : Paths.file(baseDir, caKey, "ca-key"), commandTopic, statusTopic,
                    attemptTimeoutMs == null ? 30_000 : attemptTimeoutMs, deviceIdentity);
        }

        public String url() {
            return (tls ? "ssl://" : "tcp://") + host + ":" + port;
        }
    }

    /** The DUT's own MQTT broker. */
    /** @param tls the broker speaks MQTT over TLS on that port (default port 8883 then, else 1883) */
    public record LocalBroker(int port, boolean tls) {
        public LocalBroker {
            check(port >= 1 && port <= 65535, "must be a port between 1 and 65535, got " + port, "port");
        }

        @JsonCreator
        static LocalBroker fromYaml(@JsonProperty("port") Integer port, @JsonProperty("tls") Boolean tls) {
            boolean overTls = Boolean.TRUE.equals(tls);
            return new LocalBroker(port == null ? overTls ? 8883 : 1883 : port, overTls);
        }

        /** How an MQTT client names this broker at {@code address}. */
        public String url(String address) {
            return (tls ? "ssl://" : "tcp://") + address + ":" + port;
        }
    }
}
