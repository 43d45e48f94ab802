package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.requiredText;
import static dev.starbench.config.InvalidField.requiredUri;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Path;

/**
 * The lab's MQTT broker that the bench reports its live state to (fixture {@code lab-broker:}):
 * {@code starbench/<bench-id>/status} and the run events. TLS only: the events name devices and
 * findings, and a lab network is shared.
 *
 * @param caCert       the CA (PEM) trusted for the broker; null: the JVM's trust store
 * @param clientCert   the bench's certificate chain (PEM) for a broker that asks for one, with
 *                     {@code clientKey} (PKCS#8 or EC/RSA PEM); both or neither
 * @param user         the MQTT user name, or null
 * @param passwordFile a file holding the user's password (first line), never the password itself,
 *                     so it stays out of the fixture and the run's manifest
 */
public record LabBroker(String host, int port, Path caCert, Path clientCert, Path clientKey, String user,
                        Path passwordFile) {

    public LabBroker {
        requiredText(host, "url");
        check(port >= 1 && port <= 65535, "the URL's port must be between 1 and 65535, got " + port, "url");
        check((clientCert == null) == (clientKey == null), "client-cert and client-key go together",
                clientCert == null ? "client-cert" : "client-key");
        check(user == null || !user.isBlank(), "must not be blank", "user");
        check(passwordFile == null || user != null, "a password needs a user", "password-file");
    }

    @JsonCreator
    static LabBroker fromYaml(@JacksonInject("base-dir") Path baseDir, @JsonProperty("url") String url,
                              @JsonProperty("ca-cert") String caCert, @JsonProperty("client-cert") String clientCert,
                              @JsonProperty("client-key") String clientKey, @JsonProperty("user") String user,
                              @JsonProperty("password-file") String passwordFile) {
        URI uri = requiredUri(url, "url");
        check(("ssl".equals(uri.getScheme()) || "mqtts".equals(uri.getScheme())) && uri.getHost() != null
                        && uri.getPort() > 0 && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                        && uri.getRawQuery() == null && uri.getRawUserInfo() == null,
                "expected ssl://HOST:PORT or mqtts://HOST:PORT (the lab broker is reached over TLS only), got '"
                        + url + "'", "url");
        return new LabBroker(uri.getHost(), uri.getPort(), file(baseDir, caCert, "ca-cert"),
                file(baseDir, clientCert, "client-cert"), file(baseDir, clientKey, "client-key"), user,
                file(baseDir, passwordFile, "password-file"));
    }

    private static Path file(Path baseDir, String text, String field) {
        return text == null ? null : Paths.file(baseDir, requiredText(text, field), field);
    }

    public String url() {
        return "ssl://" + host + ":" + port;
    }
}
