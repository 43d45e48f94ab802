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
import dev.starbench.dut.Boot;
import dev.starbench.dut.Dut;
import dev.starbench.image.ImageException;
import dev.starbench.image.ImageFormat;
import dev.starbench.image.ImageVersion;
import dev.starbench.image.SigningKey;
import dev.starbench.image.Tampering;
import dev.starbench.lab.UpdateService;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.ITestContext;

/**
 * What the update checks do, over the run's update service: the profile's image and key (or the maker's
 * images), and the procedure they all repeat: push an image, record the installer's answer and the
 * console lines of its decision, boot from power-on, and read the version the device runs from its boot
 * log. The version running before a push is read from the boot the bench already watched when the
 * device still runs it, instead of booting again.
 */
final class UpdateProcedure {
    /** A device may print its decision just after it answers: its console counts as done after this much quiet... */
    private static final Duration QUIET = Duration.ofMillis(100);
    /** ...or this long after the answer, if it keeps talking. */
    private static final long DECISION_LINES_MS = 300;
    private static final Pattern ANY_BYTE = Pattern.compile("[\\s\\S]");

    /** One push: the installer's answer and how long it took. */
    record Push(UpdatePath.Answer answer, long pushMs) {
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
    final UpdateService service;
    final UpdatePath path;
    private final Pattern versionPattern;
    private final Duration bootTimeout;
    /** The push whose console lines may still be coming in, where they start, and when its installer answered. */
    private String deciding;
    private long decidingFrom;
    private long decidedAt;

    private UpdateProcedure(CheckContext ctx, Firmware firmware, ImageFormat format, byte[] image, SigningKey makerKey,
                            Supplied newer, Supplied older) throws BenchIoException {
        this.ctx = ctx;
        this.dut = ctx.dut();
        this.evidence = ctx.evidence();
        this.firmware = firmware;
        this.format = format;
        this.image = image;
        this.makerKey = makerKey;
        this.newer = newer;
        this.older = older;
        this.service = ctx.services().updates();
        this.path = service.path();
        this.versionPattern = BoundedPattern.compile(firmware.versionPattern());
        this.bootTimeout = Duration.ofMillis(ctx.profile().timeouts().bootMs());
    }

    static UpdateProcedure of(ITestContext testContext) throws BenchIoException {
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
            return new UpdateProcedure(ctx, fw, format, null, null,
                    supplied(format, "newer-image", fw.newerImage(), fw.newerVersion()),
                    fw.olderImage() == null ? null : supplied(format, "older-image", fw.olderImage(), fw.olderVersion()));
        }
        if (!format.canRebuild()) {
            throw new NotApplicable("a " + fw.format() + " image cannot be rebuilt with `firmware.signing-key`");
        }
        try {
            byte[] image = Files.readAllBytes(fw.image());
            format.version(image);
            return new UpdateProcedure(ctx, fw, format, image, SigningKey.read(fw.signingKey()), null, null);
        } catch (IOException e) {
            throw new BenchFault("cannot read the profile's firmware image " + fw.image() + ": " + e.getMessage(), e);
        } catch (ImageException e) {
            throw new BenchFault("the profile's firmware (" + fw.image().getFileName() + " or its signing key) is unusable: "
                    + e.getMessage(), e);
        }
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

    /**
     * The foreign key is a fresh key from the system's random source, not from the run's seed: a key
     * derivable from the journalled seed would be one anyone holding the report has (and the image it
     * signs differs in every run anyway, since its signature is randomised).
     */
    Tampering.Keys tamperKeys() {
        Firmware.DeviceType type = firmware.deviceType();
        return new Tampering.Keys(makerKey, makerKey == null ? null : SigningKey.generate(makerKey.type()),
                type == null ? null : type.tlv(), type == null ? null : type.value());
    }

    /**
     * The version the device runs now, read from the boot log of the boot it runs from: the one the bench
     * watched, when the device is still at its OS from it (a probe says so) and the console still holds its
     * log; else a boot from power-on. Null when no version appears: nothing bootable.
     */
    ImageVersion running(String cause) throws BenchIoException {
        Boot b = dut.transition(Dut.State.LOGIN, cause);
        String log = b.log(dut.console());
        ImageVersion v = log == null ? null : versionIn(log);
        if (v == null) {
            evidence.step(log == null ? "the console no longer holds the log of the boot the device runs from: booting again to read the version"
                    : "the log of the boot the device runs from shows no firmware version: booting again to read it");
            return reboot(cause);
        }
        evidence.step("the device runs " + v + ", as the log of its boot for \"" + b.cause() + "\" shows");
        return readyAt(v);
    }

    /**
     * Boots from power-on and reads the version the device boots, then waits for the update path to reach
     * it (its endpoint is up, or it listens on the bench's cloud). Null when no version appears: nothing
     * bootable.
     */
    ImageVersion reboot(String cause) throws BenchIoException {
        closeDecision();
        Boot b = dut.freshBoot(cause);
        Console console = dut.console();
        String log = b.log(console);
        ImageVersion v = log == null ? null : versionIn(log);
        if (v == null) {
            boolean nothing = log != null && Dut.NO_BOOTABLE_IMAGE.matcher(log).find();
            evidence.transcript(nothing ? "boot: no bootable image" : "boot without a firmware version", b.powerOnAt(), console.position());
            return null;
        }
        if (!b.reachedOs()) {
            evidence.transcript("boot that never reached its login", b.powerOnAt(), console.position());
            throw new BenchFault("firmware " + v + " booted but no login or shell prompt followed within "
                    + bootTimeout.toMillis() + " ms (last seen at stage " + b.stage() + ")");
        }
        return readyAt(v);
    }

    /** The last version line of a boot log (a bootloader that falls back prints the one it runs last); null if none. */
    private ImageVersion versionIn(String log) {
        Matcher m = versionPattern.matcher(log);
        String last = null;
        String line = null;
        while (m.find()) {
            last = m.group(1);
            line = m.group();
        }
        if (last == null) {
            return null;
        }
        ImageVersion v = ImageVersion.parse(last);
        if (v == null) {
            throw new BenchFault("the version line `" + line.strip() + "` holds no version the bench can read");
        }
        return v;
    }

    private ImageVersion readyAt(ImageVersion v) {
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

    /** Pushes, records the installer's answer and its console lines, boots from power-on and reads the running version. */
    Attempt attempt(String label, String description, byte[] bytes) throws BenchIoException, InterruptedException {
        Push p = push(label, description, bytes);
        ImageVersion after = reboot("update: power cycle after pushing " + label);
        evidence.step(label + ": installer " + p.answer().describe() + " (" + p.pushMs() + " ms); after a power cycle the device runs "
                + (after == null ? "NO bootable firmware" : after));
        return new Attempt(p.answer(), after, p.pushMs());
    }

    /**
     * Pushes and records the installer's answer; the console lines of its decision are recorded at the
     * bench's next action (a push, a boot), from where the last push's lines ended. No power cycle.
     */
    Push push(String label, String description, byte[] bytes) throws BenchIoException, InterruptedException {
        long from = closeDecision();
        evidence.step("push " + label + ": " + description + " (" + bytes.length + " bytes, sha256 "
                + (bytes.length == 0 ? "-" : HexFormat.of().formatHex(sha256(bytes)).substring(0, 16) + "…") + ") via " + path.describe());
        long start = System.nanoTime();
        UpdatePath.Answer answer = path.push(bytes, label + ".bin", Duration.ofMillis(firmware.installTimeoutMs()));
        decidedAt = System.nanoTime();
        long pushMs = (decidedAt - start) / 1_000_000;
        deciding = label;
        decidingFrom = from;
        return new Push(answer, pushMs);
    }

    /**
     * Records the console lines of the last push's decision, once the console has been quiet for a moment
     * (or long enough after the answer); returns where they end, or the console's position when no push
     * is pending.
     */
    private long closeDecision() throws BenchIoException {
        Console console = dut.console();
        if (deciding == null) {
            return console.position();
        }
        long deadline = decidedAt + DECISION_LINES_MS * 1_000_000;
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            console.skipToEnd();
            try {
                console.expect(QUIET.compareTo(Duration.ofNanos(left)) < 0 ? QUIET : Duration.ofNanos(left), ANY_BYTE);
            } catch (ExpectTimeout quiet) {
                break;
            }
        }
        long to = console.position();
        evidence.transcript("console while the installer decided on " + deciding, decidingFrom, to);
        deciding = null;
        return to;
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
     * The control case, made once per run and kept by the update service: a newer validly signed image
     * must install, or the other update checks cannot tell a refusal from a broken update path.
     */
    UpdateService.Control control() throws BenchIoException, InterruptedException {
        var known = service.control();
        if (known.isPresent()) {
            return known.get();
        }
        evidence.step("control: a newer validly signed image must install, or a refusal proves nothing (once per run)");
        UpdateService.Control c = runControl();
        service.control(c);
        return c;
    }

    private UpdateService.Control runControl() throws BenchIoException, InterruptedException {
        ImageVersion before = running("update: read the running version");
        if (before == null) {
            return new UpdateService.Control(false, "the device boots no firmware version the bench can read (pattern `"
                    + firmware.versionPattern() + "`)", 0);
        }
        if (keyless()) {
            if (newer.version().compareTo(before) <= 0) {
                return new UpdateService.Control(false, "the control cannot be made: the maker's newer image is " + newer.describe()
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

    private static UpdateService.Control controlOutcome(ImageVersion newer, Attempt a) {
        if (newer.equals(a.after())) {
            return new UpdateService.Control(true, "the newer image " + newer + " installed and boots (" + a.answer().describe() + ")",
                    a.pushMs());
        }
        return new UpdateService.Control(false, "the newer validly signed image " + newer + " did not install: installer "
                + a.answer().describe() + "; running " + (a.after() == null ? "nothing bootable" : a.after().toString())
                + " after a power cycle", a.pushMs());
    }

    static void requireControl(UpdateService.Control c) {
        if (!c.installed()) {
            throw new BenchFault("control failed, so a refusal would prove nothing: " + c.reason());
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
