package dev.starbench.bench.login;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.Bench;
import dev.starbench.bench.login.LoginClient.Answer;
import dev.starbench.bench.login.LoginClient.Outcome;
import dev.starbench.config.ConfigLoader;
import dev.starbench.run.VirtualBench;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Every bench-side login client against the real virtual DUT (its MINA SSH server, web admin page,
 * telnetd and mosquitto), powered through the bench's own GPIO relay: the unit's credential is let in,
 * a wrong one refused after the device's failure delay, and three failures lock the name out on every
 * surface until the lockout ends. Keyboard-interactive against a MINA server that offers nothing else.
 */
public class LoginClientsTest {
    private static final String USER = "admin";
    private static final String PASSWORD = "Qx7-vd2K-unit0001";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long DELAY_MS = 300;
    private Path dir;
    private Bench bench;

    @BeforeClass
    public void powerOn() throws Exception {
        dir = Files.createTempDirectory("starbench-logins");
        String profile = Files.readString(VirtualBench.profile("virtual-hardened"))
                .replace("flaws: []", "flaws: [telnet-open]")
                .replace("login-fail-delay-ms: 1000", "login-fail-delay-ms: " + DELAY_MS)
                .replace("lockout: {after: 5, window-ms: 60000, for-ms: 5000}", "lockout: {after: 3, window-ms: 60000, for-ms: 3000}");
        Path file = dir.resolve("logins.yaml");
        Files.writeString(file, profile);
        bench = Bench.open(ConfigLoader.loadFixture(VirtualBench.fixture()), ConfigLoader.loadProfile(file));
        bench.power().on();
        for (int port : List.of(21886, 21887, 21890, 21883)) {
            awaitOpen(port);
        }
    }

    @AfterClass(alwaysRun = true)
    public void powerOff() throws Exception {
        if (bench != null) {
            bench.power().off();
            bench.close();
        }
    }

    private List<LoginClient> clients() {
        return List.of(new SshLogin("127.0.0.1", 21886, TIMEOUT),
                HttpLogin.basic(URI.create("http://127.0.0.1:21887/admin"), TIMEOUT),
                HttpLogin.form(URI.create("http://127.0.0.1:21887/login"),
                        new HttpLogin.Form("username", "password", "VCAM-1 administration", null), TIMEOUT),
                new TelnetLogin("127.0.0.1", 21890, TIMEOUT));
    }

    @Test
    public void theUnitsCredentialIsInAndAWrongOneRefusedAfterTheDelay() throws Exception {
        for (LoginClient c : clients()) {
            try (c) {
                Answer in = c.attempt(USER, PASSWORD);
                assertEquals(in.outcome(), Outcome.ACCEPTED, c.label() + ": " + in);
                Answer out = c.attempt("nobody", "wrong");
                assertEquals(out.outcome(), Outcome.REFUSED, c.label() + ": " + out);
                assertTrue(out.took().toMillis() >= DELAY_MS, c.label() + " answered a failure in " + out.took());
                assertFalse(out.text().contains("wrong"), c.label() + ": " + out.text());
            }
        }
    }

    @Test
    public void theDevicesBrokerAnswersWithItsConnAck() throws Exception {
        AtomicInteger ids = new AtomicInteger();
        MqttLogin mqtt = new MqttLogin("127.0.0.1", 21883, null, TIMEOUT, () -> "login-test-" + ids.incrementAndGet());
        assertEquals(mqtt.attempt(USER, PASSWORD).outcome(), Outcome.ACCEPTED);
        Answer out = mqtt.attempt(USER, "wrong");
        assertEquals(out.outcome(), Outcome.REFUSED, out.toString());
        assertTrue(out.text().startsWith("CONNACK"), out.text());
    }

    /** Three failures of one name on one surface lock it on all of them; the unit's credential is then refused too. */
    @Test(dependsOnMethods = "theUnitsCredentialIsInAndAWrongOneRefusedAfterTheDelay")
    public void aLockedNameIsRefusedEverywhereUntilTheLockoutEnds() throws Exception {
        try (SshLogin ssh = new SshLogin("127.0.0.1", 21886, TIMEOUT)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(ssh.attempt(USER, "guess-" + i).outcome(), Outcome.REFUSED);
            }
            Answer locked = ssh.attempt(USER, PASSWORD);
            assertEquals(locked.outcome(), Outcome.REFUSED, "a lock answers like any failure");
            assertTrue(locked.took().toMillis() >= DELAY_MS, "and as slowly: " + locked.took());
            LoginClient web = HttpLogin.basic(URI.create("http://127.0.0.1:21887/admin"), TIMEOUT);
            assertEquals(web.attempt(USER, PASSWORD).outcome(), Outcome.REFUSED, "the lock holds on the web page too");
            Thread.sleep(3200);
            assertEquals(ssh.attempt(USER, PASSWORD).outcome(), Outcome.ACCEPTED, "the lockout is over");
        }
    }

    @Test
    public void keyboardInteractiveWhenTheServerOffersNothingElse() throws Exception {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("kbi-host-key")));
        AtomicInteger tries = new AtomicInteger();
        server.setKeyboardInteractiveAuthenticator(new KeyboardInteractiveAuthenticator() {
            @Override
            public InteractiveChallenge generateChallenge(ServerSession session, String user, String lang, String subMethods) {
                InteractiveChallenge challenge = new InteractiveChallenge();
                challenge.addPrompt("Password: ", false);
                return challenge;
            }

            @Override
            public boolean authenticate(ServerSession session, String user, List<String> responses) {
                tries.incrementAndGet();
                return user.equals(USER) && responses.equals(List.of(PASSWORD));
            }
        });
        server.start();
        try (SshLogin ssh = new SshLogin("127.0.0.1", server.getPort(), TIMEOUT)) {
            assertEquals(ssh.attempt(USER, "wrong").outcome(), Outcome.REFUSED);
            assertEquals(ssh.attempt(USER, PASSWORD).outcome(), Outcome.ACCEPTED);
            assertEquals(tries.get(), 2, "one try per attempt");
        } finally {
            server.stop(true);
        }
    }

    /** MINA's client asks for passwords more than once a session: each attempt must still send one. */
    @Test
    public void aPasswordGoesOutOncePerAttempt() throws Exception {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("password-host-key")));
        AtomicInteger tries = new AtomicInteger();
        server.setPasswordAuthenticator((user, password, session) -> {
            tries.incrementAndGet();
            return password.equals(PASSWORD);
        });
        server.start();
        try (SshLogin ssh = new SshLogin("127.0.0.1", server.getPort(), TIMEOUT)) {
            assertEquals(ssh.attempt(USER, "wrong").outcome(), Outcome.REFUSED);
            assertEquals(ssh.attempt(USER, "wrong again").outcome(), Outcome.REFUSED);
            assertEquals(ssh.attempt(USER, PASSWORD).outcome(), Outcome.ACCEPTED);
            assertEquals(tries.get(), 3, "one try per attempt");
        } finally {
            server.stop(true);
        }
    }

    @Test
    public void anSshServerThatTakesNoPasswordIsSaidSo() throws Exception {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("keys-only-host-key")));
        server.setPublickeyAuthenticator((user, key, session) -> false);
        server.start();
        try (SshLogin ssh = new SshLogin("127.0.0.1", server.getPort(), TIMEOUT)) {
            assertEquals(ssh.attempt("root", "root").outcome(), Outcome.NOT_OFFERED);
        } finally {
            server.stop(true);
        }
    }

    @Test
    public void aClosedPortIsNoAnswer() throws Exception {
        for (LoginClient c : List.of(new SshLogin("127.0.0.1", 21889, TIMEOUT), new TelnetLogin("127.0.0.1", 21889, TIMEOUT),
                HttpLogin.basic(URI.create("http://127.0.0.1:21889/"), TIMEOUT))) {
            try (c) {
                assertEquals(c.attempt(USER, PASSWORD).outcome(), Outcome.NO_ANSWER, c.label());
            }
        }
    }

    /** Services start with the OS: the only signal is the port opening, so it is polled up to a deadline. */
    private static void awaitOpen(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("port " + port + " did not open within 30 s");
                }
                Thread.sleep(100);
            }
        }
    }
}
