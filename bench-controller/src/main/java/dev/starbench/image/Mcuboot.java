package dev.starbench.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * MCUboot signed images (docs.mcuboot.com, "Image format"): a 32-byte little-endian header padded to
 * {@code ih_hdr_size}, the payload, an optional protected TLV area (info magic 0x6908, counted in
 * {@code ih_protect_tlv_size} and covered by the hash), then the unprotected TLV area (0x6907) with the
 * SHA-256 of header + payload + protected area, the key hash and the signature.
 */
final class Mcuboot implements ImageFormat {
    static final int MAGIC = 0x96f3b83d;
    static final int HEADER_SIZE = 32;
    static final int TLV_INFO_MAGIC = 0x6907;
    static final int TLV_PROT_INFO_MAGIC = 0x6908;
    static final int TLV_KEYHASH = 0x01;
    static final int TLV_PUBKEY = 0x02;
    static final int TLV_SHA256 = 0x10;
    static final int TLV_ECDSA_SIG = 0x22;
    static final int TLV_ED25519 = 0x24;
    static final int TLV_SEC_CNT = 0x50;

    record Tlv(int type, byte[] value) {
        String describe() {
            return String.format("0x%02x (%s), %d bytes", type, name(type), value.length);
        }
    }

    /** @param hashedEnd end of what the SHA-256 TLV covers; end: end of the unprotected TLV area */
    record Parsed(int loadAddr, int hdrSize, int protSize, int imgSize, int flags, ImageVersion version,
                  List<Tlv> protectedTlvs, List<Tlv> tlvs, int hashedEnd, int end) {
        Tlv find(int type) {
            for (Tlv t : protectedTlvs) {
                if (t.type == type) {
                    return t;
                }
            }
            for (Tlv t : tlvs) {
                if (t.type == type) {
                    return t;
                }
            }
            return null;
        }

        Long securityCounter() {
            Tlv t = find(TLV_SEC_CNT);
            return t == null || t.value.length != 4 ? null : le(t.value, 0, 4);
        }
    }

    static boolean hasMagic(byte[] image) {
        return image.length >= 4 && (int) le(image, 0, 4) == MAGIC;
    }

    static String name(int type) {
        return switch (type) {
            case TLV_KEYHASH -> "KEYHASH";
            case TLV_PUBKEY -> "PUBKEY";
            case TLV_SHA256 -> "SHA256";
            case TLV_ECDSA_SIG -> "ECDSA_SIG";
            case TLV_ED25519 -> "ED25519";
            case TLV_SEC_CNT -> "SEC_CNT";
            default -> (type & 0xff) >= 0xa0 ? "vendor" : "other";
        };
    }

    static Parsed parse(byte[] b) throws ImageException {
        if (b.length < HEADER_SIZE) {
            throw new ImageException("too short for an MCUboot header: " + b.length + " bytes, need " + HEADER_SIZE);
        }
        if (!hasMagic(b)) {
            throw new ImageException(String.format("not an MCUboot image: magic 0x%08x, expected 0x%08x", (int) le(b, 0, 4), MAGIC));
        }
        int loadAddr = (int) le(b, 4, 4);
        int hdrSize = (int) le(b, 8, 2);
        int protSize = (int) le(b, 10, 2);
        long imgSize = le(b, 12, 4);
        int flags = (int) le(b, 16, 4);
        ImageVersion version = new ImageVersion(b[20] & 0xff, b[21] & 0xff, (int) le(b, 22, 2), le(b, 24, 4));
        if (hdrSize < HEADER_SIZE) {
            throw new ImageException("ih_hdr_size " + hdrSize + " is smaller than the header itself (" + HEADER_SIZE + ")");
        }
        if (hdrSize + imgSize > b.length) {
            throw new ImageException("truncated: header + ih_img_size = " + (hdrSize + imgSize) + " bytes, file has " + b.length);
        }
        int off = (int) (hdrSize + imgSize);
        List<Tlv> prot = List.of();
        if (protSize > 0) {
            prot = tlvArea(b, off, TLV_PROT_INFO_MAGIC, "protected");
            if (le(b, off + 2, 2) != protSize) {
                throw new ImageException("protected TLV area says " + le(b, off + 2, 2) + " bytes, header says " + protSize);
            }
        }
        int hashedEnd = off + protSize;
        List<Tlv> tlvs = tlvArea(b, hashedEnd, TLV_INFO_MAGIC, "unprotected");
        int end = hashedEnd + (int) le(b, hashedEnd + 2, 2);
        return new Parsed(loadAddr, hdrSize, protSize, (int) imgSize, flags, version, prot, tlvs, hashedEnd, end);
    }

    private static List<Tlv> tlvArea(byte[] b, int off, int magic, String what) throws ImageException {
        if (off + 4 > b.length) {
            throw new ImageException("truncated: no " + what + " TLV area at offset " + off + " (file has " + b.length + " bytes)");
        }
        if (le(b, off, 2) != magic) {
            throw new ImageException(String.format("%s TLV info at offset %d: magic 0x%04x, expected 0x%04x",
                    what, off, le(b, off, 2), magic));
        }
        int end = off + (int) le(b, off + 2, 2);
        if (end > b.length) {
            throw new ImageException("truncated: the " + what + " TLV area ends at " + end + ", file has " + b.length + " bytes");
        }
        List<Tlv> out = new ArrayList<>();
        int p = off + 4;
        while (p < end) {
            if (p + 4 > end) {
                throw new ImageException("a TLV header at offset " + p + " runs past its area");
            }
            int type = (int) le(b, p, 2);
            int len = (int) le(b, p + 2, 2);
            if (p + 4 + len > end) {
                throw new ImageException(String.format("TLV 0x%02x at offset %d (%d bytes) runs past its area", type, p, len));
            }
            out.add(new Tlv(type, Arrays.copyOfRange(b, p + 4, p + 4 + len)));
            p += 4 + len;
        }
        return out;
    }

    @Override
    public String name() {
        return "mcuboot";
    }

    @Override
    public ImageVersion version(byte[] image) throws ImageException {
        return parse(image).version();
    }

    @Override
    public int[] payloadRange(byte[] image) throws ImageException {
        Parsed p = parse(image);
        return new int[] {p.hdrSize(), p.hdrSize() + p.imgSize()};
    }

    @Override
    public boolean canRebuild() {
        return true;
    }

    @Override
    public Inspection inspect(byte[] image, List<PublicKey> trusted) throws ImageException {
        Parsed p = parse(image);
        HexFormat hex = HexFormat.of();
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"version", p.version().toString()});
        Long counter = p.securityCounter();
        fields.add(new String[] {"security counter", counter == null ? "none (no SEC_CNT TLV)" : counter.toString()});
        fields.add(new String[] {"header", String.format("load address 0x%08x, header %d bytes, payload %d bytes, flags 0x%08x",
                p.loadAddr(), p.hdrSize(), p.imgSize(), p.flags())});
        fields.add(new String[] {"file sha256", hex.formatHex(sha256(image))});
        byte[] digest = sha256(Arrays.copyOf(image, p.hashedEnd()));
        Tlv hash = p.find(TLV_SHA256);
        fields.add(new String[] {"image hash", hash == null ? "MISSING (no SHA256 TLV)"
                : hex.formatHex(hash.value()) + (Arrays.equals(hash.value(), digest) ? " (matches)" : " (MISMATCH: computed " + hex.formatHex(digest) + ")")});
        for (Tlv t : p.protectedTlvs()) {
            fields.add(new String[] {"protected TLV", t.describe()});
        }
        for (Tlv t : p.tlvs()) {
            fields.add(new String[] {"TLV", t.describe()});
        }
        if (p.end() < image.length) {
            fields.add(new String[] {"trailing bytes", (image.length - p.end()) + " after the TLV area"});
        }
        return new Inspection(name(), p.version(), counter, fields, signatureStatus(image, p, digest, trusted));
    }

    private static String signatureStatus(byte[] image, Parsed p, byte[] digest, List<PublicKey> trusted) {
        Tlv sig = p.find(TLV_ECDSA_SIG);
        sig = sig == null ? p.find(TLV_ED25519) : sig;
        if (sig == null) {
            return "none: the image is unsigned";
        }
        String type = sig.type() == TLV_ECDSA_SIG ? "ecdsa-p256" : "ed25519";
        Tlv hash = p.find(TLV_SHA256);
        if (hash == null || !Arrays.equals(hash.value(), digest)) {
            return "INVALID (" + type + "): the image hash does not match, so no signature over it can stand";
        }
        byte[] region = Arrays.copyOf(image, p.hashedEnd());
        for (PublicKey k : trusted) {
            if (verifies(sig, region, digest, k)) {
                return "valid (" + type + ") by trusted key " + HexFormat.of().formatHex(sha256(k.getEncoded())).substring(0, 16) + "…";
            }
        }
        Tlv embedded = p.find(TLV_PUBKEY);
        if (embedded != null) {
            PublicKey k = publicKey(embedded.value(), sig.type());
            if (k != null && verifies(sig, region, digest, k)) {
                return "valid (" + type + ") only with the public key embedded in the image"
                        + (trusted.isEmpty() ? " (no trusted key given)" : ", which is not a trusted key");
            }
        }
        Tlv keyHash = p.find(TLV_KEYHASH);
        String by = keyHash == null ? "" : " (key hash " + HexFormat.of().formatHex(keyHash.value()).substring(0, 16) + "…)";
        return trusted.isEmpty() ? "not checked (" + type + "): no trusted key given" + by
                : "INVALID (" + type + "): no trusted key verifies it" + by;
    }

    static boolean verifies(Tlv sig, byte[] region, byte[] digest, PublicKey key) {
        try {
            boolean ecdsa = sig.type() == TLV_ECDSA_SIG;
            if (ecdsa != key.getAlgorithm().startsWith("EC")) {
                return false;
            }
            Signature s = Signature.getInstance(ecdsa ? "SHA256withECDSA" : "Ed25519", SigningKey.BC);
            s.initVerify(key);
            s.update(ecdsa ? region : digest);
            return s.verify(sig.value());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static PublicKey publicKey(byte[] der, int sigType) {
        try {
            return KeyFactory.getInstance(sigType == TLV_ECDSA_SIG ? "EC" : "Ed25519", SigningKey.BC)
                    .generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    @Override
    public byte[] rebuild(byte[] image, Changes changes, SigningKey key) throws ImageException {
        Parsed p = hasMagic(image) ? parse(image) : null;
        byte[] payload = p == null ? image : Arrays.copyOfRange(image, p.hdrSize(), p.hdrSize() + p.imgSize());
        int hdrSize = p == null ? 0x200 : p.hdrSize();
        List<Tlv> prot = new ArrayList<>(p == null ? List.of() : p.protectedTlvs());
        if (changes.securityCounter() != null) {
            prot.removeIf(t -> t.type() == TLV_SEC_CNT);
            prot.add(new Tlv(TLV_SEC_CNT, leBytes(changes.securityCounter(), 4)));
        }
        if (changes.deviceTypeTlv() != null) {
            prot.removeIf(t -> t.type() == changes.deviceTypeTlv());
            prot.add(new Tlv(changes.deviceTypeTlv(), changes.deviceType().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        ImageVersion v = changes.version() != null ? changes.version() : p == null ? new ImageVersion(0, 0, 0, 0) : p.version();
        return build(p == null ? 0 : p.loadAddr(), hdrSize, p == null ? 0 : p.flags(), v, payload, prot, key, changes.embedPublicKey(),
                p == null ? null : Arrays.copyOfRange(image, HEADER_SIZE, hdrSize));
    }

    static byte[] build(int loadAddr, int hdrSize, int flags, ImageVersion v, byte[] payload, List<Tlv> prot,
                        SigningKey key, boolean embedPublicKey, byte[] headerPadding) {
        byte[] protArea = area(TLV_PROT_INFO_MAGIC, prot);
        ByteBuffer h = ByteBuffer.allocate(hdrSize).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC).putInt(loadAddr).putShort((short) hdrSize).putShort((short) protArea.length)
                .putInt(payload.length).putInt(flags)
                .put((byte) v.major()).put((byte) v.minor()).putShort((short) v.revision()).putInt((int) v.build()).putInt(0);
        if (headerPadding != null) {
            h.put(headerPadding);
        }
        ByteArrayOutputStream hashed = new ByteArrayOutputStream();
        hashed.writeBytes(h.array());
        hashed.writeBytes(payload);
        hashed.writeBytes(protArea);
        byte[] region = hashed.toByteArray();
        byte[] digest = sha256(region);
        List<Tlv> tlvs = new ArrayList<>();
        tlvs.add(new Tlv(TLV_SHA256, digest));
        if (key != null) {
            tlvs.add(embedPublicKey ? new Tlv(TLV_PUBKEY, key.publicKey().getEncoded()) : new Tlv(TLV_KEYHASH, key.keyHash()));
            tlvs.add(new Tlv(key.type().signatureTlv, key.sign(region, digest)));
        }
        hashed.writeBytes(area(TLV_INFO_MAGIC, tlvs));
        return hashed.toByteArray();
    }

    /** A TLV area with its info header; an empty protected area is left out entirely, as imgtool does. */
    private static byte[] area(int magic, List<Tlv> tlvs) {
        if (tlvs.isEmpty() && magic == TLV_PROT_INFO_MAGIC) {
            return new byte[0];
        }
        int size = 4;
        for (Tlv t : tlvs) {
            size += 4 + t.value().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) magic).putShort((short) size);
        for (Tlv t : tlvs) {
            b.putShort((short) t.type()).putShort((short) t.value().length).put(t.value());
        }
        return b.array();
    }

    /** Offset of the signature TLV's value, for the flipped-signature variant; -1 when unsigned. */
    static int signatureOffset(byte[] image) throws ImageException {
        Parsed p = parse(image);
        int off = p.hashedEnd() + 4;
        for (Tlv t : p.tlvs()) {
            if (t.type() == TLV_ECDSA_SIG || t.type() == TLV_ED25519) {
                return off + 4;
            }
            off += 4 + t.value().length;
        }
        return -1;
    }

    /** The key type the image is signed with; ECDSA P-256 for an unsigned image (imgtool's default). */
    static SigningKey.Type signatureType(byte[] image) throws ImageException {
        return parse(image).find(TLV_ED25519) != null ? SigningKey.Type.ED25519 : SigningKey.Type.ECDSA_P256;
    }

    static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    private static byte[] leBytes(long v, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    static byte[] sha256(byte[] data) {
        return SigningKey.digestOf(data);
    }
}
