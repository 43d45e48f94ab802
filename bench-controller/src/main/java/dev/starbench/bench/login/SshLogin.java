package dev.starbench.bench.login;

import dev.starbench.bench.BenchIoException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * SSH logins through Apache MINA SSHD's client, one connection per attempt: password authentication
 * where the server offers it, else keyboard-interactive (every prompt answered with the password). Each
 * attempt sends the secret by one method only, so a surface that counts failures sees one per attempt.
 * The server's host key is taken as it comes, as an intruder would.
 */
public final class SshLogin implements LoginClient {
    private static final String PASSWORD = "password";
    private static final String KEYBOARD_INTERACTIVE = "keyboard-interactive";

    private final String host;
    private final int port;
    private final Duration timeout;
    private final SshClient client;
    /** The method the server takes a password by, once known; null before the first attempt. */
    private String method;

    public SshLogin(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        client = SshClient.setUpDefaultClient();
        // Any host key, as an intruder takes it; quietly (MINA's accept-all verifier warns at every connection).
        client.setServerKeyVerifier((session, remote, key) -> true);
        // Never the bench account's own keys or agent: only the credential under test may log in.
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.start();
    }

    @Override
    public String label() {
        return "ssh:" + port;
    }

    @Override
    public Answer attempt(String user, String password) throws BenchIoException {
        for (String m : method == null ? List.of(PASSWORD, KEYBOARD_INTERACTIVE) : List.of(method)) {
            Answer a = attempt(user, password, m);
            if (a != null) {
                method = m;
                return a;
            }
        }
        return new Answer(Outcome.NOT_OFFERED, Duration.ZERO, "the server takes no password (neither password nor"
                + " keyboard-interactive authentication is offered)");
    }

    /** Null when the server does not offer this method (the secret was not sent). */
    private Answer attempt(String user, String password, String m) throws BenchIoException {
        ClientSession session;
        try {
            session = client.connect(user, host, port).verify(timeout).getSession();
        } catch (IOException e) {
            return new Answer(Outcome.NO_ANSWER, Duration.ZERO, "no SSH session: " + AnswerText.of(String.valueOf(e.getMessage())));
        }
        try (session) {
            AtomicBoolean sent = new AtomicBoolean();
            CoreModuleProperties.PREFERRED_AUTHS.set(session, m);
            if (m.equals(PASSWORD)) {
                // MINA asks its providers more than once a session; the password goes out once.
                session.setPasswordIdentityProvider(context -> sent.getAndSet(true) ? List.of() : List.of(password));
            } else {
                session.setUserInteraction(new Answering(password, sent));
            }
            long start = System.nanoTime();
            try {
                boolean ok = session.auth().verify(timeout).isSuccess();
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                return ok ? new Answer(Outcome.ACCEPTED, took, "authenticated by " + m)
                        : sent.get() ? new Answer(Outcome.REFUSED, took, m + " refused") : null;
            } catch (IOException e) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (!sent.get()) {
                    return session.isOpen() ? null : new Answer(Outcome.NO_ANSWER, took, "closed before authentication: "
                            + AnswerText.of(String.valueOf(e.getMessage())));
                }
                // A refusal ends MINA's attempt with "no more authentication methods"; a server that drops
                // the connection or says nothing in time did not answer.
                boolean refused = session.isOpen() && String.valueOf(e.getMessage()).contains("o more authentication methods");
                return new Answer(refused ? Outcome.REFUSED : Outcome.NO_ANSWER, took,
                        refused ? m + " refused" : AnswerText.of(String.valueOf(e.getMessage())));
            }
        } catch (IOException e) {
            throw new BenchIoException("closing an SSH session to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Keyboard-interactive: the password for every prompt; nothing else is ever typed. */
    private record Answering(String password, AtomicBoolean sent) implements UserInteraction {
        @Override
        public boolean isInteractionAllowed(ClientSession session) {
            return true;
        }

        @Override
        public String[] interactive(ClientSession session, String name, String instruction, String lang, String[] prompt,
                                    boolean[] echo) {
            if (prompt.length == 0) {
                return new String[0];
            }
            if (sent.getAndSet(true)) {
                return null;   // asked again after a refusal: this attempt's one try is spent
            }
            String[] answers = new String[prompt.length];
            java.util.Arrays.fill(answers, password);
            return answers;
        }

        @Override
        public String getUpdatedPassword(ClientSession session, String prompt, String lang) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (RuntimeException e) {
            // stopping the client's threads; nothing to report
        }
    }
}
