package dev.starbench.image;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * A private key that signs MCUboot images: ECDSA P-256 (TLV 0x22) or Ed25519 (TLV 0x24). Never
 * printed: {@link #toString()} names only the type and the key hash.
 */
public final class SigningKey {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();
    /** A PEM key is a few hundred bytes; a file much larger is not one (the limit profiles meet at load, too). */
    static final long MAX_PEM = 64 * 1024;

    public enum Type {
        ECDSA_P256("ecdsa-p256", Mcuboot.TLV_ECDSA_SIG),
        ED25519("ed25519", Mcuboot.TLV_ED25519);

        final String label;
        final int signatureTlv;

        Type(String label, int signatureTlv) {
            this.label = label;
            this.signatureTlv = signatureTlv;
        }

        public String label() {
            return label;
        }

        public static Type of(String label) {
            for (Type t : values()) {
                if (t.label.equals(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown key type '" + label + "' (known: ecdsa-p256, ed25519)");
        }
    }

    private final Type type;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private SigningKey(Type type, PrivateKey privateKey, PublicKey publicKey) {
        this.type = type;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static SigningKey generate(Type type) {
        try {
            KeyPairGenerator g;
            if (type == Type.ECDSA_P256) {
                g = KeyPairGenerator.getInstance("EC", BC);
                g.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                g = KeyPairGenerator.getInstance("Ed25519", BC);
            }
            KeyPair pair = g.generateKeyPair();
            return new SigningKey(type, pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Bouncy Castle always provides " + type.label, e);
        }
    }

    /** Reads a PEM private key as imgtool and openssl write them (SEC1 "EC PRIVATE KEY" or PKCS#8). */
    public static SigningKey read(Path pem) throws ImageException {
        Object parsed = pemObject(pem);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
        try {
            KeyPair pair;
            if (parsed instanceof PEMKeyPair kp) {
                pair = converter.getKeyPair(kp);
            } else if (parsed instanceof PrivateKeyInfo info) {
                PrivateKey priv = converter.getPrivateKey(info);
                pair = new KeyPair(publicOf(priv), priv);
            } else {
                throw new ImageException(pem + ": not a private key in PEM (expected EC PRIVATE KEY or PRIVATE KEY)");
            }
            return new SigningKey(typeOf(pair.getPublic(), pem), pair.getPrivate(), pair.getPublic());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ImageException(pem + ": unusable key: not an ECDSA P-256 or Ed25519 private key the bench can read", e);
        }
    }

    /**
     * The first PEM object in a file of at most {@link #MAX_PEM} bytes. Bouncy Castle reports bad base64
     * and bad DER with runtime exceptions; here they are what they are, a file that holds no key.
     */
    private static Object pemObject(Path pem) throws ImageException {
        try {
            // Checked before opening: a FIFO would block the open, /dev/zero would never end.
            if (!Files.isRegularFile(pem) || Files.size(pem) > MAX_PEM) {
                throw new ImageException(pem + ": " + (!Files.exists(pem) ? "file not found"
                        : Files.isRegularFile(pem) ? "too large for a PEM key (at most " + MAX_PEM + " bytes)" : "not a regular file"));
            }
            try (Reader in = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
                Object o = parser.readObject();
                if (o == null) {
                    throw new ImageException(pem + ": no PEM key in the file (no -----BEGIN line)");
                }
                return o;
            }
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle's messages name its exception classes; what the user needs is where and what.
            throw new ImageException(pem + ": not a readable PEM key (bad base64 or DER between its BEGIN and END lines)", e);
        }
    }

    private static PublicKey publicOf(PrivateKey priv) throws GeneralSecurityException {
        if (priv instanceof org.bouncycastle.jcajce.interfaces.EdDSAPrivateKey ed) {
            return ed.getPublicKey();
        }
        if (priv instanceof org.bouncycastle.jce.interfaces.ECPrivateKey ec) {
            var spec = ec.getParameters();
            var q = spec.getG().multiply(ec.getD()).normalize();
            return java.security.KeyFactory.getInstance("EC", BC)
                    .generatePublic(new org.bouncycastle.jce.spec.ECPublicKeySpec(q, spec));
        }
        throw new GeneralSecurityException("unsupported private key " + priv.getAlgorithm());
    }

    private static Type typeOf(PublicKey key, Path where) throws ImageException {
        String alg = key.getAlgorithm();
        if (alg.equals("Ed25519") || alg.equals("EdDSA")) {
            return Type.ED25519;
        }
        if (alg.equals("EC") || alg.equals("ECDSA")) {
            if (key instanceof java.security.interfaces.ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256) {
                return Type.ECDSA_P256;
            }
        }
        throw new ImageException(where + ": MCUboot signs with ECDSA P-256 or Ed25519, not " + alg);
    }

    public Type type() {
        return type;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** SHA-256 of the public key's DER SubjectPublicKeyInfo: MCUboot's KEYHASH TLV. */
    public byte[] keyHash() {
        return Mcuboot.sha256(publicKey.getEncoded());
    }

    /**
     * Signs the image hash as MCUboot verifies it: ECDSA over the SHA-256 of the hashed region (NONEwithECDSA
     * over the digest is exactly that, without the region in hand), Ed25519 over the 32-byte digest itself.
     */
    byte[] sign(byte[] digest) {
        try {
            Signature s = Signature.getInstance(type == Type.ECDSA_P256 ? "NONEwithECDSA" : "Ed25519", BC);
            s.initSign(privateKey);
            s.update(digest);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with a loaded " + type.label + " key", e);
        }
    }

    /** Writes the private key as PEM (PKCS#8), for tests and `image keygen`. */
    public void writePrivate(Path file) throws IOException {
        write(file, privateKey);
    }

    public void writePublic(Path file) throws IOException {
        write(file, publicKey);
    }

    public String publicPem() {
        var out = new java.io.StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(publicKey);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static void write(Path file, Object key) throws IOException {
        try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(file))) {
            w.writeObject(key);
        }
    }

    /** Reads a PEM public key (SubjectPublicKeyInfo), or the public half of a private key, for `image inspect --trust`. */
    public static PublicKey readPublic(Path pem) throws ImageException {
        Object o = pemObject(pem);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
        try {
            if (o instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki) {
                return converter.getPublicKey(spki);
            }
            if (o instanceof PEMKeyPair kp) {
                return converter.getKeyPair(kp).getPublic();
            }
        } catch (IOException | RuntimeException e) {
            throw new ImageException(pem + ": unusable public key: not an EC or Ed25519 key the bench can read", e);
        }
        if (o instanceof PrivateKeyInfo) {
            return read(pem).publicKey;
        }
        throw new ImageException(pem + ": not a public key in PEM");
    }

    @Override
    public String toString() {
        return "SigningKey[" + type.label + ", keyhash " + java.util.HexFormat.of().formatHex(keyHash()).substring(0, 16) + "…]";
    }
}
