package dev.starbench.checks.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Prompts;
import dev.starbench.report.Measurement;
import dev.starbench.console.SecretScanner;
import dev.starbench.dut.Dut;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.6-4: the serial console must not hand out a shell. Captures a whole boot, wakes the
 * console, and FAILs on a shell without login, on a login that takes a universal default credential
 * (or any credential), and on a secret printed in the boot log.
 */
public class UartConsoleCheck {

    @Test
    @CheckId("debug.uart-console")
    public void uartConsoleRequiresAuthentication(ITestContext testContext) throws BenchIoException {
        CheckContext ctx = CheckContext.of(testContext);
        if (ctx.profile().console() == null) {
            throw new NotApplicable("the profile declares no serial console (no `console:` section)");
        }
        Dut dut = ctx.dut();
        Console console = dut.console();
        Evidence evidence = ctx.evidence();
        Duration commandTimeout = Duration.ofMillis(ctx.profile().timeouts().commandMs());

        evidence.step("power-cycle and capture the whole boot at " + describeBaud(ctx) + " baud");
        long bootStart = dut.powerCycle("debug.uart-console: capture the boot");
        long poweredAt = System.nanoTime();
        Console.Match prompt = awaitConsolePrompt(dut, evidence, bootStart, commandTimeout);
        long bootEnd = console.position();
        if (prompt != null) {
            // Plotted per power cycle in the report; the profile's boot timeout is the limit.
            evidence.measurement(Measurement.atMost("boot-time", (System.nanoTime() - poweredAt) / 1_000_000,
                    "ms", ctx.profile().timeouts().bootMs()));
        }
        evidence.transcript("boot log", bootStart, bootEnd);

        // Each finding is journaled as soon as it is made, so a later bench fault cannot lose it.
        List<String> failures = new ArrayList<>();
        Consumer<String> fail = finding -> {
            evidence.finding(finding);
            failures.add(finding);
        };
        for (SecretScanner.Leak leak : SecretScanner.scan(console.text(bootStart, bootEnd))) {
            fail.accept("the boot log prints a secret (" + leak.kind() + "): " + leak.maskedLine());
        }
        if (prompt == null) {
            evidence.finding("the console printed the boot but offered no login or shell, also after \" \\r\\n\" and Ctrl-C");
        } else if (prompt.pattern() == Prompts.SHELL) {
            ShellProbe.Identity who = new ShellProbe(console, commandTimeout).confirm();
            evidence.transcript("shell confirmation", bootEnd, console.position());
            fail.accept("the console gives an interactive shell without login (" + who + ")");
        } else {
            new LoginProbe(console, evidence, commandTimeout).findAcceptedCredential().ifPresentOrElse(
                    fail,
                    () -> evidence.finding("the console login refused a random credential and every credential of the default list"));
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("; ", failures));
        }
    }

    /** The first login or shell prompt after boot; null when the console offers none even when woken. */
    private static Console.Match awaitConsolePrompt(Dut dut, Evidence evidence, long bootStart, Duration commandTimeout)
            throws BenchIoException {
        Console console = dut.console();
        Duration boot = Duration.ofMillis(dut.profile().timeouts().bootMs());
        try {
            Console.Match m = console.expect(boot, Prompts.LOGIN, Prompts.SHELL, Prompts.ACTIVATE);
            if (m.pattern() != Prompts.ACTIVATE) {
                return m;
            }
            evidence.step("BusyBox asks for Enter to activate the console: sending \" \\r\\n\"");
        } catch (ExpectTimeout quiet) {
            if (console.position() == bootStart) {
                throw new BenchFault("the console sent no byte within " + boot.toMillis()
                        + " ms of power-on: check the adapter, its wiring (TX/RX/GND) and the baud rate");
            }
            evidence.step("no prompt within the boot timeout: sending \" \\r\\n\" and Ctrl-C to wake the console");
        }
        // A space before the newline: never a bare Enter, which a bootloader would take as "repeat".
        console.send(" \r\n");
        console.send("\u0003");
        try {
            return console.expect(commandTimeout, Prompts.LOGIN, Prompts.SHELL);
        } catch (ExpectTimeout none) {
            return null;
        }
    }

    private static String describeBaud(CheckContext ctx) {
        Integer baud = ctx.profile().console().baud();
        return baud == null ? "the fixture's" : baud.toString();
    }
}
