package dev.starbench.image;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.testng.annotations.Test;

/**
 * Private keys hidden in a blob, as a firmware image or a console log holds them: every form a maker's
 * build writes (PEM PKCS#8 and traditional, DER PKCS#8, SEC 1 and PKCS#1) is found at its offset and named
 * by the hash of its public half, which equals the hash of the public key itself; an encrypted key is found
 * but not readable; random bytes give nothing.
 */
public class PrivateKeysTest {
    private static KeyPair pair(String algorithm, Object spec) throws Exception {
        return pair(KeyPairGenerator.getInstance(algorithm), spec);
    }

    private static KeyPair pair(KeyPairGenerator g, Object spec) throws Exception {
        if (spec instanceof Integer bits) {
            g.initialize(bits);
        } else if (spec != null) {
            g.initialize((ECGenParameterSpec) spec);
        }
        return g.generateKeyPair();
    }

    private static String publicSha(KeyPair p) throws Exception {
        return PrivateKeys.publicKeySha256(SubjectPublicKeyInfo.getInstance(p.getPublic().getEncoded()));
    }

    private static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    @Test
    public void everyFormIsFoundWhereItLiesAndNamedByItsPublicHalf() throws Exception {
        KeyPair ec = pair("EC", new ECGenParameterSpec("secp256r1"));
        // Bouncy Castle writes SEC 1 keys with their curve and public key, as OpenSSL does (the JDK leaves both out).
        KeyPair p384 = pair(KeyPairGenerator.getInstance("EC", new BouncyCastleProvider()), new ECGenParameterSpec("secp384r1"));
        KeyPair rsa = pair("RSA", 2048);
        KeyPair ed = pair("Ed25519", null);
        byte[] sec1 = PrivateKeyInfo.getInstance(p384.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded("DER");
        byte[] pkcs1 = PrivateKeyInfo.getInstance(rsa.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded("DER");

        Random noise = new Random(7);
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        int[] offsets = new int[7];
        Object[] parts = {ec.getPrivate().getEncoded(), pem(new JcaPKCS8Generator(ec.getPrivate(), null)), pem(p384.getPrivate()),
                sec1, pkcs1, ed.getPrivate().getEncoded(), pem(rsa.getPrivate())};
        for (int i = 0; i < parts.length; i++) {
            byte[] filler = new byte[300 + noise.nextInt(300)];
            noise.nextBytes(filler);
            blob.write(filler);
            offsets[i] = blob.size();
            blob.write(parts[i] instanceof String s ? s.getBytes(StandardCharsets.US_ASCII) : (byte[]) parts[i]);
        }
        List<PrivateKeys.Found> found = PrivateKeys.in(blob.toByteArray());

        String[][] expected = {
                {"DER PKCS#8", "EC", publicSha(ec)},
                {"PEM \"PRIVATE KEY\"", "EC", publicSha(ec)},
                {"PEM \"EC PRIVATE KEY\"", "EC", publicSha(p384)},
                {"DER SEC 1 (EC PRIVATE KEY)", "EC", publicSha(p384)},
                {"DER PKCS#1 (RSA PRIVATE KEY)", "RSA", publicSha(rsa)},
                {"DER PKCS#8", "Ed25519", publicSha(ed)},
                {"PEM \"RSA PRIVATE KEY\"", "RSA", publicSha(rsa)},
        };
        assertEquals(found.size(), expected.length, found.toString());
        for (int i = 0; i < expected.length; i++) {
            PrivateKeys.Found f = found.get(i);
            assertEquals(f.offset(), offsets[i], f.describe());
            assertEquals(f.form(), expected[i][0]);
            assertEquals(f.algorithm(), expected[i][1]);
            assertEquals(f.publicKeySha256(), expected[i][2], f.describe());
        }
    }

    @Test
    public void anEncryptedKeyIsFoundButNotRead() throws Exception {
        KeyPair ec = pair("EC", new ECGenParameterSpec("secp256r1"));
        String encrypted = pem(new JcaPKCS8Generator(ec.getPrivate(), new JceOpenSSLPKCS8EncryptorBuilder(
                JcaPKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
                .setPassword("not the bench's".toCharArray()).build()));
        List<PrivateKeys.Found> found = PrivateKeys.in(("log line\n" + encrypted).getBytes(StandardCharsets.US_ASCII));
        assertEquals(found.size(), 1, found.toString());
        assertEquals(found.get(0).form(), "PEM \"ENCRYPTED PRIVATE KEY\", encrypted");
        assertNull(found.get(0).publicKeySha256());
    }

    @Test
    public void randomBytesAndPublicKeysAreNoPrivateKeys() throws Exception {
        byte[] noise = new byte[4 << 20];
        new Random(42).nextBytes(noise);
        assertTrue(PrivateKeys.in(noise).isEmpty());
        KeyPair ec = pair("EC", new ECGenParameterSpec("secp256r1"));
        String text = pem(ec.getPublic()) + "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n";
        List<PrivateKeys.Found> found = PrivateKeys.in(text.getBytes(StandardCharsets.US_ASCII));
        assertEquals(found.size(), 1, "only the broken private key block: " + found);
        assertEquals(found.get(0).form(), "PEM \"PRIVATE KEY\", unreadable");
    }
}
