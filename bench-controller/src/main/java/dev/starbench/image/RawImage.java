package dev.starbench.image;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
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
    public Inspection inspect(ImageBytes image, List<PublicKey> trusted) throws IOException {
        MessageDigest sha = Mcuboot.sha256();
        image.copy(0, image.size(), null, sha);
        List<String[]> fields = List.of(
                new String[] {"size", image.size() + " bytes"},
                new String[] {"sha256", HexFormat.of().formatHex(sha.digest())});
        return new Inspection(name(), null, null, fields, "unknown (raw image: no signature the bench can read)",
                trusted.isEmpty() ? Status.NOT_CHECKED : Status.CANNOT_TELL);
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
    public void rebuild(ImageBytes image, Changes changes, SigningKey key, OutputStream out) throws ImageException {
        throw new ImageException("a raw image cannot be re-versioned or re-signed; give the images in the profile");
    }
}
