package dev.starbench.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.PublicKey;
import java.util.List;

/**
 * One firmware image format the bench can read and, where the format allows, rebuild. MCUboot and
 * raw images are here; U-Boot FIT, SWUpdate and RAUC bundles fit behind the same interface. Images
 * are read through {@link ImageBytes}, so a file is streamed; the byte-array forms are for the
 * images the update checks hold in memory.
 */
public interface ImageFormat {
    /** The name a profile uses: {@code mcuboot}, {@code raw}. */
    String name();

    /** What `image inspect` prints: version, counters, hashes, signature status. */
    Inspection inspect(ImageBytes image, List<PublicKey> trusted) throws ImageException, IOException;

    default Inspection inspect(byte[] image, List<PublicKey> trusted) throws ImageException {
        return ImageBytes.inMemory(() -> inspect(ImageBytes.of(image), trusted));
    }

    /** The version the image declares, or null when the format has none. */
    ImageVersion version(byte[] image) throws ImageException;

    /** Where the firmware proper lies (no header, no trailer): a flipped byte there must be caught. */
    int[] payloadRange(byte[] image) throws ImageException;

    /** Whether {@link #rebuild} can make new images (raw images cannot). */
    boolean canRebuild();

    /**
     * Writes to {@code out} a copy of the image with the changes applied and signed with the key (null: unsigned).
     *
     * @throws ImageException when the image cannot be read or the format cannot be rebuilt
     */
    void rebuild(ImageBytes image, Changes changes, SigningKey key, OutputStream out) throws ImageException, IOException;

    default byte[] rebuild(byte[] image, Changes changes, SigningKey key) throws ImageException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageBytes.inMemory(() -> {
            rebuild(ImageBytes.of(image), changes, key, out);
            return null;
        });
        return out.toByteArray();
    }

    /**
     * What to change when rebuilding; null fields keep the image's own value.
     *
     * @param embedPublicKey add the signer's full public key (TLV 0x02), as images for devices that
     *                       trust the key in the image carry it
     */
    record Changes(ImageVersion version, Long securityCounter, Integer deviceTypeTlv, String deviceType,
                   boolean embedPublicKey) {
        public static Changes version(ImageVersion v) {
            return new Changes(v, null, null, null, false);
        }
    }

    /** What an inspection concludes about the image's integrity and signature. */
    enum Status {
        /** The hash matches and a trusted key verifies the signature. */
        VERIFIED,
        /** Nothing contradicts the image, but no trusted key was given to check it against. */
        NOT_CHECKED,
        /** The hash does not match, or no trusted key verifies it (unsigned, foreign or broken signature). */
        NOT_VERIFIED,
        /** Trusted keys were given, but the format has no signature the bench can read (raw). */
        CANNOT_TELL
    }

    /** @param fields ordered label/value pairs; {@code signature} is the verdict on the signature */
    record Inspection(String format, ImageVersion version, Long securityCounter, List<String[]> fields, String signature,
                      Status status) {
    }

    static ImageFormat named(String name) {
        return switch (name) {
            case "mcuboot" -> new Mcuboot();
            case "raw" -> new RawImage();
            default -> throw new IllegalArgumentException("unknown image format '" + name + "' (known: mcuboot, raw)");
        };
    }

    /** MCUboot when the magic says so, raw otherwise. */
    static ImageFormat detect(ImageBytes image) throws IOException {
        return Mcuboot.hasMagic(image) ? new Mcuboot() : new RawImage();
    }

    static ImageFormat detect(byte[] image) {
        return Mcuboot.hasMagic(image) ? new Mcuboot() : new RawImage();
    }
}
