package dev.starbench.checks.userdata;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.Lifecycle.ConsoleLogin;
import dev.starbench.console.BoundedPattern;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Printable;
import dev.starbench.console.Prompts;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The device's shell as the lifecycle checks use it: log in at a login prompt with the profile's
 * console login (its password sent as a secret, so no file of the run holds it), run a command and
 * take its output, and change a password through the {@code passwd} dialogue.
 */
public final class ConsoleShell {
    /** What the password dialogue asks for the present password (BusyBox: "Old password:"). */
    static final Pattern OLD_PASSWORD = BoundedPattern.compile("(?i)(?:old|current)[^\\n]{0,20}password: ?$");
    static final Pattern ANY_PASSWORD = BoundedPattern.compile("(?i)password: ?$");
    /** The text a login that failed prints before it asks again. */
    static final Pattern INCORRECT = BoundedPattern.compile("(?i)(?:incorrect|failed|denied|invalid)");

    private final Console console;
    private final Duration timeout;
    /** Who the shell runs as, once known; null before. */
    private String user;

    public ConsoleShell(Console console, Duration timeout) {
        this.console = console;
        this.timeout = timeout;
    }

    /** Who the shell runs as (from the login, or from {@code id} at a shell that needed none); null when not known. */
    public String user() {
        return user;
    }

    /**
     * From a login prompt (or a shell), to a shell: wakes the console, and logs in with {@code login} if it
     * asks. A shell is confirmed by its prompt; a login that does not take the credential is a bench fault.
     */
    public void reachShell(ConsoleLogin login, String why) throws BenchIoException {
        console.skipToEnd();
        console.send("\r");
        Console.Match m = await("a login or shell prompt " + why, Prompts.LOGIN, Prompts.SHELL, Prompts.PASSWORD);
        if (m.pattern() == Prompts.PASSWORD) {
            // a half-typed login: an empty password ends it
            console.send("\r");
            m = await("a login prompt after an abandoned password " + why, Prompts.LOGIN, Prompts.SHELL);
        }
        if (m.pattern() == Prompts.SHELL) {
            if (user == null) {
                java.util.regex.Matcher id = Prompts.ID_OUTPUT.matcher(run("id"));
                user = id.find() ? id.group(2) : null;
            }
            return;
        }
        if (login == null) {
            throw new NotApplicable("the console asks for a login " + why + " and the profile gives none"
                    + " (lifecycle.console-login)");
        }
        if (!logIn(login.user(), login.password(), true)) {
            throw new BenchFault("the console login did not take the profile's lifecycle.console-login for user "
                    + login.user() + " " + why + ": correct it, or the device's password changed");
        }
    }

    /**
     * At a login prompt: whether the user and password get a shell. A secret password is sent so no file
     * of the run holds it; a canary is not secret and shows in the transcript.
     */
    public boolean logIn(String user, String password, boolean secret) throws BenchIoException {
        console.send(user + "\r");
        await("the password prompt after the user name " + user, Prompts.PASSWORD);
        if (secret) {
            console.sendSecret(password + "\r", "[the profile's password]\r");
        } else {
            console.send(password + "\r");
        }
        Console.Match m = await("the answer to a login as " + user, Prompts.SHELL, Prompts.LOGIN);
        if (m.pattern() == Prompts.SHELL) {
            this.user = user;
            return true;
        }
        return false;
    }

    /** At a shell: leaves it, back to the login prompt. */
    public void logOut() throws BenchIoException {
        console.skipToEnd();
        console.send("exit\r");
        await("the login prompt after `exit`", Prompts.LOGIN);
        user = null;
    }

    /** At a shell: runs the command and returns what it printed (without the echoed command line). */
    public String run(String command) throws BenchIoException {
        console.skipToEnd();
        long from = console.position();
        console.send(command + "\r");
        Console.Match prompt = await("the shell prompt after `" + Printable.of(command) + "`", Prompts.SHELL);
        String out = console.text(from, prompt.start());
        int eol = out.indexOf('\n');
        return eol < 0 ? "" : out.substring(eol + 1);
    }

    /**
     * At a shell: sets the password of {@code account} through {@code passwd} (naming it unless it is the
     * user logged in), answering "Old password" with {@code old}. The new password is a canary or, on a
     * restore, the profile's own ({@code secretNew}). True when the dialogue says it changed.
     */
    public boolean passwd(String account, String old, String now, boolean secretNew) throws BenchIoException {
        console.skipToEnd();
        long from = console.position();
        console.send("passwd" + (account.equals(user) ? "" : " " + account) + "\r");
        for (int asked = 0; asked < 4; asked++) {
            Console.Match m = await("the passwd dialogue", Prompts.SHELL, ANY_PASSWORD);
            if (m.pattern() == Prompts.SHELL) {
                break;
            }
            // The match is the prompt's tail; the words before it say which password it wants.
            boolean askingOld = OLD_PASSWORD.matcher(console.text(Math.max(from, m.start() - 40), m.end())).find();
            if (askingOld && old == null) {
                console.send("\u0003");
                await("the shell prompt after abandoning passwd", Prompts.SHELL);
                return false;
            }
            String answer = askingOld ? old : now;
            if (askingOld || secretNew) {
                console.sendSecret(answer + "\r", askingOld ? "[the present password]\r" : "[the profile's password]\r");
            } else {
                console.send(answer + "\r");
            }
        }
        return Prompts.PASSWORD_CHANGED.matcher(console.text(from, console.position())).find();
    }

    private Console.Match await(String what, Pattern... patterns) throws BenchIoException {
        try {
            return console.expect(timeout, patterns);
        } catch (ExpectTimeout e) {
            String tail = Printable.of(console.text(Math.max(0, console.position() - 160), console.position()).strip());
            throw new BenchFault("the console did not show " + what + " within " + timeout.toMillis() + " ms"
                    + (tail.isEmpty() ? "" : " (console: …" + tail + ")"));
        }
    }
}
