package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The maker's {@code network.cloud.device-identity} and the virtual unit's {@code simulation.identity}:
 * defaults, the files made on first use, and errors that name the field.
 */
public class DeviceIdentityConfigTest {
    private static final String CLOUD = """
            device: {name: cam, model: CAM-1}
            network:
              cloud:
                url: ssl://mqtt.example.com
                ca-cert: lab-ca.pem
                ca-key: lab-ca.key
            """;
    private Path dir;
    private int n;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-identity-config");
        Files.writeString(dir.resolve("device-ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("p" + (++n) + ".yaml"), yaml);
    }

    private ConfigException fails(String yaml) {
        return expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(write(yaml)));
    }

    @Test
    public void aDeclarationGetsTheDefaults() throws Exception {
        DeviceIdentity d = ConfigLoader.loadProfile(write(CLOUD + "    device-identity: {ca-cert: device-ca.pem}\n"))
                .network().cloud().deviceIdentity();
        assertEquals(d.caCert(), dir.resolve("device-ca.pem"));
        assertEquals(d.curves(), List.of("P-256", "P-384", "Ed25519"));
        assertFalse(d.selfSigned());
        assertFalse(d.perUnitToken());

        DeviceIdentity own = ConfigLoader.loadProfile(write(CLOUD
                + "    device-identity: {self-signed: true, per-unit-token: true, curves: [P-521, secp256k1]}\n"))
                .network().cloud().deviceIdentity();
        assertTrue(own.selfSigned() && own.perUnitToken());
        assertEquals(own.curves(), List.of("P-521", "secp256k1"));
    }

    @Test
    public void anUnknownCurveIsNamedWithTheKnownOnes() {
        ConfigException e = fails(CLOUD + "    device-identity:\n      curves: [P-256, curve25519]\n");
        assertEquals(e.field(), "network.cloud.device-identity.curves[1]");
        assertTrue(e.getMessage().contains("unknown curve 'curve25519'") && e.getMessage().contains("Ed448"), e.getMessage());
    }

    @Test
    public void theDeclaredDeviceCaMustExistUnlessTheBenchMakesIt() throws Exception {
        ConfigException e = fails(CLOUD + "    device-identity: {ca-cert: no-such-ca.pem}\n");
        assertEquals(e.field(), "network.cloud.device-identity.ca-cert");

        // a virtual unit's factory: neither the CA's certificate nor its key exists yet, so the bench makes both
        DeviceProfile made = ConfigLoader.loadProfile(write(CLOUD + "    device-identity: {ca-cert: factory/ca.pem}\n"
                + "simulation:\n  identity: {unit-id: \"0001\", ca-key: factory/ca.key}\n"));
        assertEquals(made.simulation().identity(), new SimulatedIdentity("0001", dir.resolve("factory/ca.key")));

        Files.writeString(dir.resolve("half.key"), "-----BEGIN PRIVATE KEY-----\n");
        ConfigException half = fails(CLOUD + "    device-identity: {ca-cert: half.pem}\n"
                + "simulation:\n  identity: {unit-id: \"0001\", ca-key: half.key}\n");
        assertEquals(half.field(), "network.cloud.device-identity.ca-cert");
    }

    @Test
    public void aVirtualUnitNeedsTheDeclaredDeviceCa() {
        ConfigException e = fails(CLOUD + "simulation:\n  identity: {unit-id: \"0001\", ca-key: factory/ca.key}\n");
        assertEquals(e.field(), "simulation.identity.ca-key");
        assertTrue(e.getMessage().contains("network.cloud.device-identity.ca-cert"), e.getMessage());
    }

    @Test
    public void aUnitIdNamesAFileAndASubject() {
        ConfigException e = fails(CLOUD + "    device-identity: {ca-cert: device-ca.pem}\n"
                + "simulation:\n  identity: {unit-id: \"../0001\", ca-key: factory/ca.key}\n");
        assertEquals(e.field(), "simulation.identity.unit-id");
    }

    @Test
    public void anIdentityFlawNeedsAnIdentity() {
        ConfigException e = fails(CLOUD + "simulation:\n  flaws: [no-client-cert, shared-device-key]\n");
        assertEquals(e.field(), "simulation.flaws[1]");
        assertTrue(e.getMessage().contains("needs simulation.identity"), e.getMessage());
    }

    @Test
    public void aKeyInTheImageNeedsTheImageTheBenchMakes() {
        ConfigException e = fails(CLOUD + "    device-identity: {ca-cert: device-ca.pem}\n"
                + "simulation:\n  identity: {unit-id: \"0001\", ca-key: factory/ca.key}\n  flaws: [device-key-in-image]\n");
        assertEquals(e.field(), "simulation.flaws[0]");
        assertTrue(e.getMessage().contains("firmware.signing-key"), e.getMessage());
    }

    @Test
    public void theLinuxDutReadsNoIdentity() {
        ConfigException e = fails(CLOUD + "    device-identity: {ca-cert: device-ca.pem}\n"
                + "simulation:\n  dut: linux\n  identity: {unit-id: \"0001\", ca-key: factory/ca.key}\n");
        assertEquals(e.field(), "simulation.identity");
    }
}
