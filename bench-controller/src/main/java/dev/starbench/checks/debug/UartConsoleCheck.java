package dev.starbench.checks.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.DeviceProfile;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Prompts;
import dev.starbench.console.Login;
import dev.starbench.console.Printable;
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
        // The raw bytes: a secret an attacker reads off the wire counts even where a terminal would not show it.
        for (SecretScanner.Leak leak : SecretScanner.scan(console.text(bootStart, bootEnd))) {
            fail.accept("the boot log prints a secret (" + leak.kind() + "): " + leak.maskedLine());
        }
        if (prompt == null && !boot.kernelStarted(console)) {
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
            try {
                loginFinding(console, evidence, ctx.profile().timeouts(), random).ifPresent(fail);
            } catch (BenchFault undecided) {
                // A boot-log secret already fails the device; the login's open question is then only a step.
                if (failures.isEmpty()) {
                    throw undecided;
                }
                evidence.step(undecided.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("; ", failures));
        }
    }

    /**
     * A random credential first (a login that takes anything is its own finding), then the universal
     * default list, most likely first, within the profile's login budget. Empty when the login refused
     * the whole list; a bench fault (INCONCLUSIVE) when part of the list could not be tried (budget,
     * lockout, silence), naming what was not tried: refusing part of a list is not refusing it.
     */
    private static Optional<String> loginFinding(Console console, Evidence evidence, DeviceProfile.Timeouts timeouts,
                                                 Random seeded) throws BenchIoException {
        Duration budget = Duration.ofMillis(timeouts.loginBudgetMs());
        Login login = new Login(console, Duration.ofMillis(timeouts.commandMs()), PACING);
        String random = new UUID(seeded.nextLong(), seeded.nextLong()).toString();
        evidence.step("control: a random credential, which the login must refuse");
        long start = console.position();
        Login.Attempt control = login.attempt(new Login.Credential("sb" + random.substring(0, 8), random.substring(9)));
        switch (control.outcome()) {
            case ACCEPTED -> {
                ShellProbe.Identity who = confirmShell(console, login.answerTimeout(), seeded);
                evidence.transcript("login with a random credential", start, console.position());
                return Optional.of("the console login accepts any credential (a random user and password logged in as " + who + ")");
            }
            case NO_ANSWER -> {
                evidence.transcript("the unanswered login attempt", start, console.position());
                throw new BenchFault("the console login gave no prompt to a login attempt within " + login.answerTimeout().toMillis()
                        + " ms, nor after a CR probe (a hung login, or the adapter is gone); the console last showed: "
                        + lastShown(console, start));
            }
            case NOT_ASKED -> {
                evidence.transcript("the login attempt that never got to its password", start, console.position());
                throw new BenchFault(notAsked(control));
            }
            case LOCKED_OUT -> throw new BenchFault("the console login was locked before the default list could be tried");
            case REFUSED -> evidence.step("the random credential was refused in " + control.answeredIn().toMillis() + " ms");
        }
        List<Login.Credential> dictionary = DefaultCredentials.load();
        long perAttempt = control.answeredIn().plus(PACING).toMillis();
        evidence.step(String.format(Locale.ROOT, "trying the %d universal default credentials, most likely first (Mirai-era list and"
                        + " empty passwords), %d ms apart, within timeouts.login-budget-ms %d ms: at %d ms an attempt, that covers about %d",
                dictionary.size(), PACING.toMillis(), budget.toMillis(), perAttempt, budget.toMillis() / Math.max(1, perAttempt)));
        start = console.position();
        Login.Sweep sweep = login.sweep(dictionary, budget);
        Login.Attempt last = sweep.last();
        // A credential whose password was never asked for was not tried, whatever the sweep went through.
        List<Login.Attempt> tried = sweep.attempts().stream().filter(a -> a.outcome() != Login.Outcome.NOT_ASKED).toList();
        List<Login.Credential> notTried = new ArrayList<>(sweep.untried());
        if (last.outcome() == Login.Outcome.NOT_ASKED) {
            notTried.add(0, last.credential());
        }
        String triedIn = String.format(Locale.ROOT, "%d of %d default credentials tried in %.1f s", tried.size(),
                dictionary.size(), sweep.took().toMillis() / 1000.0);
        int retyped = tried.stream().mapToInt(Login.Attempt::retyped).sum();
        evidence.note(triedIn + (tried.isEmpty() ? "" : "; " + answerTimes(tried)) + (retyped == 0 ? "" : "; " + retyped
                + " user name(s) typed again, each answered by a fresh login prompt instead of a password prompt (the login"
                + " was not reading): those rounds are not counted"));
        String untried = notTried.isEmpty() ? "" : "; not tried: " + notTried.stream().map(Login.Credential::toString)
                .collect(java.util.stream.Collectors.joining(", "));
        return switch (last.outcome()) {
            case ACCEPTED -> {
                ShellProbe.Identity who = confirmShell(console, login.answerTimeout(), seeded);
                evidence.transcript("login attempts up to the accepted one", start, console.position());
                yield Optional.of("the console login accepts the universal default credential " + last.credential()
                        + " (" + who + ", after " + sweep.attempts().size() + " of " + dictionary.size() + " tried)");
            }
            case LOCKED_OUT -> {
                evidence.transcript("login attempts up to the lockout", start, console.position());
                evidence.finding("the console login locked out after " + sweep.attempts().size() + " failed attempts");
                throw new BenchFault("the console login locked out after " + triedIn + ": a lockout slows an attacker, but the bench"
                        + " cannot say that none of the rest would log in" + untried);
            }
            case NOT_ASKED -> {
                evidence.transcript("login attempts up to the one that never got to its password", start, console.position());
                throw new BenchFault(notAsked(last) + "; " + triedIn + untried);
            }
            case NO_ANSWER -> {
                evidence.transcript("login attempts up to the silence", start, console.position());
                throw new BenchFault("the console login stopped answering after " + triedIn + ": no prompt within "
                        + login.answerTimeout().toMillis() + " ms, nor after a CR probe (a silent lockout, a hung login, or the"
                        + " adapter is gone); the console last showed: " + lastShown(console, start) + untried);
            }
            case REFUSED -> {
                if (!sweep.untried().isEmpty()) {
                    evidence.transcript("login attempts within the budget", start, console.position());
                    long needed = (long) dictionary.size() * (login.slowest().plus(PACING).toMillis()) + control.answeredIn().toMillis();
                    throw new BenchFault("the login budget ran out: " + triedIn + ", all refused (the slowest refusal took "
                            + login.slowest().toMillis() + " ms)" + untried + "; timeouts.login-budget-ms of at least " + needed
                            + " would cover the whole list");
                }
                evidence.finding("the console login refused a random credential and all " + dictionary.size()
                        + " credentials of the default list (" + triedIn + ")");
                yield Optional.empty();
            }
        };
    }

    private static String notAsked(Login.Attempt a) {
        return "the console login answered the user name " + a.credential().user() + " with a fresh login prompt, not a"
                + " password prompt, " + (a.retyped() + 1) + " times in a row: it never read it, so the credential was not"
                + " tried and cannot count as refused";
    }

    /** The end of what the console showed since a position, made safe for a message. */
    private static String lastShown(Console console, long from) {
        String shown = console.visibleText(from, console.position());
        return "\"" + Printable.of(shown.length() > 200 ? "..." + shown.substring(shown.length() - 200) : shown) + "\"";
    }

    private static String answerTimes(List<Login.Attempt> attempts) {
        long[] ms = attempts.stream().mapToLong(a -> a.answeredIn().toMillis()).sorted().toArray();
        return String.format(Locale.ROOT, "answered in %d ms (fastest), %d ms (median), %d ms (slowest)",
                ms[0], ms[ms.length / 2], ms[ms.length - 1]);
    }

    private static ShellProbe.Identity confirmShell(Console console, Duration timeout, Random random) throws BenchIoException {
        try {
            return new ShellProbe(console, timeout, random).confirm();
        } catch (ExpectTimeout e) {
            throw new BenchFault("a shell prompt appeared but did not run `echo`/`id`: " + e.getMessage(), e);
        }
    }
}
