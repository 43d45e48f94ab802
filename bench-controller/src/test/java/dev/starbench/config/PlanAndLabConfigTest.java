package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** The shipped plan, and the located errors of plans, lab-broker and history in a fixture. */
public class PlanAndLabConfigTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", "..")).toAbsolutePath().normalize();

    private Path dir;

    @BeforeClass
    public void scratch() throws Exception {
        dir = Files.createTempDirectory("starbench-plan-config");
    }

    @Test
    public void theShippedPlanLoadsWithPathsRelativeToIt() throws Exception {
        Plan plan = ConfigLoader.loadPlan(ROOT.resolve("plans/nightly.yaml"));
        assertEquals(plan.label(), "virtual-nightly");
        assertEquals(plan.out(), ROOT.resolve("reports"));
        assertEquals(plan.entries().size(), 2);
        assertEquals(plan.entries().get(0).fixture(), ROOT.resolve("fixtures/virtual.yaml"));
        assertEquals(plan.entries().get(0).checks(), List.of());
        assertEquals(plan.entries().get(1).device(), ROOT.resolve("device-profiles/virtual-insecure.yaml"));
        assertEquals(plan.entries().get(1).checks().get(0), "debug.uart-console");
        assertTrue(ConfigLoader.load(ROOT.resolve("plans/nightly.yaml")) instanceof Plan, "validate sees a plan");
    }

    @Test
    public void planErrorsAreLocated() throws Exception {
        assertEquals(error("plan-empty.yaml", "entries: []\n"), "plan-empty.yaml:1:10: entries: a plan needs at least one entry");
        assertEquals(error("plan-nodevice.yaml", "entries:\n  - fixture: f.yaml\n    checks: [a]\n"),
                "plan-nodevice.yaml:2:5: entries[0].device: required field is missing");
        assertEquals(error("plan-name.yaml", "name: nightly plan\nentries:\n  - {fixture: f.yaml, device: d.yaml}\n"),
                "plan-name.yaml:1:7: name: must be 1 to 64 letters, digits, '.', '_' or '-', got 'nightly plan'");
    }

    @Test
    public void aFixturesLabBrokerAndHistoryAreReadAndCheckedWhereTheyAre() throws Exception {
        String base = Files.readString(ROOT.resolve("fixtures/virtual.yaml"));
        Path ok = dir.resolve("lab.yaml");
        Files.createDirectories(dir.resolve("certs"));
        Files.writeString(dir.resolve("certs/ca.pem"), "");
        Files.writeString(dir.resolve("broker-password"), "s3cret\n");
        Files.writeString(ok, base + "lab-broker:\n  url: mqtts://lab.example:8883\n  ca-cert: certs/ca.pem\n"
                + "  user: bench-7\n  password-file: broker-password\n"
                + "history: jdbc:postgresql://db.lab/starbench\n");
        Fixture f = ConfigLoader.loadFixture(ok);
        assertEquals(f.labBroker().url(), "ssl://lab.example:8883");
        assertEquals(f.labBroker().caCert(), dir.resolve("certs/ca.pem"));
        assertEquals(f.labBroker().passwordFile(), dir.resolve("broker-password"));
        assertNull(f.labBroker().clientCert());
        assertEquals(f.history(), "jdbc:postgresql://db.lab/starbench");
        // ~ is the user's home, and the file must be there when the fixture loads.
        assertTrue(fixtureError("home.yaml", base + "lab-broker:\n  url: ssl://lab:8883\n  user: bench-7\n"
                + "  password-file: ~/.starbench/no-such-broker-password\n").contains("lab-broker.password-file: "
                + Path.of(System.getProperty("user.home"), ".starbench/no-such-broker-password") + ": file not found"));

        int line = (int) base.lines().count() + 2;
        assertTrue(fixtureError("plain.yaml", base + "lab-broker:\n  url: tcp://lab.example:1883\n").startsWith(
                "plain.yaml:" + line + ":8: lab-broker.url: expected ssl://HOST:PORT or mqtts://HOST:PORT (the lab broker is "
                        + "reached over TLS only)"));
        assertTrue(fixtureError("halfcert.yaml", base + "lab-broker:\n  url: ssl://lab:8883\n  client-cert: c.pem\n")
                .contains("lab-broker.client-key: client-cert and client-key go together"));
        assertTrue(fixtureError("nouser.yaml", base + "lab-broker:\n  url: ssl://lab:8883\n  password-file: p\n")
                .contains("lab-broker.password-file: a password needs a user"));
        assertTrue(fixtureError("typo.yaml", base + "lab-broker:\n  url: ssl://lab:8883\n  ca_cert: c.pem\n")
                .contains("lab-broker.ca_cert: unknown field"));
        assertTrue(fixtureError("db.yaml", base + "history: postgresql://db.lab/starbench\n")
                .contains("history: expected a JDBC URL starting jdbc:sqlite: or jdbc:postgresql:"));
    }

    private String error(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadPlan(file));
        return e.getMessage().replace(dir + "/", "");
    }

    private String fixtureError(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadFixture(file));
        return e.getMessage().replace(dir + "/", "");
    }
}
