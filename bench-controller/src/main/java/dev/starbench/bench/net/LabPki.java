package dev.starbench.bench.net;

import dev.starbench.bench.BenchIoException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made on the fly for the bench-as-cloud: the lab CA that the DUT trusts signs the good
 * leaf, and the rogue leaves each break exactly one rule (trust anchor, host name, validity).
 * EC P-256 throughout, which every TLS stack since TLS 1.0 can use.
 */
public final class LabPki {
    /** A private key with its certificate chain, leaf first. */
    public record Identity(PrivateKey key, X509Certificate... chain) {
        public X509Certificate leaf() {
            return chain[0];
        }

        public KeyManager[] keyManagers() throws BenchIoException {
            try {
                char[] pass = "in-memory".toCharArray();
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("id", key, pass, chain);
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, pass);
                return kmf.getKeyManagers();
            } catch (GeneralSecurityException | IOException e) {
                throw new BenchIoException("cannot build a key manager: " + e.getMessage(), e);
            }
        }

        /** Writes the certificate chain and the private key as PEM (for mosquitto or a profile). */
        public void writePem(Path certFile, Path keyFile) throws IOException {
            Files.writeString(certFile, chainPem());
            Files.writeString(keyFile, keyPem());
        }

        public String chainPem() throws IOException {
            StringWriter certs = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(certs)) {
                for (X509Certificate c : chain) {
                    w.writeObject(c);
                }
            }
            return certs.toString();
        }

        /** PKCS#8 ("PRIVATE KEY"): what mosquitto, OpenSSL and the JDK all read. */
        public String keyPem() throws IOException {
            return pkcs8Pem(key);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private LabPki() {
    }

    public static Identity newCa(String commonName) throws BenchIoException {
        KeyPair pair = keyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + commonName + ",O=StarBench lab");
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofDays(365))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new Identity(pair.getPrivate(), sign(b, pair.getPrivate()));
        } catch (IOException e) {
            throw new BenchIoException("cannot build a CA certificate: " + e.getMessage(), e);
        }
    }

    /** A server leaf for {@code host} (DNS name or IP literal) signed by {@code issuer}; null issuer = self-signed. */
    public static Identity leaf(Identity issuer, String host, Instant notBefore, Instant notAfter) throws BenchIoException {
        KeyPair pair = keyPair();
        X500Name subject = new X500Name("CN=" + host + ",O=StarBench lab cloud");
        X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.leaf().getSubjectX500Principal().getEncoded());
        PrivateKey signer = issuer == null ? pair.getPrivate() : issuer.key();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, serial(), Date.from(notBefore),
                    Date.from(notAfter), subject, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(generalName(host)));
            X509Certificate cert = sign(b, signer);
            return issuer == null ? new Identity(pair.getPrivate(), cert)
                    : new Identity(pair.getPrivate(), cert, issuer.leaf());
        } catch (IOException e) {
            throw new BenchIoException("cannot build a certificate for " + host + ": " + e.getMessage(), e);
        }
    }

    /** A leaf valid from a day ago for a year. */
    public static Identity leaf(Identity issuer, String host) throws BenchIoException {
        Instant now = Instant.now();
        return leaf(issuer, host, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    /** Reads a CA (certificate and private key, PEM) as a profile names it. */
    public static Identity readCa(Path certFile, Path keyFile) throws BenchIoException {
        try {
            X509Certificate cert;
            try (Reader r = Files.newBufferedReader(certFile); PEMParser p = new PEMParser(r)) {
                Object o = p.readObject();
                if (!(o instanceof org.bouncycastle.cert.X509CertificateHolder holder)) {
                    throw new BenchIoException(certFile + ": no PEM certificate");
                }
                cert = new JcaX509CertificateConverter().getCertificate(holder);
            }
            return new Identity(privateKey(readPrivateKey(keyFile)), cert);
        } catch (IOException | GeneralSecurityException e) {
            throw new BenchIoException("cannot read the lab CA " + certFile + ": " + e.getMessage(), e);
        }
    }

    /** A private key from a PEM file, PKCS#8 or a traditional form ("EC PRIVATE KEY"...). */
    public static PrivateKeyInfo readPrivateKey(Path keyFile) throws BenchIoException {
        try (Reader r = Files.newBufferedReader(keyFile); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o instanceof PEMKeyPair pair) {
                return pair.getPrivateKeyInfo();
            }
            if (o instanceof PrivateKeyInfo info) {
                return info;
            }
            // the file's content is a secret: name the file, never echo it
            throw new BenchIoException(keyFile + ": no PEM private key");
        } catch (IOException e) {
            throw new BenchIoException("cannot read the private key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    public static PrivateKey privateKey(PrivateKeyInfo info) throws BenchIoException {
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException e) {
            throw new BenchIoException("cannot use a private key: " + e.getMessage(), e);
        }
    }

    /** Writes a private key as PKCS#8 PEM, readable by its owner only. */
    public static void writePrivateKey(PrivateKey key, Path keyFile) throws IOException {
        Files.writeString(keyFile, pkcs8Pem(key));
        ownerOnly(keyFile);
    }

    /** Only the bench's account may read a key file, where the file system can say so. */
    public static void ownerOnly(Path keyFile) throws IOException {
        try {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // nothing finer to set on this file system
        }
    }

    private static String pkcs8Pem(PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(new JcaPKCS8Generator(key, null));
        }
        return text.toString();
    }

    /**
     * A unit's client certificate over its own public key, issued by {@code issuer} (a device CA) for the
     * period given: what a factory writes into each device it provisions.
     */
    public static Identity deviceCertificate(Identity issuer, String commonName, PrivateKey key,
                                             SubjectPublicKeyInfo publicKey, Instant notBefore, Instant notAfter)
            throws BenchIoException {
        // A model name may hold ',' or '=': built by attribute, never parsed from text; most significant first,
        // so it reads "CN=..., O=..." in RFC 2253.
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "StarBench virtual factory")
                .addRDN(BCStyle.CN, commonName).build();
        X500Name issuerName = X500Name.getInstance(issuer.leaf().getSubjectX500Principal().getEncoded());
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuerName, serial(), Date.from(notBefore),
                    Date.from(notAfter), subject, publicKey);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return new Identity(key, sign(b, issuer.key()), issuer.leaf());
        } catch (IOException e) {
            throw new BenchIoException("cannot build the certificate of " + commonName + ": " + e.getMessage(), e);
        }
    }

    private static GeneralName generalName(String host) {
        boolean ip = host.matches("[0-9.]+") || host.contains(":");
        if (ip) {
            try {
                return new GeneralName(GeneralName.iPAddress,
                        new org.bouncycastle.asn1.DEROctetString(InetAddress.getByName(host).getAddress()));
            } catch (IOException e) {
                throw new IllegalArgumentException("not an IP literal: " + host, e);
            }
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    /** A fresh EC P-256 key pair. */
    public static KeyPair keyPair() throws BenchIoException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new BenchIoException("no EC P-256 key generator: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws BenchIoException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new BenchIoException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }
}
