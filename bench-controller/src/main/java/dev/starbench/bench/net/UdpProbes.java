package dev.starbench.bench.net;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.UdpService.State;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.tftp.TFTPDataPacket;
import org.apache.commons.net.tftp.TFTPErrorPacket;
import org.apache.commons.net.tftp.TFTPPacket;
import org.apache.commons.net.tftp.TFTPPacketException;
import org.apache.commons.net.tftp.TFTPReadRequestPacket;
import org.snmp4j.PDU;
import org.snmp4j.asn1.BER;
import org.snmp4j.asn1.BERInputStream;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.VariableBinding;

/**
 * UDP ports probed the way their services are spoken to, since a UDP service answers only a request it
 * understands: an SNMP v2c get of sysDescr.0 with the community {@code public} (encoded by SNMP4J), a TFTP
 * read request for a file that does not exist (Apache Commons Net; a server answers with an ERROR packet), an
 * SSDP M-SEARCH, an mDNS query for the DNS-SD service list, and a CoAP GET of {@code /.well-known/core} (these
 * three are fixed bytes). Every probe goes to every port, so a service is named by what it answers, not by
 * its port. Each port ends {@code open} (an answer), {@code closed} (ICMP port unreachable, which Java raises
 * on a connected socket) or {@code open|filtered} (neither: UDP cannot tell which).
 */
public final class UdpProbes {
    /** A file no device serves: its TFTP request can only be refused. */
    static final String ABSENT_FILE = "starbench-probe-no-such-file";
    private static final int SNMP_REQUEST_ID = 0x5342;
    private static final int MDNS_ID = 0x5342;
    private static final int COAP_MESSAGE_ID = 0x5342;
    private static final Pattern SSDP_OK = Pattern.compile("^HTTP/1\\.[01] 200[^\\r\\n]{0,40}");
    private static final Pattern SSDP_HEADER = Pattern.compile("(?im)^(SERVER|ST|USN|LOCATION):[ \\t]{0,3}([^\\r\\n]{1,160})");

    private final Duration answerTimeout;

    /** @param answerTimeout how long a port has to answer; every probe is sent again halfway, in case one was lost */
    public UdpProbes(Duration answerTimeout) {
        this.answerTimeout = answerTimeout;
    }

    /** The given ports, in parallel, in the order given. */
    public List<UdpService> probe(InetAddress address, List<Integer> ports, int parallelism) throws BenchIoException, InterruptedException {
        return PortScanner.inParallel(parallelism, ports.stream().<Callable<UdpService>>map(p -> () -> probe(address, p)).toList(),
                "UDP probes of " + address.getHostAddress());
    }

    /** One port, every protocol's probe at once, each from a socket of its own. */
    public UdpService probe(InetAddress address, int port) throws IOException {
        InetSocketAddress target = new InetSocketAddress(address, port);
        List<DatagramChannel> channels = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (Protocol p : Protocol.values()) {
                DatagramChannel ch = DatagramChannel.open();
                channels.add(ch);
                ch.configureBlocking(false);
                if (p.connected) {
                    ch.connect(target);
                } else {
                    ch.bind(new InetSocketAddress(0));
                }
                ch.register(selector, SelectionKey.OP_READ, p);
            }
            long start = System.nanoTime();
            long deadline = start + answerTimeout.toNanos();
            long resend = start + answerTimeout.toNanos() / 2;
            boolean resent = false;
            if (sendAll(channels, target)) {
                return closed(port);
            }
            String unrecognised = null;
            while (System.nanoTime() < deadline) {
                long wait = (resent ? deadline : resend) - System.nanoTime();
                if (wait > 0) {
                    selector.select(Math.max(1, wait / 1_000_000));
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    ByteBuffer buf = ByteBuffer.allocate(2048);
                    SocketAddress from;
                    try {
                        from = ch.receive(buf);
                    } catch (PortUnreachableException e) {
                        return closed(port);
                    }
                    if (from instanceof InetSocketAddress peer && peer.getAddress().equals(address)) {
                        byte[] answer = Arrays.copyOf(buf.array(), buf.position());
                        for (Protocol p : Protocol.values()) {
                            String detail = p.read(answer, peer);
                            if (detail != null) {
                                return new UdpService(port, State.OPEN, p.label, detail);
                            }
                        }
                        // Kept while the other probes may still be answered in a language the bench knows.
                        unrecognised = unrecognised != null ? unrecognised : "answered the " + ((Protocol) key.attachment()).label
                                + " probe with " + answer.length + " bytes in no protocol the bench knows";
                    }
                }
                selector.selectedKeys().clear();
                if (!resent && System.nanoTime() >= resend) {
                    resent = true;
                    if (sendAll(channels, target)) {
                        return closed(port);
                    }
                }
            }
            if (unrecognised != null) {
                return new UdpService(port, State.OPEN, null, unrecognised);
            }
            return new UdpService(port, State.OPEN_FILTERED, null, "no answer to an SNMP, TFTP, SSDP, mDNS or CoAP probe (each sent"
                    + " twice) within " + answerTimeout.toMillis() + " ms, and no ICMP port unreachable");
        } finally {
            for (DatagramChannel ch : channels) {
                ch.close();
            }
        }
    }

    /** Sends every probe; true when the host already said the port is closed. */
    private static boolean sendAll(List<DatagramChannel> channels, InetSocketAddress target) throws IOException {
        Protocol[] protocols = Protocol.values();
        for (int i = 0; i < protocols.length; i++) {
            DatagramChannel ch = channels.get(i);
            try {
                ByteBuffer payload = ByteBuffer.wrap(protocols[i].payload(target));
                if (protocols[i].connected) {
                    ch.write(payload);
                } else {
                    ch.send(payload, target);
                }
            } catch (PortUnreachableException e) {
                return true;
            }
        }
        return false;
    }

    private static UdpService closed(int port) {
        return new UdpService(port, State.CLOSED, null, "ICMP port unreachable: nothing listens");
    }

    /** The probes; TFTP's from an unconnected socket, since a TFTP server answers from a port of its own. */
    enum Protocol {
        SNMP("SNMP", true) {
            @Override
            byte[] payload(InetSocketAddress target) {
                PDU pdu = new PDU();
                pdu.setType(PDU.GET);
                pdu.setRequestID(new Integer32(SNMP_REQUEST_ID));
                pdu.add(new VariableBinding(SnmpConstants.sysDescr));
                Integer32 version = new Integer32(SnmpConstants.version2c);
                OctetString community = new OctetString("public");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try {
                    BER.encodeHeader(out, BER.SEQUENCE, version.getBERLength() + community.getBERLength() + pdu.getBERLength());
                    version.encodeBER(out);
                    community.encodeBER(out);
                    pdu.encodeBER(out);
                } catch (IOException e) {
                    throw new IllegalStateException("a byte array stream does not fail", e);
                }
                return out.toByteArray();
            }

            @Override
            String read(byte[] answer, InetSocketAddress from) {
                try {
                    BERInputStream in = new BERInputStream(ByteBuffer.wrap(answer));
                    BER.MutableByte type = new BER.MutableByte();
                    BER.decodeHeader(in, type);
                    if (type.getValue() != BER.SEQUENCE) {
                        return null;
                    }
                    Integer32 version = new Integer32();
                    version.decodeBER(in);
                    OctetString community = new OctetString();
                    community.decodeBER(in);
                    PDU pdu = new PDU();
                    pdu.decodeBER(in);
                    if (pdu.getType() != PDU.RESPONSE || pdu.getRequestID().getValue() != SNMP_REQUEST_ID) {
                        return null;
                    }
                    String value = pdu.getVariableBindings().isEmpty() ? "(no value)"
                            : pdu.getVariableBindings().get(0).getVariable().toString();
                    return "an SNMP v" + (version.getValue() + 1) + "c agent answers the community 'public'"
                            + (pdu.getErrorStatus() == 0 ? ": sysDescr.0 = " + cap(value) : " with error " + pdu.getErrorStatusText());
                } catch (IOException | RuntimeException notSnmp) {
                    return null;
                }
            }
        },
        TFTP("TFTP", false) {
            @Override
            byte[] payload(InetSocketAddress target) {
                DatagramPacket p = new TFTPReadRequestPacket(target.getAddress(), target.getPort(), ABSENT_FILE,
                        org.apache.commons.net.tftp.TFTP.OCTET_MODE).newDatagram();
                return Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
            }

            @Override
            String read(byte[] answer, InetSocketAddress from) {
                try {
                    TFTPPacket p = TFTPPacket.newTFTPPacket(new DatagramPacket(answer, answer.length, from.getAddress(), from.getPort()));
                    if (p instanceof TFTPErrorPacket e) {
                        return "a TFTP server refuses a read of a file that does not exist: ERROR " + e.getError() + " \""
                                + cap(e.getMessage()) + "\"";
                    }
                    if (p instanceof TFTPDataPacket d) {
                        return "a TFTP server sends block " + d.getBlockNumber() + " of " + ABSENT_FILE + " (" + d.getDataLength()
                                + " bytes): it serves whatever is asked";
                    }
                    return p.getType() == TFTPPacket.OACK ? "a TFTP server acknowledges options for a read" : null;
                } catch (TFTPPacketException | RuntimeException notTftp) {
                    return null;
                }
            }
        },
        SSDP("SSDP", true) {
            @Override
            byte[] payload(InetSocketAddress target) {
                return ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n"
                        + "USER-AGENT: StarBench-scan\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            String read(byte[] answer, InetSocketAddress from) {
                String text = new String(answer, StandardCharsets.ISO_8859_1);
                if (!SSDP_OK.matcher(text).find()) {
                    return null;
                }
                StringBuilder headers = new StringBuilder();
                Matcher m = SSDP_HEADER.matcher(text);
                while (m.find()) {
                    headers.append(headers.isEmpty() ? "" : ", ").append(m.group(1).toUpperCase()).append(": ").append(m.group(2).strip());
                }
                return "an SSDP (UPnP) responder answers M-SEARCH" + (headers.isEmpty() ? "" : ": " + cap(headers.toString()));
            }
        },
        MDNS("mDNS", true) {
            @Override
            byte[] payload(InetSocketAddress target) {
                ByteBuffer q = ByteBuffer.allocate(64);
                q.putShort((short) MDNS_ID).putShort((short) 0).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                        .putShort((short) 0);
                for (String label : List.of("_services", "_dns-sd", "_udp", "local")) {
                    q.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
                }
                // type PTR, class IN
                q.put((byte) 0).putShort((short) 12).putShort((short) 1);
                return Arrays.copyOf(q.array(), q.position());
            }

            @Override
            String read(byte[] answer, InetSocketAddress from) {
                if (answer.length < 12) {
                    return null;
                }
                ByteBuffer b = ByteBuffer.wrap(answer);
                boolean response = (b.get(2) & 0x80) != 0;
                int answers = b.getShort(6) & 0xffff;
                return (b.getShort(0) & 0xffff) == MDNS_ID && response
                        ? "an mDNS responder answers a DNS-SD query (" + answers + " answer record" + (answers == 1 ? "" : "s") + ")"
                        : null;
            }
        },
        COAP("CoAP", true) {
            @Override
            byte[] payload(InetSocketAddress target) {
                ByteBuffer m = ByteBuffer.allocate(32);
                // version 1, confirmable, no token; GET; then Uri-Path ".well-known" (option 11) and "core"
                m.put((byte) 0x40).put((byte) 0x01).putShort((short) COAP_MESSAGE_ID);
                m.put((byte) 0xbb).put(".well-known".getBytes(StandardCharsets.US_ASCII));
                m.put((byte) 0x04).put("core".getBytes(StandardCharsets.US_ASCII));
                return Arrays.copyOf(m.array(), m.position());
            }

            @Override
            String read(byte[] answer, InetSocketAddress from) {
                if (answer.length < 4 || (answer[0] & 0xc0) != 0x40) {
                    return null;
                }
                int type = (answer[0] >> 4) & 0x3;
                int code = answer[1] & 0xff;
                int messageId = ((answer[2] & 0xff) << 8) | (answer[3] & 0xff);
                // a piggybacked answer (ACK) or a reset carries our message id; a separate answer its own
                boolean answersOurs = messageId == COAP_MESSAGE_ID;
                if (type == 3) {
                    return answersOurs ? "a CoAP endpoint resets the GET of /.well-known/core" : null;
                }
                boolean response = code >> 5 == 2 || code >> 5 == 4 || code >> 5 == 5;
                if (!response || type == 2 && !answersOurs) {
                    return null;
                }
                String payload = "";
                for (int i = 4 + (answer[0] & 0x0f); i < answer.length; i++) {
                    if ((answer[i] & 0xff) == 0xff) {
                        payload = new String(answer, i + 1, answer.length - i - 1, StandardCharsets.ISO_8859_1);
                        break;
                    }
                }
                return "a CoAP server answers GET /.well-known/core with " + (code >> 5) + "." + String.format("%02d", code & 0x1f)
                        + (payload.isEmpty() ? "" : ": " + cap(payload));
            }
        };

        final String label;
        final boolean connected;

        Protocol(String label, boolean connected) {
            this.label = label;
            this.connected = connected;
        }

        abstract byte[] payload(InetSocketAddress target);

        /** One line on the answer, or null when these bytes are not this protocol's answer to its probe. */
        abstract String read(byte[] answer, InetSocketAddress from);
    }

    private static String cap(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
