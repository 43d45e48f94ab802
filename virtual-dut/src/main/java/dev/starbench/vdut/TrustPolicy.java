package dev.starbench.vdut;

import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How the device's TLS client decides whom to trust: the lab CA from its firmware, and each TLS flaw
 * as a real device gets it wrong (a trust-all manager, validation that ignores expiry, old versions
 * left enabled).
 */
final class TrustPolicy {
    private TrustPolicy() {
    }

    /**
     * JDK 17 disables TLS 1.0/1.1 for the whole process; a device that allows them has them back.
     * Called before any TLS class loads, and only in this (the virtual DUT's) process.
     */
    static void allowOldTlsIfFlawed(SimulationSettings sim) {
        if (sim.has(Flaw.ALLOWS_TLS10)) {
            String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
            if (disabled != null) {
                Security.setProperty("jdk.tls.disabledAlgorithms", Arrays.stream(disabled.split(","))
                        .map(String::trim).filter(a -> !a.equals("TLSv1") && !a.equals("TLSv1.1"))
                        .collect(Collectors.joining(", ")));
            }
        }
    }

    /** The lab CA from its PEM, as the bench hands it over in the simulation. */
    static X509Certificate readCa(String pem) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    static SSLSocketFactory socketFactory(SimulationSettings sim, X509Certificate ca) throws GeneralSecurityException, IOException {
        TrustManager tm;
        if (sim.has(Flaw.TRUSTS_ANY_CERT)) {
            tm = new TrustAll();
        } else if (sim.has(Flaw.ACCEPTS_EXPIRED)) {
            tm = new IgnoresExpiry(ca);
        } else {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("lab-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(store);
            tm = tmf.getTrustManagers()[0];
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        String[] protocols = sim.has(Flaw.ALLOWS_TLS10)
                ? new String[] {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"} : new String[] {"TLSv1.3", "TLSv1.2"};
        return new Protocols(ctx.getSocketFactory(), protocols);
    }

    /** The classic "make the error go away" trust manager. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Full chain validation, but as of a moment when the leaf was still valid. */
    private static final class IgnoresExpiry implements X509TrustManager {
        private final X509Certificate ca;

        IgnoresExpiry(X509Certificate ca) {
            this.ca = ca;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("no client certificates expected");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
                params.setRevocationEnabled(false);
                long leafEnd = chain[0].getNotAfter().getTime();
                params.setDate(new Date(Math.min(System.currentTimeMillis(), leafEnd - 1000)));
                CertPathValidator.getInstance("PKIX").validate(
                        CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain)), params);
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {ca};
        }
    }

    /** Sets the enabled protocol versions on every socket it makes. */
    private static final class Protocols extends SSLSocketFactory {
        private final SSLSocketFactory d;
        private final String[] protocols;

        Protocols(SSLSocketFactory d, String[] protocols) {
            this.d = d;
            this.protocols = protocols;
        }

        private Socket set(Socket s) {
            ((SSLSocket) s).setEnabledProtocols(protocols);
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return d.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return set(d.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return set(d.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return set(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return set(d.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return set(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return set(d.createSocket(host, port, local, localPort));
        }
    }
}
