package dev.starbench.bench.login;

import dev.starbench.bench.BenchIoException;
import java.time.Duration;

/**
 * Tries one credential on one login surface of the DUT and says how the surface answered and how long
 * it took to decide. One implementation per protocol, each on a well-kept client library; none of them
 * decides a verdict.
 */
public interface LoginClient extends AutoCloseable {
    /**
     * How one attempt ended. {@code NOT_OFFERED}: the surface takes no password at all (an SSH server
     * that takes keys only), so there is nothing to guess; {@code NO_ANSWER}: nothing decisive arrived
     * in time, or the connection was refused or closed: the surface stopped answering, or is not there.
     */
    enum Outcome { ACCEPTED, REFUSED, LOCKED_OUT, NOT_OFFERED, NO_ANSWER }

    /**
     * @param took how long the surface took to decide, from the moment the secret was sent
     * @param text what the surface answered, shortened and made printable (for comparing answers and for
     *             evidence); a surface may echo what it was sent, so callers mask their secrets in it
     */
    record Answer(Outcome outcome, Duration took, String text) {
    }

    /** The surface as evidence names it, e.g. {@code ssh:21886}. */
    String label();

    Answer attempt(String user, String password) throws BenchIoException;

    @Override
    default void close() {
    }
}
