package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.LabPki;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's TLS (1.2 and 1.3, as the JDK allows them) with one identity: the cloud's normal face. Asked
 * to, it also requests the client's certificate, naming no issuer and taking whatever comes, so the bench
 * sees what the device sends rather than what a trust store would let through.
 */
public final class JsseTls implements CloudEndpoint.TlsTerminator {
    private final SSLContext context;
    private final String name;
    private final boolean clientCertificates;

    public JsseTls(String name, LabPki.Identity identity) throws BenchIoException {
        this(name, identity, false);
    }

    /** @param clientCertificates request the client's certificate (not required: a client without one carries on) */
    public JsseTls(String name, LabPki.Identity identity, boolean clientCertificates) throws BenchIoException {
        this.name = name;
        this.clientCertificates = clientCertificates;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(identity.keyManagers(), clientCertificates ? new TrustManager[] {new AnyClient()} : null,
                    new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new BenchIoException("cannot set up TLS for " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CloudEndpoint.Terminated accept(Socket raw) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
        s.setUseClientMode(false);
        s.setWantClientAuth(clientCertificates);
        s.startHandshake();
        return new CloudEndpoint.Terminated(s.getInputStream(), s.getOutputStream(), s.getSession().getProtocol(),
                s.getSession().getCipherSuite(), clientChain(s));
    }

    private static List<X509Certificate> clientChain(SSLSocket s) {
        try {
            Certificate[] chain = s.getSession().getPeerCertificates();
            return Arrays.stream(chain).filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toList();
        } catch (SSLPeerUnverifiedException none) {
            return List.of();
        }
    }

    @Override
    public String describe() {
        return "TLS (" + name + (clientCertificates ? "; client certificate requested, any issuer" : "") + ")";
    }

    /**
     * Takes any client certificate. An extended trust manager, so the JDK adds none of its own checks
     * (algorithm constraints) on top: a weak or odd certificate is for the check to judge, not to lose.
     */
    private static final class AnyClient extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this side is the server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            // no certificate_authorities: the client may send whatever certificate it has
            return new X509Certificate[0];
        }
    }
}
