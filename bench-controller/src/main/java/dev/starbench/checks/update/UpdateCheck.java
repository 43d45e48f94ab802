package dev.starbench.checks.update;

import org.testng.ITestContext;
import org.testng.annotations.AfterMethod;

/** What every update check shares: the update path it opened (the bench's cloud for mqtt-ota) ends with it. */
abstract class UpdateCheck {
    @AfterMethod(alwaysRun = true)
    public void closeUpdatePath(ITestContext testContext) {
        UpdateBench.closeOpen(testContext);
    }
}
