package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.login.LoginClient.Answer;
import dev.starbench.bench.login.LoginClient.Outcome;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * JC-STAR ★2 (user enumeration prevention): a login must not tell an existing user name from one the
 * device does not have. Wrong passwords for the unit's user name (from the profile's credential) and for
 * random user names, interleaved in an order drawn from the seed: any difference in the answer text is a
 * FAIL; answer times are compared by a two-sided Mann–Whitney U test (Apache Commons Statistics).
 *
 * <p>FAIL when p is below {@value #ALPHA}; PASS when it is not and the samples gave the test at least
 * {@value #POWER} power to see a shift of {@value #SHIFT_MS} ms (estimated from the samples themselves,
 * by Noether's approximation); else more samples of each ({@link #ROUNDS}: a loaded bench makes answer
 * times noisy); then INCONCLUSIVE: too noisy to tell. The unit's credential logs in between samples, so no lockout sets its user name apart.
 */
public class UserEnumerationCheck {
    static final String ID = "auth.user-enumeration";
    static final double ALPHA = 0.01;
    static final double POWER = 0.8;
    /** The smallest timing difference the bench promises to see: a password hash on an embedded CPU costs more. */
    static final long SHIFT_MS = 50;
    /** Samples of each kind per round, as long as the test is neither decided nor out of rounds. */
    static final int[] ROUNDS = {12, 12, 24};

    @Test
    @CheckId(ID)
    public void answersDoNotTellUsersApart(ITestContext testContext) throws BenchIoException {
        CheckContext ctx = CheckContext.of(testContext);
        SplittableRandom random = new SplittableRandom(ctx.seedFor(ID));
        Evidence evidence = ctx.evidence();
        SurfaceResults results = new SurfaceResults(evidence);
        AttemptLog log = new AttemptLog(evidence);
        try (AuthSurfaces surfaces = AuthSurfaces.open(ctx, ID, random)) {
            for (AuthSurface s : surfaces.declared()) {
                if (s.validUser() == null) {
                    results.notApplicable(s, "no existing user name to compare with: add " + s.field() + ".credential");
                    continue;
                }
                results.run(s, () -> surface(s, random, log, results, evidence));
            }
        }
        results.conclude("no entry of the profile's `logins:` gives a credential, so no existing user name is known");
    }

    private static void surface(AuthSurface s, SplittableRandom random, AttemptLog log, SurfaceResults results, Evidence evidence)
            throws BenchIoException {
        String user = s.validUser();
        if (!log.control(s)) {
            results.inconclusive(s, "the unit's credential (" + s.field() + ".credential) was refused: " + user
                    + " may be locked out, which would set its answers apart");
            return;
        }
        evidence.step(String.format(Locale.ROOT, "%s: wrong passwords for %s and for random user names, %d of each, interleaved",
                s.label(), user, ROUNDS[0]));
        Samples known = new Samples();
        Samples unknown = new Samples();
        take(s, random, log, ROUNDS[0], known, unknown);
        Set<String> knownTexts = known.texts();
        Set<String> unknownTexts = unknown.texts();
        if (knownTexts.stream().noneMatch(unknownTexts::contains)) {
            results.fail(s, "the answer tells the user names apart: for " + user + " \"" + String.join("\" / \"", knownTexts)
                    + "\", for user names it does not have \"" + String.join("\" / \"", unknownTexts) + "\"");
            return;
        }
        Judgement j = judge(known.ms(), unknown.ms());
        for (int round = 1; round < ROUNDS.length && !j.decided(); round++) {
            evidence.step(s.label() + ": " + j.describe() + "; " + ROUNDS[round] + " more samples of each");
            take(s, random, log, ROUNDS[round], known, unknown);
            j = judge(known.ms(), unknown.ms());
        }
        evidence.note(s.label() + ": " + j.describe());
        if (j.differs()) {
            results.fail(s, String.format(Locale.ROOT, "the answer time tells the user names apart: %s answers in %.0f ms (median),"
                    + " a user name it does not have in %.0f ms; %s", user, median(known.ms()), median(unknown.ms()), j.describe()));
        } else if (j.powerful()) {
            results.pass(s, "the same answer text for every user name, and no timing difference: " + j.describe());
        } else {
            results.inconclusive(s, "too noisy to tell: " + j.describe());
        }
    }

    /** {@code n} samples of each kind, in an order from the seed; the unit logs in after every second failure of its name. */
    private static void take(AuthSurface s, SplittableRandom random, AttemptLog log, int n, Samples known, Samples unknown)
            throws BenchIoException {
        List<Boolean> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(true);
            order.add(false);
        }
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Boolean t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        int sinceWitness = 0;
        for (boolean existing : order) {
            String user = existing ? s.validUser() : Draw.user(random);
            Answer a = log.record(s, existing ? "existing user" : "unknown user", user, null, s.attempt(user, Draw.password(random)), null);
            if (a.outcome() != Outcome.REFUSED) {
                throw new BenchFault("a wrong password for " + (existing ? user : "a random user name") + " was answered "
                        + AttemptLog.outcomeOf(a) + ", not refused: the comparison needs refusals");
            }
            (existing ? known : unknown).add(a.took().toMillis(), s.mask(a.text()).replace(user, "{user}"));
            if (existing && ++sinceWitness == DefaultCredentialsCheck.WITNESS_EVERY) {
                sinceWitness = 0;
                if (!log.witness(s, "witness: the unit's credential")) {
                    throw new BenchFault("the unit's credential was refused between samples: " + s.validUser()
                            + " was locked out, which sets its answers apart from any other name's");
                }
            }
        }
    }

    /**
     * The timing comparison: Mann–Whitney U's two-sided p, and the power it had to see a {@value #SHIFT_MS}
     * ms shift, by Noether's approximation with P(X &lt; Y + shift) estimated from the samples themselves.
     */
    record Judgement(int m, int n, double u, double p, double power) {
        boolean differs() {
            return p < ALPHA;
        }

        boolean powerful() {
            return power >= POWER;
        }

        boolean decided() {
            return differs() || powerful();
        }

        String describe() {
            return String.format(Locale.ROOT, "Mann-Whitney U = %.1f, two-sided p = %.3g with %d and %d samples (alpha %.2f);"
                    + " power to see a %d ms difference %.2f (needed %.2f)", u, p, m, n, ALPHA, SHIFT_MS, power, POWER);
        }
    }

    static Judgement judge(double[] known, double[] unknown) {
        MannWhitneyUTest.Result r = MannWhitneyUTest.withDefaults().test(known, unknown);
        return new Judgement(known.length, unknown.length, r.getStatistic(), r.getPValue(), power(known, unknown, SHIFT_MS));
    }

    /** Noether (1987): power = Φ(√(12mn/(m+n+1))·|θ − ½| − z₁₋α/₂), θ = P(X &lt; Y + shift) over the pooled residuals. */
    static double power(double[] a, double[] b, double shift) {
        double ma = median(a);
        double mb = median(b);
        double[] ra = Arrays.stream(a).map(v -> v - ma).toArray();
        double[] rb = Arrays.stream(b).map(v -> v - mb).toArray();
        double below = 0;
        for (double x : ra) {
            for (double y : rb) {
                below += x < y + shift ? 1 : x == y + shift ? 0.5 : 0;
            }
        }
        double theta = below / (ra.length * (double) rb.length);
        NormalDistribution z = NormalDistribution.of(0, 1);
        double m = a.length;
        double n = b.length;
        return z.cumulativeProbability(Math.sqrt(12 * m * n / (m + n + 1)) * Math.abs(theta - 0.5)
                - z.inverseCumulativeProbability(1 - ALPHA / 2));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** One kind's answer times and texts. */
    private static final class Samples {
        private final List<Double> ms = new ArrayList<>();
        private final List<String> texts = new ArrayList<>();

        void add(long millis, String text) {
            ms.add((double) millis);
            texts.add(text);
        }

        double[] ms() {
            return ms.stream().mapToDouble(Double::doubleValue).toArray();
        }

        /** The distinct answers, with the tried user name written as {user} (a page may greet whoever tried). */
        Set<String> texts() {
            return new LinkedHashSet<>(texts);
        }
    }
}
