package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.console.Prompts;
import dev.starbench.console.Transcript;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Whole runs against the real-Linux DUT (scripts/build-linux-dut) through the shipped fixture and profiles:
 * every flaw FAILs its check with what the real program gave (BusyBox ash's root shell and the secrets in the
 * boot log, BusyBox login taking root/root, U-Boot's prompt, BusyBox telnetd's login, libcoap's resource list,
 * mosquitto letting a stranger in, dropbear named SSH by its banner), and the hardened build PASSes the same
 * checks, its console login refusing the whole default list at BusyBox's 3 s a failure. One boot serves the
 * checks of a run where the strategy can reuse it.
 */
public class QemuLinuxRunTest {
    static final String CONSOLE = "debug.uart-console";
    static final String BOOTLOADER = "debug.bootloader-interrupt";
    static final String SERVICES = "debug.network-services";
    static final String BROKER = "comms.broker-exposure";
    static final List<String> CHECKS = List.of(CONSOLE, BOOTLOADER, SERVICES, BROKER);

    private Path dir;

    @BeforeClass(timeOut = 1_260_000)
    public void buildTheImage() throws Exception {
        LinuxDutImage.ensure();
        dir = Files.createTempDirectory("starbench-linux-run");
    }

    private Map<String, RunRecord.CheckResult> run(String profile) throws Exception {
        return VirtualRunTest.byId(runProfile(profile, VirtualBench.profile(profile), CHECKS).result().record());
    }

    private VirtualBench.Run runProfile(String profile, Path profileFile, List<String> checkIds) throws Exception {
        Path work = Files.createDirectories(dir.resolve(profile));
        long t0 = System.nanoTime();
        VirtualBench.Run run = VirtualBench.run(work, QemuBench.linuxFixture(work), profileFile, checkIds, null);
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(run.result().record());
        System.out.printf("QemuLinuxRunTest %s: %d s; boot times %s ms; %s%n", profile, (System.nanoTime() - t0) / 1_000_000_000,
                checks.values().stream().flatMap(c -> c.measurements().stream()).filter(m -> m.name().equals("boot-time"))
                        .map(m -> Long.toString((long) m.value())).toList(),
                checks.values().stream().map(c -> c.id() + " " + c.durationMs() + " ms" + c.measurements().stream()
                        .filter(m -> m.name().equals("scan-start")).map(m -> " (scan " + (long) m.value() + " ms after power-on)")
                        .findFirst().orElse("")).toList());
        QemuBenchTest.assertNoQemuOrSocatLeft();
        return run;
    }

    @Test(timeOut = 600_000)
    public void theInsecureBuildFailsEachCheckWithWhatTheRealProgramGave() throws Exception {
        Map<String, RunRecord.CheckResult> checks = run("qemu-linux-insecure");
        for (String id : CHECKS) {
            assertEquals(checks.get(id).verdict(), Verdict.FAIL, id + ": " + checks.get(id).reason() + "\n"
                    + VirtualRunTest.evidenceText(checks.get(id)));
        }
        String console = checks.get(CONSOLE).reason();
        assertTrue(console.contains("the console gives an interactive shell without login (uid=0(root))"), console);
        assertTrue(console.contains("EC PRIVATE KEY") && console.contains("psk=[masked"), console);
        String bootloader = checks.get(BOOTLOADER).reason();
        assertTrue(bootloader.contains("`=>`") && bootloader.contains("U-Boot 2023.01"), bootloader);

        RunRecord.CheckResult services = checks.get(SERVICES);
        String evidence = VirtualRunTest.evidenceText(services);
        // BusyBox telnetd named by its negotiation and login's prompt, not by port 23; libcoap by its answer.
        assertTrue(services.reason().contains("TCP port 21923: telnet (linux-dut login: ) reachable"), services.reason());
        assertTrue(services.reason().contains("UDP port 21956: CoAP answers but is not declared (a CoAP server answers GET"
                + " /.well-known/core with 2.05: </>;"), services.reason());
        assertTrue(evidence.contains("TCP port 21922: SSH (SSH-2.0-dropbear_2022.83)"), evidence);
        assertTrue(evidence.contains("discloses a version: dropbear_2022.83"), evidence);
        assertTrue(evidence.contains("TCP port 21983: MQTT (answers an anonymous MQTT CONNECT with CONNACK CONNECTION_ACCEPTED)"),
                evidence);
        assertScanWaitedForTheDevice(services);

        String broker = checks.get(BROKER).reason();
        assertTrue(broker.contains("tcp://127.0.0.1:21983") && broker.contains("anonymous CONNECT accepted"), broker);
        assertTrue(VirtualRunTest.evidenceText(checks.get(BROKER)).contains("$SYS/broker/"), "mosquitto's own topics were read");
    }

    @Test(timeOut = 600_000)
    public void theHardenedBuildPassesTheSameChecks() throws Exception {
        VirtualBench.Run run = runProfile("qemu-linux-hardened", VirtualBench.profile("qemu-linux-hardened"), CHECKS);
        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(run.result().record());
        for (String id : CHECKS) {
            assertEquals(checks.get(id).verdict(), Verdict.PASS, id + ": " + checks.get(id).reason() + "\n"
                    + VirtualRunTest.evidenceText(checks.get(id)));
        }
        RunRecord.CheckResult services = checks.get(SERVICES);
        String evidence = VirtualRunTest.evidenceText(services);
        // QEMU accepts on 21923 with nothing behind it in the guest: no service, and the evidence says why.
        assertTrue(evidence.contains("TCP port 21923: no service (accepts, then silent) (accepted a connection and closed it"
                + " without a byte, also after every probe: nothing answers there, as behind a port forwarder"), evidence);
        assertTrue(evidence.contains("TCP port 21983: MQTT (answers an anonymous MQTT CONNECT with CONNACK"
                + " CONNECTION_REFUSED_NOT_AUTHORIZED)"), evidence);
        // QEMU's user network sends no ICMP back for a guest port where nothing listens: UDP cannot tell.
        assertTrue(evidence.contains("UDP port 21956 open|filtered: no answer"), evidence);
        assertScanWaitedForTheDevice(services);
        assertTrue(VirtualRunTest.evidenceText(checks.get(BROKER)).contains("refused a random credential, an anonymous CONNECT"
                + " and all 46 default credentials"));
        String console = VirtualRunTest.evidenceText(checks.get(CONSOLE));
        assertTrue(console.contains("46 of 46 default credentials tried in"), console);
        assertEachCredentialTypedWhole(run.result().runDir().resolve("console.transcript"), console);
    }

    /**
     * BusyBox login reaches the bench in pieces through a UART ("\r\nlo", "gin: bad salt" for its locked admin
     * account; "Password:" before its space): every credential counted was typed whole, its user name at a whole
     * login prompt and its password at a whole "Password: ", and the answer times are BusyBox's own (its 3 s
     * failure delay; for the locked account, login's exit and getty's respawn), not a race with them.
     */
    private static void assertEachCredentialTypedWhole(Path transcript, String evidence) throws IOException {
        List<String> typed = credentialsTypedWhole(transcript);
        assertEquals(typed.subList(1, typed.size()), defaultCredentials(), "after the random control, each default credential"
                + " once, in order, its password typed at a whole password prompt");
        Matcher times = Pattern.compile("answered in (\\d+) ms \\(fastest\\), (\\d+) ms \\(median\\), (\\d+) ms \\(slowest\\)")
                .matcher(evidence);
        assertTrue(times.find(), evidence);
        assertTrue(Long.parseLong(times.group(1)) >= 1000, "every answer is BusyBox's own delay, none a race with it: " + times.group());
    }

    /** "user/password" for each user name typed at a whole login prompt and then its password at a whole "Password: ". */
    private static List<String> credentialsTypedWhole(Path transcript) throws IOException {
        Pattern passwordPrompt = Pattern.compile("Password: (?:\\r?\\n?\\[ {0,6}\\d{1,6}\\.\\d{1,6}\\][^\\n]{0,200}\\n){0,3}$");
        List<String> typed = new ArrayList<>();
        StringBuilder shown = new StringBuilder();   // what the console printed since the bench last typed a line
        String user = null;
        for (Transcript.Chunk c : Transcript.read(transcript)) {
            String text = new String(c.data(), StandardCharsets.ISO_8859_1);
            if (c.direction() == Transcript.Direction.RX) {
                shown.append(text);
            } else if (c.direction() == Transcript.Direction.TX && text.endsWith("\r")) {
                String line = text.substring(0, text.length() - 1);
                if (Prompts.LOGIN.matcher(shown).find()) {
                    user = line;
                } else if (user != null && passwordPrompt.matcher(shown).find()) {
                    typed.add(user + "/" + line);
                    user = null;
                } else {
                    user = null;
                }
                shown.setLength(0);
            }
        }
        return typed;
    }

    private static List<String> defaultCredentials() throws IOException {
        try (InputStream in = QemuLinuxRunTest.class.getResourceAsStream("/dev/starbench/checks/default-credentials.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.contains("\t") ? l.replace('\t', '/') : l + "/").toList();
        }
    }

    /** BusyBox login on the console takes root/root (default-password alone: without root-console, there is a login). */
    @Test(timeOut = 600_000)
    public void busyboxLoginTakesTheDefaultPassword() throws Exception {
        Path profile = Files.writeString(dir.resolve("qemu-linux-default-password.yaml"), Files.readString(VirtualBench
                .profile("qemu-linux-insecure")).replaceAll("(?s)  flaws: \\[.*?\\]", "  flaws: [default-password]"));
        RunRecord.CheckResult console = VirtualRunTest.byId(runProfile("qemu-linux-default-password", profile, List.of(CONSOLE))
                .result().record()).get(CONSOLE);

        assertEquals(console.verdict(), Verdict.FAIL, console.reason() + "\n" + VirtualRunTest.evidenceText(console));
        assertTrue(console.reason().contains("root/root"), console.reason());
    }

    /** The scan started once the declared services answered and the profile's settle time (20 s) had passed. */
    private static void assertScanWaitedForTheDevice(RunRecord.CheckResult services) {
        String evidence = VirtualRunTest.evidenceText(services);
        assertTrue(evidence.contains("every declared service answered"), evidence);
        double start = services.measurements().stream().filter(m -> m.name().equals("scan-start")).findFirst().orElseThrow().value();
        assertTrue(start >= 20_000, "the scan started " + start + " ms after power-on");
    }
}
