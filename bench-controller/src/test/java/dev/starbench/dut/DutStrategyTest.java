package dev.starbench.dut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotSame;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.power.PowerState;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.console.Console;
import dev.starbench.console.Login;
import dev.starbench.console.Prompts;
import dev.starbench.console.ShellProbe;
import dev.starbench.console.Transcript;
import dev.starbench.run.VirtualBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The Dut's strategy against the virtual DUT over its real pty and GPIO driver: it boots only when the
 * device is not where a check needs it, confirms a reused device with a probe, notices a device that
 * restarted behind its back, and names the stage last seen when a transition fails.
 */
public class DutStrategyTest {
    private static final String UNIT_PASSWORD = "Qx7-vd2K-unit0001";
    private Path dir;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-dut");
    }

    @Test(timeOut = 120_000)
    public void aBootedDeviceIsReusedUntilItRestartsAndEachBootIsMeasuredOnce() throws Exception {
        try (Rig rig = new Rig(VirtualBench.profileWithFlaws(dir))) {
            Boot first = rig.dut.transition(Dut.State.LOGIN, "test: first");
            assertTrue(first.reachedOs(), first.toString());
            assertEquals(rig.dut.state(), Dut.State.LOGIN);
            assertEquals(rig.powerOns(), 1);

            long before = rig.console.position();
            assertSame(rig.dut.transition(Dut.State.LOGIN, "test: again"), first, "reused, not booted again");
            assertEquals(rig.powerOns(), 1);
            assertTrue(rig.console.textSince(before).contains("login: "), "the probe got the login prompt again");
            assertTrue(rig.steps.stream().anyMatch(s -> s.startsWith("the device is still at LOGIN")), rig.steps.toString());

            // A supply glitch behind the strategy's back: the device boots again by itself.
            rig.bench.power().off();
            rig.bench.power().sleepOffTime();
            rig.bench.power().on();
            rig.console.expect(Duration.ofSeconds(20), Prompts.LOGIN);
            Boot second = rig.dut.transition(Dut.State.LOGIN, "test: after a glitch");
            assertNotSame(second, first);
            assertEquals(rig.powerOns(), 2, "a restart the bench did not make is not a boot it watched");
            assertTrue(rig.steps.stream().anyMatch(s -> s.contains("restarted on its own")), rig.steps.toString());
            assertEquals(rig.booted, List.of(first, second), "each boot reported once, with its time");
        }
    }

    @Test(timeOut = 120_000)
    public void aFailedTransitionNamesTheStageAndAShellNeedsACredential() throws Exception {
        try (Rig rig = new Rig(VirtualBench.profileWithFlaws(dir))) {
            TransitionFailed noPrompt = expectThrows(TransitionFailed.class,
                    () -> rig.dut.transition(Dut.State.BOOTLOADER, "test: bootloader"));
            assertTrue(noPrompt.getMessage().contains("did not reach BOOTLOADER for test: bootloader: it was last seen at stage LOGIN"),
                    noPrompt.getMessage());
            assertEquals(rig.transcripts, List.of("the boot that did not reach BOOTLOADER"));

            TransitionFailed noCredential = expectThrows(TransitionFailed.class, () -> rig.dut.transition(Dut.State.SHELL, "test: shell"));
            assertTrue(noCredential.getMessage().contains("did not reach SHELL"), noCredential.getMessage());
            int ons = rig.powerOns();
            rig.dut.transition(Dut.State.SHELL, "test: shell", new Login.Credential("admin", UNIT_PASSWORD));
            assertEquals(rig.dut.state(), Dut.State.SHELL);
            assertEquals(rig.powerOns(), ons, "logged in at the login it was at");
            rig.dut.transition(Dut.State.LOGIN, "test: booted");
            assertEquals(rig.dut.state(), Dut.State.SHELL, "a shell serves a check that needs the device booted");
            assertEquals(rig.powerOns(), ons);
        }
    }

    @Test(timeOut = 120_000)
    public void anOpenBootloaderIsReachedByTypingKeysAndReusedWithCtrlC() throws Exception {
        try (Rig rig = new Rig(VirtualBench.profileWithFlaws(dir, "bootloader-open"))) {
            Boot boot = rig.dut.transition(Dut.State.BOOTLOADER, "test: bootloader");
            assertEquals(boot.stage(), dev.starbench.console.PromptClassifier.Stage.BOOTLOADER_PROMPT);
            assertTrue(!boot.reachedOs() && boot.bootTime() == null, "no OS came up, so no boot time");
            assertSame(rig.dut.transition(Dut.State.BOOTLOADER, "test: again"), boot);
            assertEquals(rig.powerOns(), 1);
            assertTrue(rig.console.transcript().file().toFile().exists());
            String sent = Files.readString(rig.console.transcript().file());
            assertTrue(sent.lines().filter(l -> l.contains(" TX ")).reduce((a, b) -> b).orElseThrow().endsWith("TX \"\\x03\""),
                    "the probe at a bootloader prompt is Ctrl-C, never Enter");

            rig.dut.transition(Dut.State.LOGIN, "test: the OS");
            assertEquals(rig.powerOns(), 2, "a device at its bootloader is booted again for its OS");
            assertEquals(rig.dut.state(), Dut.State.LOGIN);
        }
    }

    @Test(timeOut = 120_000)
    public void aColourShellWaitingForItsCursorReportIsReachedAndReusedThroughTheProbe() throws Exception {
        Path ansi = dir.resolve("virtual-hardened-ansi.yaml");
        Files.writeString(ansi, Files.readString(VirtualBench.profileWithFlaws(dir))
                .replace("\nsimulation:\n", "\nsimulation:\n  ansi-console: true\n"));
        try (Rig rig = new Rig(ansi)) {
            rig.dut.transition(Dut.State.SHELL, "test: shell", new Login.Credential("admin", UNIT_PASSWORD));
            assertEquals(rig.dut.state(), Dut.State.SHELL, "logged in at a colour prompt followed by ESC[6n");

            long before = rig.console.position();
            rig.dut.transition(Dut.State.SHELL, "test: again");
            assertEquals(rig.powerOns(), 1, "the probe's Enter got the colour prompt again: reused, not booted again");
            assertTrue(rig.steps.stream().anyMatch(s -> s.startsWith("the device is still at SHELL")), rig.steps.toString());
            // The shell reads nothing before the terminal's report (the virtual DUT gives up after 5 s): a working
            // shell within 3 s means the bench answered the query.
            assertEquals(new ShellProbe(rig.console, Duration.ofSeconds(3), new Random(7)).confirm().uid(), 1000);
            // Only now: the probe acts on the prompt as the terminal shows it, which may be before the query's bytes.
            assertTrue(rig.console.textSince(before).contains("\u001b[6n"), "the prompt the probe got asked for the cursor");
        }
    }

    @Test(timeOut = 120_000)
    public void aSupplyWhoseStateIsUnknownIsSwitchedOffBeforeAFreshBoot() throws Exception {
        try (Rig rig = new Rig(VirtualBench.profileWithFlaws(dir), Unreadable::new)) {
            rig.dut.freshBoot("test: first");
            // Unknown may be on: switching on again would leave the device running, not booting afresh.
            Boot second = rig.dut.freshBoot("test: second");
            assertTrue(second.reachedOs(), second.toString());
            assertEquals(rig.power, List.of("off", "on", "off", "on"));
        }
    }

    /** The bench's relay, switched as ever, behind a read-back that has stopped answering (a PDU's status OID). */
    private record Unreadable(PowerProtocol relay) implements PowerProtocol {
        @Override
        public PowerState on() throws BenchIoException {
            return relay.on();
        }

        @Override
        public PowerState off() throws BenchIoException {
            return relay.off();
        }

        @Override
        public PowerState status() {
            return PowerState.unknown("the outlet's status did not answer");
        }

        @Override
        public String describe() {
            return relay.describe();
        }

        @Override
        public Duration offTime() {
            return relay.offTime();
        }
    }

    /** The virtual bench, its console and a Dut whose listener records what the strategy did. */
    private final class Rig implements AutoCloseable {
        final Bench bench;
        final Console console;
        final Dut dut;
        final List<String> power = Collections.synchronizedList(new ArrayList<>());
        final List<String> steps = Collections.synchronizedList(new ArrayList<>());
        final List<String> transcripts = Collections.synchronizedList(new ArrayList<>());
        final List<Boot> booted = Collections.synchronizedList(new ArrayList<>());

        Rig(Path profileFile) throws Exception {
            this(profileFile, UnaryOperator.identity());
        }

        /** With {@code around} wrapped around the bench's own switch. */
        Rig(Path profileFile, UnaryOperator<PowerProtocol> around) throws Exception {
            DeviceProfile profile = ConfigLoader.loadProfile(profileFile);
            Fixture fixture = ConfigLoader.loadFixture(VirtualBench.fixture());
            bench = Bench.open(fixture, profile);
            console = new Console(new Transcript(Files.createTempDirectory(dir, "rig").resolve("console.transcript")));
            console.attach(bench.openSerial(console));
            dut = new Dut(around.apply(bench.power()), bench.buttons(), console, bench, profile, new Dut.Listener() {
                @Override
                public void power(String state, String cause, PowerState reached) {
                    power.add(state);
                }

                @Override
                public void step(String text) {
                    steps.add(text);
                }

                @Override
                public void transcript(String title, long from, long to) {
                    transcripts.add(title);
                }

                @Override
                public void booted(Boot boot) {
                    booted.add(boot);
                }
            });
        }

        int powerOns() {
            return (int) power.stream().filter("on"::equals).count();
        }

        @Override
        public void close() {
            try {
                bench.power().off();
            } catch (Exception e) {
                // the bench closes anyway
            }
            console.close();
            bench.close();
        }
    }
}
