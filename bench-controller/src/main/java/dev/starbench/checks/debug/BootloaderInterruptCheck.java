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
import dev.starbench.dut.Dut;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.6-4: the bootloader must not be interrupted into a prompt that runs commands. From
 * power-on the bench keeps typing interrupt keys through the whole autoboot window (and past the
 * countdown, since U-Boot flushes what was typed before it), then judges by what the console shows.
 */
public class BootloaderInterruptCheck {
    /** Single keys and keyed stop strings seen in shipped bootloaders; never a bare Enter. */
    static final List<String> STANDARD_KEYS = List.of(" ", "\u0003", "\u001b", "s", "q", "stop", "tpl", "xyz");
    private static final long KEY_INTERVAL_MS = 25;

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
        var timeouts = ctx.profile().timeouts();
        Duration commandTimeout = Duration.ofMillis(timeouts.commandMs());

        List<String> keys = new ArrayList<>(ctx.profile().bootloader().stopStrings());
        keys.addAll(STANDARD_KEYS);
        evidence.step("power-cycle, then type interrupt keys every " + KEY_INTERVAL_MS + " ms: "
                + keys.size() + " keys and stop strings (" + ctx.profile().bootloader().stopStrings().size()
                + " from the profile)");
        long powerOn = dut.powerCycle("debug.bootloader-interrupt: race the autoboot");
        Console.Match outcome;
        AtomicInteger sent = new AtomicInteger();
        try (KeyTyper typer = new KeyTyper(console, keys, sent)) {
            outcome = console.expect(Duration.ofMillis(timeouts.bootMs()), Prompts.BOOTLOADER_PROMPT,
                    Prompts.BOOTLOADER_PASSWORD, Prompts.KERNEL_START, Prompts.LOGIN, Prompts.SHELL);
            typer.rethrow();
        } catch (ExpectTimeout e) {
            evidence.transcript("boot while typing interrupt keys", powerOn, console.position());
            if (console.position() == powerOn) {
                throw new BenchFault("the console sent no byte within " + timeouts.bootMs()
                        + " ms of power-on: check the adapter, its wiring and the baud rate");
            }
            throw new BenchFault("neither a bootloader prompt nor a kernel start within " + timeouts.bootMs()
                    + " ms of power-on: " + e.getMessage(), e);
        }
        evidence.step(sent.get() + " interrupt keys typed before the console decided");

        if (outcome.pattern() == Prompts.BOOTLOADER_PASSWORD) {
            evidence.transcript("boot while typing interrupt keys", powerOn, console.position());
            evidence.finding("the autoboot stopped at a password gate; no password was tried, the gate stayed shut");
            return;
        }
        if (outcome.pattern() != Prompts.BOOTLOADER_PROMPT) {
            evidence.transcript("boot while typing interrupt keys", powerOn, console.position());
            evidence.finding("autoboot ran through the whole window despite the interrupt keys; no bootloader prompt appeared");
            return;
        }
        String prompt = outcome.group(1);
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
        } finally {
            dut.seen(Dut.State.BOOTLOADER);
        }
    }

    /** Types the keys round-robin on its own thread until closed; never blocks the expect. */
    private static final class KeyTyper implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "interrupt-keys");
            t.setDaemon(true);
            return t;
        });
        private final AtomicReference<BenchIoException> failure = new AtomicReference<>();

        KeyTyper(Console console, List<String> keys, AtomicInteger sent) {
            timer.scheduleAtFixedRate(() -> {
                try {
                    console.send(keys.get(sent.getAndIncrement() % keys.size()));
                } catch (BenchIoException e) {
                    failure.compareAndSet(null, e);
                    timer.shutdown();
                }
            }, 0, KEY_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }

        void rethrow() throws BenchIoException {
            BenchIoException e = failure.get();
            if (e != null) {
                throw e;
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
            try {
                timer.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
