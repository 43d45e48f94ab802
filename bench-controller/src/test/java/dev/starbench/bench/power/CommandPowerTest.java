package dev.starbench.bench.power;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.PowerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/** The command driver against shell scripts that keep an outlet's state in a file, as a lab's tool would. */
public class CommandPowerTest {
    private Path dir;
    private Path outlet;

    @BeforeMethod
    public void scripts() throws Exception {
        dir = Files.createTempDirectory("starbench-command-power");
        outlet = dir.resolve("outlet");
        Files.writeString(outlet, "0\n");
        script("switch", "echo \"$1\" > \"" + outlet + "\"; echo \"outlet 3 switched $1\"");
        script("status", "read s < \"" + outlet + "\"; if [ \"$s\" = 1 ]; then echo ON; else echo OFF; fi");
        script("fails", "echo 'relay board not found' >&2; exit 4");
        script("hangs", "echo 'waiting for the relay board'; sleep 30");
        script("noisy", "printf 'state:\\033[31m ON\\033[0m\\n'");
    }

    private Path script(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private List<String> run(String name, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of(dir.resolve(name).toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    private CommandPower power(List<String> status, String statusOn, String statusOff, long timeoutMs) {
        return new CommandPower(new PowerConfig.Command(run("switch", "1"), run("switch", "0"), status, statusOn, statusOff,
                timeoutMs), Duration.ZERO);
    }

    @Test
    public void withAStatusCommandEverySwitchIsReadBackAndJournalledWithExitCodesAndOutput() throws Exception {
        CommandPower power = power(run("status"), "on", "off", 5000);

        assertEquals(power.status().level(), PowerState.Level.OFF);
        PowerState on = power.on();
        assertEquals(on.level(), PowerState.Level.ON);
        assertEquals(on.basis(), PowerState.Basis.CONFIRMED);
        assertTrue(on.detail().matches("power on: `" + dir + "/switch 1` exited 0 in \\d+ ms: outlet 3 switched 1; then `"
                + dir + "/status` exited 0 in \\d+ ms: ON"), on.detail());
        assertEquals(Files.readString(outlet), "1\n");
        assertFalse(power.off().isOn());
        assertEquals(Files.readString(outlet), "0\n");
    }

    @Test
    public void withoutAStatusCommandTheStateIsOnlyCommanded() throws Exception {
        CommandPower power = power(null, "on", "off", 5000);

        assertEquals(power.status().level(), PowerState.Level.UNKNOWN, "nothing switched, nothing read");
        PowerState on = power.on();
        assertEquals(on.basis(), PowerState.Basis.COMMANDED);
        assertTrue(on.detail().endsWith("; no status command, so the supply is not read back"), on.detail());
        assertEquals(power.status(), on);
    }

    @Test
    public void aFailingCommandIsABenchFaultWithItsExitCodeAndOutput() {
        CommandPower power = new CommandPower(new PowerConfig.Command(run("fails"), run("switch", "0"), run("status"), "on",
                "off", 5000), Duration.ZERO);
        BenchIoException e = expectThrows(BenchIoException.class, power::on);
        assertTrue(e.getMessage().matches("the power-on command failed: `" + dir + "/fails` exited 4 in \\d+ ms: relay board"
                + " not found"), e.getMessage());
    }

    @Test
    public void aCommandThatOverrunsIsKilledAndNamed() {
        CommandPower power = new CommandPower(new PowerConfig.Command(run("hangs"), run("switch", "0"), null, "on", "off",
                300), Duration.ZERO);
        BenchIoException e = expectThrows(BenchIoException.class, power::on);
        assertEquals(e.getMessage(), "`" + dir + "/hangs` did not finish within 300 ms and was killed: waiting for the"
                + " relay board");
    }

    @Test
    public void aStatusThatReadsTheOtherStateAfterASwitchIsABenchFault() throws Exception {
        // The switch "succeeds" but the outlet file is not touched: the status command still reads OFF.
        script("liar", "echo done");
        CommandPower power = new CommandPower(new PowerConfig.Command(run("liar"), run("switch", "0"), run("status"), "on",
                "off", 5000), Duration.ZERO);
        BenchIoException e = expectThrows(BenchIoException.class, power::on);
        assertTrue(e.getMessage().matches("the fixture's power commands \\(" + dir + "/liar\\): power on: `" + dir
                + "/liar` exited 0 in \\d+ ms: done, but the read-back says off: `" + dir + "/status` exited 0 in \\d+ ms: OFF"),
                e.getMessage());
    }

    @Test
    public void statusOutputIsComparedTrimmedAndFixtureWordsAreHonoured() throws Exception {
        script("numeric", "read s < \"" + outlet + "\"; echo \"  $s \"");
        CommandPower power = power(run("numeric"), "1", "0", 5000);
        assertTrue(power.on().isOn());
        assertEquals(power.status().level(), PowerState.Level.ON);
    }

    @Test
    public void unrecognisedStatusOutputIsUnknownWithTheOutputCleaned() {
        CommandPower power = power(run("noisy"), "on", "off", 5000);
        PowerState s = power.status();
        assertEquals(s.level(), PowerState.Level.UNKNOWN);
        assertTrue(s.detail().contains("state:?[31m ON?[0m (expected exit 0 and \"on\" or \"off\")"), s.detail());
    }

    @Test
    public void noShellIsInvolved() throws Exception {
        // An argument with shell syntax reaches the program as it is.
        new CommandPower(new PowerConfig.Command(run("switch", "1; touch " + dir.resolve("pwned")), run("switch", "0"),
                null, "on", "off", 5000), Duration.ZERO).on();
        assertFalse(Files.exists(dir.resolve("pwned")));
        assertEquals(Files.readString(outlet), "1; touch " + dir.resolve("pwned") + "\n");
    }
}
