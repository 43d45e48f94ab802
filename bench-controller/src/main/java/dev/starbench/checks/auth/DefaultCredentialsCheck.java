package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.login.LoginClient.Answer;
import dev.starbench.bench.login.LoginClient.Outcome;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.debug.DefaultCredentials;
import dev.starbench.config.LoginSurface;
import dev.starbench.console.Login;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * JC-STAR S1.1-02 (EN 303 645 5.1-1, 5.1-2): no login surface takes a common default credential. On each
 * surface a random credential first (the control: a surface that takes it takes anything, its own
 * FAIL), then the maker's documented defaults and the universal list (Mirai-era, empty passwords).
 *
 * <p>A surface may lock a user name out part-way, and a locked name refuses even its right password, so
 * refusals after a lock prove nothing. Where the profile gives the unit's credential, it is let in before
 * the list, after every second failure of its own user name (a good login clears the count on most
 * devices), and after the list: each of those logins shows the refusals before it were real. Other user
 * names have no such witness; the evidence says so when a surface declares a lockout.
 */
public class DefaultCredentialsCheck {
    static final String ID = "auth.default-credentials";
    /** Failures of the unit's user name between two logins with its credential. */
    static final int WITNESS_EVERY = 2;
    /** Network surfaces are tried over this many connections (user names) at once, as an intruder would; the console one at a time. */
    static final int PARALLEL = 8;

    @Test
    @CheckId(ID)
    public void noSurfaceTakesADefaultCredential(ITestContext testContext) throws BenchIoException {
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
        evidence.step(s.label() + ": control: a random user and password, which must be refused");
        String randomUser = Draw.user(random);
        Answer control = log.record(s, "control", randomUser, null, s.attempt(randomUser, Draw.password(random)), null);
        switch (control.outcome()) {
            case ACCEPTED -> {
                results.fail(s, "accepts any credential: a random user and password got in");
                return;
            }
            case NOT_OFFERED -> {
                results.pass(s, "takes no password at all (" + control.text() + "): there is no default password to guess");
                return;
            }
            case NO_ANSWER, LOCKED_OUT -> {
                results.inconclusive(s, "did not refuse the control credential, it answered " + AttemptLog.outcomeOf(control));
                return;
            }
            case REFUSED -> {
            }
        }
        String user = s.validUser();
        if (user != null && !log.control(s)) {
            results.inconclusive(s, "the unit's credential (" + s.field() + ".credential) was refused before any default was"
                    + " tried: a wrong credential in the profile, or the name is locked out");
            return;
        }
        List<Login.Credential> list = candidates(s);
        evidence.step(s.label() + ": " + list.size() + " default credentials (the maker's "
                + (s.isDeclared() ? s.declared().vendorDefaults().size() : 0) + " and the universal list)"
                + (s.kind() == LoginSurface.Kind.CONSOLE ? ", one at a time" : ", " + PARALLEL + " user names at a time, each name's in order")
                + (user == null ? "" : "; the unit's credential logs in after every " + WITNESS_EVERY + " failures of " + user));
        List<String> accepted = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Login.Credential> own = list.stream().filter(c -> c.user().equals(user)).toList();
        List<Login.Credential> others = list.stream().filter(c -> !c.user().equals(user)).toList();
        Runnable othersRun = () -> tryAll(s, others, log, accepted, problems);
        if (s.kind() == LoginSurface.Kind.CONSOLE) {
            tryOwn(s, own, log, accepted, problems);
            othersRun.run();
        } else {
            ExecutorService side = Executors.newSingleThreadExecutor(r -> new Thread(r, "auth-defaults"));
            try {
                Future<?> othersDone = side.submit(othersRun);
                tryOwn(s, own, log, accepted, problems);
                othersDone.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchIoException("interrupted during the default list", e);
            } catch (ExecutionException e) {
                throw new BenchFault(s.label() + ": the default list stopped: " + e.getCause(), e.getCause());
            } finally {
                side.shutdownNow();
            }
        }
        if (!accepted.isEmpty()) {
            // In the list's order, whichever connection answered first: the verdict reads the same in a rerun.
            accepted.sort(java.util.Comparator.comparingInt(c -> list.stream().map(Login.Credential::toString).toList().indexOf(c)));
            results.fail(s, "accepts the default credential" + (accepted.size() > 1 ? "s " : " ") + String.join(", ", accepted));
        } else if (!problems.isEmpty()) {
            results.inconclusive(s, String.join("; ", problems));
        } else if (user != null && !log.witness(s, "control: the unit's credential after the list")) {
            results.inconclusive(s, "the unit's credential was refused after the list: the surface locked " + user
                    + " out, so refusals of its defaults may be the lock's");
        } else {
            if (s.lockoutMs() != null || user == null) {
                evidence.note(s.label() + ": user names without a credential in the profile have no witness: had the surface"
                        + " locked one out part-way, its later refusals would be the lock's");
            }
            results.pass(s, "refused a random credential and all " + list.size() + " default credentials"
                    + (user == null ? "" : ", with the unit's credential let in before, between and after them"));
        }
    }

    /** The maker's defaults first, then the universal list, each credential once. */
    static List<Login.Credential> candidates(AuthSurface s) {
        Set<Login.Credential> all = new LinkedHashSet<>();
        if (s.isDeclared()) {
            for (LoginSurface.Credential c : s.declared().vendorDefaults()) {
                all.add(new Login.Credential(c.user(), c.password()));
            }
        }
        all.addAll(DefaultCredentials.load());
        return List.copyOf(all);
    }

    /** The unit's own user name's defaults, in order, with a witness login after every few failures. */
    private static void tryOwn(AuthSurface s, List<Login.Credential> own, AttemptLog log, List<String> accepted, List<String> problems) {
        int failures = 0;
        for (Login.Credential c : own) {
            if (!problems.isEmpty()) {
                return;
            }
            Outcome o = tryOne(s, c, log, accepted, problems, false);
            if (o == Outcome.REFUSED && ++failures == WITNESS_EVERY) {
                failures = 0;
                try {
                    if (!log.witness(s, "witness: the unit's credential")) {
                        problems.add("the unit's credential was refused between defaults of " + c.user()
                                + ": the surface locked the name out, so the refusals since the last good login prove nothing");
                    }
                } catch (BenchIoException e) {
                    problems.add(e.getMessage());
                }
            }
        }
    }

    /**
     * The other user names' defaults. On a network surface {@value #PARALLEL} user names at a time, each
     * name's credentials one after another in the list's order (most likely first): a device that counts
     * failures per name then meets each name's likeliest passwords before any lockout of that name, as it
     * would from an intruder's list. Many small servers refuse a burst of connections (dropbear closes
     * unauthenticated ones beyond a few per address): an attempt that got no answer is tried again
     * afterwards, one at a time, before it counts as the surface not answering.
     */
    private static void tryAll(AuthSurface s, List<Login.Credential> list, AttemptLog log, List<String> accepted,
                               List<String> problems) {
        List<Login.Credential> again = new ArrayList<>();
        if (s.kind() == LoginSurface.Kind.CONSOLE) {
            again.addAll(list);
        } else {
            java.util.Map<String, List<Login.Credential>> byUser = new java.util.LinkedHashMap<>();
            list.forEach(c -> byUser.computeIfAbsent(c.user(), u -> new ArrayList<>()).add(c));
            ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> new Thread(r, "auth-defaults-" + s.label()));
            try {
                List<Future<List<Login.Credential>>> done = new ArrayList<>();
                for (List<Login.Credential> chain : byUser.values()) {
                    done.add(pool.submit(() -> {
                        List<Login.Credential> unanswered = new ArrayList<>();
                        for (Login.Credential c : chain) {
                            if (tryOne(s, c, log, accepted, problems, true) == Outcome.NO_ANSWER) {
                                unanswered.add(c);
                            }
                        }
                        return unanswered;
                    }));
                }
                for (Future<List<Login.Credential>> f : done) {
                    again.addAll(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                synchronized (problems) {
                    problems.add("interrupted");
                }
                return;
            } catch (ExecutionException e) {
                synchronized (problems) {
                    problems.add(String.valueOf(e.getCause()));
                }
                return;
            } finally {
                pool.shutdownNow();
            }
        }
        for (Login.Credential c : again) {
            if (!problems.isEmpty()) {
                return;
            }
            tryOne(s, c, log, accepted, problems, false);
        }
    }

    /**
     * One default credential. An acceptance goes to {@code accepted}; a lockout, or silence when
     * {@code retryable} is false, to {@code problems} (the lock for both lists).
     */
    private static Outcome tryOne(AuthSurface s, Login.Credential c, AttemptLog log, List<String> accepted, List<String> problems,
                                  boolean retryable) {
        Answer a;
        try {
            a = log.record(s, "default", c.user(), c.password(), s.attempt(c.user(), c.password()), null);
        } catch (BenchIoException e) {
            a = new Answer(Outcome.NO_ANSWER, java.time.Duration.ZERO, e.getMessage());
        }
        synchronized (problems) {
            switch (a.outcome()) {
                case ACCEPTED -> accepted.add(c.toString());
                case NO_ANSWER -> {
                    if (!retryable) {
                        problems.add("stopped answering at " + c + ": " + s.mask(a.text()));
                    }
                }
                case LOCKED_OUT -> problems.add("locked the bench out at " + c + " (" + s.mask(a.text())
                        + "): the rest of the list could not be tried, by the bench or an attacker alike");
                default -> {
                }
            }
        }
        return a.outcome();
    }

}
