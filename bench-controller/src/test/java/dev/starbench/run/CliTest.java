package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.testng.annotations.Test;

/** The command line as a user meets it: exit codes and messages. */
public class CliTest {

    @Test
    public void aProfileWithAnUnknownFieldExits3NamingItsLine() throws Exception {
        Path dir = Files.createTempDirectory("starbench-cli");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(VirtualBench.profile("virtual-hardened"))
                .replace("  baud: 115200\nbootloader:", "  baud: 115200\n  speed: fast\nbootloader:"));
        Captured c = cli("run", "--fixture", VirtualBench.fixture().toString(), "--device", bad.toString(),
                "--out", dir.resolve("out").toString(), "--lease-dir", dir.resolve("leases").toString());
        assertEquals(c.exit, 3, c.err);
        assertTrue(c.err.contains("bad.yaml:11:3: console.speed: unknown field"), c.err);
        assertTrue(Files.notExists(dir.resolve("out")), "bad input starts no run");
    }

    @Test
    public void validateAcceptsTheShippedFilesAndNamesTheBadOne() throws Exception {
        Path bad = Files.createTempFile("fixture", ".yaml");
        Files.writeString(bad, "bench-id: b\ngpio:\n  provider: foo\n");
        Captured c = cli("validate", VirtualBench.fixture().toString(), VirtualBench.profile("virtual-insecure").toString(),
                bad.toString());
        assertEquals(c.exit, 3);
        assertTrue(c.out.contains("ok: " + VirtualBench.fixture()), c.out);
        assertTrue(c.err.contains(":3:13: gpio.provider: unknown value 'foo'"), c.err);
    }

    @Test
    public void listChecksNamesEachCheckWithItsRequirements() throws Exception {
        Captured c = cli("list-checks");
        assertEquals(c.exit, 0);
        assertTrue(c.out.contains("debug.uart-console") && c.out.contains("S1.1-13") && c.out.contains("EN303645-5.6-4"), c.out);
        assertTrue(c.out.contains("debug.bootloader-interrupt"), c.out);
    }

    @Test
    public void aBenchHeldByAnotherRunExits4() throws Exception {
        Path dir = Files.createTempDirectory("starbench-busy");
        try (BenchLease held = BenchLease.acquire(dir, "virtual-bench", "other-run", Duration.ofMinutes(5), Clock.systemUTC())) {
            Captured c = cli("run", "--fixture", VirtualBench.fixture().toString(),
                    "--device", VirtualBench.profile("virtual-hardened").toString(),
                    "--out", dir.resolve("out").toString(), "--lease-dir", dir.toString());
            assertEquals(c.exit, 4, c.err);
            assertTrue(c.err.contains("bench virtual-bench is busy: run other-run"), c.err);
        }
    }

    @Test
    public void portsListsAdaptersOrSaysThereAreNone() {
        Captured c = cli("ports");
        assertEquals(c.exit, 0);
        assertTrue(c.out.contains("usb-serial") && c.out.contains("usb-location"), c.out);
    }

    @Test
    public void anAbsentAdapterMakesEveryCheckInconclusiveWithTheReason() throws Exception {
        Path dir = Files.createTempDirectory("starbench-absent");
        Captured c = cli("run", "--fixture", absentAdapterFixture(dir).toString(), "--device", VirtualBench.profile("virtual-hardened").toString(),
                "--out", dir.resolve("out").toString(), "--lease-dir", dir.resolve("leases").toString());
        assertEquals(c.exit, 2, c.out + c.err);
        assertTrue(c.out.contains("serial adapter with USB serial number NO-SUCH-ADAPTER is not attached"), c.out);
        Path record = Files.list(dir.resolve("out")).findFirst().orElseThrow().resolve("record.json");
        String json = Files.readString(record);
        assertTrue(json.contains("\"verdict\" : \"INCONCLUSIVE\"") && !json.contains("\"verdict\" : \"PASS\""), json);
    }

    /**
     * A real `starbench run`, in its own JVM so that logging starts with it, prints its progress and
     * nothing of the logging library's own: no status lines (logback prints its whole status when its
     * configuration has so much as a warning).
     */
    @Test(timeOut = 120_000)
    public void aRunPrintsNoLoggingStatus() throws Exception {
        Path dir = Files.createTempDirectory("starbench-quiet-log");
        Process run = VirtualBench.startRun(dir, absentAdapterFixture(dir), VirtualBench.profile("virtual-hardened"));
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(run.waitFor(), 2, out);
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertTrue(out.contains("Summary:"), "the run ran: " + out);
        for (String printed : new String[] {out, err}) {
            assertFalse(printed.contains("ch.qos.logback") || printed.matches("(?s).*\\|-(INFO|WARN|ERROR) in .*"),
                    "logging status printed:\n" + printed);
        }
    }

    /**
     * A run that plays the DUT's cloud starts the embedded broker, whose Netty warns on a machine where no
     * interface has a MAC (the test forks' network namespaces, a container); stderr stays empty all the same.
     */
    @Test(timeOut = 180_000)
    public void aRunThatPlaysTheCloudPrintsNothingOnStderr() throws Exception {
        Path dir = Files.createTempDirectory("starbench-quiet-cloud");
        Process run = VirtualBench.startRun(dir, VirtualBench.fixture(), VirtualBench.profile("virtual-hardened"), "--check",
                "comms.rogue-certificate");
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(run.waitFor(), 0, out);
        assertTrue(out.contains("Summary:") && out.contains("1 PASS"), "the run ran: " + out);
        assertEquals(Files.readString(dir.resolve("stderr.txt")), "");
    }

    /** A bench whose serial adapter is not attached: every check is INCONCLUSIVE at once, no device needed. */
    private static Path absentAdapterFixture(Path dir) throws Exception {
        return Files.writeString(dir.resolve("absent.yaml"), "bench-id: absent-bench\ngpio:\n  provider: mock\npower:\n"
                + "  driver: gpio-relay\n  pin: 17\nserial:\n  usb-serial: NO-SUCH-ADAPTER\nlogging:\n  com.pi4j.boardinfo: \"OFF\"\n");
    }

    record Captured(int exit, String out, String err) {
    }

    static synchronized Captured cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = dev.starbench.cli.MainAccess.execute(args);
            return new Captured(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
