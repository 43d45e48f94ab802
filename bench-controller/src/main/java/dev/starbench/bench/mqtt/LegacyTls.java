package dev.starbench.bench.mqtt;

import dev.starbench.bench.net.LabPki;
import java.io.IOException;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A TLS server that offers only what a hardened client must refuse: TLS 1.0/1.1, or TLS 1.2 with weak
 * suites only. Bouncy Castle's own TLS protocol classes, not a JSSE provider, so the JDK's disabled
 * algorithms stay in force for every other socket of the bench.
 */
public final class LegacyTls implements CloudEndpoint.TlsTerminator {
    /** TLS 1.1 and 1.0 with ordinary ECDHE suites. */
    public static final Offer OLD_VERSIONS = new Offer("TLS 1.0/1.1 only",
            ProtocolVersion.TLSv11.downTo(ProtocolVersion.TLSv10),
            new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA});
    /** TLS 1.2 with only NULL-encryption and 3DES suites. */
    public static final Offer WEAK_SUITES = new Offer("TLS 1.2 with NULL/3DES suites only",
            new ProtocolVersion[] {ProtocolVersion.TLSv12},
            new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_NULL_SHA, CipherSuite.TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA});

    public record Offer(String name, ProtocolVersion[] versions, int[] suites) {
    }

    private final Offer offer;
    private final LabPki.Identity identity;
    private final SecureRandom random = new SecureRandom();

    public LegacyTls(Offer offer, LabPki.Identity identity) {
        this.offer = offer;
        this.identity = identity;
    }

    @Override
    public CloudEndpoint.Terminated accept(Socket raw) throws IOException {
        BcTlsCrypto crypto = new BcTlsCrypto(random);
        Server server = new Server(crypto);
        TlsServerProtocol protocol = new TlsServerProtocol(raw.getInputStream(), raw.getOutputStream());
        try {
            protocol.accept(server);
        } catch (IOException e) {
            throw new IOException(server.alert != null ? "received fatal alert: " + server.alert
                    : "handshake failed: " + e.getMessage(), e);
        }
        var params = server.context().getSecurityParametersConnection();
        return new CloudEndpoint.Terminated(protocol.getInputStream(), protocol.getOutputStream(),
                params.getNegotiatedVersion().getName(), suiteName(params.getCipherSuite()));
    }

    // The IANA names are CipherSuite's constant names; BC has no lookup the other way.
    static String suiteName(int suite) {
        for (var f : CipherSuite.class.getFields()) {
            try {
                if (f.getType() == int.class && f.getInt(null) == suite) {
                    return f.getName();
                }
            } catch (IllegalAccessException e) {
                break;
            }
        }
        return String.format("0x%04x", suite);
    }

    @Override
    public String describe() {
        return "TLS (" + offer.name() + ")";
    }

    private final class Server extends DefaultTlsServer {
        volatile String alert;

        Server(BcTlsCrypto crypto) {
            super(crypto);
        }

        org.bouncycastle.tls.TlsServerContext context() {
            return context;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return offer.versions();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return offer.suites();
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            alert = AlertDescription.getText(alertDescription);
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
            X509Certificate[] chain = identity.chain();
            TlsCertificate[] certs = new TlsCertificate[chain.length];
            try {
                for (int i = 0; i < chain.length; i++) {
                    certs[i] = crypto.createCertificate(chain[i].getEncoded());
                }
            } catch (CertificateEncodingException e) {
                throw new IOException(e);
            }
            AsymmetricKeyParameter key = PrivateKeyFactory.createKey(identity.key().getEncoded());
            SignatureAndHashAlgorithm sigAlg = context.getServerVersion().isEqualOrLaterVersionOf(ProtocolVersion.TLSv12)
                    ? SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa) : null;
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key,
                    new Certificate(certs), sigAlg);
        }
    }
}
