package dev.starbench.vdut;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The simulation's {@code ota} object: the update agent's port, trusted key, install time and factory image. */
record OtaSettings(
        @JsonProperty("http-port") Integer httpPort,
        @JsonProperty("trusted-key") String trustedKey,
        @JsonProperty("install-ms") Long installMs,
        @JsonProperty("factory-version") String factoryVersion,
        @JsonProperty("factory-security-counter") Long factorySecurityCounter,
        @JsonProperty("device-type-tlv") Integer deviceTypeTlv,
        @JsonProperty("device-type") String deviceType) {

    OtaSettings {
        installMs = installMs == null ? 1000 : installMs;
        factoryVersion = factoryVersion == null ? "1.4.2" : factoryVersion;
        factorySecurityCounter = factorySecurityCounter == null ? 0 : factorySecurityCounter;
    }

    /** What is wrong with the settings, or null. */
    String problem() {
        if (httpPort == null || httpPort <= 0 || httpPort > 65535) {
            return "http-port must be 1..65535";
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
