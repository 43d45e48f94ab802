package dev.starbench.checks.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.Evidence;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Prompts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Tries credentials at a console login that is waiting for a user name. A random credential goes
 * first: a login that takes anything is its own finding, and a hit from the list counts only after it.
 */
final class LoginProbe {
    record Credential(String user, String password) {
        @Override
        public String toString() {
            return user + "/" + (password.isEmpty() ? "(empty password)" : password);
        }
    }

    private enum Outcome { ACCEPTED, REFUSED }

    private final Console console;
    private final Evidence evidence;
    private final Duration timeout;

    LoginProbe(Console console, Evidence evidence, Duration timeout) {
        this.console = console;
        this.evidence = evidence;
        this.timeout = timeout;
    }

    /** The failure to report, if the login accepted a credential it must not. */
    Optional<String> findAcceptedCredential() throws BenchIoException {
        String random = UUID.randomUUID().toString();
        Credential control = new Credential("sb" + random.substring(0, 8), random.substring(9));
        evidence.step("control: a random credential, which the login must refuse");
        long start = console.position();
        if (attempt(control) == Outcome.ACCEPTED) {
            evidence.transcript("login with a random credential", start, console.position());
            return Optional.of("the console login accepts any credential (a random user and password logged in as "
                    + new ShellProbe(console, timeout).confirm() + ")");
        }
        List<Credential> dictionary = defaultCredentials();
        evidence.step("trying " + dictionary.size() + " universal default credentials (Mirai-era list and empty passwords)");
        int tried = 0;
        for (Credential c : dictionary) {
            start = console.position();
            Outcome outcome = attempt(c);
            tried++;
            if (outcome == Outcome.ACCEPTED) {
                ShellProbe.Identity who = new ShellProbe(console, timeout).confirm();
                evidence.transcript("login with " + c.user(), start, console.position());
                return Optional.of("the console login accepts the universal default credential " + c + " (" + who
                        + ", after " + tried + " of " + dictionary.size() + " tried)");
            }
        }
        return Optional.empty();
    }

    private Outcome attempt(Credential c) throws BenchIoException {
        try {
            console.send(c.user() + "\r");
            Console.Match m = console.expect(timeout, Prompts.PASSWORD, Prompts.SHELL, Prompts.LOGIN);
            if (m.pattern() == Prompts.SHELL) {
                return Outcome.ACCEPTED;
            }
            if (m.pattern() == Prompts.LOGIN) {
                return Outcome.REFUSED;
            }
            console.send(c.password() + "\r");
            m = console.expect(timeout, Prompts.SHELL, Prompts.LOGIN_FAILED, Prompts.LOGIN);
            if (m.pattern() == Prompts.SHELL) {
                return Outcome.ACCEPTED;
            }
            if (m.pattern() == Prompts.LOGIN_FAILED) {
                console.expect(timeout, Prompts.LOGIN);
            }
            return Outcome.REFUSED;
        } catch (ExpectTimeout e) {
            throw new BenchFault("the console login stopped answering while trying " + c.user()
                    + " (lockout, or the adapter is gone): " + e.getMessage(), e);
        }
    }

    static List<Credential> defaultCredentials() {
        List<Credential> list = new ArrayList<>();
        try (var in = LoginProbe.class.getResourceAsStream("/dev/starbench/checks/default-credentials.txt");
             var reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(in), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int tab = line.indexOf('\t');
                    list.add(tab < 0 ? new Credential(line, "") : new Credential(line.substring(0, tab), line.substring(tab + 1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return list;
    }
}
