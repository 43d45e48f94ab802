package dev.starbench.vdut;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.DefaultKeyboardInteractiveAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * The device's SSH server (Apache MINA SSHD) on loopback while it has power: password and
 * keyboard-interactive logins against the device's accounts, whose policy decides every answer. It
 * authenticates only: there is no shell behind it, as the bench never needs one.
 */
final class SshServerSide {
    /** Logins are answered after the policy's delay; enough workers that one slow refusal does not hold up others. */
    private static final int WORKERS = 8;

    private final int port;
    private final Path hostKey;
    private final Accounts accounts;
    private SshServer server;

    SshServerSide(int port, Path hostKey, Accounts accounts) {
        this.port = port;
        this.hostKey = hostKey;
        this.accounts = accounts;
    }

    void start() {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(port);
        CoreModuleProperties.NIO_WORKERS.set(s, WORKERS);
        // A hardened device names no software version in its banner (debug.network-services reports one).
        CoreModuleProperties.SERVER_IDENTIFICATION.set(s, "VCAM-1");
        // Kept in the work dir, as a device keeps its host key in flash: the same key at every boot.
        s.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKey));
        s.setPasswordAuthenticator((user, password, session) -> {
            try {
                return accounts.login(Accounts.Surface.SSH, user, password).accepted();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        s.setKeyboardInteractiveAuthenticator(DefaultKeyboardInteractiveAuthenticator.INSTANCE);
        try {
            s.start();
            server = s;
            System.err.println("vdut: sshd on 127.0.0.1:" + port);
        } catch (IOException e) {
            System.err.println("vdut: sshd: cannot listen on " + port + ": " + e.getMessage());
        }
    }

    void stop() {
        if (server != null) {
            try {
                server.stop(true);
            } catch (IOException e) {
                // stopping at power-off
            }
            server = null;
        }
    }
}
