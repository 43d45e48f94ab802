package dev.starbench.console;

import dev.starbench.bench.BenchIoException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Tries credentials at a console login that is waiting for a user name, with pacing, and records how
 * each attempt ended and how long the login took to answer, so a growing delay or a lockout shows.
 * Only ever answers login and password prompts: never a bare Enter, which a bootloader would take as
 * "repeat the last command".
 */
public final class Login {
    /** A user name and password; the password shows only where the credential is the finding. */
    public record Credential(String user, String password) {
        @Override
        public String toString() {
            return user + "/" + (password.isEmpty() ? "(empty password)" : password);
        }
    }

    public enum Outcome { ACCEPTED, REFUSED, LOCKED_OUT, NO_ANSWER }

    /** One try: how it ended and how long the login took to decide. */
    public record Attempt(Credential credential, Outcome outcome, Duration answeredIn) {
    }

    static final Pattern LOCKOUT = BoundedPattern.compile("(?i)(?:locked|too many (?:failed |login )?(?:attempts|failures)|try again later)");

    private final Console console;
    private final Duration timeout;
    private final Duration pacing;

    /**
     * @param timeout how long one prompt may take to answer (the device's failure delay included)
     * @param pacing  pause between attempts, so the bench does not itself trip a rate limit it is measuring
     */
    public Login(Console console, Duration timeout, Duration pacing) {
        this.console = console;
        this.timeout = timeout;
        this.pacing = pacing;
    }

    /**
     * Tries the credentials in order until one is accepted, the login locks out or stops answering.
     * The last attempt tells why it stopped; on ACCEPTED the console is at the shell prompt.
     */
    public List<Attempt> tryEach(List<Credential> credentials) throws BenchIoException {
        List<Attempt> attempts = new ArrayList<>();
        for (Credential c : credentials) {
            Attempt a = attempt(c);
            attempts.add(a);
            if (a.outcome() != Outcome.REFUSED) {
                break;
            }
            pause();
        }
        return attempts;
    }

    public Attempt attempt(Credential c) throws BenchIoException {
        long start = System.nanoTime();
        try {
            console.send(c.user() + "\r");
            Console.Match m = console.expect(timeout, Prompts.PASSWORD, Prompts.SHELL, Prompts.LOGIN, LOCKOUT);
            if (m.pattern() == Prompts.PASSWORD) {
                console.send(c.password() + "\r");
                m = console.expect(timeout, Prompts.SHELL, Prompts.LOGIN_FAILED, Prompts.LOGIN, LOCKOUT);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (m.pattern() == Prompts.SHELL) {
                return new Attempt(c, Outcome.ACCEPTED, took);
            }
            if (m.pattern() == LOCKOUT) {
                return new Attempt(c, Outcome.LOCKED_OUT, took);
            }
            if (m.pattern() == Prompts.LOGIN_FAILED) {
                m = console.expect(timeout, Prompts.LOGIN, LOCKOUT);
                if (m.pattern() == LOCKOUT) {
                    return new Attempt(c, Outcome.LOCKED_OUT, Duration.ofNanos(System.nanoTime() - start));
                }
            }
            return new Attempt(c, Outcome.REFUSED, took);
        } catch (ExpectTimeout e) {
            return new Attempt(c, Outcome.NO_ANSWER, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void pause() throws BenchIoException {
        try {
            Thread.sleep(pacing.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted between login attempts", e);
        }
    }
}
