package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.net.LabPki;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The bench as the DUT's cloud against the virtual DUT: real TLS on loopback, certificates made by
 * Bouncy Castle, the embedded broker. Each comms flaw alone FAILs its check; the hardened device
 * PASSes them all; a device that cannot connect at all is INCONCLUSIVE.
 */
public class CommsRunTest {
    static final String TLS_ENFORCED = "comms.tls-enforced";
    static final String ROGUE = "comms.rogue-certificate";
    static final String VERSIONS = "comms.tls-versions";
    static final String REPLAY = "comms.replay";
    static final String SERVICES = "debug.network-services";
    static final String BROKER = "comms.broker-exposure";
    static final List<String> ALL = List.of(TLS_ENFORCED, ROGUE, VERSIONS, REPLAY);
    /** The virtual DUT's MQTT password (from virtual-hardened.yaml): it must appear nowhere. */
    static final String PASSWORD = "Qx7-vd2K-unit0001";

    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-comms");
        LabPki.Identity ca = LabPki.newCa("StarBench test lab CA");
        ca.writePem(dir.resolve("lab-ca.pem"), dir.resolve("lab-ca.key"));
        LabPki.Identity other = LabPki.newCa("StarBench test lab CA");
        other.writePem(dir.resolve("other-ca.pem"), dir.resolve("other-ca.key"));
    }

    @DataProvider
    public Object[][] flaws() {
        return new Object[][] {
                {"plaintext-mqtt", TLS_ENFORCED},
                {"falls-back-to-plaintext", TLS_ENFORCED},
                {"trusts-any-cert", ROGUE},
                {"ignores-hostname", ROGUE},
                {"accepts-expired", ROGUE},
                {"allows-tls10", VERSIONS},
                {"replayable-commands", REPLAY},
                {"telnet-open", SERVICES},
                {"anonymous-broker", BROKER},
        };
    }

    @Test(dataProvider = "flaws")
    public void eachFlawAloneFailsItsCheck(String flaw, String check) throws Exception {
        Runner.Result result = run(profile("lab-ca.key", flaw), List.of(check));
        RunRecord.CheckResult c = VirtualRunTest.byId(result.record()).get(check);
        assertEquals(c.verdict(), Verdict.FAIL, c.reason() + "\n" + VirtualRunTest.evidenceText(c));
        assertNoPassword(result);
    }

    @Test
    public void anOpenTelnetIsShownWithItsBanner() throws Exception {
        Runner.Result result = run(profile("lab-ca.key", "telnet-open"), List.of(SERVICES));
        RunRecord.CheckResult c = VirtualRunTest.byId(result.record()).get(SERVICES);
        String evidence = VirtualRunTest.evidenceText(c);
        // Named by its option negotiation and its prompt, not its port number; what it gives a stranger is shown.
        assertTrue(c.reason().matches("TCP port \\d+: telnet \\(vdut login: \\) reachable"), c.reason());
        assertTrue(evidence.contains("telnet (BusyBox v1.36.1 (2026-11-01 12:00:00 UTC) built-in shell; asks for a login);"
                + " it gives: vdut login: "), evidence);
        assertTrue(evidence.contains("discloses a version: BusyBox v1.36.1"), evidence);
        // the scan waited for the declared broker to answer; the probed UDP port has nothing behind it on loopback
        assertTrue(evidence.matches("(?s).*every declared service answered \\d+ ms after power-on.*"), evidence);
        assertTrue(evidence.matches("(?s).*UDP port \\d+ closed: ICMP port unreachable.*"), evidence);
    }

    /** Over TLS (the hardened pair is in the full hardened run below); in plaintext among the flaws above. */
    @Test
    public void anAnonymousTlsBrokerIsReadByTheBench() throws Exception {
        Runner.Result result = run(withTlsBroker(profile("lab-ca.key", "anonymous-broker")), List.of(BROKER));
        RunRecord.CheckResult c = VirtualRunTest.byId(result.record()).get(BROKER);
        String evidence = VirtualRunTest.evidenceText(c);
        assertEquals(c.verdict(), Verdict.FAIL, c.reason());
        assertTrue(c.reason().contains("ssl://127.0.0.1:") && c.reason().contains("anonymous CONNECT accepted"), c.reason());
        assertTrue(evidence.contains("issuer itself (self-signed)"), "the broker's certificate is shown:\n" + evidence);
        assertTrue(evidence.contains("$SYS/broker/"), "mosquitto's $SYS topics were read:\n" + evidence);
    }

    /**
     * The fixture names an external broker (mosquitto here, as on a Pi), over TLS only with a
     * certificate from a CA the fixture names: the DUT is relayed there and the replay check
     * publishes and listens there.
     */
    @Test
    public void anExternalBrokerFromTheFixtureCarriesTheCloudTraffic() throws Exception {
        try (TlsMosquitto mosquitto = TlsMosquitto.start(dir, "external-mosquitto", false)) {
            int port = mosquitto.port;
            Path fixtureFile = VirtualBench.fixtureWith(dir, "fixture-external-broker.yaml",
                    "cloud-broker:\n  url: ssl://localhost:" + port + "\n  ca-cert: external-mosquitto/ca.pem\n");

            Runner.Result hardened = run(fixtureFile, profile("lab-ca.key"), List.of(REPLAY));
            RunRecord.CheckResult replay = VirtualRunTest.byId(hardened.record()).get(REPLAY);
            String evidence = VirtualRunTest.evidenceText(replay);
            assertEquals(replay.verdict(), Verdict.PASS, replay.reason() + "\n" + evidence + "\nmosquitto: " + mosquitto.log());
            assertTrue(evidence.contains("the fixture's broker ssl://localhost:" + port), evidence);

            Runner.Result flawed = run(fixtureFile, profile("lab-ca.key", "replayable-commands"), List.of(REPLAY));
            assertEquals(VirtualRunTest.byId(flawed.record()).get(REPLAY).verdict(), Verdict.FAIL);
        }
    }

    @Test
    public void theHardenedDevicePassesEveryCommsCheck() throws Exception {
        List<String> all = new java.util.ArrayList<>(ALL);
        all.add(SERVICES);
        all.add(BROKER);
        // The DUT's broker speaks TLS here; the shipped hardened profile's plaintext broker passes in VirtualRunTest.
        Runner.Result result = run(withTlsBroker(profile("lab-ca.key")), all);
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(result.record());
        for (String id : all) {
            assertEquals(checks.get(id).verdict(), Verdict.PASS, id + ": " + checks.get(id).reason() + "\n"
                    + VirtualRunTest.evidenceText(checks.get(id)));
        }
        String rogue = VirtualRunTest.evidenceText(checks.get(ROGUE));
        for (String row : List.of("control", "self-signed", "untrusted-ca", "wrong-host", "expired")) {
            assertTrue(rogue.contains(row), "an evidence row for " + row + ":\n" + rogue);
        }
        assertTrue(rogue.contains("TLS handshake failed"), rogue);
        assertTrue(rogue.contains("password [redacted]"), "the CONNECT is shown with its password redacted:\n" + rogue);
        String broker = VirtualRunTest.evidenceText(checks.get(BROKER));
        assertTrue(broker.contains("ssl://127.0.0.1:") && broker.contains("self-signed"), broker);
        assertEquals(result.exitCode(), 0);
        assertNoPassword(result);
    }

    @Test
    public void aDeviceThatCannotConnectIsInconclusive() throws Exception {
        // The profile names a lab CA key that did not sign its certificate: the DUT can trust nothing the bench shows.
        Runner.Result result = run(profile("other-ca.key"), ALL);
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(result.record());
        for (String id : ALL) {
            assertEquals(checks.get(id).verdict(), Verdict.INCONCLUSIVE, id + ": " + checks.get(id).reason());
        }
    }

    @Test
    public void aConsoleOnlyProfileMakesTheCommsChecksNotApplicable() throws Exception {
        List<String> all = new java.util.ArrayList<>(ALL);
        all.add(SERVICES);
        all.add(BROKER);
        Runner.Result result = run(VirtualBench.consoleOnlyProfile(dir), all);
        for (RunRecord.CheckResult c : result.record().checks()) {
            assertEquals(c.verdict(), Verdict.NOT_APPLICABLE, c.id());
            assertTrue(c.reason().contains("network"), c.reason());
        }
    }

    private void assertNoPassword(Runner.Result result) throws Exception {
        try (var files = Files.walk(result.runDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(PASSWORD), f + " holds the password");
            }
        }
    }

    private Path profile(String caKey, String... flaws) throws Exception {
        String hardened = VirtualBench.withoutNetwork(Files.readString(VirtualBench.profile("virtual-hardened")));
        int brokerPort = freePort();
        String text = hardened.replace("flaws: []", "flaws: [" + String.join(", ", flaws) + "]")
                + "network:\n"
                + "  address: 127.0.0.1\n"
                + "  scan-ports: " + freePort() + "\n"
                // a free loopback port, not the host's own SNMP or mDNS (the default UDP ports)
                + "  udp-ports: [" + freePort() + "]\n"
                + "  services: [{port: " + brokerPort + ", name: mqtt}]\n"
                + "  broker: {port: " + brokerPort + "}\n"
                + "  replay-protection: true\n"
                + "  cloud:\n"
                + "    url: ssl://localhost:" + freePort() + "\n"
                + "    fallback-port: " + freePort() + "\n"
                + "    ca-cert: " + dir.resolve("lab-ca.pem") + "\n"
                + "    ca-key: " + dir.resolve(caKey) + "\n"
                + "    command-topic: vcam/cmd\n"
                + "    status-topic: vcam/status\n"
                + "    attempt-timeout-ms: 6000\n";
        Path file = Files.createTempFile(dir, "profile-" + String.join("+", flaws), ".yaml");
        Files.writeString(file, text);
        return file;
    }

    private static Path withTlsBroker(Path profile) throws Exception {
        String text = Files.readString(profile);
        String plain = text.substring(text.indexOf("  broker: {port: "), text.indexOf("}\n", text.indexOf("  broker: {port: ")));
        Files.writeString(profile, text.replace(plain + "}", plain + ", tls: true}"));
        return profile;
    }

    /**
     * A free port below Linux's ephemeral range (32768+): the cloud port is closed between phases,
     * and an outgoing connection must not take it meanwhile, as it could take an ephemeral one.
     */
    static int freePort() throws Exception {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 100; i++) {
            int port = 20000 + random.nextInt(12000);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (java.io.IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port in 20000-31999");
    }

    private Runner.Result run(Path profile, List<String> checks) throws Exception {
        return run(VirtualBench.fixture(), profile, checks);
    }

    private Runner.Result run(Path fixture, Path profile, List<String> checks) throws Exception {
        VirtualBench.Run run = VirtualBench.run(dir, fixture, profile, checks, null);
        assertFalse(run.progress().contains(PASSWORD), "progress output holds the password");
        return run.result();
    }
}
