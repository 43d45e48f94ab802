package dev.starbench.checks.update;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckId;
import dev.starbench.image.ImageException;
import dev.starbench.image.ImageVersion;
import dev.starbench.image.Tampering;
import java.util.ArrayList;
import java.util.List;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.3-9/10 (TS 103 701: change one byte of signed firmware): each tampered image, built
 * from a newer validly signed one so that only the tampering can explain a refusal, must be refused,
 * and the device must still run its old version after a power cycle.
 *
 * <p>Without the maker's key the variants are made from the maker's newer image, whose version is the
 * only sign of an installed copy: they are pushed while the device still runs an older version (this
 * check runs before update.baseline), and the control follows them.
 */
public class TamperedCheck extends UpdateCheck {
    @Test
    @CheckId("update.tampered")
    public void tamperedImagesAreRefused(ITestContext testContext) throws BenchIoException, InterruptedException {
        UpdateBench bench = UpdateBench.of(testContext);
        boolean keyless = bench.keyless();
        if (!keyless) {
            UpdateBench.requireControl(UpdateBench.control(testContext, bench));
        }
        ImageVersion running = bench.boot("update.tampered: read the running version");
        if (running == null) {
            throw new BenchFault("the device booted no readable firmware version before the first tampered image");
        }
        if (keyless && bench.newer.version().compareTo(running) <= 0) {
            throw new BenchFault("the device already runs " + running + ", not below the maker's newer image "
                    + bench.newer.describe() + ": a tampered copy of it that installed would not change the version,"
                    + " so the bench could not see it (without the signing key it cannot build a newer one)");
        }
        Tampering.Keys keys = bench.tamperKeys();
        List<Tampering.Variant> supplied = keyless ? variants(bench, bench.newer.bytes(), keys) : null;
        String base = keyless ? "the maker's newer image " + bench.newer.describe() : null;
        ImageVersion before = running;
        List<String> accepted = new ArrayList<>();
        int pushed = 0;
        for (int i = 0; ; i++) {
            ImageVersion target = keyless ? bench.newer.version() : running.nextRevision();
            List<Tampering.Variant> variants = keyless ? supplied : variants(bench, bench.signed(target), keys);
            if (i >= variants.size()) {
                break;
            }
            Tampering.Variant v = variants.get(i);
            if (v.bytes() == null) {
                bench.evidence.note(v.name() + ": not tried: " + v.notBuilt());
                continue;
            }
            if (keyless && !accepted.isEmpty()) {
                bench.evidence.note(v.name() + ": not tried: the device now runs " + running + ", the version of every"
                        + " tampered copy of the newer image, so another installed copy could not be seen");
                continue;
            }
            UpdateBench.Attempt a = bench.attempt(v.name(), v.description() + ", built on " + (keyless ? base : target), v.bytes());
            pushed++;
            if (a.after() == null) {
                String finding = v.name() + " (" + v.description() + "): installer " + a.answer().describe()
                        + "; after a power cycle the device boots NO firmware: the tampered image bricked it";
                bench.evidence.finding(finding);
                accepted.add(finding);
                break;
            }
            if (!a.after().equals(running)) {
                String finding = v.name() + " (" + v.description() + "): installer " + a.answer().describe()
                        + "; after a power cycle the device runs " + a.after() + " instead of " + running;
                bench.evidence.finding(finding);
                accepted.add(finding);
                running = a.after();
            } else if (Boolean.TRUE.equals(a.answer().accepted())) {
                bench.evidence.note(v.name() + ": the installer reported success (" + a.answer().text()
                        + "), yet the device still runs " + running + " after a power cycle: refused at boot");
            } else {
                bench.evidence.note(v.name() + ": refused (" + a.answer().describe() + "); still " + running + " after a power cycle");
            }
        }
        if (!accepted.isEmpty()) {
            throw new AssertionError("the device installed " + accepted.size() + " of " + pushed + " tampered images: "
                    + String.join("; ", accepted));
        }
        if (keyless) {
            UpdateBench.requireControl(UpdateBench.control(testContext, bench));
            bench.evidence.finding("all " + pushed + " tampered copies of " + base + " were refused (the device still ran "
                    + before + "), and the untampered image then installed");
            return;
        }
        bench.evidence.finding("all " + pushed + " tampered images were refused; the device still runs " + running);
    }

    private static List<Tampering.Variant> variants(UpdateBench bench, byte[] valid, Tampering.Keys keys) {
        try {
            return Tampering.variants(bench.format, valid, keys);
        } catch (ImageException e) {
            throw new BenchFault("cannot build the tampered images: " + e.getMessage(), e);
        }
    }
}
