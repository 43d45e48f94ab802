package dev.starbench.bench.login;

import dev.starbench.bench.BenchIoException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.telnet.EchoOptionHandler;
import org.apache.commons.net.telnet.SuppressGAOptionHandler;
import org.apache.commons.net.telnet.TelnetClient;
import org.apache.commons.net.telnet.TerminalTypeOptionHandler;

/**
 * Telnet logins through Apache Commons Net's {@link TelnetClient} (which does the option negotiation),
 * one connection per attempt: wait for the login prompt, type the user name, wait for the password
 * prompt, type the password, and read what the login decides: a shell prompt, a refusal and a new login
 * prompt, a lockout message, or the connection closing.
 */
public final class TelnetLogin implements LoginClient {
    // Bounded, and matched against at most the last MAX_TEXT characters.
    static final Pattern LOGIN = Pattern.compile("(?i)(?:login|user(?: ?name)?): ?$");
    static final Pattern PASSWORD = Pattern.compile("(?i)password: ?$");
    static final Pattern SHELL = Pattern.compile("(?:^|\\n)[^\\n#$>]{0,60}[#$>] ?$");
    static final Pattern FAILED = Pattern.compile("(?i)login incorrect|incorrect|denied|fail|invalid");
    static final Pattern LOCKED = Pattern.compile("(?i)locked|too many (?:failed |login )?(?:attempts|failures)|try again later");
    private static final int MAX_TEXT = 4096;

    private final String host;
    private final int port;
    private final Duration timeout;

    /** @param timeout how long each prompt may take to come (the surface's failure delay included) */
    public TelnetLogin(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    @Override
    public String label() {
        return "telnet:" + port;
    }

    @Override
    public Answer attempt(String user, String password) throws BenchIoException {
        TelnetClient telnet = new TelnetClient("VT100");
        try {
            telnet.addOptionHandler(new TerminalTypeOptionHandler("VT100", false, false, true, false));
            telnet.addOptionHandler(new EchoOptionHandler(false, false, true, false));
            telnet.addOptionHandler(new SuppressGAOptionHandler(true, true, true, true));
            telnet.setConnectTimeout((int) timeout.toMillis());
        } catch (Exception e) {
            throw new BenchIoException("cannot set up the telnet client: " + e.getMessage(), e);
        }
        try {
            telnet.connect(host, port);
        } catch (IOException e) {
            return new Answer(Outcome.NO_ANSWER, Duration.ZERO, "no telnet connection: " + AnswerText.of(String.valueOf(e.getMessage())));
        }
        try {
            telnet.setSoTimeout(100);
            Reader in = new Reader(telnet.getInputStream());
            OutputStream out = telnet.getOutputStream();
            if (in.await(timeout, LOGIN) == null) {
                return new Answer(Outcome.NO_ANSWER, Duration.ZERO, "no login prompt: " + AnswerText.of(in.text()));
            }
            type(out, user);
            Pattern p = in.await(timeout, PASSWORD, SHELL, LOCKED);
            if (p != PASSWORD) {
                return p == SHELL ? new Answer(Outcome.ACCEPTED, Duration.ZERO, "a shell without a password")
                        : new Answer(p == LOCKED ? Outcome.LOCKED_OUT : Outcome.NO_ANSWER, Duration.ZERO, AnswerText.of(in.text()));
            }
            in.forget();
            long start = System.nanoTime();
            type(out, password);
            p = in.await(timeout, LOCKED, LOGIN, SHELL);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String said = AnswerText.of(in.text());
            if (p == LOCKED) {
                return new Answer(Outcome.LOCKED_OUT, took, said);
            }
            if (p == LOGIN || p == null && in.closed() && FAILED.matcher(in.text()).find()) {
                return new Answer(Outcome.REFUSED, took, said);
            }
            if (p == SHELL) {
                return new Answer(FAILED.matcher(in.text()).find() ? Outcome.REFUSED : Outcome.ACCEPTED, took, said);
            }
            return new Answer(Outcome.NO_ANSWER, took, said.isEmpty() ? "nothing within " + timeout.toMillis() + " ms" : said);
        } catch (IOException e) {
            return new Answer(Outcome.NO_ANSWER, Duration.ZERO, AnswerText.of(String.valueOf(e.getMessage())));
        } finally {
            try {
                telnet.disconnect();
            } catch (IOException e) {
                // the device closed it first
            }
        }
    }

    private static void type(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** What the surface sent since the last {@link #forget}, matched against prompts as it arrives. */
    private static final class Reader {
        private final InputStream in;
        private final StringBuilder text = new StringBuilder();
        private boolean closed;

        Reader(InputStream in) {
            this.in = in;
        }

        /** The first pattern that matches the end of what arrived, or null at the deadline or when the connection closed. */
        Pattern await(Duration timeout, Pattern... patterns) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] buf = new byte[1024];
            while (true) {
                // A prompt is matched as a terminal shows it: BusyBox ash asks where the cursor is right after its prompt.
                String shown = AnswerText.withoutEscapes(text);
                for (Pattern p : patterns) {
                    Matcher m = p.matcher(shown);
                    if (p == LOCKED || p == FAILED ? m.find() : m.find() && m.end() == shown.length()) {
                        return p;
                    }
                }
                if (closed || System.nanoTime() > deadline) {
                    return null;
                }
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    closed = true;
                    continue;
                }
                text.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1).replace("\r", ""));
                if (text.length() > MAX_TEXT) {
                    text.delete(0, text.length() - MAX_TEXT);
                }
            }
        }

        void forget() {
            text.setLength(0);
        }

        String text() {
            return text.toString();
        }

        boolean closed() {
            return closed;
        }
    }
}
