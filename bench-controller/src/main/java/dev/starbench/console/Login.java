package dev.starbench.console;

import dev.starbench.bench.BenchIoException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tries credentials at a console login that is waiting for a user name, with pacing, and records how
 * each attempt ended and how long the login took to answer, so a growing delay or a lockout shows.
 *
 * <p>Real logins are slow and noisy: BusyBox waits 3 s after a failure, kernel and syslog lines land in
 * the dialogue, a shell may take its time to print its first prompt. So an attempt reads the console
 * as a terminal shows it, waits at least the answer time measured so far (twice the slowest answer,
 * never less than the timeout given), and never concludes from silence: when nothing recognisable
 * arrives in time it looks at what the console shows last (a shell prompt there means the login
 * succeeded) and then probes with a bare CR. Only the console's login and shell see that CR: a Linux
 * login answers it with a new prompt and a shell with its prompt; it is never sent when the console
 * shows a bootloader, which would take it as "repeat the last command". Every line the bench types is
 * answered by one prompt; a probe's extra prompt is awaited before the next attempt types, so a late
 * prompt is never taken as the answer to the next credential.
 *
 * <p>Nothing is typed at a prompt before it is whole ({@link Console#expectPrompt}): "login: " may be the
 * start of BusyBox's "login: bad salt", and "Password:" come before its space while the tty still echoes.
 * A credential counts only when its password was typed at a password prompt: a user name answered by a
 * fresh login prompt instead was typed while the login was not reading (during a failure delay, or into
 * a login that was exiting), so the credential is typed again, up to {@link #ROUNDS} times in all.
 */
public final class Login {
    /** A user name and password; the password shows only where the credential is the finding. */
    public record Credential(String user, String password) {
        @Override
        public String toString() {
            return user + "/" + (password.isEmpty() ? "(empty password)" : password);
        }
    }

    /**
     * How an attempt ended. {@code NO_ANSWER}: no prompt arrived within the answer time, none after a
     * CR probe either, and the console did not show a shell prompt at the end: the login is silent (a
     * silent lockout, a hung login, or the adapter is gone). The bench cannot tell which.
     * {@code NOT_ASKED}: a fresh login prompt answered the user name every time it was typed, so the
     * password was never asked for: the credential was not tried.
     */
    public enum Outcome { ACCEPTED, REFUSED, LOCKED_OUT, NO_ANSWER, NOT_ASKED }

    /**
     * One try: how it ended, how long the login took to decide (from the user name the login read), and
     * how many times the user name had to be typed again because the login had not read it.
     */
    public record Attempt(Credential credential, Outcome outcome, Duration answeredIn, int retyped) {
    }

    /**
     * A run through a list within a time budget: the attempts made, the credentials left untried (the
     * budget ran out, or the run stopped at an acceptance, lockout or silence), and how long it took.
     */
    public record Sweep(List<Attempt> attempts, List<Credential> untried, Duration took, boolean budgetExhausted) {
        public Attempt last() {
            return attempts.get(attempts.size() - 1);
        }
    }

    static final Pattern LOCKOUT = BoundedPattern.compile("(?i)(?:locked|too many (?:failed |login )?(?:attempts|failures)|try again later)");
    /** How many answer timeouts a login that stayed silent gets after the probe before it counts as silent. */
    static final int PROBE_PATIENCE = 4;
    /** A login prompt and what follows it on its line (group 1: the echo), or a password prompt, ended by the line's end. */
    private static final Pattern SKIPPED_PROMPT = BoundedPattern.compile("(?i)(?:" + Prompts.LOGIN_LINE + Prompts.TRAILING_LOG
            + "([^\\r\\n]{0,64})|password: ?" + Prompts.TRAILING_LOG + ")\\r?\\n");
    /** How many times a credential is typed when a fresh login prompt answers its user name. */
    static final int ROUNDS = 3;

    private final Console console;
    private final Duration timeout;
    private final Duration pacing;
    private Duration slowest = Duration.ZERO;
    /** Prompts still owed for CRs the bench sent as probes; awaited before the next attempt types. */
    private int owed;

    /**
     * @param timeout the shortest time one prompt may take to answer; the login's measured answer time
     *                raises it (the device's failure delay included)
     * @param pacing  pause between attempts, so the bench does not itself trip a rate limit it is measuring
     */
    public Login(Console console, Duration timeout, Duration pacing) {
        this.console = console;
        this.timeout = timeout;
        this.pacing = pacing;
    }

    /** The slowest refusal so far: what one more attempt is expected to cost. */
    public Duration slowest() {
        return slowest;
    }

    /** How long the next prompt may take: twice the slowest answer so far, at least the timeout given. */
    public Duration answerTimeout() {
        Duration measured = slowest.multipliedBy(2);
        return measured.compareTo(timeout) > 0 ? measured : timeout;
    }

    /**
     * Tries the credentials in order until one is accepted, the login locks out or stops answering.
     * The last attempt tells why it stopped; on ACCEPTED the console is at the shell prompt.
     */
    public List<Attempt> tryEach(List<Credential> credentials) throws BenchIoException {
        return sweep(credentials, null).attempts();
    }

    /**
     * Like {@link #tryEach}, in order (most likely first), but only as long as the next attempt is
     * expected to finish within the budget: each attempt is expected to take as long as the slowest
     * answer so far plus the pacing. Null budget: no limit.
     */
    public Sweep sweep(List<Credential> credentials, Duration budget) throws BenchIoException {
        long start = System.nanoTime();
        List<Attempt> attempts = new ArrayList<>();
        boolean exhausted = false;
        int i = 0;
        for (; i < credentials.size(); i++) {
            if (budget != null && !attempts.isEmpty()) {
                Duration next = slowest.plus(pacing);
                if (Duration.ofNanos(System.nanoTime() - start).plus(next).compareTo(budget) > 0) {
                    exhausted = true;
                    break;
                }
            }
            Attempt a = attempt(credentials.get(i));
            attempts.add(a);
            if (a.outcome() != Outcome.REFUSED) {
                i++;
                break;
            }
            pause();
        }
        return new Sweep(List.copyOf(attempts), List.copyOf(credentials.subList(Math.min(i, credentials.size()), credentials.size())),
                Duration.ofNanos(System.nanoTime() - start), exhausted);
    }

    /**
     * One credential: user name, password, and whatever the login answers, probing once if it stays
     * silent. A round whose user name the login did not read (a fresh login prompt answered it), or whose
     * probe may have been read as the password, is not counted: the credential is tried again from a fresh
     * login prompt.
     */
    public Attempt attempt(Credential c) throws BenchIoException {
        long start = System.nanoTime();
        boolean unread = false;
        for (int round = 0; round < ROUNDS; round++) {
            settle();
            Round r = new Round(c);
            Outcome o = r.play();
            if (o != null) {
                Duration took = Duration.ofNanos((r.decidedAt == 0 ? System.nanoTime() : r.decidedAt) - r.startedAt);
                if (o == Outcome.REFUSED && took.compareTo(slowest) > 0) {
                    slowest = took;
                }
                return new Attempt(c, o, took, round);
            }
            unread = r.unread;
        }
        return new Attempt(c, unread ? Outcome.NOT_ASKED : Outcome.NO_ANSWER, Duration.ofNanos(System.nanoTime() - start), ROUNDS - 1);
    }

    /**
     * One pass through the dialogue. Counts the lines typed whose prompt has not come yet: every line
     * the bench types (user name, password, a probe's CR) is answered by one prompt, so the round ends
     * only when all of them are, or hands the rest to {@link #owed}.
     */
    private final class Round {
        private final Credential c;
        private final long from = console.position();
        private final long startedAt = System.nanoTime();
        private long seen = from;    // the stream position up to which prompts are counted
        private long decidedAt;      // when the login answered decisively; 0 until then
        private int pending;
        private boolean passwordSent;
        private boolean refused;
        private boolean probed;
        private boolean spoiled;     // a probe went out before the password: it may have been read as one
        private boolean closed;      // a spoiled round was ended with an empty password
        private boolean unread;      // a fresh login prompt answered the user name: the login did not read it
        private Pattern lastPrompt;

        Round(Credential c) {
            this.c = c;
        }

        /** The outcome, or null when the round does not count and the credential needs another round. */
        Outcome play() throws BenchIoException {
            type(c.user());
            while (true) {
                Console.Match m;
                try {
                    // After a probe the login has shown it is slow: it gets longer, to tell slow from dead.
                    Duration wait = probed ? answerTimeout().multipliedBy(PROBE_PATIENCE) : answerTimeout();
                    m = console.expectPrompt(wait, Prompts.SHELL, LOCKOUT, Prompts.LOGIN_FAILED, Prompts.PASSWORD, Prompts.LOGIN);
                } catch (ExpectTimeout silence) {
                    Outcome o = silence();
                    if (o != null || closed && pending == 0) {
                        return end(o);
                    }
                    continue;
                }
                Pattern p = m.pattern();
                pending -= skippedPrompts(console.visibleText(seen, m.start()), c.user());
                seen = m.end();
                if (p == Prompts.SHELL) {
                    decide(m.arrivedNanos());
                    pending--;
                    return end(Outcome.ACCEPTED);
                }
                if (p == LOCKOUT) {
                    decide(m.arrivedNanos());
                    return end(Outcome.LOCKED_OUT);
                }
                if (p == Prompts.LOGIN_FAILED) {
                    refused = true;
                    decide(m.arrivedNanos());
                    continue;
                }
                pending--;
                lastPrompt = p;
                if (p == Prompts.PASSWORD) {
                    if (pending > 0) {
                        continue;   // the answer to the user name; a probe's CR is still to be answered
                    }
                    if (!passwordSent && !spoiled) {
                        type(c.password());
                        passwordSent = true;
                    } else {
                        // Asked again (a PAM retry), or a spoiled round: an empty password ends it.
                        type("");
                        refused |= passwordSent;
                        closed |= spoiled;
                    }
                    continue;
                }
                decide(m.arrivedNanos());   // a login prompt
                if (pending > 0) {
                    continue;
                }
                if (!passwordSent && !spoiled) {
                    unread = true;
                    console.transcript().note("login: a fresh login prompt answered the user name, not a password prompt:"
                            + " the login was not reading when it was typed; the credential does not count, and is typed again",
                            Instant.now());
                }
                return passwordSent && !spoiled ? end(Outcome.REFUSED) : end(null);
            }
        }

        /** Nothing recognisable in time: look at what the console shows, then probe once. Null: go on waiting. */
        private Outcome silence() throws BenchIoException {
            if (refused && passwordSent) {
                return Outcome.REFUSED;   // the refusal was said; its next prompt is late, and owed
            }
            PromptClassifier.Stage shown = PromptClassifier.classify(console.visibleText(from, console.position()));
            if (shown == PromptClassifier.Stage.SHELL) {
                // A shell prompt the patterns missed (an odd prompt, output after it): the login succeeded.
                decide(System.nanoTime());
                pending = 0;
                return Outcome.ACCEPTED;
            }
            if (spoiled && lastPrompt == Prompts.PASSWORD && !closed) {
                // The probe's CR went before the password prompt and was dropped: end the round, then retry.
                type("");
                closed = true;
                pending = 1;
                return null;
            }
            if (probed || isBootloader(shown)) {
                return Outcome.NO_ANSWER;
            }
            probed = true;
            spoiled = !passwordSent;
            console.transcript().note("login: no prompt within " + answerTimeout().toMillis()
                    + " ms; probing with CR (the console last showed: " + shown + ")", Instant.now());
            type("");
            return null;
        }

        private void type(String line) throws BenchIoException {
            console.send(line + "\r");
            pending++;
        }

        /** The login's first answer that decides the round: the answer time measured to when it came. */
        private void decide(long at) {
            if (decidedAt == 0) {
                decidedAt = at;
            }
        }

        private Outcome end(Outcome o) {
            owed = Math.max(0, pending);
            return o;
        }
    }

    /**
     * The prompts in text the bench passed over: prompts are matched at the end of what arrived, so one
     * followed at once by more output (the next prompt, answering a probe's CR) is only seen here. Each
     * answered one line the bench typed, so a prompt counts only as a prompt line followed by the echo of
     * such a line (the user name, or nothing) and the line's end: BusyBox's "login: bad salt" is no prompt.
     */
    private static int skippedPrompts(String text, String user) {
        int n = 0;
        for (Matcher m = SKIPPED_PROMPT.matcher(text); m.find(); ) {
            String echo = m.group(1);
            if (echo == null || echo.isEmpty() || echo.equals(user)) {
                n++;
            }
        }
        return n;
    }

    /** Waits for the prompts owed to an earlier round's probes, so none is taken as an answer to this one. */
    private void settle() throws BenchIoException {
        long seen = console.position();
        for (int i = 0; owed > 0 && i < 4; i++) {
            try {
                Console.Match m = console.expectPrompt(answerTimeout(), Prompts.SHELL, Prompts.PASSWORD, Prompts.LOGIN);
                owed -= 1 + skippedPrompts(console.visibleText(seen, m.start()), "");
                seen = m.end();
                if (m.pattern() == Prompts.PASSWORD && owed == 0) {
                    // A CR the login took as a user name: an empty password ends that round.
                    console.send("\r");
                    owed++;
                }
            } catch (ExpectTimeout dropped) {
                // Some logins flush typed-ahead input after a failure: the CR is gone, and nothing more is owed.
                console.transcript().note("login: " + owed + " prompt(s) owed to a probe's CR did not come within "
                        + answerTimeout().toMillis() + " ms (the login dropped the typed-ahead CR); going on", Instant.now());
                owed = 0;
            }
        }
        owed = 0;
    }

    private static boolean isBootloader(PromptClassifier.Stage stage) {
        return switch (stage) {
            case BOOTLOADER_BANNER, AUTOBOOT_COUNTDOWN, BOOTLOADER_PROMPT, BOOTLOADER_PASSWORD -> true;
            default -> false;
        };
    }

    private void pause() throws BenchIoException {
        try {
            Thread.sleep(pacing.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted between login attempts", e);
        }
    }
}
