package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.login.LoginClient.Answer;
import dev.starbench.bench.login.LoginClient.Outcome;
import dev.starbench.checks.Evidence;
import dev.starbench.report.Measurement;
import java.util.Locale;

/**
 * Journals every login attempt as it is made: the surface, the user name, the password only when it is
 * a public default, how the surface answered and how long it took (also a measurement, {@code
 * login.<surface>-<port>}, which the report plots per surface).
 */
final class AttemptLog {
    private final Evidence evidence;

    AttemptLog(Evidence evidence) {
        this.evidence = evidence;
    }

    /**
     * @param shownPassword the password as evidence may show it (a public default), or null to show none
     * @param purpose       why this attempt, e.g. "control", "default", "guess 3/10"
     * @param minDelayMs    the lowest answer time a failure may take (brute force), or null for none
     */
    synchronized Answer record(AuthSurface s, String purpose, String user, String shownPassword, Answer a, Long minDelayMs) {
        String credential = user + (shownPassword == null ? "" : "/" + (shownPassword.isEmpty() ? "(empty password)" : shownPassword));
        String text = a.text().isEmpty() ? "" : " \u2014 " + s.mask(a.text());
        evidence.note(String.format(Locale.ROOT, "%s %s %s: %s in %d ms%s", s.label(), purpose, s.mask(credential),
                a.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '), a.took().toMillis(), text));
        if (a.outcome() != Outcome.NOT_OFFERED) {
            boolean judged = minDelayMs != null && a.outcome() == Outcome.REFUSED;
            evidence.measurement(new Measurement(s.measurementName(), a.took().toMillis(), "ms",
                    judged ? minDelayMs.doubleValue() : null, null));
        }
        return a;
    }

    /**
     * The control before a check's attempts: the unit's credential must log in. A name still locked out by
     * an earlier check's failures is waited out once, for the declared lockout period.
     */
    boolean control(AuthSurface s) throws BenchIoException {
        if (witness(s, "control: the unit's credential")) {
            return true;
        }
        if (s.lockoutMs() == null) {
            return false;
        }
        evidence.step(s.label() + ": the unit's credential was refused; it may still be locked out by earlier attempts:"
                + " waiting the declared lockout-ms " + s.lockoutMs() + " and trying once more");
        DeviceAccess.waitOut(s.lockoutMs() + BruteForceCheck.LOCKOUT_MARGIN_MS);
        return witness(s, "control: the unit's credential, after the lockout period");
    }

    /** Logs in with the unit's credential; true when it was let in. */
    boolean witness(AuthSurface s, String purpose) throws BenchIoException {
        return record(s, purpose, s.validUser(), null, s.attempt(s.validUser(), s.validPassword()), null).outcome() == Outcome.ACCEPTED;
    }

    static String outcomeOf(Answer a) {
        return a.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + (a.text().isEmpty() ? "" : " (" + a.text() + ")");
    }
}
