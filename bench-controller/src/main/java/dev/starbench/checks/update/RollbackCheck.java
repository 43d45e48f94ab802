package dev.starbench.checks.update;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.NotApplicable;
import dev.starbench.image.ImageVersion;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.3-7 / TS 103 701 (try older vulnerable firmware): an older image, validly signed with
 * the maker's key (or the maker's own older image), must not install. A reinstall of the running
 * version is reported as information.
 */
public class RollbackCheck {
    @Test
    @CheckId("update.rollback")
    public void olderSignedImageIsRefused(ITestContext testContext) throws BenchIoException, InterruptedException {
        UpdateProcedure update = UpdateProcedure.of(testContext);
        if (update.keyless() && update.older == null) {
            throw new NotApplicable("without the maker's signing key the bench cannot build an older image, and the profile"
                    + " supplies none (`firmware.older-image`)");
        }
        UpdateProcedure.requireControl(update.control());
        ImageVersion running = update.running("update.rollback: read the running version");
        if (running == null) {
            throw new BenchFault("the device booted no readable firmware version");
        }
        ImageVersion older;
        UpdateProcedure.Attempt a;
        if (update.keyless()) {
            older = update.older.version();
            if (older.compareTo(running) >= 0) {
                throw new BenchFault("the maker's older image " + update.older.describe() + " is not older than the running " + running);
            }
            a = update.attempt("older-" + older, "the maker's older image " + update.older.describe(), update.older.bytes());
        } else {
            older = running.previous();
            if (older == null) {
                throw new BenchFault("the device runs " + running + ": there is no older version to build");
            }
            a = update.attempt("older-" + older, "validly signed older version " + older, update.signed(older));
        }
        if (a.after() == null) {
            throw new BenchFault("after pushing the older image the device boots no readable version");
        }
        boolean rolledBack = a.after().equals(older);
        if (!rolledBack) {
            update.evidence.note("older image " + older + ": " + a.answer().describe() + "; still " + a.after() + " after a power cycle");
        }
        ImageVersion now = a.after();
        byte[] reinstall = update.reinstallOf(now);
        if (reinstall == null) {
            update.evidence.note("information: no supplied image has the running version " + now + ", so no reinstall was tried");
        } else {
            UpdateProcedure.Attempt same = update.attempt("same-" + now, "validly signed reinstall of the running version " + now, reinstall);
            update.evidence.note("information: a reinstall of the running version " + now + " was "
                    + (Boolean.TRUE.equals(same.answer().accepted()) ? "accepted" : Boolean.FALSE.equals(same.answer().accepted()) ? "refused" : "not answered")
                    + " (" + same.answer().text() + ")");
        }
        if (rolledBack) {
            String finding = "the device installed the older validly signed image " + (update.keyless() ? update.older.describe() : older) + " over " + running
                    + " (installer " + a.answer().describe() + ") and runs it after a power cycle";
            update.evidence.finding(finding);
            throw new AssertionError(finding);
        }
        update.evidence.finding("the older validly signed image " + older + " was refused (" + a.answer().describe()
                + "); the device still runs " + a.after());
    }
}
