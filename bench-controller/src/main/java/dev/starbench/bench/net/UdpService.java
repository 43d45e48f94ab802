package dev.starbench.bench.net;

/**
 * What a UDP port gave to the protocol probes sent to it.
 *
 * @param protocol the protocol whose answer came back (SNMP, TFTP, SSDP, mDNS, CoAP); null unless OPEN and recognised
 * @param detail   one line on the answer or its absence
 */
public record UdpService(int port, State state, String protocol, String detail) {
    public enum State {
        /** An answer came. */
        OPEN("open"),
        /** The host said nothing listens there (ICMP port unreachable). */
        CLOSED("closed"),
        /**
         * No answer and no ICMP error: nothing listens and the host (or a firewall, a NAT, a forwarder)
         * sends no error, or something listens and ignores what it did not like. UDP cannot tell.
         */
        OPEN_FILTERED("open|filtered");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
