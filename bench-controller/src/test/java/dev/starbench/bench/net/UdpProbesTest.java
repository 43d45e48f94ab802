package dev.starbench.bench.net;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.net.UdpService.State;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * UDP ports told by what answers the protocol probes, against real servers on loopback: net-snmp's snmpd
 * (community public), tftpd-hpa (which answers from a port of its own), libcoap's coap-server; a port where
 * nothing listens (the kernel's ICMP port unreachable: closed) and one that listens and never answers
 * (open|filtered). SSDP and mDNS responders need multicast, which a test's loopback does not carry: a
 * responder that sends the answer those protocols define stands in for each.
 */
public class UdpProbesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final UdpProbes probes = new UdpProbes(Duration.ofSeconds(2));
    private Path dir;

    @BeforeClass
    public void dir() throws Exception {
        dir = Files.createTempDirectory("starbench-udp-probes");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    public void snmpdAnswersTheCommunityPublicWithItsSysDescr() throws Exception {
        Path conf = dir.resolve("snmpd.conf");
        Files.writeString(conf, "rocommunity public 127.0.0.1\nsysDescr StarBench test agent\n");
        try (Daemon d = Daemon.start(dir, true, "/usr/sbin/snmpd", "-f", "-C", "-c", conf.toString(), "-Lo", "-p",
                dir.resolve("snmpd.pid").toString(), "udp:127.0.0.1:PORT")) {
            UdpService u = probes.probe(LOOPBACK, d.port);

            assertEquals(u.state(), State.OPEN, u + "\n" + d.log());
            assertEquals(u.protocol(), "SNMP");
            assertEquals(u.detail(), "an SNMP v2c agent answers the community 'public': sysDescr.0 = StarBench test agent");
        }
    }

    @Test
    public void tftpdRefusesTheAbsentFileFromAPortOfItsOwn() throws Exception {
        Path root = Files.createDirectories(dir.resolve("tftp"));
        // The port alone: the address would go through getaddrinfo's AI_ADDRCONFIG, which fails on a host whose only
        // IPv4 address is loopback (the test's own network namespace).
        try (Daemon d = Daemon.start(dir, true, "/usr/sbin/in.tftpd", "--foreground", "--listen", "--ipv4", "--address", ":PORT",
                "--user", "root", "--secure", root.toString())) {
            UdpService u = probes.probe(LOOPBACK, d.port);

            assertEquals(u.state(), State.OPEN, u + "\n" + d.log());
            assertEquals(u.protocol(), "TFTP");
            assertTrue(u.detail().startsWith("a TFTP server refuses a read of a file that does not exist: ERROR 1 "), u.detail());
        }
    }

    @Test
    public void libcoapListsItsResources() throws Exception {
        try (Daemon d = Daemon.start(dir, true, "coap-server-notls", "-A", "127.0.0.1", "-p", "PORT")) {
            UdpService u = probes.probe(LOOPBACK, d.port);

            assertEquals(u.state(), State.OPEN, u + "\n" + d.log());
            assertEquals(u.protocol(), "CoAP");
            assertTrue(u.detail().startsWith("a CoAP server answers GET /.well-known/core with 2.05: </>;"), u.detail());
        }
    }

    @Test
    public void aPortWhereNothingListensIsClosed() throws Exception {
        UdpService u = probes.probe(LOOPBACK, Daemon.freePort());

        assertEquals(u.state(), State.CLOSED, u.toString());
        assertNull(u.protocol());
    }

    @Test
    public void aPortThatIgnoresEveryProbeIsOpenOrFiltered() throws Exception {
        try (DatagramSocket deaf = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            UdpService u = probes.probe(LOOPBACK, deaf.getLocalPort());

            assertEquals(u.state(), State.OPEN_FILTERED, u.toString());
            assertEquals(u.state().label(), "open|filtered");
        }
    }

    @Test
    public void anSsdpAnswerNamesItsServer() throws Exception {
        byte[] ok = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nST: upnp:rootdevice\r\nUSN: uuid:cam::upnp:rootdevice\r\n"
                + "SERVER: Linux/5.10 UPnP/1.0 MiniUPnPd/2.1\r\nLOCATION: http://10.0.0.5:5000/rootDesc.xml\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        UdpService u = answering(request -> new String(request, StandardCharsets.US_ASCII).startsWith("M-SEARCH * HTTP/1.1\r\n")
                ? ok : null);

        assertEquals(u.protocol(), "SSDP", u.toString());
        assertTrue(u.detail().contains("SERVER: Linux/5.10 UPnP/1.0 MiniUPnPd/2.1"), u.detail());
    }

    @Test
    public void anMdnsAnswerCountsItsRecords() throws Exception {
        UdpService u = answering(request -> {
            // a DNS query for _services._dns-sd._udp.local: answered with its id, the response bit and one record
            if (request.length < 12 || (request[2] & 0x80) != 0 || !new String(request, StandardCharsets.ISO_8859_1).contains("_dns-sd")) {
                return null;
            }
            ByteBuffer b = ByteBuffer.allocate(request.length);
            b.put(request);
            b.put(2, (byte) 0x84).putShort(6, (short) 1);
            return b.array();
        });

        assertEquals(u.protocol(), "mDNS", u.toString());
        assertEquals(u.detail(), "an mDNS responder answers a DNS-SD query (1 answer record)");
    }

    private interface Responder {
        /** The answer to a datagram, or null to ignore it. */
        byte[] answer(byte[] request);
    }

    private UdpService answering(Responder responder) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                        byte[] answer = responder.answer(Arrays.copyOf(p.getData(), p.getLength()));
                        if (answer != null) {
                            socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                        }
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            }, "test-udp-responder");
            t.setDaemon(true);
            t.start();
            UdpService u = probes.probe(LOOPBACK, socket.getLocalPort());
            assertEquals(u.state(), State.OPEN, u.toString());
            return u;
        }
    }

    @Test
    public void aRangeOfPortsIsProbedInParallelAndInOrder() throws Exception {
        int closed = Daemon.freePort();
        try (DatagramSocket deaf = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            List<UdpService> all = probes.probe(LOOPBACK, List.of(deaf.getLocalPort(), closed), 4);

            assertEquals(all.stream().map(UdpService::port).toList(), List.of(deaf.getLocalPort(), closed));
            assertEquals(all.stream().map(UdpService::state).toList(), List.of(State.OPEN_FILTERED, State.CLOSED));
        }
    }
}
