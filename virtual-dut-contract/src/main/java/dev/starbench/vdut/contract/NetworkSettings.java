package dev.starbench.vdut.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The network side the simulated device acts out, from the profile's {@code network:} section. Every
 * field is optional: a device without a cloud host simply does not connect anywhere.
 *
 * @param caCert     PEM of the lab CA the device trusts for its cloud
 * @param brokerCert PEM chain of the device's own TLS broker (made per run by the bench)
 * @param brokerKey  its private key, PEM
 * @param telnetPort where telnetd listens when the device has the telnet-open flaw
 * @param cloudIdentity the unit's client certificate and key for its cloud; null: the unit has none
 * @param sshPort    where its SSH server listens; null: it runs none
 * @param httpPort   where its web admin page listens; null: it serves none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkSettings(
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
        @JsonProperty("telnet-port") Integer telnetPort,
        @JsonProperty("cloud-identity") CloudIdentity cloudIdentity,
        @JsonProperty("ssh-port") Integer sshPort,
        @JsonProperty("http-port") Integer httpPort) {

    public NetworkSettings withBrokerIdentity(String certPem, String keyPem) {
        return new NetworkSettings(cloudHost, cloudPort, cloudTls, fallbackPort, caCert, commandTopic, statusTopic,
                brokerPort, brokerTls, certPem, keyPem, telnetPort, cloudIdentity, sshPort, httpPort);
    }

    public NetworkSettings withCloudIdentity(CloudIdentity identity) {
        return new NetworkSettings(cloudHost, cloudPort, cloudTls, fallbackPort, caCert, commandTopic, statusTopic,
                brokerPort, brokerTls, brokerCert, brokerKey, telnetPort, identity, sshPort, httpPort);
    }
}
