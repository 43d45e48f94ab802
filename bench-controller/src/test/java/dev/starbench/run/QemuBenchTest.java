package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.Bench;
import dev.starbench.bench.qemu.QemuPower;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.debug.BootloaderInterruptCheck;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.console.Console;
import dev.starbench.console.Prompts;
import dev.starbench.console.Transcript;
import dev.starbench.dut.Dut;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import org.testng.IAnnotationTransformer;
import org.testng.ITestContext;
import org.testng.ITestListener;
import org.testng.ITestResult;
import org.testng.TestNG;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.ITestAnnotation;
import org.testng.annotations.Test;

/**
 * Stock U-Boot on QEMU's virt board as the DUT (Debian's u-boot-qemu): real firmware none of us wrote,
 * through the same pty, jSerialComm, Console and checks as a board on a relay.
 */
public class QemuBenchTest {
    private static final int CYCLES = 20;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-qemu");
    }

    @Test(timeOut = 300_000)
    public void theBootloaderCheckWinsTheAutobootRaceOnEachOf20PowerCycles() throws Exception {
        Path cycleDir = Files.createDirectories(dir.resolve("cycles"));
        DeviceProfile profile = ConfigLoader.loadProfile(QemuBench.profile());
        List<ITestResult> results = Collections.synchronizedList(new ArrayList<>());
        List<String> findings = Collections.synchronizedList(new ArrayList<>());
        SerialLink link;
        long started = System.nanoTime();
        Fixture fixture = ConfigLoader.loadFixture(QemuBench.fixture(cycleDir));
        try (Bench bench = Bench.open(fixture, profile);
             Console console = new Console(new Transcript(cycleDir.resolve("console.transcript")))) {
            // One serial handle for the whole test, as for a whole run: it must outlive 20 QEMU processes.
            link = bench.openSerial(console);
            console.attach(link);
            Dut dut = new Dut(bench.power(), bench.buttons(), console, bench, profile, (state, cause, reached) -> { });
            CheckContext context = new CheckContext(dut, new Evidence() {
                @Override
                public void step(String text) {
                }

                @Override
                public void transcript(String title, long from, long to) {
                    findings.add("transcript " + title + ": " + console.text(from, to));
                }

                @Override
                public void finding(String text) {
                    findings.add(text);
                }

                @Override
                public void note(String text) {
                }
            }, fixture, 0L, null);
            TestNG testng = new TestNG(false);
            testng.setUseDefaultListeners(false);
            testng.setVerbose(0);
            testng.setOutputDirectory(cycleDir.resolve("testng").toString());
            testng.setTestClasses(new Class<?>[] {BootloaderInterruptCheck.class});
            testng.addListener(new RepeatedCheck(context, results));
            testng.run();
            assertNull(link.failure(), "the serial handle survived every QEMU restart");
        }
        System.out.printf("QemuBenchTest: %d power cycles with the autoboot race in %.1f s%n", CYCLES,
                (System.nanoTime() - started) / 1e9);

        assertEquals(results.size(), CYCLES);
        for (ITestResult r : results) {
            // FAIL of the device: an AssertionError naming the prompt and what `version` answered.
            assertEquals(r.getStatus(), ITestResult.FAILURE, String.valueOf(r.getThrowable()));
            String reason = r.getThrowable().getMessage();
            assertTrue(r.getThrowable() instanceof AssertionError, reason);
            assertTrue(reason.contains("(`=>`)") && reason.contains("U-Boot 2023.01"), reason);
        }
        assertEquals(findings.stream().filter(f -> f.startsWith("transcript bootloader prompt and `version`")
                && f.contains("\n=> ") && f.contains("U-Boot 2023.01")).count(), (long) CYCLES, String.join("\n", findings));
        assertNoQemuOrSocatLeft();
    }

    /*
     * U-Boot's own `saveenv` cannot prove it here: Debian 12's QEMU 7.2 mis-emulates the CFI buffered
     * write U-Boot uses ("Flash buffer write timeout", QEMU issue #2343). So the environment is written
     * into the flash image as a board's factory would, and a guest write to the flash (an erase, which
     * QEMU does emulate) shows that what the guest changes outlives a power cycle too.
     */
    @Test(timeOut = 120_000)
    public void flashKeepsTheEnvironmentAcrossPowerCyclesAndResetRestartsTheGuest() throws Exception {
        Path flashDir = Files.createDirectories(dir.resolve("flash"));
        DeviceProfile profile = ConfigLoader.loadProfile(QemuBench.profile());
        Fixture fixture = ConfigLoader.loadFixture(QemuBench.fixture(flashDir));
        Path flash = fixture.qemu().drives().get(0).file();
        String mark = "sb" + UUID.randomUUID().toString().substring(0, 8);
        // Without a bootcmd U-Boot skips the countdown; this one fails like the stock one, with nothing to boot.
        writeEnvironment(flash, "bootdelay=2", "bootcmd=echo no OS here", "sbmark=" + mark);
        try (Bench bench = Bench.open(fixture, profile);
             Console console = new Console(new Transcript(flashDir.resolve("console.transcript")))) {
            console.attach(bench.openSerial(console));
            Dut dut = new Dut(bench.power(), bench.buttons(), console, bench, profile, (state, cause, reached) -> { });

            for (int cycle = 1; cycle <= 2; cycle++) {
                long bootStart = dut.powerCycle("test");
                stopAutoboot(console);
                // Nothing of the boot is lost: the banner comes right after the first blank lines.
                String boot = console.textSince(bootStart);
                assertTrue(boot.strip().startsWith("U-Boot 2023.01"), boot);
                assertTrue(boot.contains("Loading Environment from Flash... OK"), boot);
                String printed = command(console, "printenv sbmark");
                assertTrue(printed.contains("sbmark=" + mark), "power cycle " + cycle + ": " + printed);
            }

            String erased = command(console, "protect off 0x4000000 +0x40000; erase 0x4000000 +0x40000");
            assertTrue(erased.contains("Erased"), erased);
            long third = dut.powerCycle("test");
            stopAutoboot(console);
            assertTrue(console.textSince(third).contains("bad CRC, using default environment"), console.textSince(third));
            assertTrue(command(console, "printenv sbmark").contains("not defined"), "the erase outlived the power cycle");

            QemuPower qemu = (QemuPower) bench.power();
            List<ProcessHandle> before = QemuBench.qemuAndSocat(VirtualBench.liveChildren());
            long reset = console.position();
            qemu.reset();
            console.expect(WAIT, Prompts.UBOOT_VERSION);
            assertTrue(console.textSince(reset).contains("U-Boot 2023.01"));
            assertEquals(QemuBench.qemuAndSocat(VirtualBench.liveChildren()), before, "reset keeps the same QEMU");
        }
        assertNoQemuOrSocatLeft();
    }

    /** U-Boot's environment as qemu_arm64 keeps it at the start of flash bank 1: CRC32, then name=value pairs. */
    private static void writeEnvironment(Path flash, String... vars) throws Exception {
        byte[] env = new byte[0x40000];
        int at = 4;
        for (String v : vars) {
            byte[] b = (v + "\0").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, env, at, b.length);
            at += b.length;
        }
        CRC32 crc = new CRC32();
        crc.update(env, 4, env.length - 4);
        ByteBuffer.wrap(env).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue());
        try (RandomAccessFile f = new RandomAccessFile(flash.toFile(), "rw")) {
            f.setLength(64L << 20);
            f.write(env);
        }
    }

    @Test(timeOut = 120_000)
    public void aRunAgainstStockUbootFailsTheBootloaderAndCannotTestAnOsConsole() throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Runner.Result result = new Runner(new PrintStream(progress, true, StandardCharsets.UTF_8), Clock.systemUTC())
                .run(new Runner.Request(ConfigLoader.loadFixture(QemuBench.fixture(runDir)),
                        ConfigLoader.loadProfile(QemuBench.profile()), runDir.resolve("out"), runDir.resolve("leases"),
                        List.of()));

        Map<String, RunRecord.CheckResult> checks = VirtualRunTest.byId(result.record());
        RunRecord.CheckResult boot = checks.get("debug.bootloader-interrupt");
        assertEquals(boot.verdict(), Verdict.FAIL, boot.reason());
        assertTrue(boot.reason().contains("`=>`") && boot.reason().contains(
                "U-Boot 2023.01+dfsg"), boot.reason());
        String evidence = VirtualRunTest.evidenceText(boot);
        assertTrue(evidence.contains("Hit any key to stop autoboot") && evidence.contains("=> version"), evidence);
        RunRecord.CheckResult uart = checks.get("debug.uart-console");
        assertEquals(uart.verdict(), Verdict.INCONCLUSIVE, uart.reason());
        assertTrue(uart.reason().contains("never left the bootloader") && uart.reason().contains("not tested"),
                uart.reason());
        assertEquals(result.exitCode(), 1);
        assertEquals(result.record().finaliser().outcome(), "powered-off");
        assertNoQemuOrSocatLeft();
    }

    static void assertNoQemuOrSocatLeft() {
        List<ProcessHandle> left = QemuBench.qemuAndSocat(VirtualBench.liveChildren());
        assertTrue(left.isEmpty(), "left running: " + VirtualBench.describe(left));
    }

    private static void stopAutoboot(Console console) throws Exception {
        console.expect(WAIT, Prompts.AUTOBOOT);
        console.send(" ");
        console.expect(WAIT, Prompts.BOOTLOADER_PROMPT);
    }

    /** What the line printed up to the next prompt. */
    private static String command(Console console, String line) throws Exception {
        long from = console.position();
        console.send(line + "\r");
        Console.Match prompt = console.expect(WAIT, Prompts.BOOTLOADER_PROMPT);
        return console.text(from, prompt.start());
    }

    /** Runs the check {@value #CYCLES} times in one TestNG run, with the context `starbench run` would give. */
    private static final class RepeatedCheck implements IAnnotationTransformer, ITestListener {
        private final CheckContext context;
        private final List<ITestResult> results;

        RepeatedCheck(CheckContext context, List<ITestResult> results) {
            this.context = context;
            this.results = results;
        }

        @Override
        public void transform(ITestAnnotation annotation, Class testClass, Constructor testConstructor, Method testMethod) {
            annotation.setInvocationCount(CYCLES);
        }

        @Override
        public void onStart(ITestContext testContext) {
            testContext.setAttribute(CheckContext.ATTRIBUTE, context);
        }

        @Override
        public void onTestSuccess(ITestResult result) {
            results.add(result);
        }

        @Override
        public void onTestFailure(ITestResult result) {
            results.add(result);
        }

        @Override
        public void onTestSkipped(ITestResult result) {
            results.add(result);
        }
    }
}
