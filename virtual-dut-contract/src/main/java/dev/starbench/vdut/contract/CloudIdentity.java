package dev.starbench.vdut.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The unit's own identity towards its cloud, provisioned by the bench as a factory would: a certificate
 * chain (leaf first) and its private key, both PEM. The device presents it as its TLS client certificate.
 *
 * @param cert PEM certificates, the unit's own first
 * @param key  its private key, PKCS#8 PEM
 */
public record CloudIdentity(@JsonProperty(value = "cert", required = true) String cert,
                            @JsonProperty(value = "key", required = true) String key) {
    // Records print every component; a private key must never reach a log.
    @Override
    public String toString() {
        return "CloudIdentity[cert=" + (cert == null ? 0 : cert.length()) + " chars, key=***]";
    }
}
