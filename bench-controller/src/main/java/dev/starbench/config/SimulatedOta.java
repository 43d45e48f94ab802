package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.notNegative;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.starbench.vdut.contract.OtaSettings;
import java.nio.file.Path;

/**
 * The virtual DUT's OTA agent ({@code simulation.ota}): how offers reach it (its own HTTP endpoint, or
 * its cloud connection over MQTT), which key it trusts, how long an install takes, and the factory
 * firmware it starts with.
 *
 * @param httpPort   transport http: the agent's port; null for transport mqtt
 * @param trustedKey absolute path of the PEM public key the device verifies images against
 * @param transport  http (POST /update) or mqtt (offers on {@code offerTopic}, reports on {@code statusTopic})
 */
public record SimulatedOta(Integer httpPort, Path trustedKey, long installMs, String factoryVersion,
                           long factorySecurityCounter, DeviceTypeTlv deviceType, String transport,
                           String offerTopic, String statusTopic) {
    public SimulatedOta {
        transport = transport == null ? OtaSettings.HTTP : transport;
        check(transport.equals(OtaSettings.HTTP) || transport.equals(OtaSettings.MQTT),
                "unknown value '" + transport + "' (allowed: http, mqtt)", "transport");
        if (transport.equals(OtaSettings.HTTP)) {
            required(httpPort, "http-port");
            check(httpPort > 0 && httpPort < 65536, "must be a TCP port 1..65535, got " + httpPort, "http-port");
            check(offerTopic == null, "only for transport mqtt", "offer-topic");
            check(statusTopic == null, "only for transport mqtt", "status-topic");
        } else {
            check(httpPort == null, "only for transport http", "http-port");
            offerTopic = InvalidField.mqttTopicName(offerTopic == null ? Firmware.Update.DEFAULT_OFFER_TOPIC : offerTopic,
                    "offer-topic");
            statusTopic = InvalidField.mqttTopicName(statusTopic == null ? Firmware.Update.DEFAULT_STATUS_TOPIC : statusTopic,
                    "status-topic");
        }
        required(trustedKey, "trusted-key");
        // The virtual DUT's own limits (vdut/OtaSettings), so a profile it would refuse fails here first.
        check(installMs >= 0 && installMs <= 600_000, "must be 0..600000, got " + installMs, "install-ms");
        Firmware.mcubootVersion(requiredText(factoryVersion, "factory-version"), "factory-version");
        notNegative(factorySecurityCounter, "factory-security-counter");
    }

    @JsonCreator
    static SimulatedOta fromYaml(@JacksonInject("base-dir") Path baseDir,
                                 @JsonProperty("http-port") Integer httpPort,
                                 @JsonProperty("trusted-key") String trustedKey,
                                 @JsonProperty("install-ms") Long installMs,
                                 @JsonProperty("factory-version") String factoryVersion,
                                 @JsonProperty("factory-security-counter") Long factorySecurityCounter,
                                 @JsonProperty("device-type") DeviceTypeTlv deviceType,
                                 @JsonProperty("transport") String transport,
                                 @JsonProperty("offer-topic") String offerTopic,
                                 @JsonProperty("status-topic") String statusTopic) {
        return new SimulatedOta(httpPort,
                Paths.file(baseDir, requiredText(trustedKey, "trusted-key"), "trusted-key"),
                installMs == null ? OtaSettings.DEFAULT_INSTALL_MS : installMs,
                factoryVersion == null ? OtaSettings.DEFAULT_FACTORY_VERSION : factoryVersion,
                factorySecurityCounter == null ? 0 : factorySecurityCounter, deviceType, transport, offerTopic, statusTopic);
    }

    public boolean overMqtt() {
        return transport.equals(OtaSettings.MQTT);
    }

    public record DeviceTypeTlv(int tlv, String value) {
        public DeviceTypeTlv {
            InvalidField.vendorTlv(tlv, "tlv");
            requiredText(value, "value");
        }

        @JsonCreator
        static DeviceTypeTlv fromYaml(@JsonProperty("tlv") Integer tlv, @JsonProperty("value") String value) {
            return new DeviceTypeTlv(required(tlv, "tlv"), value);
        }
    }

    OtaSettings settings() {
        return new OtaSettings(transport, overMqtt() ? null : httpPort, overMqtt() ? offerTopic : null,
                overMqtt() ? statusTopic : null, DeviceProfile.readPem(trustedKey, "simulation.ota.trusted-key"), installMs,
                factoryVersion, factorySecurityCounter, deviceType == null ? null : deviceType.tlv(),
                deviceType == null ? null : deviceType.value());
    }
}
