package dev.starbench.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MCUboot signed images (docs.mcuboot.com, "Image format"): a 32-byte little-endian header padded to
 * {@code ih_hdr_size}, the payload, an optional protected TLV area (info magic 0x6908, counted in
 * {@code ih_protect_tlv_size} and covered by the hash), then the unprotected TLV area (0x6907) with the
 * SHA-256 of header + payload + protected area, the key hash and the signature. The payload is only
 * ever streamed, so an image of any size is read in a few MiB.
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
    /** ih_img_size is a u32. */
    static final long MAX_PAYLOAD = 0xffffffffL;

    /**
     * TLVs MCUboot reads once, by group: the first of a group is the one it uses, so a second one
     * (another hash, another signature, another key) is how an image says one thing to the bench and
     * another to the device. 0x01/0x02 key hash and key; 0x10-0x12 hashes; 0x20-0x25 signatures;
     * 0x30-0x33 encryption keys; 0x50 security counter; 0x60 boot record.
     */
    private static final Map<String, Set<Integer>> READ_ONCE = Map.of(
            "key (KEYHASH or PUBKEY)", Set.of(TLV_KEYHASH, TLV_PUBKEY),
            "image hash (SHA256, SHA384 or SHA512)", Set.of(TLV_SHA256, 0x11, 0x12),
            "signature", Set.of(0x20, 0x21, TLV_ECDSA_SIG, 0x23, TLV_ED25519, 0x25),
            "encryption key", Set.of(0x30, 0x31, 0x32, 0x33),
            "security counter (SEC_CNT)", Set.of(TLV_SEC_CNT),
            "boot record", Set.of(0x60));
    /** The lengths MCUboot requires of the TLVs whose value the bench reads. */
    private static final Map<Integer, Integer> LENGTH = Map.of(TLV_KEYHASH, 32, TLV_SHA256, 32, TLV_SEC_CNT, 4);

    record Tlv(int type, byte[] value) {
        String describe() {
            return String.format("0x%02x (%s), %d bytes", type, name(type), value.length);
        }
    }

    /** @param hashedEnd end of what the SHA-256 TLV covers; end: end of the unprotected TLV area */
    record Parsed(int loadAddr, int hdrSize, int protSize, long imgSize, int flags, ImageVersion version,
                  List<Tlv> protectedTlvs, List<Tlv> tlvs, long hashedEnd, long end) {
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
            return t == null ? null : le(t.value, 0, 4);
        }
    }

    static boolean hasMagic(byte[] image) {
        return image.length >= 4 && (int) le(image, 0, 4) == MAGIC;
    }

    static boolean hasMagic(ImageBytes image) throws IOException {
        return image.size() >= 4 && hasMagic(image.range(0, 4));
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
        return ImageBytes.inMemory(() -> parse(ImageBytes.of(b)));
    }

    static Parsed parse(ImageBytes b) throws ImageException, IOException {
        if (b.size() < HEADER_SIZE) {
            throw new ImageException("too short for an MCUboot header: " + b.size() + " bytes, need " + HEADER_SIZE);
        }
        byte[] h = b.range(0, HEADER_SIZE);
        if (!hasMagic(h)) {
            throw new ImageException(String.format("not an MCUboot image: magic 0x%08x, expected 0x%08x", (int) le(h, 0, 4), MAGIC));
        }
        int loadAddr = (int) le(h, 4, 4);
        int hdrSize = (int) le(h, 8, 2);
        int protSize = (int) le(h, 10, 2);
        long imgSize = le(h, 12, 4);
        int flags = (int) le(h, 16, 4);
        ImageVersion version = new ImageVersion(h[20] & 0xff, h[21] & 0xff, (int) le(h, 22, 2), le(h, 24, 4));
        if (hdrSize < HEADER_SIZE) {
            throw new ImageException("ih_hdr_size " + hdrSize + " is smaller than the header itself (" + HEADER_SIZE + ")");
        }
        if (hdrSize + imgSize > b.size()) {
            throw new ImageException("truncated: header + ih_img_size = " + (hdrSize + imgSize) + " bytes, file has " + b.size());
        }
        long off = hdrSize + imgSize;
        List<Tlv> prot = List.of();
        if (protSize > 0) {
            int areaSize = areaSize(b, off, TLV_PROT_INFO_MAGIC, "protected");
            if (areaSize != protSize) {
                throw new ImageException("protected TLV area says " + areaSize + " bytes, header says " + protSize);
            }
            prot = tlvs(b, off, areaSize, "protected");
        }
        long hashedEnd = off + protSize;
        int areaSize = areaSize(b, hashedEnd, TLV_INFO_MAGIC, "unprotected");
        List<Tlv> tlvs = tlvs(b, hashedEnd, areaSize, "unprotected");
        checkTlvs(prot, tlvs);
        return new Parsed(loadAddr, hdrSize, protSize, imgSize, flags, version, prot, tlvs, hashedEnd, hashedEnd + areaSize);
    }

    private static int areaSize(ImageBytes b, long off, int magic, String what) throws ImageException, IOException {
        if (off + 4 > b.size()) {
            throw new ImageException("truncated: no " + what + " TLV area at offset " + off + " (file has " + b.size() + " bytes)");
        }
        byte[] info = b.range(off, 4);
        if (le(info, 0, 2) != magic) {
            throw new ImageException(String.format("%s TLV info at offset %d: magic 0x%04x, expected 0x%04x",
                    what, off, le(info, 0, 2), magic));
        }
        int size = (int) le(info, 2, 2);
        if (off + size > b.size()) {
            throw new ImageException("truncated: the " + what + " TLV area ends at " + (off + size) + ", file has " + b.size() + " bytes");
        }
        if (size < 4) {
            throw new ImageException("the " + what + " TLV area at offset " + off + " says it is " + size
                    + " bytes, less than its own 4-byte info header");
        }
        return size;
    }

    private static List<Tlv> tlvs(ImageBytes b, long off, int size, String what) throws ImageException, IOException {
        byte[] area = b.range(off, size);
        List<Tlv> out = new ArrayList<>();
        int p = 4;
        while (p < size) {
            if (p + 4 > size) {
                throw new ImageException("a TLV header at offset " + (off + p) + " runs past the " + what + " area");
            }
            int type = (int) le(area, p, 2);
            int len = (int) le(area, p + 2, 2);
            if (p + 4 + len > size) {
                throw new ImageException(String.format("TLV 0x%02x at offset %d (%d bytes) runs past the %s area", type, off + p,
                        len, what));
            }
            out.add(new Tlv(type, Arrays.copyOfRange(area, p + 4, p + 4 + len)));
            p += 4 + len;
        }
        return out;
    }

    private static void checkTlvs(List<Tlv> prot, List<Tlv> tlvs) throws ImageException {
        List<Tlv> all = new ArrayList<>(prot);
        all.addAll(tlvs);
        for (Map.Entry<String, Set<Integer>> group : READ_ONCE.entrySet()) {
            List<Tlv> found = all.stream().filter(t -> group.getValue().contains(t.type())).toList();
            if (found.size() > 1) {
                throw new ImageException("more than one " + group.getKey() + " TLV (" + String.join(", ",
                        found.stream().map(Tlv::describe).toList()) + "): MCUboot reads one, so the others"
                        + " would say something the device never checks");
            }
        }
        for (Tlv t : all) {
            Integer want = LENGTH.get(t.type());
            if (want != null && t.value().length != want) {
                throw new ImageException(String.format("TLV 0x%02x (%s) has %d bytes; MCUboot's has %d", t.type(), name(t.type()),
                        t.value().length, want));
            }
        }
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
        return new int[] {p.hdrSize(), (int) (p.hdrSize() + p.imgSize())};
    }

    @Override
    public boolean canRebuild() {
        return true;
    }

    @Override
    public Inspection inspect(ImageBytes image, List<PublicKey> trusted) throws ImageException, IOException {
        Parsed p = parse(image);
        PublicKey embedded = embeddedKey(p);
        HexFormat hex = HexFormat.of();
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"version", p.version().toString()});
        Long counter = p.securityCounter();
        fields.add(new String[] {"security counter", counter == null ? "none (no SEC_CNT TLV)" : counter.toString()});
        fields.add(new String[] {"header", String.format("load address 0x%08x, header %d bytes, payload %d bytes, flags 0x%08x",
                p.loadAddr(), p.hdrSize(), p.imgSize(), p.flags())});
        MessageDigest file = sha256();
        MessageDigest region = sha256();
        image.copy(0, p.hashedEnd(), null, file, region);
        image.copy(p.hashedEnd(), image.size(), null, file);
        byte[] digest = region.digest();
        fields.add(new String[] {"file sha256", hex.formatHex(file.digest())});
        Tlv hash = p.find(TLV_SHA256);
        boolean hashMatches = hash != null && Arrays.equals(hash.value(), digest);
        fields.add(new String[] {"image hash", hash == null ? "MISSING (no SHA256 TLV)"
                : hex.formatHex(hash.value()) + (hashMatches ? " (matches)" : " (MISMATCH: computed " + hex.formatHex(digest) + ")")});
        for (Tlv t : p.protectedTlvs()) {
            fields.add(new String[] {"protected TLV", t.describe()});
        }
        for (Tlv t : p.tlvs()) {
            fields.add(new String[] {"TLV", t.describe()});
        }
        if (p.end() < image.size()) {
            fields.add(new String[] {"trailing bytes", (image.size() - p.end()) + " after the TLV area"});
        }
        Verdict v = signature(p, digest, hashMatches, embedded, trusted);
        return new Inspection(name(), p.version(), counter, fields, v.text, v.status);
    }

    private record Verdict(String text, Status status) {
    }

    private static Verdict signature(Parsed p, byte[] digest, boolean hashMatches, PublicKey embedded, List<PublicKey> trusted) {
        Tlv sig = p.find(TLV_ECDSA_SIG);
        sig = sig == null ? p.find(TLV_ED25519) : sig;
        if (!hashMatches) {
            String type = sig == null ? "unsigned" : sig.type() == TLV_ECDSA_SIG ? "ecdsa-p256" : "ed25519";
            return new Verdict("INVALID (" + type + "): the image hash does not match, so no signature over it can stand",
                    Status.NOT_VERIFIED);
        }
        if (sig == null) {
            return new Verdict("none: the image is unsigned" + (trusted.isEmpty() ? "" : ", so no trusted key verifies it"),
                    trusted.isEmpty() ? Status.NOT_CHECKED : Status.NOT_VERIFIED);
        }
        String type = sig.type() == TLV_ECDSA_SIG ? "ecdsa-p256" : "ed25519";
        for (PublicKey k : trusted) {
            if (verifies(sig, digest, k)) {
                return new Verdict("valid (" + type + ") by trusted key " + prefix(sha256(k.getEncoded())), Status.VERIFIED);
            }
        }
        if (embedded != null && verifies(sig, digest, embedded)) {
            return new Verdict("valid (" + type + ") only with the public key embedded in the image"
                    + (trusted.isEmpty() ? " (no trusted key given)" : ", which is not a trusted key"),
                    trusted.isEmpty() ? Status.NOT_CHECKED : Status.NOT_VERIFIED);
        }
        Tlv keyHash = p.find(TLV_KEYHASH);
        String by = keyHash == null ? "" : " (key hash " + prefix(keyHash.value()) + ")";
        return trusted.isEmpty() ? new Verdict("not checked (" + type + "): no trusted key given" + by, Status.NOT_CHECKED)
                : new Verdict("INVALID (" + type + "): no trusted key verifies it" + by, Status.NOT_VERIFIED);
    }

    private static String prefix(byte[] bytes) {
        String hex = HexFormat.of().formatHex(bytes);
        return hex.length() > 16 ? hex.substring(0, 16) + "…" : hex;
    }

    /**
     * MCUboot verifies ECDSA over the image's SHA-256 and Ed25519 over the 32-byte digest itself. Given
     * the digest, NONEwithECDSA is the same check without reading the image a second time.
     */
    static boolean verifies(Tlv sig, byte[] digest, PublicKey key) {
        try {
            boolean ecdsa = sig.type() == TLV_ECDSA_SIG;
            if (ecdsa != key.getAlgorithm().startsWith("EC")) {
                return false;
            }
            Signature s = Signature.getInstance(ecdsa ? "NONEwithECDSA" : "Ed25519", SigningKey.BC);
            s.initVerify(key);
            s.update(digest);
            return s.verify(sig.value());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The key in a PUBKEY TLV; a PUBKEY TLV that holds no EC or Ed25519 key is an error, not a key that fails. */
    private static PublicKey embeddedKey(Parsed p) throws ImageException {
        Tlv t = p.find(TLV_PUBKEY);
        if (t == null) {
            return null;
        }
        for (String algorithm : new String[] {"EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm, SigningKey.BC).generatePublic(new X509EncodedKeySpec(t.value()));
            } catch (GeneralSecurityException | RuntimeException e) {
                // Bouncy Castle throws runtime exceptions on malformed DER too; try the other algorithm.
            }
        }
        throw new ImageException("the PUBKEY TLV (0x02, " + t.value().length + " bytes) holds no EC or Ed25519 public key"
                + " (DER SubjectPublicKeyInfo)");
    }

    @Override
    public void rebuild(ImageBytes image, Changes changes, SigningKey key, OutputStream out) throws ImageException, IOException {
        Parsed p = hasMagic(image) ? parse(image) : null;
        long from = p == null ? 0 : p.hdrSize();
        long length = p == null ? image.size() : p.imgSize();
        if (length > MAX_PAYLOAD) {
            throw new ImageException("a payload of " + length + " bytes does not fit MCUboot's 32-bit ih_img_size");
        }
        if (changes.securityCounter() != null && (changes.securityCounter() < 0 || changes.securityCounter() > 0xffffffffL)) {
            throw new ImageException("a security counter is a u32 (0.." + 0xffffffffL + "), got " + changes.securityCounter());
        }
        if (changes.deviceTypeTlv() != null && (changes.deviceTypeTlv() < 0 || changes.deviceTypeTlv() > 0xffff
                || (changes.deviceTypeTlv() & 0xff) < 0xa0 || (changes.deviceTypeTlv() & 0xff) > 0xfe)) {
            throw new ImageException("a device type goes in a vendor TLV (0xXXa0..0xXXfe), got " + changes.deviceTypeTlv());
        }
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
        byte[] protArea = area(TLV_PROT_INFO_MAGIC, prot);
        ByteBuffer h = ByteBuffer.allocate(hdrSize).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC).putInt(p == null ? 0 : p.loadAddr()).putShort((short) hdrSize).putShort((short) protArea.length)
                .putInt((int) length).putInt(p == null ? 0 : p.flags())
                .put((byte) v.major()).put((byte) v.minor()).putShort((short) v.revision()).putInt((int) v.build()).putInt(0);
        if (p != null) {
            h.put(image.range(HEADER_SIZE, hdrSize - HEADER_SIZE));
        }
        MessageDigest hashed = sha256();
        write(out, hashed, h.array());
        image.copy(from, from + length, out, hashed);
        write(out, hashed, protArea);
        byte[] digest = hashed.digest();
        List<Tlv> tlvs = new ArrayList<>();
        tlvs.add(new Tlv(TLV_SHA256, digest));
        if (key != null) {
            tlvs.add(changes.embedPublicKey() ? new Tlv(TLV_PUBKEY, key.publicKey().getEncoded()) : new Tlv(TLV_KEYHASH, key.keyHash()));
            tlvs.add(new Tlv(key.type().signatureTlv, key.sign(digest)));
        }
        out.write(area(TLV_INFO_MAGIC, tlvs));
    }

    private static void write(OutputStream out, MessageDigest digest, byte[] bytes) throws IOException {
        digest.update(bytes);
        out.write(bytes);
    }

    /** A TLV area with its info header; an empty protected area is left out entirely, as imgtool does. */
    private static byte[] area(int magic, List<Tlv> tlvs) throws ImageException {
        if (tlvs.isEmpty() && magic == TLV_PROT_INFO_MAGIC) {
            return new byte[0];
        }
        int size = 4;
        for (Tlv t : tlvs) {
            size += 4 + t.value().length;
        }
        if (size > 0xffff) {
            throw new ImageException("the TLVs need " + size + " bytes, more than a TLV area's 16-bit size allows");
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
        int off = (int) p.hashedEnd() + 4;
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

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }
}
