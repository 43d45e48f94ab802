package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** The profile's {@code logins:} and {@code simulation.auth}: what loads, with its defaults, and one test per error, located. */
public class LoginsConfigTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));
    private static final String HEAD = "device: {name: cam}\nconsole: {baud: 115200}\nnetwork: {address: 192.0.2.10}\n";

    private final AtomicInteger files = new AtomicInteger();
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-logins-config");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("case" + files.incrementAndGet() + ".yaml"), yaml);
    }

    private void assertError(String yaml, int line, String field, String problem) throws Exception {
        Path file = write(yaml);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(file));
        assertTrue(e.getMessage().startsWith(file + ":" + line + ":") && e.getMessage().endsWith(": " + field + ": " + problem),
                e.getMessage());
    }

    @Test
    public void everySurfaceLoadsWithItsDefaults() throws Exception {
        DeviceProfile p = ConfigLoader.loadProfile(write(HEAD + """
                logins:
                  - {surface: ssh, port: 22}
                  - surface: http-form
                    url: https://192.0.2.10/login
                    success-text: Logout
                    credential: {user: admin, password-file: unit.pw}
                    vendor-defaults: [{user: admin, password: "1234"}]
                    attempts: 7
                    min-failure-delay-ms: 2000
                    lockout-ms: 300000
                    change: {method: http-form, url: "https://192.0.2.10/password", success-text: Changed}
                  - {surface: console, credential: {user: root, password: toor}, change: {method: passwd}}
                  - {surface: mqtt, port: 8883, tls: true}
                """));
        LoginSurface ssh = p.logins().get(0);
        assertEquals(ssh.label(), "ssh:22");
        assertEquals(ssh.attempts(), 20);
        assertEquals(ssh.minFailureDelayMs(), 1000);
        assertNull(ssh.lockoutMs());
        LoginSurface form = p.logins().get(1);
        assertEquals(form.port(), 443, "the url's port");
        assertEquals(form.userField(), "username");
        assertEquals(form.passwordField(), "password");
        assertEquals(form.credential().passwordFile(), dir.resolve("unit.pw"), "relative to the profile");
        assertEquals(form.credential().toString(), "Credential[user=admin, password=***]");
        assertEquals(form.change().newField(), "new-password");
        assertEquals(form.change().url(), URI.create("https://192.0.2.10/password"));
        assertEquals(p.logins().get(2).label(), "console");
        assertTrue(p.logins().get(3).tls());
    }

    @Test
    public void theShippedVirtualProfilesDeclareSshAndTheFormWithTheControl() throws Exception {
        for (String name : List.of("virtual-hardened", "virtual-insecure")) {
            DeviceProfile p = ConfigLoader.loadProfile(ROOT.resolve("device-profiles/" + name + ".yaml"));
            assertEquals(p.logins().stream().map(LoginSurface::label).toList(), List.of("ssh:21886", "http-form:21887"), name);
            assertEquals(p.logins().get(0).credential().user(), "admin");
            assertEquals(p.simulation().auth().sshPort(), 21886);
            assertEquals(p.simulation().auth().httpPort(), 21887);
        }
    }

    @Test
    public void aNetworkSurfaceNeedsItsPort() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: ssh}\n", 5, "logins[0].port", "required field is missing");
    }

    @Test
    public void theConsoleHasNoPort() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: console, port: 22}\n", 5, "logins[0].port", "the console has no port");
    }

    @Test
    public void anUnknownSurfaceIsRefused() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: rdp, port: 3389}\n", 5, "logins[0].surface",
                "unknown value 'rdp' (allowed: console, telnet, ssh, mqtt, http-basic, http-form)");
    }

    @Test
    public void aFormNeedsWhatSuccessLooksLike() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: http-form, url: \"http://192.0.2.10/login\"}\n", 5,
                "logins[0].success-text", "http-form needs success-text or success-status: what the page answers to a good login");
    }

    @Test
    public void aUrlIsForHttpOnly() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: ssh, port: 22, url: \"http://x/\"}\n", 5, "logins[0].url",
                "only for http-basic and http-form");
        assertError(HEAD + "logins:\n  - {surface: http-basic, url: \"ftp://x/\"}\n", 5, "logins[0].url",
                "must be an http:// or https:// URL, got 'ftp://x/'");
    }

    @Test
    public void aCredentialHasOnePassword() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: ssh, port: 22, credential: {user: a, password: b, password-file: c}}\n", 5,
                "logins[0].credential.password-file", "give exactly one of password and password-file");
        assertError(HEAD + "logins:\n  - {surface: ssh, port: 22, credential: {user: a}}\n", 5,
                "logins[0].credential.password", "give exactly one of password and password-file");
    }

    @Test
    public void vendorDefaultsArePublic() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: ssh, port: 22, vendor-defaults: [{user: a, password-file: p}]}\n", 5,
                "logins[0].vendor-defaults[0].password-file", "vendor defaults are public: give the password itself");
    }

    @Test
    public void aChangeFitsItsSurfaceAndStartsFromTheCredential() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: ssh, port: 22, credential: {user: a, password: b}, change: {method: passwd}}\n", 5,
                "logins[0].change.method", "a passwd change is not made on a ssh surface (passwd runs at the console)");
        assertError(HEAD + "logins:\n  - {surface: console, change: {method: passwd}}\n", 5, "logins[0].change",
                "a credential change starts from the valid credential: give credential");
        assertError(HEAD + "logins:\n  - {surface: console, credential: {user: a, password: b}, change: {method: passwd, url: \"http://x/\"}}\n",
                5, "logins[0].change.url", "only for http-form");
    }

    @Test
    public void thePolicyHasBounds() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: ssh, port: 22, attempts: 0}\n", 5, "logins[0].attempts", "must be 1..1000, got 0");
        assertError(HEAD + "logins:\n  - {surface: ssh, port: 22, lockout-ms: 0}\n", 5, "logins[0].lockout-ms",
                "must be 1..3600000 ms (an hour), got 0");
        assertError(HEAD + "logins:\n  - {surface: ssh, port: 22, min-failure-delay-ms: 0}\n", 5, "logins[0].min-failure-delay-ms",
                "must be greater than 0, got 0");
    }

    @Test
    public void aSurfaceIsDeclaredOnce() throws Exception {
        assertError(HEAD + "logins:\n  - {surface: ssh, port: 22}\n  - {surface: ssh, port: 22}\n", 6, "logins[1].surface",
                "ssh:22 is declared twice (also logins[0])");
    }

    @Test
    public void aNetworkSurfaceNeedsTheDutsAddress() throws Exception {
        assertError("device: {name: cam}\nlogins:\n  - {surface: telnet, port: 23}\n", 3, "logins[0].surface",
                "a telnet surface is reached at the DUT's network.address, which the profile lacks");
    }

    @Test
    public void theSimulatedSshNeedsTheNetworkSection() throws Exception {
        assertError("device: {name: cam}\nsimulation:\n  auth: {ssh-port: 2222}\n", 3, "simulation.auth",
                "the virtual DUT serves its network logins only with the profile's network section");
        assertError(HEAD + "simulation:\n  auth: {ssh-port: 2222, http-port: 2222}\n", 5, "simulation.auth.http-port",
                "ssh-port and http-port must differ");
        assertError(HEAD + "simulation:\n  auth: {lockout: {after: -1}}\n", 5, "simulation.auth.lockout.after",
                "must not be negative, got -1");
        assertError(HEAD + "simulation:\n  dut: linux\n  auth: {ssh-port: 2222}\n", 6, "simulation.auth",
                "the Linux DUT does not read it; with dut: linux only flaws is read");
    }
}
