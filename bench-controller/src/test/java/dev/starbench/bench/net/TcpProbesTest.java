package dev.starbench.bench.net;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.net.TcpService.Kind;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * What a port speaks, told by talking to real servers on loopback: dropbear, mosquitto, BusyBox telnetd
 * (with login and with a bare shell), BusyBox httpd, gdbserver, a shell behind socat. adb has no server on a
 * PC: a responder that sends adbd's CNXN answer stands in for it. And the ports that are no service: one that
 * hangs up at once (a forwarder with nothing behind it), one that accepts and never speaks.
 */
public class TcpProbesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final PortScanner scanner = new PortScanner(Duration.ofMillis(300), Duration.ofSeconds(1), 8);
    private final TcpProbes probes = new TcpProbes(Duration.ofSeconds(1), Duration.ofSeconds(1));
    private Path dir;

    @BeforeClass
    public void dir() throws Exception {
        dir = Files.createTempDirectory("starbench-tcp-probes");
        // mosquitto drops root before it reads its files
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private TcpService classify(int port) {
        PortScanner.OpenPort open = scanner.probe(LOOPBACK, port);
        assertNotNull(open, "port " + port + " accepts");
        return probes.classify(LOOPBACK, open);
    }

    @Test
    public void dropbearIsNamedSshByItsBanner() throws Exception {
        Path key = dir.resolve("dropbear_ed25519");
        Process keygen = new ProcessBuilder("dropbearkey", "-t", "ed25519", "-f", key.toString()).redirectErrorStream(true).start();
        keygen.getInputStream().readAllBytes();
        assertEquals(keygen.waitFor(), 0);
        try (Daemon d = Daemon.start(dir, false, "/usr/sbin/dropbear", "-F", "-E", "-s", "-r", key.toString(), "-p", "127.0.0.1:PORT")) {
            TcpService s = classify(d.port);

            assertEquals(s.kind(), Kind.SSH, s.toString());
            assertTrue(s.detail().startsWith("SSH-2.0-dropbear_"), s.detail());
            assertNull(s.gives());
        }
    }

    @Test
    public void mosquittoIsNamedMqttByItsConnackWhetherItTakesStrangersOrNot() throws Exception {
        for (boolean anonymous : List.of(true, false)) {
            Path conf = dir.resolve("mosquitto-" + anonymous + ".conf");
            Files.writeString(conf, "listener PORT 127.0.0.1\nallow_anonymous " + anonymous + "\npersistence false\nlog_dest stderr\n");
            int port = Daemon.freePort();
            Files.writeString(conf, Files.readString(conf).replace("PORT", Integer.toString(port)));
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
            try (Daemon d = Daemon.start(dir, false, port, "/usr/sbin/mosquitto", "-c", conf.toString())) {
                TcpService s = classify(port);

                assertEquals(s.kind(), Kind.MQTT, s + "\n" + d.log());
                assertTrue(s.detail().contains(anonymous ? "CONNECTION_ACCEPTED" : "CONNECTION_REFUSED_NOT_AUTHORIZED"), s.detail());
            }
        }
    }

    @Test
    public void servicesInsideTlsAreNamedWithTheCertificateTheyShow() throws Exception {
        LabPki.Identity ca = LabPki.newCa("StarBench test CA");
        LabPki.leaf(ca, "localhost").writePem(dir.resolve("tls.pem"), dir.resolve("tls.key"));
        for (String f : List.of("tls.pem", "tls.key")) {
            Files.setPosixFilePermissions(dir.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
        }
        int port = Daemon.freePort();
        Path conf = Files.writeString(dir.resolve("mosquitto-tls.conf"), "listener " + port + " 127.0.0.1\ncertfile "
                + dir.resolve("tls.pem") + "\nkeyfile " + dir.resolve("tls.key") + "\nallow_anonymous false\npersistence false\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        try (Daemon d = Daemon.start(dir, false, port, "/usr/sbin/mosquitto", "-c", conf.toString())) {
            TcpService s = classify(port);

            assertEquals(s.label(), "MQTT over TLS", s + "\n" + d.log());
            assertTrue(s.detail().contains("CONNECTION_REFUSED_NOT_AUTHORIZED"), s.detail());
            assertTrue(s.tls().startsWith("TLSv1.") && s.tls().contains("CN=localhost, issuer O=StarBench lab,CN=StarBench test CA"), s.tls());
        }
        try (Daemon d = Daemon.start(dir, false, "openssl", "s_server", "-quiet", "-www", "-accept", "127.0.0.1:PORT", "-cert",
                dir.resolve("tls.pem").toString(), "-key", dir.resolve("tls.key").toString())) {
            TcpService s = classify(d.port);

            assertEquals(s.label(), "HTTP over TLS", s + "\n" + d.log());
            assertTrue(s.detail().startsWith("HTTP/1.0 200 ok"), s.detail());
        }
    }

    @Test
    public void busyboxTelnetdShowsItsLoginPrompt() throws Exception {
        try (Daemon d = Daemon.start(dir, false, "busybox", "telnetd", "-F", "-b", "127.0.0.1:PORT", "-l", "/bin/login")) {
            TcpService s = classify(d.port);

            assertEquals(s.kind(), Kind.TELNET, s.toString());
            assertEquals(s.said().charAt(0), '\u00ff', "BusyBox telnetd negotiates options first");
            assertTrue(s.detail().endsWith("asks for a login"), s.detail());
            assertTrue(s.gives().matches("(?s).{1,64} login: ?"), "the login prompt is shown: " + s.gives());
        }
    }

    @Test
    public void busyboxTelnetdWithAShellGivesWhatIdPrints() throws Exception {
        try (Daemon d = Daemon.start(dir, false, "busybox", "telnetd", "-F", "-b", "127.0.0.1:PORT", "-l", "/bin/sh")) {
            TcpService s = classify(d.port);

            assertEquals(s.kind(), Kind.TELNET, s.toString());
            assertTrue(s.detail().endsWith("gives a shell without login"), s.detail());
            assertTrue(s.gives().startsWith("`id` → uid=" + uid() + "("), s.gives());
        }
    }

    @Test
    public void aShellBehindSocatIsFoundByItsSplitMarker() throws Exception {
        try (Daemon d = Daemon.start(dir, false, "socat", "TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr,fork", "EXEC:/bin/sh,stderr")) {
            TcpService s = classify(d.port);

            assertEquals(s.kind(), Kind.SHELL, s.toString());
            assertTrue(s.gives().startsWith("`id` → uid=" + uid() + "("), s.gives());
        }
    }

    @Test
    public void busyboxHttpdIsNamedByItsStatusLine() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "<html>camera</html>\n");
        try (Daemon d = Daemon.start(dir, false, "busybox", "httpd", "-f", "-p", "127.0.0.1:PORT", "-h", www.toString())) {
            TcpService s = classify(d.port);

            assertEquals(s.kind(), Kind.HTTP, s.toString());
            assertTrue(s.detail().startsWith("HTTP/1.") && s.detail().contains(" 200 "), s.detail());
        }
    }

    @Test
    public void gdbserverAnswersTheScansOwnProbe() throws Exception {
        try (Daemon d = Daemon.start(dir, false, "gdbserver", "127.0.0.1:PORT", "/bin/sleep", "60")) {
            TcpService s = classify(d.port);

            assertEquals(s.kind(), Kind.GDBSERVER, s + "\n" + d.log());
            assertTrue(s.gives().contains("$"), s.gives());
        }
    }

    /** adbd's answer as the protocol defines it: no adbd runs on a PC, so this stands in for one. */
    @Test
    public void anAdbDeviceAnswersCnxn() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            Thread t = serve(server, s -> {
                InputStream in = s.getInputStream();
                byte[] header = in.readNBytes(24);
                ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                if (h.getInt(0) != 0x4e584e43) {
                    return;
                }
                in.readNBytes(h.getInt(12));
                byte[] banner = "device::ro.product.name=cam;ro.product.model=VCAM\0".getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(ByteBuffer.allocate(24 + banner.length).order(ByteOrder.LITTLE_ENDIAN).putInt(0x4e584e43)
                        .putInt(0x01000001).putInt(4096).putInt(banner.length).putInt(0).putInt(~0x4e584e43).put(banner).array());
            });
            TcpService s = classify(server.getLocalPort());
            t.interrupt();

            assertEquals(s.kind(), Kind.ADB, s.toString());
            assertTrue(s.gives().contains("without authentication: device::ro.product.name=cam"), s.gives());
        }
    }

    @Test
    public void aPortThatHangsUpAtOnceIsNoService() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            Thread t = serve(server, s -> { });
            TcpService s = classify(server.getLocalPort());
            t.interrupt();

            assertEquals(s.kind(), Kind.SILENT, s.toString());
            assertTrue(s.detail().startsWith("accepted a connection and closed it without a byte, also after every probe"), s.detail());
            assertTrue(s.detail().contains("port forwarder"), s.detail());
        }
    }

    @Test
    public void aPortThatNeverSpeaksIsNoService() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            Thread t = serve(server, s -> {
                s.getInputStream().readAllBytes();
            });
            TcpService s = classify(server.getLocalPort());
            t.interrupt();

            assertEquals(s.kind(), Kind.SILENT, s.toString());
            assertTrue(s.detail().startsWith("accepted connections and said nothing to any probe"), s.detail());
        }
    }

    @Test
    public void aBannerNoRecogniserKnowsIsAnUnrecognisedService() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            Thread t = serve(server, s -> {
                s.getOutputStream().write("220 cam FTP server (vsftpd 3.0.3) ready.\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().readAllBytes();
            });
            TcpService s = classify(server.getLocalPort());
            t.interrupt();

            assertEquals(s.kind(), Kind.OTHER, s.toString());
            assertEquals(s.detail(), "220 cam FTP server (vsftpd 3.0.3) ready.");
        }
    }

    @Test
    public void aClosedPortIsNotInTheScan() throws Exception {
        int port = Daemon.freePort();
        assertNull(scanner.probe(LOOPBACK, port));
        assertEquals(scanner.scan(LOOPBACK, port, port), List.of());
    }

    private interface Session {
        void serve(Socket s) throws Exception;
    }

    /** Serves every connection (the scan and each probe open their own) until interrupted. */
    private static Thread serve(ServerSocket server, Session session) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    session.serve(s);
                } catch (Exception e) {
                    if (server.isClosed()) {
                        return;
                    }
                }
            }
        }, "test-responder");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String uid() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor();
        return uid;
    }
}
