package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.login.LoginClient.Answer;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.report.Measurement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * JC-STAR S1.1-04 (EN 303 645 5.1-5): brute force against each login surface is made difficult. N wrong
 * passwords for one user name at full speed (the profile's {@code attempts}, default 20), each answer
 * time a measurement; then the unit's credential, which a lockout refuses; after the declared lockout
 * period it must log in again, or the lockout is a denial of service anyone can cause.
 *
 * <p>PASS when the surface locks out within N attempts (and lets the owner back in) or when every failure
 * costs at least {@code min-failure-delay-ms} (default 1000: at most 3600 guesses an hour, what published
 * EN 303 645 self-assessments relied on); FAIL otherwise, with the guesses an hour. Without the unit's
 * credential a silent lockout cannot be told from a refusal: that part is INCONCLUSIVE, saying what to add.
 */
public class BruteForceCheck {
    static final String ID = "auth.brute-force";
    /** How long the bench waits for a lockout to end when the profile declares no period. */
    static final long DEFAULT_LOCKOUT_WAIT_MS = 60_000;
    /** Beyond the declared period: the device's clock and the bench's need not agree to the millisecond. */
    static final long LOCKOUT_MARGIN_MS = 1_000;

    @Test
    @CheckId(ID)
    public void bruteForceIsMadeDifficult(ITestContext testContext) throws BenchIoException {
        CheckContext ctx = CheckContext.of(testContext);
        SplittableRandom random = new SplittableRandom(ctx.seedFor(ID));
        Evidence evidence = ctx.evidence();
        SurfaceResults results = new SurfaceResults(evidence);
        AttemptLog log = new AttemptLog(evidence);
        try (AuthSurfaces surfaces = AuthSurfaces.open(ctx, ID, random)) {
            for (AuthSurface s : surfaces.declared()) {
                results.run(s, () -> surface(s, random, log, results, evidence));
            }
            // Only now: the device has run a while, so a service that starts late is up for the scan.
            for (AuthSurface s : surfaces.undeclared()) {
                results.run(s, () -> surface(s, random, log, results, evidence));
            }
        }
        results.conclude("the profile declares no login surface (`logins:`) and the scan found none");
    }

    private static void surface(AuthSurface s, SplittableRandom random, AttemptLog log, SurfaceResults results, Evidence evidence)
            throws BenchIoException {
        String user = s.validUser() != null ? s.validUser() : "root";
        if (s.validUser() != null && !log.control(s)) {
            results.inconclusive(s, "the unit's credential (" + s.field() + ".credential) was refused before any guess: a wrong"
                    + " credential in the profile, or " + user + " is still locked out");
            return;
        }
        int n = s.attempts();
        long min = s.minFailureDelayMs();
        evidence.step(String.format(Locale.ROOT, "%s: %d wrong passwords for %s at full speed; each failure must cost at least"
                + " %d ms unless the surface locks out", s.label(), n, user, min));
        List<Long> refusedMs = new ArrayList<>();
        String lockedBy = null;
        for (int i = 1; i <= n && lockedBy == null; i++) {
            Answer a = log.record(s, "guess " + i + "/" + n, user, null, s.attempt(user, Draw.password(random)), min);
            switch (a.outcome()) {
                case REFUSED -> refusedMs.add(a.took().toMillis());
                case ACCEPTED -> {
                    results.fail(s, "a random password for " + user + " got in at guess " + i + ": the surface takes any password");
                    return;
                }
                case NOT_OFFERED -> {
                    results.pass(s, "takes no password at all (" + a.text() + "): there is nothing to guess");
                    return;
                }
                case LOCKED_OUT -> lockedBy = "said so at guess " + i + " (" + s.mask(a.text()) + ")";
                case NO_ANSWER -> {
                    if (i == 1) {
                        results.inconclusive(s, "did not answer the first guess: " + s.mask(a.text()));
                        return;
                    }
                    lockedBy = "stopped answering at guess " + i;
                }
            }
        }
        Rate rate = Rate.of(refusedMs, min);
        evidence.measurement(Measurement.of(s.measurementName().replace("login.", "guesses-per-hour."), rate.perHour(), "1/h"));
        if (s.validUser() == null) {
            if (lockedBy != null) {
                results.inconclusive(s, "locked out (" + lockedBy + "), but whether the lock ends cannot be told without the"
                        + " unit's credential: add " + s.field() + ".credential");
            } else if (rate.slowEnough()) {
                results.pass(s, rate.describe() + " (whether a lockout ends could not be checked without " + s.field() + ".credential)");
            } else {
                results.inconclusive(s, rate.describe() + ", but a silent lockout cannot be told from a refusal without the unit's"
                        + " credential: add " + s.field() + ".credential");
            }
            return;
        }
        if (log.witness(s, "the unit's credential after " + n + " guesses")) {
            if (lockedBy != null) {
                evidence.note(s.label() + ": " + lockedBy + ", yet let the owner in at once");
            }
            if (rate.slowEnough()) {
                results.pass(s, rate.describe());
            } else {
                results.fail(s, "no lockout within " + n + " wrong passwords, and " + rate.describe());
            }
            return;
        }
        String locked = "locks out within " + n + " wrong passwords (" + (lockedBy != null ? lockedBy : "the unit's credential was"
                + " refused after them") + ")";
        long wait = (s.lockoutMs() == null ? DEFAULT_LOCKOUT_WAIT_MS : s.lockoutMs()) + LOCKOUT_MARGIN_MS;
        String period = s.lockoutMs() == null ? "the bench's " + DEFAULT_LOCKOUT_WAIT_MS + " ms (the profile declares no lockout-ms)"
                : "the declared lockout-ms " + s.lockoutMs();
        for (int round = 1; round <= 2; round++) {
            evidence.step(s.label() + ": " + locked + "; waiting " + wait + " ms (" + period + ") for the lockout to end");
            DeviceAccess.waitOut(wait);
            if (log.witness(s, "the unit's credential after the lockout period (" + round + ")")) {
                if (round == 2) {
                    evidence.finding(s.label() + ": the lockout lasted longer than " + period);
                }
                results.pass(s, locked + ", and lets the owner back in after the lockout period");
                return;
            }
        }
        results.fail(s, locked + ", and still refuses the unit's credential " + (2 * wait) + " ms later, twice "
                + period + ": a permanent lockout, a denial of service anyone can cause by guessing");
    }

    /** What the failures cost: the verdict's rate, from the measured answer times. */
    record Rate(long[] ms, long minMs) {
        static Rate of(List<Long> refused, long minMs) {
            return new Rate(refused.stream().mapToLong(Long::longValue).toArray(), minMs);
        }

        /** Every failure cost at least the minimum; or the delay grows to it, the last third all at or above it. */
        boolean slowEnough() {
            if (ms.length == 0) {
                return true;
            }
            if (Arrays.stream(ms).allMatch(t -> t >= minMs)) {
                return true;
            }
            int tail = Math.max(1, ms.length / 3);
            return growing() && Arrays.stream(ms, ms.length - tail, ms.length).allMatch(t -> t >= minMs);
        }

        private boolean growing() {
            for (int i = 1; i < ms.length; i++) {
                if (ms[i] + 50 < ms[i - 1]) {
                    return false;
                }
            }
            return true;
        }

        long medianMs() {
            long[] sorted = ms.clone();
            Arrays.sort(sorted);
            return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
        }

        /** Guesses an hour at the median failure's cost (one connection at a time). */
        double perHour() {
            return Math.floor(3_600_000.0 / Math.max(1, medianMs()));
        }

        String describe() {
            if (ms.length == 0) {
                return "no failure was answered";
            }
            long fastest = Arrays.stream(ms).min().orElse(0);
            String how = Arrays.stream(ms).allMatch(t -> t >= minMs) ? "each failure costs at least " + minMs + " ms"
                    : slowEnough() ? "the delay grows to at least " + minMs + " ms" : "failures cost only " + medianMs() + " ms (median)";
            return String.format(Locale.ROOT, "%s (fastest %d ms, median %d ms over %d): about %.0f guesses an hour, limit %.0f",
                    how, fastest, medianMs(), ms.length, perHour(), Math.floor(3_600_000.0 / minMs));
        }
    }
}
