package dev.starbench.vdut;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The network side the simulated device acts out, from the profile's {@code network:} section. Every
 * field is optional: a device without a cloud host simply does not connect anywhere.
 */
record NetworkSim(
        @JsonProperty("cloud-host") String cloudHost,
        @JsonProperty("cloud-port") Integer cloudPort,
        @JsonProperty("cloud-tls") Boolean cloudTls,
        @JsonProperty("fallback-port") Integer fallbackPort,
        @JsonProperty("ca-cert") String caCert,
        @JsonProperty("command-topic") String commandTopic,
        @JsonProperty("status-topic") String statusTopic,
        @JsonProperty("broker-port") Integer brokerPort,
        @JsonProperty("broker-tls") Boolean brokerTls,
        @JsonProperty("broker-cert") String brokerCert,
        @JsonProperty("broker-key") String brokerKey,
        @JsonProperty("telnet-port") Integer telnetPort) {
}
