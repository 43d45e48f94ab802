package dev.starbench.checks.resilience;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.gpio.ButtonLine;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.NotApplicable;
import dev.starbench.checks.userdata.ConsoleShell;
import dev.starbench.checks.userdata.DeviceCloud;
import dev.starbench.checks.userdata.Surfaces;
import dev.starbench.config.Lifecycle;
import dev.starbench.config.Lifecycle.PowerCutSoak;
import dev.starbench.console.Printable;
import dev.starbench.dut.Boot;
import dev.starbench.dut.Dut;
import dev.starbench.report.Measurement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.9-1/2: a setting written through a surface the profile declares, then power cuts at points
 * of the boot and the steady state drawn from the run's seed ({@link CutPlan}). After each cut the device
 * must reach its normal state (its login, or its cloud CONNECT) within {@code timeouts.boot-ms} and still
 * hold the setting. Every boot time is a measurement, each cut point too, so the report plots them.
 * A brick, a lost setting or a boot over the limit FAILs, naming the cut; a bricked device is brought
 * back through the profile's recovery strap, if it has one, so the checks after this one find it running.
 */
public class PowerCutSoakCheck {
    static final String ID = "resilience.power-cut-soak";

    @Test
    @CheckId(ID)
    public void theDeviceSurvivesPowerCuts(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        Lifecycle lifecycle = ctx.profile().lifecycle();
        if (lifecycle == null || lifecycle.powerCutSoak() == null) {
            throw new NotApplicable("the profile declares no power-cut soak (lifecycle.power-cut-soak)");
        }
        PowerCutSoak soak = lifecycle.powerCutSoak();
        boolean viaCloud = soak.normalState().equals(PowerCutSoak.CLOUD_CONNECT)
                || soak.setting().write().mqtt() != null || soak.setting().read().mqtt() != null;
        boolean viaConsole = soak.normalState().equals(PowerCutSoak.LOGIN)
                || soak.setting().write().console() != null || soak.setting().read().console() != null;
        if (viaConsole && ctx.profile().console() == null) {
            throw new NotApplicable("the soak's normal state or its setting goes through the console, and the profile declares none");
        }
        long windowMs = soak.windowMs() != null ? soak.windowMs() : ctx.profile().timeouts().bootMs();
        CutPlan plan = CutPlan.of(ctx.seedFor(ID), soak.cuts(), windowMs);
        Random random = new Random(plan.seed());
        String marker = "sb-soak-" + HexFormat.of().formatHex(bytes(random, 6));
        try (DeviceCloud cloud = viaCloud ? DeviceCloud.open(ctx, "the soak's cloud side") : null) {
            Soak run = new Soak(ctx, soak, lifecycle.consoleLogin(), cloud);
            ctx.evidence().step(soak.cuts() + " power cuts at " + plan.pointsMs() + " ms after power-on (one in each "
                    + windowMs / soak.cuts() + " ms slice of the first " + windowMs + " ms; seed " + plan.seed()
                    + ", derived from the run's seed); normal state: " + soak.normalState() + " within "
                    + ctx.profile().timeouts().bootMs() + " ms");
            run.settingBefore(marker);
            Boot last = null;
            for (int i = 0; i < plan.pointsMs().size(); i++) {
                last = run.cut(i + 1, plan.pointsMs().get(i), marker);
            }
            if (last != null) {
                ctx.evidence().transcript("the boot after the last cut", last.powerOnAt(), last.settledAt());
            }
            run.restore();
            ctx.evidence().finding("after each of " + soak.cuts() + " power cuts (" + plan.pointsMs().get(0) + " to "
                    + plan.pointsMs().get(plan.pointsMs().size() - 1) + " ms after power-on) the device reached its "
                    + soak.normalState() + " within " + ctx.profile().timeouts().bootMs() + " ms and kept the setting ("
                    + soak.setting().read().describe() + ")");
        }
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** The soak's steps on one device. */
    private static final class Soak {
        private final CheckContext ctx;
        private final PowerCutSoak soak;
        private final Lifecycle.ConsoleLogin login;
        private final DeviceCloud cloud;
        private final ConsoleShell shell;
        private final Surfaces surfaces;
        private final Duration bootLimit;

        Soak(CheckContext ctx, PowerCutSoak soak, Lifecycle.ConsoleLogin login, DeviceCloud cloud) {
            this.ctx = ctx;
            this.soak = soak;
            this.login = login;
            this.cloud = cloud;
            Duration command = Duration.ofMillis(ctx.profile().timeouts().commandMs());
            this.bootLimit = Duration.ofMillis(ctx.profile().timeouts().bootMs());
            this.shell = ctx.profile().console() == null ? null : new ConsoleShell(ctx.dut().console(), command);
            Duration answer = cloud == null ? command : Duration.ofMillis(Math.max(command.toMillis(), cloud.config().attemptTimeoutMs()));
            this.surfaces = new Surfaces(shell, cloud, answer);
        }

        /** Writes the marker and reads it back: a setting that does not read back at once cannot be soaked. */
        void settingBefore(String marker) throws BenchIoException {
            ctx.dut().transition(Dut.State.LOGIN, ID + ": write the setting before the first cut");
            shellIfNeeded("before the soak");
            Lifecycle.Setting setting = soak.setting();
            ctx.evidence().step("write " + marker + " through " + setting.write().describe() + ": "
                    + Printable.of(surfaces.write(setting.write(), marker)));
            String back = surfaces.readShowing(setting.read(), marker);
            if (!back.contains(marker)) {
                throw new BenchFault("the setting did not read back right after it was written (" + setting.read().describe()
                        + " answered: " + Printable.of(back.strip()) + "): the declared write or read does not work, so a loss"
                        + " could not be told from it");
            }
            ctx.evidence().note("read back before the soak through " + setting.read().describe() + ": " + Printable.of(back.strip()));
        }

        /** One cut: power on, cut at the point, power on again, then the normal state and the setting. */
        Boot cut(int n, long atMs, String marker) throws BenchIoException, InterruptedException {
            Dut dut = ctx.dut();
            String name = String.format("%s: cut %d/%d at %d ms after power-on", ID, n, soak.cuts(), atMs);
            Boot on = dut.unwatchedBoot(name + " (power on)");
            long wait = atMs - Duration.between(on.poweredOn(), Instant.now()).toMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            dut.cut(name);
            long cutAt = Duration.between(on.poweredOn(), Instant.now()).toMillis();
            ctx.evidence().measurement(Measurement.of("cut-point", cutAt, "ms"));
            Instant since = Instant.now();
            Boot boot = dut.freshBoot(name + ": the boot after it");
            String lost = normalState(boot, since);
            if (lost != null) {
                fail(n, cutAt, lost, boot);
            }
            shellIfNeeded("after cut " + n);
            String back = surfaces.read(soak.setting().read());
            if (!back.contains(marker)) {
                fail(n, cutAt, "lost the setting: " + soak.setting().read().describe() + " now answers \""
                        + Printable.of(back.strip()) + "\" instead of " + marker, boot);
            }
            ctx.evidence().step(String.format("cut %d/%d at %d ms: back to its %s, setting kept", n, soak.cuts(), cutAt,
                    soak.normalState()));
            return boot;
        }

        /** Null when the device reached its normal state in time; else what it did instead. */
        private String normalState(Boot boot, Instant since) throws InterruptedException, BenchIoException {
            if (soak.normalState().equals(PowerCutSoak.LOGIN)) {
                if (boot.reachedOs()) {
                    return null;
                }
                String tail = Printable.of(ctx.dut().console().text(Math.max(boot.powerOnAt(), boot.settledAt() - 200),
                        boot.settledAt()).strip());
                return (boot.prompt() != null && boot.prompt().pattern() == Dut.NO_BOOTABLE_IMAGE
                        ? "left it without a bootable image (bricked)"
                        : "left it short of its login within " + bootLimit.toMillis() + " ms (last stage " + boot.stage() + ")")
                        + (tail.isEmpty() ? "" : "; console: …" + tail);
            }
            Duration left = bootLimit.minus(Duration.between(boot.poweredOn(), Instant.now()));
            Attempt a = cloud.awaitConnect(since, left.isNegative() ? Duration.ZERO : left);
            if (a == null || Duration.between(boot.poweredOn(), a.at()).compareTo(bootLimit) > 0) {
                return "did not bring it back to its cloud within " + bootLimit.toMillis() + " ms of power-on";
            }
            ctx.evidence().measurement(Measurement.atMost("connect-time", Duration.between(boot.poweredOn(), a.at()).toMillis(),
                    "ms", bootLimit.toMillis()));
            return null;
        }

        private void shellIfNeeded(String why) throws BenchIoException {
            Lifecycle.Setting s = soak.setting();
            if (s.write().console() != null || s.read().console() != null) {
                shell.reachShell(login, why);
            }
        }

        private void fail(int n, long cutAt, String what, Boot boot) throws BenchIoException {
            String finding = String.format("power cut %d/%d at %d ms after power-on %s", n, soak.cuts(), cutAt, what);
            ctx.evidence().finding(finding);
            ctx.evidence().transcript("the boot after cut " + n, boot.powerOnAt(), ctx.dut().console().position());
            recover();
            throw new AssertionError(finding);
        }

        /** Brings a bricked device back through the recovery strap, so the checks after this one find it running. */
        private void recover() throws BenchIoException {
            Lifecycle.Recovery recovery = soak.recovery();
            Dut dut = ctx.dut();
            if (recovery == null) {
                ctx.evidence().note("the profile declares no recovery (lifecycle.power-cut-soak.recovery): the device"
                        + " is left as this cut left it");
                return;
            }
            ButtonLine strap = dut.button(recovery.button());
            ctx.evidence().step("recovery: hold " + recovery.button() + " from before power-on until the boot settles");
            Boot boot;
            strap.hold();
            try {
                boot = dut.freshBoot(ID + ": recovery with " + recovery.button() + " held");
            } finally {
                strap.release();
            }
            ctx.evidence().note(boot.reachedOs() ? "recovered: the device boots to its login again"
                    : "not recovered: the device still does not boot (stage " + boot.stage() + "); later checks will find it so");
        }

        void restore() throws BenchIoException {
            String value = soak.setting().restoreValue();
            if (value == null) {
                ctx.evidence().note("the profile names no restore-value: the soak's marker stays in the setting");
                return;
            }
            shellIfNeeded("to restore the setting");
            ctx.evidence().step("restore the setting to \"" + value + "\" through " + soak.setting().write().describe() + ": "
                    + Printable.of(surfaces.write(soak.setting().write(), value)));
        }
    }
}
