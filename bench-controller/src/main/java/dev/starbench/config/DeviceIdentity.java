package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;

/**
 * How the maker declares its units prove who they are to their cloud ({@code network.cloud.device-identity},
 * read by comms.device-identity): the CA that issues each unit's certificate, whether units carry
 * self-signed certificates instead (which the cloud then pins one by one), the key types allowed, and
 * whether a unit without a certificate authenticates with a token of its own.
 *
 * @param caCert      the CA under which every unit's certificate is issued (PEM); null when the maker names none
 * @param selfSigned  units carry self-signed certificates by design
 * @param curves      the elliptic curves (and EdDSA groups) the maker allows for unit keys; RSA needs 2048 bits
 * @param perUnitToken a unit without a client certificate sends, as its MQTT password, a token no other unit has
 */
public record DeviceIdentity(Path caCert, boolean selfSigned, List<String> curves, boolean perUnitToken) {
    /** What the bench can name, as the check reads a certificate's key (SEC 2 / RFC 8410 names). */
    public static final List<String> KNOWN_CURVES = List.of("P-256", "P-384", "P-521", "Ed25519", "Ed448", "secp256k1",
            "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1");
    public static final List<String> DEFAULT_CURVES = List.of("P-256", "P-384", "Ed25519");

    public DeviceIdentity {
        curves = curves == null ? DEFAULT_CURVES : InvalidField.texts(curves, "curves");
        for (int i = 0; i < curves.size(); i++) {
            check(KNOWN_CURVES.contains(curves.get(i)), "unknown curve '" + curves.get(i) + "' (known: "
                    + String.join(", ", KNOWN_CURVES) + ")", "curves", i);
        }
        check(!curves.isEmpty(), "must name at least one curve (RSA keys need none)", "curves");
    }

    @JsonCreator
    static DeviceIdentity fromYaml(@JacksonInject("base-dir") Path baseDir, @JsonProperty("ca-cert") String caCert,
                                   @JsonProperty("self-signed") Boolean selfSigned,
                                   @JsonProperty("curves") List<String> curves,
                                   @JsonProperty("per-unit-token") Boolean perUnitToken) {
        return new DeviceIdentity(caCert == null ? null : Paths.file(baseDir, caCert, "ca-cert"),
                Boolean.TRUE.equals(selfSigned), curves, Boolean.TRUE.equals(perUnitToken));
    }
}
