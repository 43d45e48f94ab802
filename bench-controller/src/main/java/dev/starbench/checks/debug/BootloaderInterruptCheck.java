package dev.starbench.checks.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.PromptClassifier.Stage;
import dev.starbench.console.Prompts;
import dev.starbench.dut.Boot;
import dev.starbench.dut.Dut;
import dev.starbench.dut.Interrupt;
import java.time.Duration;
import java.util.EnumSet;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.6-4: the bootloader must not be interrupted into a prompt that runs commands. The
 * strategy boots from power-on while typing interrupt keys through the whole autoboot window (and past
 * the countdown, since U-Boot flushes what was typed before it); the check judges where that got.
 */
public class BootloaderInterruptCheck {
    /** Where an autoboot that was not interrupted shows itself: the kernel started, or the OS's prompt. */
    private static final EnumSet<Stage> RAN_THROUGH = EnumSet.of(Stage.KERNEL, Stage.ACTIVATE_CONSOLE, Stage.LOGIN,
            Stage.PASSWORD, Stage.SHELL);

    @Test
    @CheckId("debug.bootloader-interrupt")
    public void bootloaderCannotBeInterrupted(ITestContext testContext) throws BenchIoException {
        CheckContext ctx = CheckContext.of(testContext);
        if (ctx.profile().bootloader() == null) {
            throw new NotApplicable("the profile declares no bootloader (no `bootloader:` section)");
        }
        Dut dut = ctx.dut();
        Console console = dut.console();
        Evidence evidence = ctx.evidence();
        Duration commandTimeout = Duration.ofMillis(ctx.profile().timeouts().commandMs());

        Interrupt keys = Interrupt.of(ctx.profile());
        evidence.step("boot from power-on, typing interrupt keys every " + keys.interval().toMillis() + " ms: "
                + keys.keys().size() + " keys and stop strings (" + ctx.profile().bootloader().stopStrings().size()
                + " from the profile)");
        Boot boot = dut.freshBoot("debug.bootloader-interrupt: race the autoboot", keys);
        long powerOn = boot.powerOnAt();
        evidence.step(keys.typed() + " interrupt keys typed before the console decided");

        if (boot.stage() == Stage.BOOTLOADER_PASSWORD) {
            evidence.transcript("boot while typing interrupt keys", powerOn, boot.settledAt());
            evidence.finding("the autoboot stopped at a password gate; no password was tried, the gate stayed shut");
            return;
        }
        if (RAN_THROUGH.contains(boot.stage()) || boot.kernelStarted(console)) {
            evidence.transcript("boot while typing interrupt keys", powerOn, boot.settledAt());
            evidence.finding("autoboot ran through the whole window despite the interrupt keys; no bootloader prompt appeared");
            return;
        }
        if (boot.stage() != Stage.BOOTLOADER_PROMPT || boot.prompt() == null) {
            evidence.transcript("boot while typing interrupt keys", powerOn, console.position());
            throw new BenchFault("neither a bootloader prompt nor a kernel start within " + ctx.profile().timeouts().bootMs()
                    + " ms of power-on (last seen at stage " + boot.stage() + ")");
        }
        String prompt = boot.prompt().group(1);
        evidence.step("bootloader prompt `" + prompt.strip() + "` reached; clearing the typed line with Ctrl-C and sending `version`");
        try {
            // The space first: U-Boot reads ESC as the start of an escape sequence and takes the next key
            // into it, so an ESC the typer sent last would swallow the Ctrl-C.
            console.send(" \u0003");
            console.expect(commandTimeout, Prompts.BOOTLOADER_PROMPT);
            console.send("version\r");
            Console.Match version = console.expect(commandTimeout, Prompts.UBOOT_VERSION);
            console.expect(commandTimeout, Prompts.BOOTLOADER_PROMPT);
            evidence.transcript("bootloader prompt and `version`", powerOn, console.position());
            String finding = "autoboot was interrupted into a bootloader prompt (`" + prompt.strip()
                    + "`) that runs commands without authentication: `version` answered \"" + version.text().strip() + "\"";
            evidence.finding(finding);
            throw new AssertionError(finding);
        } catch (ExpectTimeout e) {
            evidence.transcript("bootloader prompt without an answer to `version`", powerOn, console.position());
            throw new BenchFault("a bootloader prompt appeared but `version` got no answer: " + e.getMessage(), e);
        }
    }
}
