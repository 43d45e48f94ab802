package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.login.LoginClient;
import dev.starbench.console.BoundedPattern;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Login;
import dev.starbench.console.Printable;
import dev.starbench.console.Prompts;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The console's login as a {@link LoginClient}, through the console engine's {@link Login}: the
 * console must be at its login prompt; after a login that was let in, the shell is left with
 * {@code exit}, so the next attempt meets the login prompt again.
 */
final class ConsoleLogin implements LoginClient {
    private final Console console;
    private final Login login;
    private final Duration timeout;

    ConsoleLogin(Console console, Duration timeout) {
        this.console = console;
        this.timeout = timeout;
        this.login = new Login(console, timeout, Duration.ZERO);
    }

    @Override
    public String label() {
        return "console";
    }

    /** The console transcript records what the bench types: a secret the bench will type is masked there. */
    void masksInTranscript(String secret) {
        console.maskInTranscript(secret);
    }

    /**
     * Brings the console to its login prompt: a CR there gives a new one, which is awaited (what the
     * console printed before is passed over, so an old prompt is not taken for it); a shell is left with
     * {@code exit}.
     */
    void toLoginPrompt() throws BenchIoException {
        try {
            console.skipToEnd();
            console.send("\r");
            Console.Match m = console.expect(timeout, Prompts.LOGIN, Prompts.SHELL);
            if (m.pattern() == Prompts.SHELL) {
                console.send("exit\r");
                console.expect(timeout, Prompts.LOGIN);
            }
        } catch (ExpectTimeout e) {
            throw new BenchIoException("the console showed no login prompt within " + timeout.toMillis() + " ms: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Answer attempt(String user, String password) throws BenchIoException {
        long from = console.position();
        Login.Attempt a = login.attempt(new Login.Credential(user, password));
        String said = answerText(console.text(from, console.position()));
        Outcome o = switch (a.outcome()) {
            case ACCEPTED -> Outcome.ACCEPTED;
            case REFUSED -> Outcome.REFUSED;
            case LOCKED_OUT -> Outcome.LOCKED_OUT;
            // a login that never asked for the password did not try it either: the bench could not tell
            case NO_ANSWER, NOT_ASKED -> Outcome.NO_ANSWER;
        };
        if (o == Outcome.ACCEPTED) {
            console.send("exit\r");
            try {
                console.expect(timeout, Prompts.LOGIN);
            } catch (ExpectTimeout e) {
                throw new BenchIoException("logged in, but `exit` gave no login prompt within " + timeout.toMillis() + " ms", e);
            }
        }
        return new Answer(o, a.answeredIn(), said);
    }

    private static final Pattern PASSWD_PROMPT = BoundedPattern.compile(
            "(?i)(?:old|current|new|retype|re-enter|repeat)?[^\\n]{0,20}password: ?$");

    /**
     * Logs in and runs {@code passwd} (BusyBox or shadow's): the old password where it is asked for, the new
     * one twice; ACCEPTED when passwd says the password changed. The shell is left at the end either way.
     */
    Answer passwd(String user, String oldPassword, String newPassword) throws BenchIoException {
        Login.Attempt in = login.attempt(new Login.Credential(user, oldPassword));
        if (in.outcome() != Login.Outcome.ACCEPTED) {
            return new Answer(Outcome.REFUSED, in.answeredIn(), "the login with the current credential was " + in.outcome());
        }
        long from = console.position();
        long start = System.nanoTime();
        console.send("passwd\r");
        try {
            for (int prompts = 0; prompts < 4; prompts++) {
                Console.Match m = console.expect(timeout, PASSWD_PROMPT, Prompts.SHELL);
                if (m.pattern() == Prompts.SHELL) {
                    break;
                }
                String prompt = m.text().toLowerCase(Locale.ROOT);
                console.send((prompt.contains("old") || prompt.contains("current") ? oldPassword : newPassword) + "\r");
            }
            String said = console.text(from, console.position());
            boolean changed = Prompts.PASSWORD_CHANGED.matcher(said).find();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            console.send("exit\r");
            console.expect(timeout, Prompts.LOGIN);
            return new Answer(changed ? Outcome.ACCEPTED : Outcome.REFUSED, took, answerText(said.replace("passwd", "")));
        } catch (ExpectTimeout e) {
            return new Answer(Outcome.NO_ANSWER, Duration.ofNanos(System.nanoTime() - start), "passwd did not finish: " + e.getMessage());
        }
    }

    /** What the login said after the password: the lines between the password prompt and the next prompt. */
    static String answerText(String dialogue) {
        int password = dialogue.toLowerCase(Locale.ROOT).lastIndexOf("password:");
        String after = password < 0 ? dialogue : dialogue.substring(password + "password:".length());
        int prompt = after.lastIndexOf('\n');
        String lines = prompt < 0 ? after : after.substring(0, prompt);
        String s = Printable.of(lines.replaceAll("\u001b\\[[0-9;?]{0,16}[A-Za-z]", "").replace('\r', ' ').replace('\n', ' '));
        s = s.replaceAll(" {2,}", " ").trim();
        return s.length() > 200 ? s.substring(0, 200) : s;
    }
}
