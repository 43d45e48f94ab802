package dev.starbench.checks.comms;

import dev.starbench.image.PrivateKeys;
import dev.starbench.report.DeviceKey;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * The certificate a device presented to its cloud, read for what decides comms.device-identity: who it
 * names and who issued it, its serial and validity, its key's type and size, and the SHA-256 of that
 * key, by which units are told apart.
 *
 * @param chain     as the device sent it, its own certificate first
 * @param keyType   RSA, EC, Ed25519, Ed448, or the algorithm's OID
 * @param curve     the named curve (P-256, Ed25519...), or null for RSA and unknown kinds
 * @param keyBits   the key's size in bits (an EC key's order)
 * @param keySha256 SHA-256 of its DER SubjectPublicKeyInfo
 */
record DeviceCertificate(List<X509Certificate> chain, String keyType, String curve, int keyBits, String keySha256) {
    static final int MIN_RSA_BITS = 2048;
    private static final Map<String, String> CURVES = Map.of(
            "1.2.840.10045.3.1.7", "P-256", "1.3.132.0.34", "P-384", "1.3.132.0.35", "P-521",
            "1.3.132.0.10", "secp256k1", "1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1",
            "1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", "1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1");

    static DeviceCertificate of(List<X509Certificate> chain) throws IOException {
        X509Certificate leaf = chain.get(0);
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(leaf.getPublicKey().getEncoded());
        String oid = spki.getAlgorithm().getAlgorithm().getId();
        AsymmetricKeyParameter key = PublicKeyFactory.createKey(spki);
        String type;
        String curve = null;
        int bits;
        switch (oid) {
            case "1.2.840.113549.1.1.1" -> {
                type = "RSA";
                bits = ((RSAKeyParameters) key).getModulus().bitLength();
            }
            case "1.2.840.10045.2.1" -> {
                type = "EC";
                bits = ((ECPublicKeyParameters) key).getParameters().getN().bitLength();
                curve = curveName(spki);
            }
            case "1.3.101.112" -> {
                type = "Ed25519";
                curve = "Ed25519";
                bits = 256;
            }
            case "1.3.101.113" -> {
                type = "Ed448";
                curve = "Ed448";
                bits = 456;
            }
            default -> {
                type = oid;
                bits = 0;
            }
        }
        return new DeviceCertificate(List.copyOf(chain), type, curve, bits, PrivateKeys.publicKeySha256(spki));
    }

    private static String curveName(SubjectPublicKeyInfo spki) {
        if (!(spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier named)) {
            return "explicit curve parameters";
        }
        String known = CURVES.get(named.getId());
        if (known != null) {
            return known;
        }
        String bc = ECNamedCurveTable.getName(named);
        return bc == null ? named.getId() : bc;
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    String subject() {
        return leaf().getSubjectX500Principal().getName();
    }

    String serial() {
        return leaf().getSerialNumber().toString(16).toLowerCase(Locale.ROOT);
    }

    DeviceKey deviceKey() {
        String serial = serial();
        // A negative serial (a malformed certificate) has no hex of the form the record keeps.
        return new DeviceKey(keySha256, serial.startsWith("-") ? "0" : serial, subject());
    }

    String key() {
        if (curve == null) {
            return keyType + " " + keyBits + " bits";
        }
        return (curve.equals(keyType) ? curve : keyType + " " + curve) + " (" + keyBits + " bits)";
    }

    String describe() {
        X509Certificate leaf = leaf();
        return "subject " + subject() + "; issuer " + (selfSigned() ? "itself (self-signed)"
                : leaf.getIssuerX500Principal().getName()) + "; serial " + serial() + "; valid from "
                + leaf.getNotBefore().toInstant() + " until " + leaf.getNotAfter().toInstant() + "; key " + key()
                + ", SHA-256 of its public key " + keySha256 + "; chain of " + chain.size() + " sent";
    }

    /** Its subject is its issuer and its own key verifies it. */
    boolean selfSigned() {
        X509Certificate leaf = leaf();
        if (!leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
            return false;
        }
        try {
            leaf.verify(leaf.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Why it is not valid at {@code now}; null when it is. */
    String validityProblem(Instant now) {
        Instant from = leaf().getNotBefore().toInstant();
        Instant until = leaf().getNotAfter().toInstant();
        if (now.isAfter(until)) {
            return "the certificate expired on " + until;
        }
        if (now.isBefore(from)) {
            return "the certificate is not valid yet (from " + from + ")";
        }
        return null;
    }

    /** Why the key is weak or not allowed; null when it is neither. */
    String keyProblem(List<String> allowedCurves) {
        if (keyType.equals("RSA")) {
            return keyBits < MIN_RSA_BITS ? "a weak key: RSA " + keyBits + " bits (at least " + MIN_RSA_BITS + ")" : null;
        }
        if (curve == null) {
            return "a key of type " + keyType + ", neither RSA of at least " + MIN_RSA_BITS + " bits nor on an allowed curve";
        }
        return allowedCurves.contains(curve) ? null : "a key on " + curve + ", which is not among the curves the profile"
                + " allows (" + String.join(", ", allowedCurves) + ")";
    }

    /**
     * Why the certificate does not chain to {@code ca} (the maker's declared device CA), with the
     * intermediates the device sent; null when it does. Judged as of a moment inside the certificate's own
     * validity, so an expired certificate is reported once, as expired, not again here.
     */
    String chainProblem(X509Certificate ca, Instant now) {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (!c.equals(ca)) {
                path.add(c);
            }
        }
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
            params.setRevocationEnabled(false);
            Instant from = leaf().getNotBefore().toInstant();
            Instant until = leaf().getNotAfter().toInstant();
            Instant at = now.isAfter(until) ? until : now.isBefore(from) ? from : now;
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return null;
        } catch (GeneralSecurityException e) {
            return "the certificate is not issued under the declared device CA " + ca.getSubjectX500Principal().getName()
                    + " (" + e.getMessage() + ")";
        }
    }
}
