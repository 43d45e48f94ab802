package dev.starbench.bench.net;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.ConnectProbe;
import dev.starbench.bench.net.PortScanner.Answer;
import dev.starbench.bench.net.PortScanner.OpenPort;
import dev.starbench.bench.net.TcpService.Kind;
import dev.starbench.config.BoundedRegex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.apache.commons.net.telnet.EchoOptionHandler;
import org.apache.commons.net.telnet.InvalidTelnetOptionException;
import org.apache.commons.net.telnet.SuppressGAOptionHandler;
import org.apache.commons.net.telnet.TelnetClient;
import org.apache.commons.net.telnet.TerminalTypeOptionHandler;

/**
 * Tells what a port speaks by talking to it, never by its number: a banner (SSH's {@code SSH-2.0-}, telnet's
 * option negotiation or a login prompt), else one probe after another on a new connection each, until one
 * is understood: GDB's {@code $?#3f} (sent by the scan on its own connection), an HTTP request, an MQTT
 * CONNECT, adb's CNXN, and a shell command with a split marker. Every answer is read by every recogniser,
 * so a service that answers the wrong probe in its own language is still named. Telnet, adb and a shell
 * are asked what they give a stranger: telnet's login prompt (through Apache Commons Net's option
 * negotiation), or what {@code id} prints.
 */
public final class TcpProbes {
    /** The split marker: the shell's output has it whole, its echo of the command does not. */
    private static final String MARKER = "SBMARK";
    private static final byte[] SHELL_PROBE = "echo 'SB''MARK'; id\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern LOGIN = bounded("(?i)(?:login|username|user name)[ \\t]{0,3}:[ \\t]{0,3}$");
    private static final Pattern PASSWORD = bounded("(?i)password[ \\t]{0,3}:[ \\t]{0,3}$");
    private static final Pattern SHELL_PROMPT = bounded("[#$>%][ \\t]{0,3}$");
    private static final Pattern ID = bounded("uid=\\d{1,10}\\([^)\\r\\n]{0,32}\\)[^\\r\\n]{0,200}");
    private static final Pattern HTTP_STATUS = bounded("^HTTP/\\d\\.\\d \\d{3}[^\\r\\n]{0,80}");
    private static final Pattern HTTP_SERVER = bounded("(?im)^Server:[ \\t]{0,3}([^\\r\\n]{1,120})");
    private static final Pattern GDB_PACKET = bounded("^\\+{0,4}\\$[^#]{0,400}#[0-9a-fA-F]{2}");
    /** Terminal controls a prompt may carry (BusyBox ash asks where the cursor is right after its prompt). */
    private static final Pattern TERMINAL_CONTROL = bounded("\\x1b(?:\\[[0-9;?]{0,32}[ -/]{0,2}[@-~]|[@-Z\\\\-_])");
    private static final int ADB_CNXN = 0x4e584e43;
    private static final int ADB_AUTH = 0x48545541;
    private static final int ADB_VERSION = 0x01000001;

    private final Duration connectTimeout;
    private final Duration answerTimeout;

    /**
     * @param answerTimeout how long a peer may stay silent before the bench takes its answer as complete;
     *                      a telnet login is given three times as long to print its prompt
     */
    public TcpProbes(Duration connectTimeout, Duration answerTimeout) {
        this.connectTimeout = connectTimeout;
        this.answerTimeout = answerTimeout;
    }

    /**
     * Classifies each port the scan found, in parallel, in the scan's order; {@code expected} names what a port
     * is declared to speak, whose probe then goes first (only the order: the answer still decides).
     */
    public List<TcpService> classify(InetAddress address, List<OpenPort> open, int parallelism, Map<Integer, Kind> expected)
            throws BenchIoException, InterruptedException {
        return PortScanner.inParallel(parallelism, open.stream()
                        .<Callable<TcpService>>map(p -> () -> classify(address, p, expected.get(p.port()))).toList(),
                "classifying the open ports of " + address.getHostAddress());
    }

    /**
     * Whether a port speaks this kind now, asked the way that kind is asked (its banner, an HTTP request, an
     * MQTT CONNECT): a quick look at a service the maker declares, before the scan names everything.
     */
    public boolean speaks(InetAddress address, int port, Kind kind) {
        Link plain = new Link(address, port, null, null);
        byte[] probe = switch (kind) {
            case HTTP -> httpRequest(address);
            case MQTT -> ConnectProbe.anonymousConnect("starbench-scan");
            default -> null;
        };
        return recognise(ask(plain, probe)) == kind;
    }

    /** What one open port speaks. */
    public TcpService classify(InetAddress address, OpenPort open) {
        return classify(address, open, null);
    }

    /** What one open port speaks; the probe of the {@code expected} kind (null: none) goes first. */
    public TcpService classify(InetAddress address, OpenPort open, Kind expected) {
        Link plain = new Link(address, open.port(), null, null);
        if (!open.banner().isEmpty()) {
            return identified(plain, open.banner(), recognise(open.banner()));
        }
        Kind kind = recognise(open.probeReply());
        if (kind != null) {
            return identified(plain, open.probeReply(), kind);
        }
        TcpService found = probe(plain, open.probeReply(), expected);
        if (found.kind() != Kind.SILENT && found.kind() != Kind.OTHER) {
            return found;
        }
        // Silent to every probe, or answering none in its language: it may speak inside TLS.
        Link tls = tls(address, open.port());
        if (tls != null) {
            String banner = ask(tls, null);
            Kind inner = recognise(banner);
            return inner != null ? identified(tls, banner, inner) : probe(tls, banner, expected);
        }
        if (found.kind() == Kind.OTHER) {
            return found;
        }
        // A port forwarder (QEMU's user network, a NAT, a proxy) accepts where nothing listens behind it.
        return new TcpService(open.port(), Kind.SILENT, "", (open.hungUp()
                ? "accepted a connection and closed it without a byte, also after every probe"
                : "accepted connections and said nothing to any probe within " + answerTimeout.toMillis() + " ms")
                + ": nothing answers there, as behind a port forwarder for a port where nothing listens", null, null);
    }

    /** The probes one after the other, each on a new connection, until one is understood. */
    private TcpService probe(Link link, String heard, Kind expected) {
        String unrecognised = heard;
        List<byte[]> probes = new ArrayList<>(List.of(httpRequest(link.address()), ConnectProbe.anonymousConnect("starbench-scan"),
                adbConnect(), SHELL_PROBE));
        if (expected == Kind.MQTT) {
            Collections.swap(probes, 0, 1);
        }
        for (byte[] probe : probes) {
            String answer = ask(link, probe);
            Kind kind = recognise(answer);
            if (kind != null) {
                return identified(link, answer, kind);
            }
            unrecognised = unrecognised.isEmpty() ? answer : unrecognised;
        }
        if (unrecognised.isEmpty()) {
            // A TLS handshake that completed is a service, whatever it keeps quiet about inside.
            return new TcpService(link.port(), link.tls() == null ? Kind.SILENT : Kind.OTHER, "", "said nothing to any probe",
                    null, link.tls());
        }
        return new TcpService(link.port(), Kind.OTHER, cap(unrecognised), firstLine(unrecognised), null, link.tls());
    }

    /** A port whose words were understood: what it speaks, and for the debug kinds, what it gives. */
    private TcpService identified(Link link, String said, Kind kind) {
        int port = link.port();
        String tls = link.tls();
        if (kind == null) {
            return new TcpService(port, Kind.OTHER, cap(said), firstLine(said), null, tls);
        }
        return switch (kind) {
            case TELNET -> telnet(link, said);
            case SSH -> new TcpService(port, kind, cap(said), firstLine(said), null, tls);
            case HTTP -> new TcpService(port, kind, cap(said), http(said), null, tls);
            case GDBSERVER -> new TcpService(port, kind, cap(said), "answered GDB's $?#3f with " + firstLine(said), said, tls);
            case ADB -> adb(link, said);
            case SHELL -> shell(link, said);
            case MQTT -> new TcpService(port, kind, cap(said), "answers an anonymous MQTT CONNECT with CONNACK "
                    + ConnectProbe.connAck(said.getBytes(StandardCharsets.ISO_8859_1)), null, tls);
            case OTHER, SILENT -> new TcpService(port, kind, cap(said), firstLine(said), null, tls);
        };
    }

    /** Where the probes go: in the clear, or inside TLS that takes any certificate. */
    private record Link(InetAddress address, int port, String tls, SSLSocketFactory factory) {
    }

    /** The port as a TLS server, when a handshake succeeds; null when it does not speak TLS. */
    private Link tls(InetAddress address, int port) {
        AnyCertificate any = new AnyCertificate();
        SSLSocketFactory factory = any.socketFactory();
        try (Socket raw = connect(address, port); SSLSocket s = (SSLSocket) factory.createSocket(raw, address.getHostAddress(), port, true)) {
            s.startHandshake();
            return new Link(address, port, s.getSession().getProtocol() + ", " + s.getSession().getCipherSuite() + ", certificate "
                    + any.describeSeen(), factory);
        } catch (IOException | RuntimeException notTls) {
            return null;
        }
    }

    /** What a stretch of a peer's words is, or null when no recogniser knows it. */
    static Kind recognise(String said) {
        if (said == null || said.isEmpty()) {
            return null;
        }
        if (said.startsWith("SSH-")) {
            return Kind.SSH;
        }
        if (said.length() > 1 && said.charAt(0) == 0xff && said.charAt(1) >= 0xfb && said.charAt(1) <= 0xfe) {
            return Kind.TELNET;
        }
        if (HTTP_STATUS.matcher(said).find()) {
            return Kind.HTTP;
        }
        if (GDB_PACKET.matcher(said).find()) {
            return Kind.GDBSERVER;
        }
        if (said.length() >= 24 && adbCommand(said) != 0) {
            return Kind.ADB;
        }
        if (said.contains(MARKER)) {
            return Kind.SHELL;
        }
        if (ConnectProbe.connAck(said.getBytes(StandardCharsets.ISO_8859_1)) != null) {
            return Kind.MQTT;
        }
        String text = visible(said);
        if (LOGIN.matcher(text).find() || PASSWORD.matcher(text).find()) {
            return Kind.TELNET;
        }
        if (SHELL_PROMPT.matcher(text).find()) {
            // A prompt alone proves nothing: the shell probe decides.
            return Kind.SHELL;
        }
        return null;
    }

    // ---- telnet ------------------------------------------------------------------------------------

    /**
     * A telnet session as a client would have it (Apache Commons Net answers the option negotiation):
     * read until a login, password or shell prompt; at a shell prompt, run {@code id}. A server that hangs
     * up in the middle of the negotiation is judged by the prompt its banner already showed.
     */
    private TcpService telnet(Link link, String banner) {
        int port = link.port();
        String shown = visible(banner);
        boolean bannerPrompt = LOGIN.matcher(shown).find() || PASSWORD.matcher(shown).find();
        StringBuilder text = new StringBuilder();
        String failure = "no prompt within " + answerTimeout.multipliedBy(3).toMillis() + " ms";
        if (link.tls() == null) {
            TelnetClient client = new TelnetClient("VT100");
            try {
                client.addOptionHandler(new TerminalTypeOptionHandler("VT100", false, false, true, false));
                client.addOptionHandler(new EchoOptionHandler(false, false, false, true));
                client.addOptionHandler(new SuppressGAOptionHandler(true, true, true, true));
                client.setReaderThread(false);
                client.setConnectTimeout((int) connectTimeout.toMillis());
                client.connect(link.address(), port);
                client.setSoTimeout(200);
                InputStream in = client.getInputStream();
                Prompt prompt = readPrompt(in, text, answerTimeout.multipliedBy(3));
                if (prompt == Prompt.SHELL) {
                    OutputStream out = client.getOutputStream();
                    out.write("id\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    StringBuilder after = new StringBuilder();
                    readUntil(in, after, ID, answerTimeout.multipliedBy(3));
                    Matcher id = ID.matcher(visible(after.toString()));
                    return new TcpService(port, Kind.TELNET, cap(banner), greeting(banner) + "gives a shell without login",
                            id.find() ? "`id` → " + id.group().strip() : "a shell prompt " + lastLine(text.toString()), null);
                }
                if (prompt != null) {
                    return new TcpService(port, Kind.TELNET, cap(banner), greeting(banner) + "asks for a login",
                            lastLine(text.toString()), null);
                }
            } catch (IOException | InvalidTelnetOptionException e) {
                failure = "the session ended: " + e.getMessage();
            } finally {
                try {
                    client.disconnect();
                } catch (IOException | NullPointerException notConnected) {
                    // nothing to close
                }
            }
        }
        if (bannerPrompt) {
            return new TcpService(port, Kind.TELNET, cap(banner), greeting(banner) + "asks for a login", lastLine(banner), link.tls());
        }
        return new TcpService(port, Kind.TELNET, cap(banner), "telnet (option negotiation), " + failure,
                "no prompt; it said: " + cap(visible(text.isEmpty() ? banner : text.toString())), link.tls());
    }

    private enum Prompt { LOGIN, SHELL }

    private static Prompt readPrompt(InputStream in, StringBuilder text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && text.length() < PortScanner.MAX_ANSWER) {
            if (!readSome(in, text)) {
                break;
            }
            String shown = visible(text.toString());
            if (LOGIN.matcher(shown).find() || PASSWORD.matcher(shown).find()) {
                return Prompt.LOGIN;
            }
            if (SHELL_PROMPT.matcher(shown).find()) {
                return Prompt.SHELL;
            }
        }
        return null;
    }

    private static void readUntil(InputStream in, StringBuilder text, Pattern wanted, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && text.length() < PortScanner.MAX_ANSWER
                && !wanted.matcher(visible(text.toString())).find()) {
            if (!readSome(in, text)) {
                return;
            }
        }
    }

    /** Reads what is there within the socket's short timeout; false at the end of the stream. */
    private static boolean readSome(InputStream in, StringBuilder text) throws IOException {
        byte[] buf = new byte[512];
        try {
            int n = in.read(buf);
            if (n < 0) {
                return false;
            }
            text.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        } catch (SocketTimeoutException quiet) {
            // nothing yet
        }
        return true;
    }

    // ---- the probes on a new connection -----------------------------------------------------------

    /**
     * Sends one probe on a new connection (none: only listens) and returns what came back: empty for nothing,
     * or for a connection refused or reset.
     */
    private String ask(Link link, byte[] probe) {
        try (Socket raw = connect(link.address(), link.port())) {
            Socket s = link.factory() == null ? raw : link.factory().createSocket(raw, link.address().getHostAddress(), link.port(), true);
            try (s) {
                s.setSoTimeout((int) answerTimeout.toMillis());
                if (probe != null) {
                    s.getOutputStream().write(probe);
                    s.getOutputStream().flush();
                }
                return PortScanner.read(s).text();
            } catch (SocketException gone) {
                return "";
            }
        } catch (IOException e) {
            return "";
        }
    }

    private Socket connect(InetAddress address, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            s.setSoTimeout((int) answerTimeout.toMillis());
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static byte[] httpRequest(InetAddress address) {
        return ("GET / HTTP/1.0\r\nHost: " + address.getHostAddress() + "\r\nUser-Agent: StarBench-scan\r\nAccept: */*\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String http(String said) {
        Matcher status = HTTP_STATUS.matcher(said);
        String line = status.find() ? status.group().strip() : firstLine(said);
        Matcher server = HTTP_SERVER.matcher(said);
        return server.find() ? line + ", Server: " + server.group(1).strip() : line;
    }

    /** adb's CNXN message from a host (version 0x01000001, which skips the payload checksum; it is sent anyway). */
    private static byte[] adbConnect() {
        byte[] payload = "host::\0".getBytes(StandardCharsets.US_ASCII);
        int sum = 0;
        for (byte b : payload) {
            sum += b & 0xff;
        }
        return ByteBuffer.allocate(24 + payload.length).order(ByteOrder.LITTLE_ENDIAN).putInt(ADB_CNXN).putInt(ADB_VERSION)
                .putInt(256 * 1024).putInt(payload.length).putInt(sum).putInt(~ADB_CNXN).put(payload).array();
    }

    /** The command of an adb message header (CNXN or AUTH), checked against its magic; 0 when it is none. */
    private static int adbCommand(String said) {
        ByteBuffer header = ByteBuffer.wrap(said.substring(0, 24).getBytes(StandardCharsets.ISO_8859_1)).order(ByteOrder.LITTLE_ENDIAN);
        int command = header.getInt(0);
        boolean known = command == ADB_CNXN || command == ADB_AUTH;
        return known && header.getInt(20) == ~command ? command : 0;
    }

    private static TcpService adb(Link link, String said) {
        if (adbCommand(said) == ADB_AUTH) {
            return new TcpService(link.port(), Kind.ADB, cap(said), "adb answers CNXN with AUTH", "asks for the host's adb key (AUTH)",
                    link.tls());
        }
        String banner = said.length() > 24 ? said.substring(24).replace("\0", "") : "";
        return new TcpService(link.port(), Kind.ADB, cap(said), "adb answers CNXN with CNXN",
                "a device session without authentication: " + cap(banner), link.tls());
    }

    /** A prompt seen, or the shell probe's marker: confirmed by the marker and {@code id} on a new connection. */
    private TcpService shell(Link link, String said) {
        String answer = said.contains(MARKER) ? said : ask(link, SHELL_PROBE);
        if (!answer.contains(MARKER)) {
            return new TcpService(link.port(), Kind.OTHER, cap(said), firstLine(said), null, link.tls());
        }
        Matcher id = ID.matcher(visible(answer));
        return new TcpService(link.port(), Kind.SHELL, cap(answer), "runs commands without authentication (echo 'SB''MARK' → SBMARK)",
                id.find() ? "`id` → " + id.group().strip() : "a shell whose `id` printed nothing", link.tls());
    }

    // ---- text --------------------------------------------------------------------------------------

    /** What a terminal would show: telnet commands and terminal controls removed. */
    static String visible(String said) {
        StringBuilder sb = new StringBuilder(said.length());
        for (int i = 0; i < said.length(); i++) {
            char c = said.charAt(i);
            if (c == 0xff && i + 1 < said.length()) {
                char cmd = said.charAt(i + 1);
                if (cmd == 0xfa) {
                    int end = said.indexOf("\u00ff\u00f0", i + 2);
                    i = end < 0 ? said.length() : end + 1;
                } else {
                    i += cmd >= 0xfb && cmd <= 0xfe ? 2 : 1;
                }
                continue;
            }
            sb.append(c);
        }
        return TERMINAL_CONTROL.matcher(sb).replaceAll("").replace("\0", "");
    }

    /** What a telnet server says before its prompt (an issue file, a banner), as the start of a sentence. */
    private static String greeting(String banner) {
        String line = firstLine(banner);
        return line.isEmpty() || LOGIN.matcher(line).find() || SHELL_PROMPT.matcher(line).find() ? "" : line + "; ";
    }

    private static String firstLine(String said) {
        String text = visible(said).strip();
        int end = text.indexOf('\n');
        return cap((end < 0 ? text : text.substring(0, end)).strip());
    }

    private static String lastLine(String said) {
        String text = visible(said).replace("\r", "");
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\n') {
            end--;
        }
        int start = text.lastIndexOf('\n', end - 1) + 1;
        return cap(text.substring(start, end));
    }

    private static String cap(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static Pattern bounded(String regex) {
        String problem = BoundedRegex.problem(regex);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        return Pattern.compile(regex);
    }
}
