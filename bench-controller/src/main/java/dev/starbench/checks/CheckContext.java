package dev.starbench.checks;

import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.dut.Dut;
import dev.starbench.lab.LabServices;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.testng.ITestContext;

/**
 * What the runner hands every check: the DUT, the evidence sink, the bench's fixture, the run's random
 * seed (journaled in the manifest, reused by `starbench rerun`), and the run's lab services, which the
 * run opens on a check's first request and closes when it ends (a check keeps no state of its own
 * between checks).
 */
public record CheckContext(Dut dut, Evidence evidence, Fixture fixture, long runSeed, LabServices services) {
    public static final String ATTRIBUTE = "starbench.check-context";

    public static CheckContext of(ITestContext testContext) {
        return Objects.requireNonNull((CheckContext) testContext.getAttribute(ATTRIBUTE),
                "checks run only inside `starbench run`, which provides their context");
    }

    public DeviceProfile profile() {
        return dut.profile();
    }

    /**
     * A check's own seed, derived from the run's: a rerun repeats every check's random choices, and
     * checks do not share one stream (adding a draw to one check leaves the others' choices alone).
     */
    public long seedFor(String checkId) {
        return seedFor(runSeed, checkId);
    }

    /** @param name a check id, or the name of another part of the run that draws from the seed */
    public static long seedFor(long runSeed, String name) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(runSeed).array());
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
