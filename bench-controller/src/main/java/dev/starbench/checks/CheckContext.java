package dev.starbench.checks;

import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.dut.Dut;
import java.util.Objects;
import org.testng.ITestContext;

/** What the runner hands every check: the DUT, the evidence sink, and the bench's fixture. */
public record CheckContext(Dut dut, Evidence evidence, Fixture fixture) {
    public static final String ATTRIBUTE = "starbench.check-context";

    public static CheckContext of(ITestContext testContext) {
        return Objects.requireNonNull((CheckContext) testContext.getAttribute(ATTRIBUTE),
                "checks run only inside `starbench run`, which provides their context");
    }

    public DeviceProfile profile() {
        return dut.profile();
    }
}
