package dev.starbench.vdut.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The simulation's {@code ota} object: how offers reach the update agent (its HTTP port, or topics on
 * its cloud connection), the key it trusts, how long an install takes, and its factory image.
 *
 * @param transport  {@value #HTTP} (POST /update on {@code httpPort}) or {@value #MQTT} (offers on the cloud connection)
 * @param trustedKey PEM of the public key images are verified against
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OtaSettings(
        @JsonProperty("transport") String transport,
        @JsonProperty("http-port") Integer httpPort,
        @JsonProperty("offer-topic") String offerTopic,
        @JsonProperty("status-topic") String statusTopic,
        @JsonProperty("trusted-key") String trustedKey,
        @JsonProperty("install-ms") Long installMs,
        @JsonProperty("factory-version") String factoryVersion,
        @JsonProperty("factory-security-counter") Long factorySecurityCounter,
        @JsonProperty("device-type-tlv") Integer deviceTypeTlv,
        @JsonProperty("device-type") String deviceType) {

    public static final String HTTP = "http";
    public static final String MQTT = "mqtt";
    public static final String DEFAULT_OFFER_TOPIC = "ota/offer";
    public static final String DEFAULT_STATUS_TOPIC = "ota/status";
    public static final long DEFAULT_INSTALL_MS = 1000;
    public static final String DEFAULT_FACTORY_VERSION = "1.4.2";

    public OtaSettings {
        transport = transport == null ? HTTP : transport;
        offerTopic = offerTopic == null ? DEFAULT_OFFER_TOPIC : offerTopic;
        statusTopic = statusTopic == null ? DEFAULT_STATUS_TOPIC : statusTopic;
        installMs = installMs == null ? DEFAULT_INSTALL_MS : installMs;
        factoryVersion = factoryVersion == null ? DEFAULT_FACTORY_VERSION : factoryVersion;
        factorySecurityCounter = factorySecurityCounter == null ? 0 : factorySecurityCounter;
    }

    public boolean overMqtt() {
        return MQTT.equals(transport);
    }
}
