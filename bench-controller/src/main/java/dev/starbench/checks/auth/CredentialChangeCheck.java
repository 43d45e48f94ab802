package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.login.HttpLogin;
import dev.starbench.bench.login.LoginClient.Answer;
import dev.starbench.bench.login.LoginClient.Outcome;
import dev.starbench.checks.BenchLeftDeviceChanged;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.LoginSurface;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * JC-STAR S1.1-03 (EN 303 645 5.1-4): the credential of a surface can be changed. Where the profile
 * declares how ({@code change:} a console {@code passwd} dialogue or a web form), the bench changes the
 * unit's password to a random one, power-cycles the device, and shows the old password refused and the
 * new one let in; then it sets the original back. A failed restore is said loudly, in the verdict and the
 * evidence: the technician must know the unit's password is no longer the one on its label.
 */
public class CredentialChangeCheck {
    static final String ID = "auth.credential-change";

    @Test
    @CheckId(ID)
    public void theCredentialCanBeChanged(ITestContext testContext) throws BenchIoException {
        CheckContext ctx = CheckContext.of(testContext);
        SplittableRandom random = new SplittableRandom(ctx.seedFor(ID));
        Evidence evidence = ctx.evidence();
        if (ctx.profile().logins().stream().noneMatch(l -> l.change() != null)) {
            throw new NotApplicable("no entry of the profile's `logins:` declares how its credential is"
                    + " changed (`change:` with method passwd or http-form)");
        }
        SurfaceResults results = new SurfaceResults(evidence);
        AttemptLog log = new AttemptLog(evidence);
        List<String> restoreFailed = new ArrayList<>();
        try (AuthSurfaces surfaces = AuthSurfaces.open(ctx, ID, random)) {
            for (AuthSurface s : surfaces.declared()) {
                if (s.declared().change() == null) {
                    results.notApplicable(s, "the profile declares no way to change its credential");
                    continue;
                }
                results.run(s, () -> {
                    String failed = surface(ctx, s, random, log, results, evidence);
                    if (failed != null) {
                        restoreFailed.add(failed);
                    }
                });
            }
        }
        if (!restoreFailed.isEmpty()) {
            String loud = "RESTORE FAILED, the unit's password is not its own any more: " + String.join("; ", restoreFailed);
            evidence.finding(loud);
            results.conclude("no declared surface could be tried", loud);
            throw new BenchLeftDeviceChanged(loud + " (the change itself took: the evidence has it)");
        }
        results.conclude("no declared surface could be tried");
    }

    /** Returns null, or what the technician must know when the original password could not be set back. */
    private static String surface(CheckContext ctx, AuthSurface s, SplittableRandom random, AttemptLog log,
                                  SurfaceResults results, Evidence evidence) throws BenchIoException {
        String user = s.validUser();
        String old = s.validPassword();
        String fresh = Draw.password(random);
        s.masks(fresh);
        if (!log.control(s)) {
            results.inconclusive(s, "the unit's credential (" + s.field() + ".credential) was refused: nothing to change from");
            return null;
        }
        evidence.step(s.label() + ": change " + user + "'s password to a random one by " + s.declared().change().method().key());
        Answer changed = change(s, user, old, fresh);
        evidence.note(s.label() + ": the change answered " + changed.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": "
                + s.mask(changed.text()));
        if (changed.outcome() != Outcome.ACCEPTED) {
            // The old password may or may not still be the one: the device did not say it took the new one.
            results.inconclusive(s, "the declared change was not acknowledged (" + s.mask(changed.text()) + "): a wrong change"
                    + " section in the profile cannot be told from a device that refuses it");
            return null;
        }
        DeviceAccess.powerCycled(ctx, ID + ": a changed credential must survive a power cycle");
        reopen(ctx, s);
        boolean newIn = log.record(s, "the new password after the power cycle", user, null, s.attempt(user, fresh), null)
                .outcome() == Outcome.ACCEPTED;
        boolean oldIn = log.record(s, "the old password after the power cycle", user, null, s.attempt(user, old), null)
                .outcome() == Outcome.ACCEPTED;
        if (newIn && !oldIn) {
            results.pass(s, "the change took: after a power cycle the old password is refused and the new one let in");
        } else {
            results.fail(s, "the change was acknowledged, but after a power cycle "
                    + (oldIn ? "the old password still logs in" : "the old password is refused") + " and "
                    + (newIn ? "the new one logs in" : "the new one is refused"));
        }
        if (!newIn) {
            return oldIn ? null : s.label() + ": neither the old nor the new password of " + user + " logs in after the change;"
                    + " the password the bench set was " + fresh;
        }
        evidence.step(s.label() + ": set the original password back");
        Answer back = change(s, user, fresh, old);
        boolean restored = back.outcome() == Outcome.ACCEPTED
                && log.record(s, "the original password after the restore", user, null, s.attempt(user, old), null).outcome()
                == Outcome.ACCEPTED;
        if (restored) {
            evidence.note(s.label() + ": the original password is set back and logs in");
            return null;
        }
        return s.label() + ": the bench could not set " + user + "'s original password back (" + s.mask(back.text())
                + "); the unit's password is now the one the bench set: " + fresh;
    }

    private static Answer change(AuthSurface s, String user, String from, String to) throws BenchIoException {
        LoginSurface.Change how = s.declared().change();
        return switch (how.method()) {
            case PASSWD -> ((ConsoleLogin) s.client()).passwd(user, from, to);
            case HTTP_FORM -> {
                Map<String, String> fields = new LinkedHashMap<>();
                fields.put(how.userField(), user);
                fields.put(how.passwordField(), from);
                fields.put(how.newField(), to);
                yield HttpLogin.submit(how.url(), fields, how.successText(), AuthSurfaces.timeout(s.minFailureDelayMs()));
            }
        };
    }

    /** After the power cycle the surface is reached afresh: its port must open again, or the console show its login. */
    private static void reopen(CheckContext ctx, AuthSurface s) throws BenchIoException {
        if (s.kind() == LoginSurface.Kind.CONSOLE) {
            ((ConsoleLogin) s.client()).toLoginPrompt();
        } else {
            AuthSurfaces.awaitOpen(AuthSurfaces.host(ctx.profile(), s.declared()), s.declared().port(),
                    ctx.profile().timeouts().bootMs(), s.label());
        }
    }
}
