package dev.starbench.checks.update;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.update.UpdatePath;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckId;
import dev.starbench.image.ImageException;
import dev.starbench.image.ImageVersion;
import dev.starbench.image.Tampering;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.3-9/10 (TS 103 701: change one byte of signed firmware): each tampered image, built
 * from a newer validly signed one so that only the tampering can explain a refusal, must be refused,
 * and the device must still run its old version after a power cycle.
 *
 * <p>With the maker's key, variants the installer refuses in a row share one power cycle: if the
 * device still runs its old version after it, none of them runs. If the version changed, the shared
 * cycle cannot say which one did it, so each of that group is pushed again with its own power cycle
 * (rebuilt above the version now running), and the evidence names the one that runs. A variant the
 * installer accepts, or does not answer, ends its group at once: its power cycle follows it.
 *
 * <p>Without the maker's key the variants are made from the maker's newer image, whose version is the
 * only sign of an installed copy: they are pushed while the device still runs an older version (this
 * check runs before update.baseline), each with its own power cycle (after a copy installed, no second
 * push could tell the group apart), and the control follows them.
 */
public class TamperedCheck {
    private static final String ID = "update.tampered";

    /** A variant pushed and waiting for the power cycle that shows whether it runs. */
    private record Pushed(int index, Tampering.Variant variant, UpdatePath.Answer answer, long pushMs) {
    }

    @Test
    @CheckId(ID)
    public void tamperedImagesAreRefused(ITestContext testContext) throws BenchIoException, InterruptedException {
        UpdateProcedure update = UpdateProcedure.of(testContext);
        boolean keyless = update.keyless();
        if (!keyless) {
            UpdateProcedure.requireControl(update.control());
        }
        ImageVersion running = update.running(ID + ": read the running version");
        if (running == null) {
            throw new BenchFault("the device booted no readable firmware version before the first tampered image");
        }
        if (keyless && update.newer.version().compareTo(running) <= 0) {
            throw new BenchFault("the device already runs " + running + ", not below the maker's newer image "
                    + update.newer.describe() + ": a tampered copy of it that installed would not change the version,"
                    + " so the bench could not see it (without the signing key it cannot build a newer one)");
        }
        Judge judge = new Judge(update, keyless ? new Variants(update, update.newer.bytes()) : null, running);
        List<Pushed> group = new ArrayList<>();
        for (int i = 0; i < judge.variants().size() && !judge.bricked; i++) {
            Tampering.Variant v = judge.variants().get(i);
            if (v.bytes() == null) {
                update.evidence.note(v.name() + ": not tried: " + v.notBuilt());
                continue;
            }
            if (keyless && !judge.accepted.isEmpty()) {
                update.evidence.note(v.name() + ": not tried: the device now runs " + judge.running + ", the version of every"
                        + " tampered copy of the newer image, so another installed copy could not be seen");
                continue;
            }
            judge.tried++;
            if (keyless) {
                judge.alone(v);
                continue;
            }
            UpdateProcedure.Push p = update.push(v.name(), judge.describe(v), v.bytes());
            group.add(new Pushed(i, v, p.answer(), p.pushMs()));
            if (!Boolean.FALSE.equals(p.answer().accepted())) {
                judge.bootAndJudge(group);
                group.clear();
            }
        }
        if (!group.isEmpty()) {
            judge.bootAndJudge(group);
        }
        if (!judge.accepted.isEmpty()) {
            throw new AssertionError("the device installed " + judge.accepted.size() + " of " + judge.tried + " tampered images: "
                    + String.join("; ", judge.accepted));
        }
        if (keyless) {
            UpdateProcedure.requireControl(update.control());
            update.evidence.finding("all " + judge.tried + " tampered copies of " + judge.base + " were refused (the device still ran "
                    + running + "), and the untampered image then installed");
            return;
        }
        update.evidence.finding("all " + judge.tried + " tampered images were refused; the device still runs " + judge.running);
    }

    /** The variants built on one valid image: with the key, rebuilt whenever the running version changes. */
    private record Variants(ImageVersion target, List<Tampering.Variant> list) {
        Variants(UpdateProcedure update, byte[] valid) {
            this(null, build(update, valid));
        }

        static List<Tampering.Variant> build(UpdateProcedure update, byte[] valid) {
            try {
                return Tampering.variants(update.format, valid, update.tamperKeys());
            } catch (ImageException e) {
                throw new BenchFault("cannot build the tampered images: " + e.getMessage(), e);
            }
        }
    }

    /** Decides each variant by the version after its power cycle, and keeps what the device runs. */
    private static final class Judge {
        final UpdateProcedure update;
        final String base;
        final List<String> accepted = new ArrayList<>();
        ImageVersion running;
        boolean bricked;
        int tried;
        private Variants variants;

        Judge(UpdateProcedure update, Variants keyless, ImageVersion running) {
            this.update = update;
            this.variants = keyless;
            this.running = running;
            this.base = keyless == null ? null : "the maker's newer image " + update.newer.describe();
        }

        /** With the key, built on a valid image one revision above the running version. */
        List<Tampering.Variant> variants() {
            if (base == null && (variants == null || !variants.target().equals(running.nextRevision()))) {
                ImageVersion target = running.nextRevision();
                variants = new Variants(target, Variants.build(update, update.signed(target)));
            }
            return variants.list();
        }

        String describe(Tampering.Variant v) {
            return v.description() + ", built on " + (base != null ? base : running.nextRevision());
        }

        /** Pushes one variant with its own power cycle and judges it. */
        void alone(Tampering.Variant v) throws BenchIoException, InterruptedException {
            UpdateProcedure.Attempt a = update.attempt(v.name(), describe(v), v.bytes());
            judge(v, a.answer(), a.after(), "");
        }

        /** One power cycle for the variants pushed since the last; a version change sends each again alone. */
        void bootAndJudge(List<Pushed> group) throws BenchIoException, InterruptedException {
            String names = group.stream().map(p -> p.variant().name()).collect(Collectors.joining(", "));
            ImageVersion after = update.reboot("update: power cycle after pushing " + names);
            update.evidence.step(group.stream().map(p -> p.variant().name() + ": installer " + p.answer().describe()
                    + " (" + p.pushMs() + " ms)").collect(Collectors.joining("; ")) + "; after one power cycle the device runs "
                    + (after == null ? "NO bootable firmware" : after));
            if (group.size() == 1 || after != null && after.equals(running)) {
                String shared = group.size() == 1 ? "" : " (one power cycle for the " + group.size() + " variants " + names + ")";
                for (Pushed p : group) {
                    judge(p.variant(), p.answer(), after, shared);
                }
                return;
            }
            if (after == null) {
                String finding = names + ": after a power cycle the device boots NO firmware: one of these tampered images"
                        + " bricked it (installer " + group.stream().map(p -> p.variant().name() + " " + p.answer().describe())
                        .collect(Collectors.joining("; ")) + ")";
                update.evidence.finding(finding);
                accepted.add(finding);
                bricked = true;
                return;
            }
            update.evidence.step("the device runs " + after + " instead of " + running + " after the power cycle shared by "
                    + names + ": each is pushed again with its own power cycle, built above " + after + ", to name the one that runs");
            running = after;
            for (Pushed p : group) {
                if (bricked) {
                    return;
                }
                alone(variants().get(p.index()));
            }
        }

        private void judge(Tampering.Variant v, UpdatePath.Answer answer, ImageVersion after, String shared) {
            if (after == null) {
                String finding = v.name() + " (" + v.description() + "): installer " + answer.describe()
                        + "; after a power cycle the device boots NO firmware: the tampered image bricked it";
                update.evidence.finding(finding);
                accepted.add(finding);
                bricked = true;
            } else if (!after.equals(running)) {
                String finding = v.name() + " (" + v.description() + "): installer " + answer.describe()
                        + "; after a power cycle the device runs " + after + " instead of " + running;
                update.evidence.finding(finding);
                accepted.add(finding);
                running = after;
            } else if (Boolean.TRUE.equals(answer.accepted())) {
                update.evidence.note(v.name() + ": the installer reported success (" + answer.text()
                        + "), yet the device still runs " + running + " after a power cycle: refused at boot" + shared);
            } else {
                update.evidence.note(v.name() + ": refused (" + answer.describe() + "); still " + running + " after a power cycle" + shared);
            }
        }
    }
}
