package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to a lab's own broker (the cloud relay's, the lab-broker's, a smart plug's): trust exactly the CA
 * file a fixture names, show a client certificate if it names one, and say readably why a handshake failed.
 */
public final class BrokerTls {
    private BrokerTls() {
    }

    /**
     * @param caCert  the CA (PEM) to trust; null: the JVM's trust store
     * @param client  the bench's key managers, or null
     * @param what    how the fixture names the CA file, for messages
     */
    public static SSLSocketFactory socketFactory(Path caCert, KeyManager[] client, String what) throws BenchIoException {
        if (caCert == null && client == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(caCert == null ? null : trustStore(caCert, what));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(client, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new BenchIoException("cannot set up TLS with " + what + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path caCert, String what) throws BenchIoException {
        try {
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(caCert)) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new BenchIoException(what + " holds no PEM certificate");
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new BenchIoException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Paho's own message is often just "MqttException": says what went wrong with the broker's certificate.
     *
     * @param caField the fixture field naming the CA file, e.g. "cloud-broker.ca-cert"
     */
    public static String reason(Throwable e, String host, Path caCert, String caField) {
        String trusted = caCert == null ? "a CA in the JVM's trust store" : "the CA in " + caField + " " + caCert;
        Throwable root = e;
        boolean tlsFailed = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException) {
                return "TLS handshake failed: its certificate is not from " + trusted + " (" + t.getMessage() + ")";
            }
            if (t instanceof CertificateException && t.getMessage() != null && t.getMessage().contains("matching")) {
                return "TLS handshake failed: its certificate does not name " + host + " (" + t.getMessage() + ")";
            }
            tlsFailed |= t instanceof SSLException;
            root = t;
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return (tlsFailed ? "TLS handshake failed: " : "") + message;
    }
}
