package dev.starbench.console;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.console.BusyBoxLikePeer.Options;
import dev.starbench.console.Login.Credential;
import dev.starbench.console.Login.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.testng.annotations.Test;

/**
 * The console login against a BusyBox-like peer on a real pty: what real embedded Linux consoles do
 * (a cursor query after the shell prompt, colour prompts, kernel and syslog lines, a failure delay, a
 * shell that takes its time) must not turn an acceptance into silence or a slow refusal into a lockout.
 * The delays are scaled down (a few hundred ms against a 250 ms floor) but keep their ratio to the
 * answer timeout; one case runs BusyBox's real 3 s.
 */
public class LoginTest {
    private static final Duration FLOOR = Duration.ofMillis(250);
    private static final Duration PACING = Duration.ofMillis(5);
    private static final Credential ROOT = new Credential("root", "root");

    @Test(timeOut = 60_000)
    public void rootRootBehindACursorQueryIsAccepted() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().cursorQuery())) {
            Login.Attempt a = new Login(p.console, Duration.ofSeconds(3), PACING).attempt(ROOT);
            assertEquals(a.outcome(), Outcome.ACCEPTED, p.transcriptText());
            ShellProbe.Identity who = shellProbe(p.console).confirm();
            assertTrue(who.isRoot(), who.toString());
            // the shell waited for each report before reading the bench's commands
            assertTrue(p.cursorReports.size() >= 2 && p.cursorReports.stream().allMatch(r -> r.endsWith(";5")), p.cursorReports.toString());
            String transcript = p.transcriptText();
            assertTrue(Pattern.compile("TX \"\\\\x1b\\[\\d{1,2};5R\"").matcher(transcript).find(), transcript);
            assertTrue(transcript.contains("answered the terminal query cursor position (ESC[6n)"), transcript);
        }
    }

    @Test(timeOut = 60_000)
    public void colourPromptsAndTitlesDoNotHideTheShell() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().colour().cursorQuery())) {
            assertEquals(new Login(p.console, Duration.ofSeconds(3), PACING).attempt(ROOT).outcome(), Outcome.ACCEPTED);
            assertTrue(shellProbe(p.console).confirm().isRoot());
        }
    }

    @Test(timeOut = 60_000)
    public void kernelAndSyslogLinesInTheDialogueAreNeitherPromptsNorAnswers() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().syslog().failDelay(50).account("root", "s3cret"))) {
            Login login = new Login(p.console, Duration.ofSeconds(3), PACING);
            List<Login.Attempt> attempts = login.tryEach(List.of(new Credential("admin", "admin"), ROOT, new Credential("root", "s3cret")));
            assertEquals(attempts.stream().map(Login.Attempt::outcome).toList(), List.of(Outcome.REFUSED, Outcome.REFUSED, Outcome.ACCEPTED),
                    p.transcriptText());
            assertEquals(p.userNames, List.of("admin", "root", "root"), "each credential typed once, nothing else taken as a user name");
        }
    }

    @Test(timeOut = 60_000)
    public void aSlowRefusalIsNotALockout() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().failDelay(700))) {
            Login login = new Login(p.console, FLOOR, PACING);
            Login.Attempt first = login.attempt(new Credential("sbrandom", "x"));
            assertEquals(first.outcome(), Outcome.REFUSED, p.transcriptText());
            assertTrue(first.answeredIn().toMillis() >= 700, "the answer time is the login's delay: " + first.answeredIn());
            assertTrue(login.answerTimeout().toMillis() >= 1400, "the answer timeout adapts: " + login.answerTimeout());
            List<Login.Attempt> next = login.tryEach(List.of(new Credential("admin", "admin"), new Credential("user", "user")));
            assertEquals(next.stream().map(Login.Attempt::outcome).toList(), List.of(Outcome.REFUSED, Outcome.REFUSED));
            String transcript = p.transcriptText();
            assertEquals(count(transcript, "probing with CR"), 1, "only the first, unmeasured answer needed a probe:\n" + transcript);
            // the refusal and the probe's prompt arrive in one burst; both are counted, nothing is left owed
            assertEquals(count(transcript, "owed to a probe"), 0, transcript);
            assertEquals(p.userNames, List.of("sbrandom", "admin", "user"), "the probe's CR was answered, never taken as a credential");
        }
    }

    @Test(timeOut = 60_000)
    public void aShellPromptThatComesLateIsAnAcceptance() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().shellDelay(800).cursorQuery())) {
            Login.Attempt a = new Login(p.console, FLOOR, PACING).attempt(ROOT);
            assertEquals(a.outcome(), Outcome.ACCEPTED, p.transcriptText());
            assertTrue(shellProbe(p.console).confirm().isRoot());
        }
    }

    @Test(timeOut = 60_000)
    public void aLoginThatStaysSilentAfterAProbeIsNoAnswer() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().hangAfter(1))) {
            Login.Attempt a = new Login(p.console, FLOOR, PACING).attempt(ROOT);
            assertEquals(a.outcome(), Outcome.NO_ANSWER, p.transcriptText());
            assertTrue(p.transcriptText().contains("probing with CR"), p.transcriptText());
            assertTrue(p.received().endsWith("root\r\r"), "the user name, then one bare CR: " + Printable.of(p.received()));
        }
    }

    @Test(timeOut = 60_000)
    public void theBudgetLimitsTheSweepAndNamesWhatWasNotTried() throws Exception {
        List<Credential> list = List.of(new Credential("a", "1"), new Credential("b", "2"), new Credential("c", "3"),
                new Credential("d", "4"), new Credential("e", "5"), new Credential("f", "6"), new Credential("g", "7"));
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().failDelay(300))) {
            Login.Sweep sweep = new Login(p.console, Duration.ofSeconds(2), PACING).sweep(list, Duration.ofMillis(1000));
            assertTrue(sweep.budgetExhausted(), "7 refusals of 300 ms do not fit in 1 s");
            assertFalse(sweep.attempts().isEmpty());
            assertTrue(sweep.attempts().stream().allMatch(a -> a.outcome() == Outcome.REFUSED));
            assertFalse(sweep.untried().isEmpty());
            List<Credential> covered = new java.util.ArrayList<>(sweep.attempts().stream().map(Login.Attempt::credential).toList());
            covered.addAll(sweep.untried());
            assertEquals(covered, list, "tried in order, most likely first; the rest named");
        }
    }

    /** BusyBox's own 3 s failure delay against the shipped profiles' 3 s command timeout. */
    @Test(timeOut = 60_000)
    public void busyBoxsRealFailureDelayIsMeasuredNotMistakenForSilence() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().failDelay(3000))) {
            Login.Attempt a = new Login(p.console, Duration.ofMillis(3000), PACING).attempt(new Credential("admin", "admin"));
            assertEquals(a.outcome(), Outcome.REFUSED, p.transcriptText());
            assertTrue(a.answeredIn().toMillis() >= 3000, a.answeredIn().toString());
        }
    }

    /**
     * A UART delivers prompts in pieces: "Password:" and its space, "\r\nvdut lo" and "gin: ". Typed at
     * "Password:", the password reaches a tty that still echoes; so every answer waits for the prompt to be
     * whole (the console stays quiet after it), and the password never shows on the console.
     */
    @Test(timeOut = 60_000)
    public void aPromptSplitAcrossWritesIsAnsweredOnlyWhenWhole() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().split(30).failDelay(50).flushTypeAhead().account("root", "s3cret"))) {
            Login login = new Login(p.console, Duration.ofSeconds(3), PACING);
            List<Login.Attempt> attempts = login.tryEach(List.of(new Credential("admin", "admin1"), new Credential("root", "default"),
                    new Credential("root", "s3cret")));
            assertEquals(attempts.stream().map(Login.Attempt::outcome).toList(), List.of(Outcome.REFUSED, Outcome.REFUSED, Outcome.ACCEPTED),
                    p.transcriptText());
            assertEquals(p.credentialsRead, List.of("admin/admin1", "root/default", "root/s3cret"), p.transcriptText());
            String shown = p.console.textSince(0);
            for (String password : List.of("admin1", "default", "s3cret")) {
                assertFalse(shown.contains(password), "the password " + password + " was echoed: " + Printable.of(shown));
            }
        }
    }

    /**
     * BusyBox's "login: bad salt" (a locked account), cut by the UART after "login: ": a login prompt at the
     * end of the stream for a moment. A user name typed there reaches a login that is exiting, and the
     * getty that follows throws it away; it must not count as a credential refused.
     */
    @Test(timeOut = 60_000)
    public void anErrorLineThatBeginsLikeALoginPromptIsNoPrompt() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().split(30).lockedAccount("admin", 300).flushTypeAhead())) {
            Login login = new Login(p.console, Duration.ofSeconds(3), PACING);
            List<Login.Attempt> attempts = login.tryEach(List.of(new Credential("admin", "admin"), new Credential("root", "admin"), ROOT));
            assertEquals(attempts.stream().map(Login.Attempt::outcome).toList(), List.of(Outcome.REFUSED, Outcome.REFUSED, Outcome.ACCEPTED),
                    p.transcriptText());
            assertEquals(p.credentialsRead, List.of("admin/admin", "root/admin", "root/root"),
                    "each credential counted was read whole by the login:\n" + p.transcriptText());
            assertTrue(attempts.get(0).answeredIn().toMillis() >= 300, "the locked account's answer is the getty's respawn: "
                    + attempts.get(0).answeredIn());
        }
    }

    /**
     * A user name the login did not read (it was not waiting: no echo, and a fresh login prompt instead of
     * the password prompt) is typed again, and the attempt counts once, with the round that was read.
     */
    @Test(timeOut = 60_000)
    public void aUserNameTheLoginDidNotReadIsTypedAgainNotCountedAsRefused() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().dropUserNames(1, 300))) {
            Login.Attempt a = new Login(p.console, Duration.ofSeconds(3), PACING).attempt(ROOT);
            assertEquals(a.outcome(), Outcome.ACCEPTED, p.transcriptText());
            assertEquals(a.retyped(), 1, "the user name was typed once more");
            assertEquals(p.credentialsRead, List.of("root/root"));
            assertTrue(p.transcriptText().contains("a fresh login prompt answered the user name"), p.transcriptText());
        }
    }

    /** A login that never asks for a password leaves the credential untried: it is never counted as refused. */
    @Test(timeOut = 60_000)
    public void aLoginThatNeverAsksForThePasswordLeavesTheCredentialUntried() throws Exception {
        try (BusyBoxLikePeer p = BusyBoxLikePeer.login(new Options().dropUserNames(Integer.MAX_VALUE, 50))) {
            Login.Sweep sweep = new Login(p.console, Duration.ofSeconds(3), PACING)
                    .sweep(List.of(new Credential("admin", "admin"), ROOT), null);
            assertEquals(sweep.attempts().stream().map(Login.Attempt::outcome).toList(), List.of(Outcome.NOT_ASKED), p.transcriptText());
            assertEquals(sweep.untried(), List.of(ROOT));
            assertTrue(p.credentialsRead.isEmpty());
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Markers from a fixed seed, as a check draws them from its run's. */
    private static ShellProbe shellProbe(Console console) {
        return new ShellProbe(console, Duration.ofSeconds(5), new Random(12));
    }
}
