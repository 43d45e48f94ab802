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
        UpdateProcedure bench = UpdateProcedure.of(testContext);
        if (bench.keyless() && bench.older == null) {
            throw new NotApplicable("without the maker's signing key the bench cannot build an older image, and the profile"
                    + " supplies none (`firmware.older-image`)");
        }
        UpdateProcedure.requireControl(bench.control());
        ImageVersion running = bench.running("update.rollback: read the running version");
        if (running == null) {
            throw new BenchFault("the device booted no readable firmware version");
        }
        ImageVersion older;
        UpdateProcedure.Attempt a;
        if (bench.keyless()) {
            older = bench.older.version();
            if (older.compareTo(running) >= 0) {
                throw new BenchFault("the maker's older image " + bench.older.describe() + " is not older than the running " + running);
            }
            a = bench.attempt("older-" + older, "the maker's older image " + bench.older.describe(), bench.older.bytes());
        } else {
            older = running.previous();
            if (older == null) {
                throw new BenchFault("the device runs " + running + ": there is no older version to build");
            }
            a = bench.attempt("older-" + older, "validly signed older version " + older, bench.signed(older));
        }
        if (a.after() == null) {
            throw new BenchFault("after pushing the older image the device boots no readable version");
        }
        boolean rolledBack = a.after().equals(older);
        if (!rolledBack) {
            bench.evidence.note("older image " + older + ": " + a.answer().describe() + "; still " + a.after() + " after a power cycle");
        }
        ImageVersion now = a.after();
        byte[] reinstall = bench.reinstallOf(now);
        if (reinstall == null) {
            bench.evidence.note("information: no supplied image has the running version " + now + ", so no reinstall was tried");
        } else {
            UpdateProcedure.Attempt same = bench.attempt("same-" + now, "validly signed reinstall of the running version " + now, reinstall);
            bench.evidence.note("information: a reinstall of the running version " + now + " was "
                    + (Boolean.TRUE.equals(same.answer().accepted()) ? "accepted" : Boolean.FALSE.equals(same.answer().accepted()) ? "refused" : "not answered")
                    + " (" + same.answer().text() + ")");
        }
        if (rolledBack) {
            String finding = "the device installed the older validly signed image " + (bench.keyless() ? bench.older.describe() : older) + " over " + running
                    + " (installer " + a.answer().describe() + ") and runs it after a power cycle";
            bench.evidence.finding(finding);
            throw new AssertionError(finding);
        }
        bench.evidence.finding("the older validly signed image " + older + " was refused (" + a.answer().describe()
                + "); the device still runs " + a.after());
    }
}
