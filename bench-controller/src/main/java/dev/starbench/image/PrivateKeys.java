package dev.starbench.image;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed448PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Private keys lying in a blob (a firmware image, a console's output): PEM blocks, and DER structures
 * (PKCS#8, SEC 1 EC, PKCS#1 RSA) found by their shape, each parsed by Bouncy Castle and named by the
 * SHA-256 of its public half. A caller tells whose key it is by that hash and never has to show the
 * key itself.
 */
public final class PrivateKeys {
    /**
     * One private key found.
     *
     * @param offset          byte offset of its first byte in the blob
     * @param form            how it is stored, e.g. {@code PEM "EC PRIVATE KEY"} or {@code DER PKCS#8}
     * @param algorithm       EC, RSA, Ed25519, Ed448; null when it could not be read
     * @param publicKeySha256 SHA-256 (hex) of its public half as a DER SubjectPublicKeyInfo; null when the
     *                        key is encrypted or could not be read
     */
    public record Found(long offset, String form, String algorithm, String publicKeySha256) {
        public String describe() {
            return form + " at byte " + offset + (publicKeySha256 == null ? " (its public half cannot be derived)"
                    : ", " + algorithm + ", public key SHA-256 " + publicKeySha256);
        }
    }

    private static final byte[] PEM_BEGIN = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
    /** A PEM private key is a few KiB at most (RSA 8192 in PKCS#1 is about 6.5 KiB). */
    private static final int MAX_PEM = 16 * 1024;
    /** The smallest key structure looked at: an Ed25519 PKCS#8 key is 48 bytes. */
    private static final int MIN_DER_BODY = 32;

    private PrivateKeys() {
    }

    /** Every private key in {@code data}, in the order they lie. */
    public static List<Found> in(byte[] data) {
        List<Found> found = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '-' && startsWith(data, i, PEM_BEGIN)) {
                int end = pem(data, i, found);
                if (end > i) {
                    i = end - 1;
                }
            } else if (data[i] == 0x30) {
                int end = der(data, i, found);
                if (end > i) {
                    i = end - 1;
                }
            }
        }
        return found;
    }

    /**
     * SHA-256 (hex) of a public key as a DER SubjectPublicKeyInfo, re-encoded through Bouncy Castle so a
     * certificate's key and a private key's derived half compare equal however each was written.
     */
    public static String publicKeySha256(SubjectPublicKeyInfo spki) throws IOException {
        AsymmetricKeyParameter pub = PublicKeyFactory.createKey(spki);
        return sha256(SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded("DER"));
    }

    /** The public half of a private key; null for a kind this cannot derive. */
    public static SubjectPublicKeyInfo publicHalf(PrivateKeyInfo key) throws IOException {
        AsymmetricKeyParameter priv = PrivateKeyFactory.createKey(key);
        AsymmetricKeyParameter pub;
        if (priv instanceof ECPrivateKeyParameters ec) {
            ECDomainParameters domain = ec.getParameters();
            pub = new ECPublicKeyParameters(new FixedPointCombMultiplier().multiply(domain.getG(), ec.getD()).normalize(), domain);
        } else if (priv instanceof RSAPrivateCrtKeyParameters rsa) {
            pub = new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
        } else if (priv instanceof Ed25519PrivateKeyParameters ed) {
            pub = ed.generatePublicKey();
        } else if (priv instanceof Ed448PrivateKeyParameters ed) {
            pub = ed.generatePublicKey();
        } else {
            return null;
        }
        return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub);
    }

    /** @return where the PEM block ends, or {@code start} when it is no private key */
    private static int pem(byte[] data, int start, List<Found> found) {
        int limit = Math.min(data.length, start + MAX_PEM);
        String text = new String(data, start, limit - start, StandardCharsets.ISO_8859_1);
        int labelEnd = text.indexOf("-----", PEM_BEGIN.length);
        if (labelEnd < 0 || labelEnd > 64) {
            return start;
        }
        String label = text.substring(PEM_BEGIN.length, labelEnd);
        if (!label.endsWith("PRIVATE KEY")) {
            return start;
        }
        String endLine = "-----END " + label + "-----";
        int end = text.indexOf(endLine);
        if (end < 0) {
            return start;
        }
        String form = "PEM \"" + label + "\"";
        try (PEMParser parser = new PEMParser(new StringReader(text.substring(0, end + endLine.length())))) {
            Object o = parser.readObject();
            PrivateKeyInfo info = o instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
                    : o instanceof PrivateKeyInfo i ? i : null;
            if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                found.add(new Found(start, form + ", encrypted", null, null));
            } else {
                found.add(info == null ? new Found(start, form + ", unreadable", null, null) : read(start, form, info));
            }
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle signals malformed input with either kind
            found.add(new Found(start, form + ", unreadable", null, null));
        }
        return start + end + endLine.length();
    }

    /**
     * A DER SEQUENCE whose first element is INTEGER 0 or 1, as PKCS#8, SEC 1 and PKCS#1 keys begin.
     *
     * @return where the structure ends, or {@code start} when it is no private key
     */
    private static int der(byte[] data, int start, List<Found> found) {
        int at = start + 1;
        if (at >= data.length) {
            return start;
        }
        int first = data[at] & 0xff;
        int length;
        int header;
        if (first < 0x80) {
            length = first;
            header = 2;
        } else if (first == 0x81 && at + 1 < data.length) {
            length = data[at + 1] & 0xff;
            header = 3;
        } else if (first == 0x82 && at + 2 < data.length) {
            length = (data[at + 1] & 0xff) << 8 | data[at + 2] & 0xff;
            header = 4;
        } else {
            return start;
        }
        int body = start + header;
        long end = (long) body + length;
        if (length < MIN_DER_BODY || end > data.length || data[body] != 0x02 || data[body + 1] != 0x01
                || (data[body + 2] != 0 && data[body + 2] != 1)) {
            return start;
        }
        byte[] der = Arrays.copyOfRange(data, start, (int) end);
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            if (seq.size() < 3) {
                return start;
            }
            ASN1Encodable second = seq.getObjectAt(1);
            Found f;
            if (second instanceof ASN1Sequence) {
                f = read(start, "DER PKCS#8", PrivateKeyInfo.getInstance(seq));
            } else if (second instanceof ASN1OctetString) {
                ECPrivateKey ec = ECPrivateKey.getInstance(seq);
                if (ec.getParametersObject() == null) {
                    return start;
                }
                f = read(start, "DER SEC 1 (EC PRIVATE KEY)", new PrivateKeyInfo(
                        new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, ec.getParametersObject()), ec));
            } else if (second instanceof ASN1Integer && seq.size() == 9) {
                RSAPrivateKey rsa = RSAPrivateKey.getInstance(seq);
                f = read(start, "DER PKCS#1 (RSA PRIVATE KEY)", new PrivateKeyInfo(
                        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                                DERNull.INSTANCE), rsa));
            } else {
                return start;
            }
            if (f.publicKeySha256() == null) {
                return start;
            }
            found.add(f);
            return (int) end;
        } catch (IOException | RuntimeException e) {
            // not a key after all: bytes that merely look like the start of one
            return start;
        }
    }

    private static Found read(long offset, String form, PrivateKeyInfo info) throws IOException {
        SubjectPublicKeyInfo pub = publicHalf(info);
        String algorithm = algorithm(info);
        return pub == null ? new Found(offset, form, algorithm, null) : new Found(offset, form, algorithm, publicKeySha256(pub));
    }

    private static String algorithm(PrivateKeyInfo info) {
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        return switch (oid) {
            case "1.2.840.10045.2.1" -> "EC";
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.3.101.112" -> "Ed25519";
            case "1.3.101.113" -> "Ed448";
            default -> oid;
        };
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static boolean startsWith(byte[] data, int at, byte[] prefix) {
        if (at + prefix.length > data.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (data[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
