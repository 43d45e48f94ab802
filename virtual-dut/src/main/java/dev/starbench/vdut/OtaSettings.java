package dev.starbench.vdut;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The simulation's {@code ota} object: how offers reach the update agent (its HTTP port, or topics on
 * its cloud connection), its trusted key, install time and factory image.
 */
record OtaSettings(
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

    OtaSettings {
        transport = transport == null ? "http" : transport;
        offerTopic = offerTopic == null ? "ota/offer" : offerTopic;
        statusTopic = statusTopic == null ? "ota/status" : statusTopic;
        installMs = installMs == null ? 1000 : installMs;
        factoryVersion = factoryVersion == null ? "1.4.2" : factoryVersion;
        factorySecurityCounter = factorySecurityCounter == null ? 0 : factorySecurityCounter;
    }

    /** What is wrong with the settings, or null. */
    boolean overMqtt() {
        return transport.equals("mqtt");
    }

    String problem() {
        if (!transport.equals("http") && !overMqtt()) {
            return "transport must be http or mqtt, was " + transport;
        }
        if (!overMqtt() && (httpPort == null || httpPort <= 0 || httpPort > 65535)) {
            return "http-port must be 1..65535";
        }
        if (overMqtt() && (offerTopic.isEmpty() || statusTopic.isEmpty() || (offerTopic + statusTopic).matches(".*[+#].*"))) {
            return "offer-topic and status-topic must be topic names (not empty, no + or #)";
        }
        if (trustedKey == null || !trustedKey.contains("PUBLIC KEY")) {
            return "trusted-key must be a PEM public key";
        }
        if (installMs < 0 || installMs > 600_000) {
            return "install-ms must be 0..600000";
        }
        if (McubootImage.Version.parse(factoryVersion) == null) {
            return "factory-version is not a version: " + factoryVersion;
        }
        if ((deviceTypeTlv == null) != (deviceType == null)) {
            return "device-type-tlv and device-type go together";
        }
        return null;
    }
}
