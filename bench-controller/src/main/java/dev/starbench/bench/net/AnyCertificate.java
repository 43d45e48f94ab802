package dev.starbench.bench.net;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The intruder's TLS client for a service on the DUT: whether a service lets anyone in does not depend on
 * its certificate, so any certificate is taken, and the last one shown is kept as evidence.
 */
public final class AnyCertificate implements X509TrustManager {
    private volatile X509Certificate[] seen;

    public SSLSocketFactory socketFactory() {
        return context().getSocketFactory();
    }

    public SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {this}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's TLS is always available", e);
        }
    }

    /** The certificate the broker showed, in one line; null before any handshake. */
    public String describeSeen() {
        X509Certificate[] chain = seen;
        if (chain == null || chain.length == 0) {
            return null;
        }
        X509Certificate leaf = chain[0];
        boolean selfSigned = leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());
        return "subject " + leaf.getSubjectX500Principal().getName() + ", issuer "
                + (selfSigned ? "itself (self-signed)" : leaf.getIssuerX500Principal().getName())
                + ", valid until " + leaf.getNotAfter().toInstant() + (leaf.getNotAfter().toInstant().isBefore(Instant.now()) ? " (expired)" : "")
                + ", chain of " + chain.length;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen = chain.clone();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // a client never asks this of a client
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
