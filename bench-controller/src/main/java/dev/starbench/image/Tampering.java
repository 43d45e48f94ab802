package dev.starbench.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tampered images an update check pushes, each one change away from a valid image. Format-blind
 * changes apply to every format; the signature and key variants need a format the bench can rebuild.
 */
public final class Tampering {
    /** @param bytes null when the variant cannot be built; {@code notBuilt} then says why */
    public record Variant(String name, String description, byte[] bytes, String notBuilt) {
        static Variant of(String name, String description, byte[] bytes) {
            return new Variant(name, description, bytes, null);
        }

        static Variant skipped(String name, String description, String why) {
            return new Variant(name, description, null, why);
        }
    }

    /**
     * What the format-specific variants are made with.
     *
     * @param maker   null when the profile supplies signed images instead of the key
     * @param foreign null: a fresh key of the valid image's own signature type
     */
    public record Keys(SigningKey maker, SigningKey foreign, Integer deviceTypeTlv, String deviceType) {
    }

    private Tampering() {
    }

    /** Every variant of {@code valid} (a validly signed image the device would install), in a fixed order. */
    public static List<Variant> variants(ImageFormat format, byte[] valid, Keys keys) throws ImageException {
        List<Variant> out = new ArrayList<>();
        int[] payload = format.payloadRange(valid);
        int at = payload[0] + (payload[1] - payload[0]) / 2;
        byte[] flipped = valid.clone();
        flipped[at] ^= (byte) 0xff;
        out.add(Variant.of("payload-byte", "one payload byte flipped (offset " + at + ")", flipped));

        boolean rebuild = format.canRebuild();
        if (format instanceof Mcuboot) {
            int sig = Mcuboot.signatureOffset(valid);
            if (sig < 0) {
                out.add(Variant.skipped("signature-byte", "one signature byte flipped", "the valid image carries no signature"));
            } else {
                byte[] s = valid.clone();
                s[sig + 8] ^= (byte) 0xff;
                out.add(Variant.of("signature-byte", "one signature byte flipped (offset " + (sig + 8) + ")", s));
            }
        } else {
            // An opaque image's signature, when it has one, is usually appended: its last byte is the best guess.
            byte[] last = valid.clone();
            last[last.length - 1] ^= (byte) 0xff;
            out.add(Variant.of("last-byte", "the last byte flipped (offset " + (valid.length - 1)
                    + ", where an appended signature would end)", last));
        }
        out.add(Variant.of("truncated", "cut to 3/4 of its length (" + valid.length * 3 / 4 + " of " + valid.length + " bytes)",
                Arrays.copyOf(valid, valid.length * 3 / 4)));
        byte[] appended = Arrays.copyOf(valid, valid.length + 512);
        Arrays.fill(appended, valid.length, appended.length, (byte) 0x5a);
        out.add(Variant.of("appended", "512 bytes appended", appended));
        out.add(Variant.of("zero-length", "an empty file", new byte[0]));

        if (!rebuild) {
            String why = format.name() + " images cannot be rebuilt by the bench";
            out.add(Variant.skipped("unsigned", "the same image without signature", why));
            out.add(Variant.skipped("foreign-key", "signed with a key the device does not trust", why));
            out.add(Variant.skipped("wrong-device-type", "validly signed for another device type", why));
            return out;
        }
        ImageFormat.Changes same = new ImageFormat.Changes(null, null, null, null, false);
        out.add(Variant.of("unsigned", "the same image rebuilt with its hash but without key hash and signature",
                format.rebuild(valid, same, null)));
        SigningKey foreign = keys.foreign() != null ? keys.foreign() : SigningKey.generate(Mcuboot.signatureType(valid));
        out.add(Variant.of("foreign-key", "re-signed with a fresh " + foreign.type().label()
                        + " key the device does not trust, its public key embedded (TLV 0x02)",
                format.rebuild(valid, new ImageFormat.Changes(null, null, null, null, true), foreign)));
        if (keys.deviceTypeTlv() == null || keys.maker() == null) {
            out.add(Variant.skipped("wrong-device-type", "validly signed for another device type",
                    keys.maker() == null ? "it needs the maker's signing key, which the profile does not give (it supplies signed images instead)"
                            : "the profile declares no device-type TLV (firmware.device-type)"));
        } else {
            String other = "NOT-" + keys.deviceType();
            out.add(Variant.of("wrong-device-type", String.format("validly signed, device-type TLV 0x%02x set to \"%s\"",
                            keys.deviceTypeTlv(), other),
                    format.rebuild(valid, new ImageFormat.Changes(null, null, keys.deviceTypeTlv(), other, false), keys.maker())));
        }
        return out;
    }
}
