package dev.starbench.checks.update;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.update.UpdatePath;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.NotApplicable;
import dev.starbench.image.ImageVersion;
import dev.starbench.lab.UpdateService;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.9 / 5.3: an update interrupted by a power cut must leave a bootable device. The bench
 * cuts the supply through the relay at jittered points between 5 % and 95 % of the install time
 * measured in the control case, N times, and reads which version boots each time. The jitter comes
 * from the run's seed, so a rerun cuts at the same points.
 *
 * <p>Without the maker's key the bench has no version above the running one to install: it pushes the
 * maker's newer image again at every cut (a same-version reinstall once the control installed it).
 * A device that refuses such a reinstall writes nothing the bench could interrupt: NOT_APPLICABLE.
 */
public class PowerLossCheck {
    private static final String ID = "update.power-loss";

    @Test
    @CheckId(ID)
    public void powerCutDuringUpdateLeavesValidImage(ITestContext testContext) throws BenchIoException, InterruptedException {
        UpdateProcedure update = UpdateProcedure.of(testContext);
        UpdateService.Control control = update.control();
        UpdateProcedure.requireControl(control);
        long installMs = control.installMs();
        if (installMs < 20) {
            throw new BenchFault("the measured install time (" + installMs + " ms) is too short to cut power inside it");
        }
        int cuts = update.firmware.powerLossCuts();
        long seed = update.ctx.seedFor(ID);
        Random random = new Random(seed);
        update.evidence.step(cuts + " power cuts between 5 % and 95 % of the measured install time " + installMs
                + " ms (jitter seed " + seed + ", derived from the run's seed)");
        ImageVersion running = update.running("update.power-loss: read the running version");
        if (running == null) {
            throw new BenchFault("the device booted no readable firmware version before the first cut");
        }
        if (update.keyless()) {
            running = probeReinstall(update, running);
        }
        boolean reinstall = update.keyless() && running.equals(update.newer.version());
        int oldBoots = 0;
        int newBoots = 0;
        int neverSent = 0;
        for (int i = 1; i <= cuts; i++) {
            ImageVersion target = update.keyless() ? update.newer.version() : running.nextRevision();
            double fraction = 0.05 + 0.90 * random.nextDouble();
            long cutAt = Math.round(installMs * fraction);
            CompletableFuture<UpdatePath.Answer> push = update.pushAsync("power-loss-" + i,
                    update.keyless() ? update.newer.bytes() : update.signed(target));
            Thread.sleep(cutAt);
            update.dut.cut(String.format("update.power-loss: cut %d/%d at %d ms (%.0f %% of %d ms) into installing %s",
                    i, cuts, cutAt, fraction * 100, installMs, target));
            UpdateProcedure.CutPush pushed = UpdateProcedure.answerOf(push, 5_000);
            // The supply is already off: the boot waits out what is left of the relay's off-time and powers on.
            ImageVersion booted = update.reboot("update.power-loss: power on after cut " + i);
            String outcome = booted == null ? "NO bootable firmware" : target.equals(running) && booted.equals(running) ? booted + " (old = new)"
                    : booted.equals(running) ? booted + " (old)"
                    : booted.equals(target) ? booted + " (new)" : booted + " (neither old " + running + " nor new " + target + ")";
            update.evidence.step(String.format("cut %d/%d at %d ms (%.1f %%) into installing %s over %s: installer %s; booted %s%s",
                    i, cuts, cutAt, fraction * 100, target, running, pushed.answer().describe(), outcome,
                    pushed.sent() ? "" : " (the image never reached the device: this cut interrupted no install)"));
            if (booted == null || !(booted.equals(running) || booted.equals(target))) {
                String finding = String.format("power cut %d at %d ms (%.0f %% of the install) while installing %s over %s left the device %s",
                        i, cutAt, fraction * 100, target, running, booted == null ? "without a bootable image (bricked)" : "running " + booted);
                update.evidence.finding(finding);
                throw new AssertionError(finding);
            }
            if (!pushed.sent()) {
                neverSent++;
            } else if (booted.equals(running)) {
                oldBoots++;
            } else {
                newBoots++;
            }
            running = booted;
        }
        int landed = cuts - neverSent;
        if (landed == 0) {
            throw new BenchFault("none of the " + cuts + " cuts interrupted an install: the update path never got the image"
                    + " to the device (each cut's row says why)");
        }
        update.evidence.finding("after each of " + landed + " power cuts during an update the device booted a valid image ("
                + (reinstall ? "the maker's newer image " + update.newer.version()
                        + " each time, reinstalled over itself: a brick or any other version would have shown"
                        : oldBoots + " times the old, " + newBoots + " times the new version") + ")"
                + (neverSent == 0 ? "" : "; " + neverSent + " more cut(s) came before the image left the bench and are not counted"));
    }

    /**
     * One uncut push of the maker's newer image: the bench's only installable image without the key.
     * Unless the device takes it, there is no write to interrupt.
     */
    private static ImageVersion probeReinstall(UpdateProcedure update, ImageVersion running) throws BenchIoException, InterruptedException {
        UpdateProcedure.Attempt probe = update.attempt("reinstall-" + update.newer.version(), "the maker's newer image "
                + update.newer.describe() + " again, uncut: does the device write it over " + running + "?", update.newer.bytes());
        if (!Boolean.TRUE.equals(probe.answer().accepted())) {
            throw new NotApplicable("without the maker's signing key the bench has no version above the running " + running
                    + " to install, and the device did not take the maker's newer image " + update.newer.describe() + " again ("
                    + probe.answer().describe() + "): there is no update the bench could interrupt");
        }
        if (probe.after() == null) {
            throw new BenchFault("after an uncut reinstall of " + update.newer.describe() + " the device boots no readable version");
        }
        update.evidence.note("the device takes the maker's newer image over " + running + " (" + probe.answer().describe()
                + "); each cut interrupts that install");
        return probe.after();
    }
}
