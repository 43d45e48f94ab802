package dev.starbench.bench.net;

/**
 * What a TCP port turned out to be, by what it speaks (never by its number). Texts hold the peer's raw
 * bytes as ISO-8859-1 characters, capped; whoever prints them escapes them.
 *
 * @param said   what identified it: its banner, or its answer to the probe that it understood; empty for SILENT
 * @param detail one line on what it said, e.g. {@code SSH-2.0-dropbear_2022.83} or {@code HTTP/1.0 200 OK, Server: BusyBox}
 * @param gives  for a telnet, adb or shell port, what it gives a stranger: the login prompt, or what {@code id}
 *               printed; null for other kinds
 * @param tls    null when it speaks in the clear; else it speaks inside TLS, and this says which TLS and which
 *               certificate it showed (any is taken, as an intruder would)
 */
public record TcpService(int port, Kind kind, String said, String detail, String gives, String tls) {
    /** What it speaks, with "over TLS" where it does: {@code MQTT over TLS}. */
    public String label() {
        return kind.label() + (tls == null ? "" : " over TLS");
    }

    /** What a port speaks. */
    public enum Kind {
        TELNET("telnet"),
        SSH("SSH"),
        MQTT("MQTT"),
        HTTP("HTTP"),
        ADB("adb"),
        GDBSERVER("gdbserver"),
        SHELL("an unauthenticated shell"),
        /** It speaks, in nothing the bench recognises. */
        OTHER("an unrecognised service"),
        /**
         * It accepted a connection and said nothing to any probe: no service answers there. A port forwarder
         * (QEMU's user network, a NAT, a TCP proxy) accepts for a port where nothing listens behind it.
         */
        SILENT("no service (accepts, then silent)");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** A debug or maintenance door that must not be reachable at all (EN 303 645 5.6-4). */
        public boolean debug() {
            return this == TELNET || this == ADB || this == GDBSERVER || this == SHELL;
        }

        /** Whether something answers there at all. */
        public boolean service() {
            return this != SILENT;
        }

        /** The kind a declared service's name promises (ssh, telnet, mqtt, http, https); null for other names. */
        public static Kind promisedBy(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "ssh" -> SSH;
                case "telnet" -> TELNET;
                case "mqtt", "mqtts" -> MQTT;
                case "http", "https" -> HTTP;
                default -> null;
            };
        }
    }
}
