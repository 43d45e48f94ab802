package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.LabPki;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** The JDK's TLS (1.2 and 1.3, as the JDK allows them) with one identity: the cloud's normal face. */
public final class JsseTls implements CloudEndpoint.TlsTerminator {
    private final SSLContext context;
    private final String name;

    public JsseTls(String name, LabPki.Identity identity) throws BenchIoException {
        this.name = name;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(identity.keyManagers(), null, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new BenchIoException("cannot set up TLS for " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CloudEndpoint.Terminated accept(Socket raw) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
        s.setUseClientMode(false);
        s.startHandshake();
        return new CloudEndpoint.Terminated(s.getInputStream(), s.getOutputStream(), s.getSession().getProtocol(),
                s.getSession().getCipherSuite());
    }

    @Override
    public String describe() {
        return "TLS (" + name + ")";
    }
}
