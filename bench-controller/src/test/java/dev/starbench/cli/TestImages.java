package dev.starbench.cli;

import dev.starbench.image.ImageException;
import dev.starbench.image.ImageFormat;
import dev.starbench.image.ImageVersion;
import dev.starbench.image.SigningKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * MCUboot images for hostile-input tests: a valid one made with the bench's own signer, and its
 * unprotected TLV area taken apart and put back together with TLVs added, changed or removed, read
 * here by offsets from the documented layout rather than by the parser under test.
 */
final class TestImages {
    record Tlv(int type, byte[] value) {
    }

    private TestImages() {
    }

    static byte[] signed(SigningKey key, int payloadBytes, long seed) throws ImageException {
        byte[] payload = new byte[payloadBytes];
        new Random(seed).nextBytes(payload);
        return ImageFormat.named("mcuboot").rebuild(payload,
                new ImageFormat.Changes(new ImageVersion(1, 4, 2, 0), 1L, 0xa0, "VCAM-1", false), key);
    }

    /** Where the unprotected TLV area starts (after header, payload and protected area), or -1 past the image. */
    static int tlvArea(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        long at = Short.toUnsignedInt(b.getShort(8)) + Integer.toUnsignedLong(b.getInt(12)) + Short.toUnsignedInt(b.getShort(10));
        return at + 4 <= image.length ? (int) at : -1;
    }

    static List<Tlv> tlvs(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int at = tlvArea(image);
        int end = at + Short.toUnsignedInt(b.getShort(at + 2));
        List<Tlv> out = new ArrayList<>();
        for (int p = at + 4; p < end; ) {
            int type = Short.toUnsignedInt(b.getShort(p));
            int len = Short.toUnsignedInt(b.getShort(p + 2));
            out.add(new Tlv(type, Arrays.copyOfRange(image, p + 4, p + 4 + len)));
            p += 4 + len;
        }
        return out;
    }

    /** The image with its unprotected TLV area replaced by {@code tlvs}. */
    static byte[] withTlvs(byte[] image, List<Tlv> tlvs) {
        int at = tlvArea(image);
        int size = 4 + tlvs.stream().mapToInt(t -> 4 + t.value().length).sum();
        ByteBuffer out = ByteBuffer.allocate(at + size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(image, 0, at).putShort((short) 0x6907).putShort((short) size);
        for (Tlv t : tlvs) {
            out.putShort((short) t.type()).putShort((short) t.value().length).put(t.value());
        }
        return out.array();
    }

    static Tlv find(List<Tlv> tlvs, int type) {
        return tlvs.stream().filter(t -> t.type() == type).findFirst().orElseThrow();
    }
}
