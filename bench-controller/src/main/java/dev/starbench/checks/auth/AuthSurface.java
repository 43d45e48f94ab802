package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.login.LoginClient;
import dev.starbench.checks.BenchFault;
import dev.starbench.config.LoginSurface;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A login surface under test: one the profile declares (with its policy and, optionally, the unit's
 * valid credential) or one the scan found that the profile does not declare. It masks every secret it
 * knows in what it hands to evidence, since a surface may echo what it was sent.
 */
final class AuthSurface implements AutoCloseable {
    static final String MASK = "[redacted]";

    private final LoginSurface declared;
    private final LoginSurface.Kind kind;
    private final LoginClient client;
    private final int index;
    private final List<String> secrets = new ArrayList<>();
    private String validPassword;

    /**
     * @param declared null for a surface the scan found
     * @param index    its place in the profile's {@code logins:}, for messages; -1 when undeclared
     */
    AuthSurface(LoginSurface declared, LoginSurface.Kind kind, LoginClient client, int index) {
        this.declared = declared;
        this.kind = kind;
        this.client = client;
        this.index = index;
    }

    LoginSurface.Kind kind() {
        return kind;
    }

    LoginClient client() {
        return client;
    }

    boolean isDeclared() {
        return declared != null;
    }

    /** Null for an undeclared surface. */
    LoginSurface declared() {
        return declared;
    }

    /** {@code ssh:21886}, or {@code telnet:21890 (undeclared)}. */
    String label() {
        return client.label() + (declared == null ? " (undeclared)" : "");
    }

    /** A measurement name for its answer times: {@code login.ssh-21886}. */
    String measurementName() {
        return "login." + client.label().replace(':', '-');
    }

    /** Where the profile declares it, for messages that say what to add: {@code logins[1]}. */
    String field() {
        return declared == null ? "a logins entry for " + client.label() : "logins[" + index + "]";
    }

    long minFailureDelayMs() {
        return declared == null ? LoginSurface.DEFAULT_MIN_FAILURE_DELAY_MS : declared.minFailureDelayMs();
    }

    int attempts() {
        return declared == null ? LoginSurface.DEFAULT_ATTEMPTS : declared.attempts();
    }

    /** The declared lockout period, or null. */
    Long lockoutMs() {
        return declared == null ? null : declared.lockoutMs();
    }

    /** The unit's valid credential's user name, or null when the profile gives none for this surface. */
    String validUser() {
        return declared == null || declared.credential() == null ? null : declared.credential().user();
    }

    /** The valid password, read once (from its file if the profile names one); a file that cannot be read is the bench's problem. */
    String validPassword() {
        if (validPassword == null && validUser() != null) {
            try {
                validPassword = declared.credential().secret();
            } catch (IOException e) {
                throw new BenchFault(label() + ": cannot read the unit's password (" + field() + ".credential.password-file): "
                        + e.getMessage(), e);
            }
            masks(validPassword);
        }
        return validPassword;
    }

    /** One more secret to mask in everything this surface hands to evidence (a password the bench set). */
    void masks(String secret) {
        if (secret != null && !secret.isEmpty()) {
            secrets.add(secret);
            if (client instanceof ConsoleLogin console) {
                console.masksInTranscript(secret);
            }
        }
    }

    String mask(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASK);
        }
        return out;
    }

    LoginClient.Answer attempt(String user, String password) throws BenchIoException {
        return client.attempt(user, password);
    }

    @Override
    public void close() {
        client.close();
    }
}
