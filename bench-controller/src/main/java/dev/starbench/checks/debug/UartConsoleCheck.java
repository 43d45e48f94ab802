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
import dev.starbench.console.Login;
import dev.starbench.console.SecretScanner;
import dev.starbench.console.ShellProbe;
import dev.starbench.dut.Boot;
import dev.starbench.dut.Dut;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.6-4: the serial console must not hand out a shell. Captures a whole boot, wakes the
 * console, and FAILs on a shell without login, on a login that takes a universal default credential
 * (or any credential), and on a secret printed in the boot log.
 */
public class UartConsoleCheck {
    private static final String ID = "debug.uart-console";
    private static final Duration PACING = Duration.ofMillis(20);

    @Test
    @CheckId(ID)
    public void uartConsoleRequiresAuthentication(ITestContext testContext) throws BenchIoException {
        CheckContext ctx = CheckContext.of(testContext);
        if (ctx.profile().console() == null) {
            throw new NotApplicable("the profile declares no serial console (no `console:` section)");
        }
        Dut dut = ctx.dut();
        Console console = dut.console();
        Evidence evidence = ctx.evidence();
        Duration commandTimeout = Duration.ofMillis(ctx.profile().timeouts().commandMs());

        evidence.step("boot from power-on and capture the whole boot at " + dut.consoleBaud() + " baud"
                + (ctx.profile().console().baud() == null ? " (the profile declares none)" : ""));
        Boot boot = dut.freshBoot(ID + ": capture the boot");
        Console.Match prompt = boot.reachedOs() ? boot.prompt() : null;
        long bootStart = boot.powerOnAt();
        long bootEnd = boot.settledAt();
        evidence.transcript("boot log", bootStart, bootEnd);
        // Every random choice comes from the run's seed: a rerun sends the device the same bytes.
        Random random = new Random(ctx.seedFor(ID));

        // Each finding is journaled as soon as it is made, so a later bench fault cannot lose it.
        List<String> failures = new ArrayList<>();
        Consumer<String> fail = finding -> {
            evidence.finding(finding);
            failures.add(finding);
        };
        for (SecretScanner.Leak leak : SecretScanner.scan(console.text(bootStart, bootEnd))) {
            fail.accept("the boot log prints a secret (" + leak.kind() + "): " + leak.maskedLine());
        }
        if (prompt == null && !Prompts.KERNEL_START.matcher(console.text(bootStart, bootEnd)).find()) {
            // No OS came up, so no OS console was there to test: saying PASS would claim a login was tried.
            String why = "the boot never left the bootloader (no kernel start, login or shell within "
                    + ctx.profile().timeouts().bootMs() + " ms, also after \" \\r\\n\" and Ctrl-C; last seen at stage "
                    + boot.stage() + "): the OS console was not tested; debug.bootloader-interrupt judges the bootloader";
            if (failures.isEmpty()) {
                throw new BenchFault(why);
            }
            evidence.step(why);
        } else if (prompt == null) {
            evidence.finding("the console printed the boot but offered no login or shell, also after \" \\r\\n\" and Ctrl-C;"
                    + " it was last seen at stage " + boot.stage());
        } else if (prompt.pattern() == Prompts.SHELL) {
            ShellProbe.Identity who = confirmShell(console, commandTimeout, random);
            evidence.transcript("shell confirmation", bootEnd, console.position());
            fail.accept("the console gives an interactive shell without login (" + who + ")");
        } else {
            loginFinding(console, evidence, commandTimeout, random).ifPresent(fail);
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("; ", failures));
        }
    }

    /**
     * A random credential first (a login that takes anything is its own finding), then the universal
     * default list. Empty when the login refused them all or locked the bench out.
     */
    private static Optional<String> loginFinding(Console console, Evidence evidence, Duration timeout, Random seeded)
            throws BenchIoException {
        Login login = new Login(console, timeout, PACING);
        String random = new UUID(seeded.nextLong(), seeded.nextLong()).toString();
        evidence.step("control: a random credential, which the login must refuse");
        long start = console.position();
        Login.Attempt control = login.attempt(new Login.Credential("sb" + random.substring(0, 8), random.substring(9)));
        switch (control.outcome()) {
            case ACCEPTED -> {
                ShellProbe.Identity who = confirmShell(console, timeout, seeded);
                evidence.transcript("login with a random credential", start, console.position());
                return Optional.of("the console login accepts any credential (a random user and password logged in as " + who + ")");
            }
            case NO_ANSWER -> throw new BenchFault("the console login did not answer a login attempt within "
                    + timeout.toMillis() + " ms (or the adapter is gone)");
            case LOCKED_OUT -> throw new BenchFault("the console login was locked before the default list could be tried");
            case REFUSED -> evidence.step("the random credential was refused in " + control.answeredIn().toMillis() + " ms");
        }
        List<Login.Credential> dictionary = DefaultCredentials.load();
        evidence.step("trying " + dictionary.size() + " universal default credentials (Mirai-era list and empty passwords), "
                + PACING.toMillis() + " ms apart");
        start = console.position();
        List<Login.Attempt> attempts = login.tryEach(dictionary);
        Login.Attempt last = attempts.get(attempts.size() - 1);
        evidence.note(answerTimes(attempts));
        return switch (last.outcome()) {
            case ACCEPTED -> {
                ShellProbe.Identity who = confirmShell(console, timeout, seeded);
                evidence.transcript("login attempts up to the accepted one", start, console.position());
                yield Optional.of("the console login accepts the universal default credential " + last.credential()
                        + " (" + who + ", after " + attempts.size() + " of " + dictionary.size() + " tried)");
            }
            case LOCKED_OUT -> {
                evidence.transcript("login attempts up to the lockout", start, console.position());
                evidence.finding("the console login locked out after " + attempts.size() + " failed attempts; the rest of the list"
                        + " was not tried, and neither can an attacker's");
                yield Optional.empty();
            }
            case NO_ANSWER -> throw new BenchFault("the console login stopped answering after " + attempts.size()
                    + " attempts (a silent lockout, or the adapter is gone)");
            case REFUSED -> {
                evidence.finding("the console login refused a random credential and all " + dictionary.size()
                        + " credentials of the default list");
                yield Optional.empty();
            }
        };
    }

    private static String answerTimes(List<Login.Attempt> attempts) {
        long[] ms = attempts.stream().mapToLong(a -> a.answeredIn().toMillis()).sorted().toArray();
        return String.format(Locale.ROOT, "%d attempts answered in %d ms (fastest), %d ms (median), %d ms (slowest)",
                ms.length, ms[0], ms[ms.length / 2], ms[ms.length - 1]);
    }

    private static ShellProbe.Identity confirmShell(Console console, Duration timeout, Random random) throws BenchIoException {
        try {
            return new ShellProbe(console, timeout, random).confirm();
        } catch (ExpectTimeout e) {
            throw new BenchFault("a shell prompt appeared but did not run `echo`/`id`: " + e.getMessage(), e);
        }
    }
}
