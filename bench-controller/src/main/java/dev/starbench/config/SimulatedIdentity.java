package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * The virtual unit's cloud identity ({@code simulation.identity}): which unit it is, and the key of the
 * device CA that provisions it (its certificate is the maker's declared {@code network.cloud.device-identity.ca-cert}).
 * The bench provisions the unit as a factory would (bench/virtual/VirtualIdentity): a key of its own,
 * kept in {@code units/} beside the CA key, and a certificate made per run.
 *
 * @param unitId names the unit: its key file and its certificate's subject
 * @param caKey  the device CA's private key (PEM); made with its certificate on first use when neither exists
 */
public record SimulatedIdentity(String unitId, Path caKey) {
    public SimulatedIdentity {
        requiredText(unitId, "unit-id");
        // It names a file and goes into a certificate's subject.
        check(unitId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
                "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, got '" + unitId + "'",
                "unit-id");
        InvalidField.required(caKey, "ca-key");
    }

    @JsonCreator
    static SimulatedIdentity fromYaml(@JacksonInject("base-dir") Path baseDir, @JsonProperty("unit-id") String unitId,
                                      @JsonProperty("ca-key") String caKey) {
        return new SimulatedIdentity(unitId, Paths.file(baseDir, requiredText(caKey, "ca-key"), "ca-key"));
    }
}
