package dev.starbench.bench.mqtt;

/**
 * What an MQTT CONNECT said about who connects. The password itself is never kept: only whether one
 * was sent, so no log, journal or report can leak it.
 */
public record MqttConnect(String clientId, String user, boolean passwordSent) {
    public String describe() {
        return "client id '" + clientId + "', user " + (user == null ? "(none)" : "'" + user + "'")
                + ", password " + (passwordSent ? "[redacted]" : "(none)");
    }
}
