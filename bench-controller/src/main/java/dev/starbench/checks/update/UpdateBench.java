package dev.starbench.checks.update;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.update.UpdatePath;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.Firmware;
import dev.starbench.console.BoundedPattern;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Prompts;
import dev.starbench.dut.Dut;
import dev.starbench.image.ImageException;
import dev.starbench.image.ImageFormat;
import dev.starbench.image.ImageVersion;
import dev.starbench.image.SigningKey;
import dev.starbench.image.Tampering;
import dev.starbench.report.Measurement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.testng.ITestContext;

/**
 * What the update checks share: the profile's image, key and update path, and the one procedure they
 * all repeat: push an image, record the installer's answer and the console lines of its decision,
 * power-cycle, and read the version the device runs.
 */
final class UpdateBench implements AutoCloseable {
    static final String CONTROL = "starbench.update.control";
    /** The bench of the check under way, closed when the check ends ({@link UpdateCheck}). */
    private static final String OPEN = "starbench.update.open";
    /** MCUboot's own words when no slot holds a bootable image; ends the wait for a version at once. */
    static final Pattern NO_BOOTABLE_IMAGE = BoundedPattern.compile("Unable to find bootable image|no bootable image");
    /** How long the console may still show the installer's decision after its answer. */
    private static final long SETTLE_MS = 300;

    /** The control case's outcome, shared by the checks of one run. */
    record Control(boolean installed, String reason, long installMs) {
    }

    /** One push and its outcome: the installer's answer and the version running after a power cycle (null: none boots). */
    record Attempt(UpdatePath.Answer answer, ImageVersion after, long pushMs) {
    }

    /** One of the maker's own images, for a profile without the signing key; its version read or declared. */
    record Supplied(String field, Path file, byte[] bytes, ImageVersion version) {
        String describe() {
            return version + " (" + field + " " + file.getFileName() + ")";
        }
    }

    final CheckContext ctx;
    final Dut dut;
    final Evidence evidence;
    final Firmware firmware;
    final ImageFormat format;
    /** The profile's image, rebuilt at other versions; null without a key. */
    final byte[] image;
    /** Null when the profile supplies images instead: the bench then builds no new versions. */
    final SigningKey makerKey;
    /** Without a key: the maker's newer image (the control) and older image (null when not given). */
    final Supplied newer;
    final Supplied older;
    final UpdatePath path;
    private final Pattern versionPattern;
    private final Duration bootTimeout;

    private UpdateBench(CheckContext ctx, Firmware firmware, ImageFormat format, byte[] image, SigningKey makerKey,
                        Supplied newer, Supplied older) {
        this.ctx = ctx;
        this.dut = ctx.dut();
        this.evidence = ctx.evidence();
        this.firmware = firmware;
        this.format = format;
        this.image = image;
        this.makerKey = makerKey;
        this.newer = newer;
        this.older = older;
        this.path = UpdatePath.of(firmware.update(), ctx.profile().network() == null ? null : ctx.profile().network().cloud());
        this.versionPattern = BoundedPattern.compile(firmware.versionPattern());
        this.bootTimeout = Duration.ofMillis(ctx.profile().timeouts().bootMs());
    }

    static UpdateBench of(ITestContext testContext) {
        CheckContext ctx = CheckContext.of(testContext);
        Firmware fw = ctx.profile().firmware();
        if (fw == null) {
            throw new NotApplicable("the profile declares no update path (no `firmware:` section)");
        }
        ImageFormat format = ImageFormat.named(fw.format());
        if (fw.signingKey() == null) {
            if (fw.newerImage() == null) {
                throw new NotApplicable("the bench needs either the maker's development key (`firmware.signing-key`) to build"
                        + " its test images, or the maker's images (`firmware.newer-image`, and `older-image` for update.rollback)");
            }
            return opened(testContext, new UpdateBench(ctx, fw, format, null, null,
                    supplied(format, "newer-image", fw.newerImage(), fw.newerVersion()),
                    fw.olderImage() == null ? null : supplied(format, "older-image", fw.olderImage(), fw.olderVersion())));
        }
        if (!format.canRebuild()) {
            throw new NotApplicable("a " + fw.format() + " image cannot be rebuilt with `firmware.signing-key`");
        }
        try {
            byte[] image = Files.readAllBytes(fw.image());
            format.version(image);
            return opened(testContext, new UpdateBench(ctx, fw, format, image, SigningKey.read(fw.signingKey()), null, null));
        } catch (IOException e) {
            throw new BenchFault("cannot read the profile's firmware image " + fw.image() + ": " + e.getMessage(), e);
        } catch (ImageException e) {
            throw new BenchFault("the profile's firmware (" + fw.image().getFileName() + " or its signing key) is unusable: "
                    + e.getMessage(), e);
        }
    }

    private static UpdateBench opened(ITestContext testContext, UpdateBench bench) {
        closeOpen(testContext);
        testContext.setAttribute(OPEN, bench);
        return bench;
    }

    /** Reads a supplied image; its version from the header where the format has one, else as the profile declares it. */
    private static Supplied supplied(ImageFormat format, String field, Path file, String declared) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BenchFault("cannot read `firmware." + field + "` " + file + ": " + e.getMessage(), e);
        }
        ImageVersion stated = declared == null ? null : ImageVersion.parse(declared);
        ImageVersion header;
        try {
            header = format.version(bytes);
        } catch (ImageException e) {
            throw new BenchFault("`firmware." + field + "` " + file.getFileName() + " is no " + format.name() + " image: "
                    + e.getMessage(), e);
        }
        if (header != null && stated != null && !header.equals(stated)) {
            throw new BenchFault("profile error: `firmware." + field.replace("-image", "-version") + "` says " + stated
                    + ", but the header of " + file.getFileName() + " says " + header);
        }
        ImageVersion v = header != null ? header : stated;
        if (v == null) {
            throw new BenchFault("the version of `firmware." + field + "` is unknown: declare `firmware."
                    + field.replace("-image", "-version") + "`");
        }
        return new Supplied(field, file, bytes, v);
    }

    boolean keyless() {
        return makerKey == null;
    }

    /** The base image rebuilt at this version and signed with the maker's key: what the device should accept. */
    byte[] signed(ImageVersion version) {
        try {
            return format.rebuild(image, ImageFormat.Changes.version(version), makerKey);
        } catch (ImageException e) {
            throw new BenchFault("cannot rebuild the profile's image at " + version + ": " + e.getMessage(), e);
        }
    }

    /** A validly signed image of exactly this version: built with the key, or the supplied one that has it (else null). */
    byte[] reinstallOf(ImageVersion v) {
        if (!keyless()) {
            return signed(v);
        }
        for (Supplied s : new Supplied[] {newer, older}) {
            if (s != null && s.version().equals(v)) {
                return s.bytes();
            }
        }
        return null;
    }

    Tampering.Keys tamperKeys() {
        Firmware.DeviceType type = firmware.deviceType();
        return new Tampering.Keys(makerKey, makerKey == null ? null : SigningKey.generate(makerKey.type()),
                type == null ? null : type.tlv(), type == null ? null : type.value());
    }

    /**
     * Power-cycles and reads the version the device boots, then waits for its OS to come up and for
     * the update path to reach it (its endpoint is up, or it listens on the bench's cloud). Null when
     * no version appears: nothing bootable.
     */
    ImageVersion boot(String cause) throws BenchIoException {
        long from = dut.powerCycle(cause);
        long poweredAt = System.nanoTime();
        Console console = dut.console();
        Console.Match m;
        try {
            m = console.expect(bootTimeout, versionPattern, NO_BOOTABLE_IMAGE);
        } catch (ExpectTimeout e) {
            if (console.position() == from) {
                throw new BenchFault("the console sent no byte within " + bootTimeout.toMillis() + " ms of power-on");
            }
            evidence.transcript("boot without a firmware version", from, console.position());
            return null;
        }
        if (m.pattern() == NO_BOOTABLE_IMAGE) {
            settle();
            evidence.transcript("boot: no bootable image", from, console.position());
            return null;
        }
        ImageVersion v = ImageVersion.parse(m.group(1));
        if (v == null) {
            throw new BenchFault("the version line `" + m.text().strip() + "` holds no version the bench can read");
        }
        try {
            console.expect(bootTimeout, Prompts.LOGIN, Prompts.SHELL);
            dut.seen(Dut.State.BOOTED);
            // The update checks power-cycle the most: each boot is a point in the report's boot-time plot.
            evidence.measurement(Measurement.atMost("boot-time", (System.nanoTime() - poweredAt) / 1_000_000,
                    "ms", bootTimeout.toMillis()));
        } catch (ExpectTimeout e) {
            evidence.transcript("boot that never reached its login", from, console.position());
            throw new BenchFault("firmware " + v + " booted but no login or shell prompt followed within "
                    + bootTimeout.toMillis() + " ms: " + e.getMessage(), e);
        }
        try {
            path.awaitReady();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFault("interrupted while waiting for the device to reach the update path", e);
        } catch (BenchIoException e) {
            throw new BenchFault("firmware " + v + " booted, but the update path cannot reach it: " + e.getMessage(), e);
        }
        return v;
    }

    /** Pushes, records the installer's answer and its console lines, power-cycles and reads the running version. */
    Attempt attempt(String label, String description, byte[] bytes) throws BenchIoException, InterruptedException {
        Console console = dut.console();
        evidence.step("push " + label + ": " + description + " (" + bytes.length + " bytes, sha256 "
                + (bytes.length == 0 ? "-" : HexFormat.of().formatHex(sha256(bytes)).substring(0, 16) + "…") + ") via " + path.describe());
        long from = console.position();
        long start = System.nanoTime();
        UpdatePath.Answer answer = path.push(bytes, label + ".bin", Duration.ofMillis(firmware.installTimeoutMs()));
        long pushMs = (System.nanoTime() - start) / 1_000_000;
        settle();
        evidence.transcript("console while the installer decided on " + label, from, console.position());
        ImageVersion after = boot("update: power cycle after pushing " + label);
        evidence.step(label + ": installer " + answer.describe() + " (" + pushMs + " ms); after a power cycle the device runs "
                + (after == null ? "NO bootable firmware" : after));
        return new Attempt(answer, after, pushMs);
    }

    /** Starts a push without waiting, for the power-loss check. */
    CompletableFuture<UpdatePath.Answer> pushAsync(String label, byte[] bytes) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return path.push(bytes, label + ".bin", Duration.ofMillis(firmware.installTimeoutMs()));
            } catch (BenchIoException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new UpdatePath.Answer(null, "interrupted");
            }
        });
    }

    /**
     * What a push cut short by the power came to.
     *
     * @param sent false when the image never left the bench (the update path could not reach the
     *             device): the cut then interrupted no install
     */
    record CutPush(UpdatePath.Answer answer, boolean sent) {
    }

    static CutPush answerOf(CompletableFuture<UpdatePath.Answer> push, long waitMs) {
        try {
            return new CutPush(push.get(waitMs, TimeUnit.MILLISECONDS), true);
        } catch (TimeoutException e) {
            push.cancel(true);
            return new CutPush(new UpdatePath.Answer(null, "no answer within " + waitMs + " ms of power returning"), true);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BenchIoException never) {
                return new CutPush(new UpdatePath.Answer(null, "never sent: " + never.getMessage()), false);
            }
            return new CutPush(new UpdatePath.Answer(null, "push failed: " + e.getCause()), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CutPush(new UpdatePath.Answer(null, "interrupted"), true);
        }
    }

    /**
     * The control case, run once per run: a newer validly signed image must install, or the other
     * update checks cannot tell a refusal from a broken update path.
     */
    static Control control(ITestContext testContext, UpdateBench bench) throws BenchIoException, InterruptedException {
        Object known = testContext.getAttribute(CONTROL);
        if (known instanceof Control c) {
            return c;
        }
        bench.evidence.step("control: a newer validly signed image must install, or a refusal proves nothing (once per run)");
        Control c = bench.runControl();
        testContext.setAttribute(CONTROL, c);
        return c;
    }

    Control runControl() throws BenchIoException, InterruptedException {
        ImageVersion before = boot("update: read the running version");
        if (before == null) {
            return new Control(false, "the device boots no firmware version the bench can read (pattern `"
                    + firmware.versionPattern() + "`)", 0);
        }
        if (keyless()) {
            if (newer.version().compareTo(before) <= 0) {
                return new Control(false, "the control cannot be made: the maker's newer image is " + newer.describe()
                        + ", not newer than the running " + before + " (without the signing key the bench cannot build a"
                        + " newer one; give a newer-image above " + before + ")", 0);
            }
            evidence.step("running " + before + "; pushing the maker's newer image " + newer.describe());
            return controlOutcome(newer.version(), attempt("newer-" + newer.version(), "the maker's newer image " + newer.describe(),
                    newer.bytes()));
        }
        ImageVersion base;
        try {
            base = format.version(image);
        } catch (ImageException e) {
            throw new BenchFault(e.getMessage(), e);
        }
        ImageVersion target = (base.compareTo(before) > 0 ? base : before).nextRevision();
        evidence.step("running " + before + "; building " + target + " from " + firmware.image().getFileName()
                + ", signed with the profile's " + makerKey.type().label() + " key");
        return controlOutcome(target, attempt("newer-" + target, "validly signed " + target, signed(target)));
    }

    private static Control controlOutcome(ImageVersion newer, Attempt a) {
        if (newer.equals(a.after())) {
            return new Control(true, "the newer image " + newer + " installed and boots (" + a.answer().describe() + ")", a.pushMs());
        }
        return new Control(false, "the newer validly signed image " + newer + " did not install: installer "
                + a.answer().describe() + "; running " + (a.after() == null ? "nothing bootable" : a.after().toString())
                + " after a power cycle", a.pushMs());
    }

    static void requireControl(Control c) {
        if (!c.installed()) {
            throw new BenchFault("control failed, so a refusal would prove nothing: " + c.reason());
        }
    }

    /** Ends what the update path holds (the bench's cloud for mqtt-ota). */
    @Override
    public void close() {
        path.close();
    }

    static void closeOpen(ITestContext testContext) {
        if (testContext.removeAttribute(OPEN) instanceof UpdateBench open) {
            open.close();
        }
    }

    private static void settle() {
        try {
            Thread.sleep(SETTLE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
