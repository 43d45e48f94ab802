package dev.starbench.checks.update;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckId;
import dev.starbench.lab.UpdateService;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * The control case of the update family (EN 303 645 5.3-1/2): a newer image, validly signed with the
 * maker's key (or the maker's own newer image), installs through the declared update path and boots.
 * Without it, a refused tampered image proves nothing, so the other update checks are then INCONCLUSIVE.
 * update.tampered runs first and may already have run the control (once per run).
 */
public class BaselineCheck {
    @Test
    @CheckId("update.baseline")
    public void newerSignedImageInstalls(ITestContext testContext) throws BenchIoException, InterruptedException {
        UpdateProcedure update = UpdateProcedure.of(testContext);
        if (update.service.control().isPresent()) {
            update.evidence.note("the control ran once for this run, in an earlier update check; its outcome:");
        }
        UpdateService.Control control = update.control();
        if (!control.installed()) {
            // The bench cannot tell a device that refuses every update from a wrong key or path in the profile.
            throw new BenchFault(control.reason());
        }
        update.evidence.finding(control.reason() + "; install took " + control.installMs() + " ms");
    }
}
