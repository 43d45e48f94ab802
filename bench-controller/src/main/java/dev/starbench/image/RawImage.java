package dev.starbench.image;

import java.security.PublicKey;
import java.util.HexFormat;
import java.util.List;

/** Opaque bytes: the bench knows nothing of their structure, so only format-blind mutations apply. */
final class RawImage implements ImageFormat {
    @Override
    public String name() {
        return "raw";
    }

    @Override
    public Inspection inspect(byte[] image, List<PublicKey> trusted) {
        List<String[]> fields = List.of(
                new String[] {"size", image.length + " bytes"},
                new String[] {"sha256", HexFormat.of().formatHex(Mcuboot.sha256(image))});
        return new Inspection(name(), null, null, fields, "unknown (raw image: no signature the bench can read)");
    }

    @Override
    public ImageVersion version(byte[] image) {
        return null;
    }

    @Override
    public int[] payloadRange(byte[] image) {
        return new int[] {0, image.length};
    }

    @Override
    public boolean canRebuild() {
        return false;
    }

    @Override
    public byte[] rebuild(byte[] image, Changes changes, SigningKey key) throws ImageException {
        throw new ImageException("a raw image cannot be re-versioned or re-signed; give the images in the profile");
    }
}
