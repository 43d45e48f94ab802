package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.Evidence;
import java.util.SplittableRandom;
import org.testng.ITestContext;

/** What an auth check carries from surface to surface: the run's draws for it, its evidence, each surface's verdict, the attempts. */
record AuthRun(CheckContext ctx, String checkId, SplittableRandom random, Evidence evidence, SurfaceResults results, AttemptLog log) {

    static AuthRun of(ITestContext testContext, String checkId) {
        CheckContext ctx = CheckContext.of(testContext);
        Evidence evidence = ctx.evidence();
        return new AuthRun(ctx, checkId, new SplittableRandom(ctx.seedFor(checkId)), evidence, new SurfaceResults(evidence),
                new AttemptLog(evidence));
    }

    interface SurfaceTest {
        void test(AuthSurface s) throws BenchIoException;
    }

    /** The declared surfaces, then the undeclared ones the scan finds, each to its own verdict; then the check's. */
    void onEverySurface(SurfaceTest test, String noSurface) throws BenchIoException {
        try (AuthSurfaces surfaces = AuthSurfaces.open(ctx, checkId, random)) {
            for (AuthSurface s : surfaces.declared()) {
                results.run(s, () -> test.test(s));
            }
            // Only now: the device has run a while, so a service that starts late is up for the scan.
            for (AuthSurface s : surfaces.undeclared()) {
                results.run(s, () -> test.test(s));
            }
        }
        results.conclude(noSurface);
    }
}
