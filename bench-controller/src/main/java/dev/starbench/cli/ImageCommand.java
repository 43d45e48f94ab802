package dev.starbench.cli;

import dev.starbench.config.InputFile;
import dev.starbench.image.ImageBytes;
import dev.starbench.image.ImageException;
import dev.starbench.image.ImageFormat;
import dev.starbench.image.ImageVersion;
import dev.starbench.image.SigningKey;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `starbench image`: read firmware images and prepare test images from a maker's development key. */
@Command(name = "image", description = "Inspect firmware images and prepare signed test images.",
        subcommands = {ImageCommand.Inspect.class, ImageCommand.Sign.class, ImageCommand.Keygen.class})
final class ImageCommand {
    static final int NOT_VERIFIED = 1;
    static final int CANNOT_TELL = 2;

    /** An image file as `image` reads it: checked before it is opened, then streamed. */
    private static ImageBytes open(Path file) throws ImageException, IOException {
        String problem = InputFile.problem(file, InputFile.Kind.IMAGE);
        if (problem != null) {
            throw new ImageException(problem);
        }
        return ImageBytes.open(file);
    }

    @Command(name = "inspect", description = "Print an image's format, version, security counter, hashes and signature status.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the image verifies with a trusted key, or nothing contradicts it and no --trust was given",
                    "1:the image does not verify: hash mismatch or missing, or no trusted key verifies its signature",
                    "2:--trust was given, but the image is raw: no signature the bench can read",
                    "3:bad input: unreadable or malformed image or key file"})
    static final class Inspect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The image (MCUboot is recognised by its magic; anything else is raw).")
        Path file;

        @Option(names = "--trust", paramLabel = "PEM", description = "A public (or private) key the device trusts; repeatable.")
        List<Path> trusted = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<PublicKey> keys = new ArrayList<>();
            try {
                for (Path k : trusted) {
                    keys.add(SigningKey.readPublic(k));
                }
            } catch (ImageException e) {
                return fail("--trust " + e.getMessage());
            }
            try (ImageBytes image = open(file)) {
                ImageFormat.Inspection in = ImageFormat.detect(image).inspect(image, keys);
                out.printf("%-18s %s%n", "file", file);
                out.printf("%-18s %s%n", "format", in.format());
                for (String[] f : in.fields()) {
                    out.printf("%-18s %s%n", f[0], f[1]);
                }
                out.printf("%-18s %s%n", "signature", in.signature());
                out.flush();
                return switch (in.status()) {
                    case VERIFIED, NOT_CHECKED -> 0;
                    case NOT_VERIFIED -> NOT_VERIFIED;
                    case CANNOT_TELL -> CANNOT_TELL;
                };
            } catch (IOException e) {
                return fail("cannot read " + file + ": " + e.getMessage());
            } catch (ImageException e) {
                return fail(file + ": " + e.getMessage());
            }
        }

        private int fail(String message) {
            spec.commandLine().getErr().println("error: " + message);
            return Main.BAD_INPUT;
        }
    }

    @Command(name = "sign", description = {"Build an MCUboot image signed with a (development) key.",
            "INPUT is a raw payload or an MCUboot image, whose payload, header size and protected TLVs are kept."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:OUT written", "3:bad input: unreadable or malformed input, key or option"})
    static final class Sign implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "INPUT")
        Path input;

        @Option(names = "--key", paramLabel = "PEM", description = "ECDSA P-256 or Ed25519 private key (PEM). Without it the image is unsigned.")
        Path key;

        @Option(names = "--version", paramLabel = "V", description = "Image version, e.g. 1.5.0 or 1.5.0+7 (default: keep, or 0.0.0).")
        String version;

        @Option(names = "--security-counter", paramLabel = "N", description = "Protected SEC_CNT TLV value.")
        Long securityCounter;

        @Option(names = "--device-type-tlv", paramLabel = "T", description = "A vendor TLV type (e.g. 0xa0) naming the device type.")
        String deviceTypeTlv;

        @Option(names = "--device-type", paramLabel = "NAME", description = "The device type written in --device-type-tlv.")
        String deviceType;

        @Option(names = "--embed-public-key", description = "Carry the full public key (TLV 0x02) instead of its hash.")
        boolean embed;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE")
        Path out;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Path partial = null;
            try {
                ImageVersion v = null;
                if (version != null) {
                    v = ImageVersion.parse(version);
                    if (v == null) {
                        err.println("error: --version: not a version: " + version);
                        return Main.BAD_INPUT;
                    }
                }
                if ((deviceTypeTlv == null) != (deviceType == null)) {
                    err.println("error: --device-type-tlv and --device-type go together");
                    return Main.BAD_INPUT;
                }
                Integer tlv = deviceTypeTlv == null ? null : Integer.decode(deviceTypeTlv);
                SigningKey k;
                try {
                    k = key == null ? null : SigningKey.read(key);
                } catch (ImageException e) {
                    err.println("error: --key " + e.getMessage());
                    return Main.BAD_INPUT;
                }
                // Written beside OUT and renamed when complete, so a failure never leaves half an image under its name.
                Path dir = out.toAbsolutePath().getParent();
                partial = Files.createTempFile(dir, "." + out.getFileName(), ".partial");
                try (ImageBytes in = open(input); OutputStream o = new BufferedOutputStream(Files.newOutputStream(partial))) {
                    ImageFormat.named("mcuboot").rebuild(in, new ImageFormat.Changes(v, securityCounter, tlv, deviceType, embed), k, o);
                }
                Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                partial = null;
                spec.commandLine().getOut().printf("wrote %s: %d bytes, %s%n", out, Files.size(out),
                        k == null ? "unsigned" : "signed (" + k.type().label() + ")");
                spec.commandLine().getOut().flush();
                return 0;
            } catch (NumberFormatException e) {
                err.println("error: --device-type-tlv: not a number: " + deviceTypeTlv);
                return Main.BAD_INPUT;
            } catch (IOException e) {
                err.println("error: " + e.getMessage());
                return Main.BAD_INPUT;
            } catch (ImageException e) {
                err.println("error: " + input + ": " + e.getMessage());
                return Main.BAD_INPUT;
            } finally {
                deleteQuietly(partial);
            }
        }

        private static void deleteQuietly(Path file) {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // A leftover .partial file is harmless; the error that led here is what to report.
                }
            }
        }
    }

    @Command(name = "keygen", description = "Make a development key pair (never for production).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:keys written", "3:bad input: unknown type or unwritable file"})
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--type", defaultValue = "ecdsa-p256", paramLabel = "TYPE", description = "ecdsa-p256 (default) or ed25519.")
        String type;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "PEM", description = "Private key file (PKCS#8 PEM).")
        Path out;

        @Option(names = "--public", paramLabel = "PEM", description = "Also write the public key here.")
        Path publicOut;

        @Override
        public Integer call() {
            try {
                SigningKey k = SigningKey.generate(SigningKey.Type.of(type));
                k.writePrivate(out);
                if (publicOut != null) {
                    k.writePublic(publicOut);
                }
                spec.commandLine().getOut().printf("wrote %s%s%n", out, publicOut == null ? "" : " and " + publicOut);
                spec.commandLine().getOut().flush();
                return 0;
            } catch (IllegalArgumentException | IOException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return Main.BAD_INPUT;
            }
        }
    }
}
