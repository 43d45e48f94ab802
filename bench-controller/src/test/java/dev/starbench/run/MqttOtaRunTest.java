package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.net.LabPki;
import dev.starbench.image.SigningKey;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The update checks through mqtt-ota: the bench plays the virtual DUT's cloud (real TLS with a lab-CA
 * certificate, the embedded broker) and offers each image on the DUT's topic; the DUT's cloud client
 * (Paho) installs it with the same agent as over HTTP and reports on its status topic.
 */
public class MqttOtaRunTest {
    private static final String BASELINE = "update.baseline";
    private static final String TAMPERED = "update.tampered";
    private static final String ROLLBACK = "update.rollback";
    private static final String POWER_LOSS = "update.power-loss";
    private static final String OFFER = "vcam/ota/offer";
    private static final String STATUS = "vcam/ota/status";
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-mqtt-ota");
        LabPki.newCa("StarBench test lab CA").writePem(dir.resolve("lab-ca.pem"), dir.resolve("lab-ca.key"));
        LabPki.newCa("StarBench test lab CA").writePem(dir.resolve("other-ca.pem"), dir.resolve("other-ca.key"));
    }

    @Test
    public void theHardenedDevicePassesAllFourThroughMqttOta() throws Exception {
        Path profile = profile("hardened", "lab-ca.key", 600, 3);
        Runner.Result result = run(profile, List.of(BASELINE, TAMPERED, ROLLBACK, POWER_LOSS));
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(result.record());
        for (String id : List.of(BASELINE, TAMPERED, ROLLBACK, POWER_LOSS)) {
            assertEquals(checks.get(id).verdict(), Verdict.PASS, VirtualRunTest.describe(checks.get(id)));
        }
        // update.tampered runs first and makes the control case, so its pushes are in that check's evidence.
        String control = VirtualRunTest.evidenceText(checks.get(TAMPERED));
        assertTrue(control.contains("via mqtt-ota: offer on " + OFFER + ", reports on " + STATUS), control);
        assertTrue(control.contains("installer accepted: reported installed 200: installed 1.4.3 in slot b"), control);
        String tampered = VirtualRunTest.evidenceText(checks.get(TAMPERED));
        for (String variant : List.of("payload-byte", "signature-byte", "truncated", "appended", "zero-length",
                "unsigned", "foreign-key", "wrong-device-type")) {
            assertTrue(tampered.contains("note: " + variant + ": refused (refused: reported refused 4"),
                    variant + " is refused with the DUT's report:\n" + tampered);
        }
        assertTrue(tampered.contains("ota-agent: refused: image hash mismatch"), "the console shows the decision");
        String powerLoss = VirtualRunTest.evidenceText(checks.get(POWER_LOSS));
        for (int i = 1; i <= 3; i++) {
            assertTrue(powerLoss.contains("cut " + i + "/3 at "), "cut " + i + " is journaled:\n" + powerLoss);
        }
        assertEquals(result.exitCode(), 0);
    }

    @Test
    public void acceptsUnsignedFailsTamperedThroughMqttOta() throws Exception {
        Path profile = profile("unsigned", "lab-ca.key", 100, 1, "accepts-unsigned");
        RunRecord.CheckResult tampered = VirtualRunTest.byId(run(profile, List.of(TAMPERED)).record()).get(TAMPERED);
        assertEquals(tampered.verdict(), Verdict.FAIL, VirtualRunTest.describe(tampered));
        assertTrue(tampered.reason().contains("unsigned (") && tampered.reason().contains("installer accepted: reported installed 200"),
                tampered.reason());
    }

    @Test
    public void aDeviceThatNeverReachesTheBenchsCloudIsInconclusiveNeverPass() throws Exception {
        // The bench's certificate comes from a CA the DUT does not trust: it never gets a session, never hears an offer.
        Path profile = profile("no-cloud", "other-ca.key", 100, 1);
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(run(profile, List.of(BASELINE, TAMPERED)).record());
        for (String id : List.of(BASELINE, TAMPERED)) {
            RunRecord.CheckResult c = checks.get(id);
            assertEquals(c.verdict(), Verdict.INCONCLUSIVE, VirtualRunTest.describe(c));
            assertTrue(c.reason().contains("did not subscribe to the offer topic `" + OFFER + "`"), c.reason());
            assertTrue(c.reason().contains("TLS handshake failed"), "the DUT's failed connections explain it: " + c.reason());
        }
    }

    /** The update test profile, its agent taking offers through the cloud on a free loopback port. */
    private Path profile(String name, String caKey, long installMs, int cuts, String... flaws) throws Exception {
        Path file = UpdateBenchFiles.profile(dir.resolve(name), SigningKey.Type.ECDSA_P256, installMs, cuts,
                "    method: mqtt-ota\n    offer-topic: " + OFFER + "\n    status-topic: " + STATUS + "\n", flaws);
        int httpPort = UpdateBenchFiles.portOf(file);
        String text = Files.readString(file); // UpdateBenchFiles leaves the network section out
        String agent = text.replace("    http-port: " + httpPort + "\n",
                "    transport: mqtt\n    offer-topic: " + OFFER + "\n    status-topic: " + STATUS + "\n");
        assertTrue(!agent.equals(text), "the agent's http-port line was replaced");
        Files.writeString(file, agent
                + "network:\n"
                + "  cloud:\n"
                + "    url: ssl://localhost:" + CommsRunTest.freePort() + "\n"
                + "    fallback-port: " + CommsRunTest.freePort() + "\n"
                + "    ca-cert: " + dir.resolve("lab-ca.pem") + "\n"
                + "    ca-key: " + dir.resolve(caKey) + "\n"
                + "    attempt-timeout-ms: 4000\n");
        return file;
    }

    private Runner.Result run(Path profile, List<String> checks) throws Exception {
        Runner.Result result = VirtualBench.run(dir, VirtualBench.fixture(), profile, checks, null).result();
        VirtualBench.assertNothingLeftRunning();
        return result;
    }
}
