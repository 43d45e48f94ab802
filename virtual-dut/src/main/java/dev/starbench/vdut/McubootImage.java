package dev.starbench.vdut;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The device's own reading of an MCUboot image, written apart from the bench's so that a mistake in
 * one is not mirrored in the other. Verification follows bootutil: compare the computed hash with the
 * SHA256 TLV, then check the signature over that hash with the trusted key.
 */
final class McubootImage {
    static final int MAGIC = 0x96f3b83d;
    static final int KEYHASH = 0x01;
    static final int PUBKEY = 0x02;
    static final int SHA256 = 0x10;
    static final int ECDSA_SIG = 0x22;
    static final int ED25519 = 0x24;
    static final int SEC_CNT = 0x50;

    record Version(int major, int minor, int revision, long build) implements Comparable<Version> {
        static Version parse(String text) {
            String[] main = text.split("\\+", 2);
            String[] parts = main[0].split("\\.");
            try {
                return new Version(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0,
                        parts.length > 2 ? Integer.parseInt(parts[2]) : 0, main.length > 1 ? Long.parseLong(main[1]) : 0);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public int compareTo(Version o) {
            int c = Integer.compare(major, o.major);
            c = c != 0 ? c : Integer.compare(minor, o.minor);
            c = c != 0 ? c : Integer.compare(revision, o.revision);
            return c != 0 ? c : Long.compare(build, o.build);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + revision + (build == 0 ? "" : "+" + build);
        }
    }

    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    final Version version;
    final byte[] claimedHash;
    final byte[] computedHash;
    final Map<Integer, byte[]> tlvs = new HashMap<>();
    final int signatureType;

    private McubootImage(Version version, byte[] claimedHash, byte[] computedHash, int signatureType) {
        this.version = version;
        this.claimedHash = claimedHash;
        this.computedHash = computedHash;
        this.signatureType = signatureType;
    }

    /** Reads the image; every structural fault (length, magic, TLV areas, trailing bytes) is refused here. */
    static McubootImage parse(byte[] b) throws Invalid {
        if (b.length == 0) {
            throw new Invalid("empty image");
        }
        if (b.length < 32 || le(b, 0, 4) != (MAGIC & 0xffffffffL)) {
            throw new Invalid("bad image magic");
        }
        int hdr = (int) le(b, 8, 2);
        int prot = (int) le(b, 10, 2);
        long img = le(b, 12, 4);
        if (hdr < 32 || hdr + img + prot + 4 > b.length) {
            throw new Invalid("image shorter than its header says");
        }
        Version v = new Version(b[20] & 0xff, b[21] & 0xff, (int) le(b, 22, 2), le(b, 24, 4));
        int off = (int) (hdr + img);
        Map<Integer, byte[]> found = new HashMap<>();
        if (prot > 0) {
            area(b, off, 0x6908, found);
            if (le(b, off + 2, 2) != prot) {
                throw new Invalid("protected TLV size mismatch");
            }
        }
        int hashedEnd = off + prot;
        int end = area(b, hashedEnd, 0x6907, found);
        if (end != b.length) {
            throw new Invalid((b.length - end) + " bytes after the TLV area");
        }
        byte[] claimed = found.get(SHA256);
        if (claimed == null) {
            throw new Invalid("no SHA256 TLV");
        }
        byte[] computed = sha256(Arrays.copyOf(b, hashedEnd));
        int sig = found.containsKey(ECDSA_SIG) ? ECDSA_SIG : found.containsKey(ED25519) ? ED25519 : 0;
        McubootImage image = new McubootImage(v, claimed, computed, sig);
        image.tlvs.putAll(found);
        return image;
    }

    private static int area(byte[] b, int off, int magic, Map<Integer, byte[]> into) throws Invalid {
        if (off + 4 > b.length || le(b, off, 2) != magic) {
            throw new Invalid(String.format("no TLV area 0x%04x at %d", magic, off));
        }
        int end = off + (int) le(b, off + 2, 2);
        if (end > b.length) {
            throw new Invalid("TLV area runs past the image");
        }
        int p = off + 4;
        while (p + 4 <= end) {
            int type = (int) le(b, p, 2);
            int len = (int) le(b, p + 2, 2);
            if (p + 4 + len > end) {
                throw new Invalid("TLV runs past its area");
            }
            into.putIfAbsent(type, Arrays.copyOfRange(b, p + 4, p + 4 + len));
            p += 4 + len;
        }
        return end;
    }

    boolean hashMatches() {
        return Arrays.equals(claimedHash, computedHash);
    }

    Long securityCounter() {
        byte[] v = tlvs.get(SEC_CNT);
        return v == null || v.length != 4 ? null : le(v, 0, 4);
    }

    String tlvText(int type) {
        byte[] v = tlvs.get(type);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** The signature checked over the image's claimed hash, as bootutil checks it over the hash it computed. */
    boolean signatureVerifies(PublicKey key) {
        byte[] sig = tlvs.get(signatureType);
        if (sig == null) {
            return false;
        }
        try {
            boolean ecdsa = signatureType == ECDSA_SIG;
            if (ecdsa != key.getAlgorithm().equals("EC")) {
                return false;
            }
            Signature s = Signature.getInstance(ecdsa ? "NONEwithECDSA" : "Ed25519");
            s.initVerify(key);
            s.update(claimedHash);
            return s.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The public key the image carries (TLV 0x02), or null. */
    PublicKey embeddedKey() {
        byte[] der = tlvs.get(PUBKEY);
        if (der == null) {
            return null;
        }
        return readKey(der, signatureType == ECDSA_SIG ? "EC" : "Ed25519");
    }

    static PublicKey readPem(String pem) {
        String body = pem.replaceAll("-----[A-Z ]{1,40}-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(body);
        PublicKey k = readKey(der, "EC");
        return k != null ? k : readKey(der, "Ed25519");
    }

    private static PublicKey readKey(byte[] der, String algorithm) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
