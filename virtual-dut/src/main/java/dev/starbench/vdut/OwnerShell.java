package dev.starbench.vdut;

import dev.starbench.vdut.Session.Echo;
import dev.starbench.vdut.Session.End;
import dev.starbench.vdut.Session.Line;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The shell commands through which the owner's data is read and written: {@code config get|set|show},
 * BusyBox's {@code passwd} dialogue, {@code logger} and {@code logread}, and {@code factory-reset}.
 */
final class OwnerShell {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM d HH:mm:ss", java.util.Locale.ROOT);

    private final Session s;
    private final UserData data;
    private final Accounts accounts;
    private final Board board;

    OwnerShell(Session s, UserData data, Accounts accounts, Board board) {
        this.s = s;
        this.data = data;
        this.accounts = accounts;
        this.board = board;
    }

    /** Runs one of its commands; false when the command is not one of them. */
    boolean run(String command, List<String> args, String user) throws InterruptedException, IOException {
        switch (command) {
            case "config" -> config(args);
            case "passwd" -> passwd(args, user);
            case "logger" -> {
                if (!args.isEmpty()) {
                    data.log(LocalDateTime.now().format(STAMP) + " " + user + ": " + String.join(" ", args));
                }
            }
            case "logread" -> {
                for (String line : data.logLines()) {
                    s.println(line);
                }
            }
            case "factory-reset" -> {
                s.println("factory-reset: erasing user data and restarting");
                accounts.factoryReset();
                board.reboot("factory-reset command");
                // The reboot interrupts this thread; the next console access ends this boot.
                s.pause(0);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void config(List<String> args) throws InterruptedException, IOException {
        String verb = args.isEmpty() ? "" : args.get(0);
        if (verb.equals("show") && args.size() == 1) {
            for (Map.Entry<String, String> e : data.all().entrySet()) {
                s.println(e.getKey() + "=" + e.getValue());
            }
            return;
        }
        if (verb.equals("get") && args.size() == 2) {
            String value = validKey(args.get(1)) ? data.get(args.get(1)) : null;
            s.println(value == null ? "config: " + args.get(1) + ": not set" : args.get(1) + "=" + value);
            return;
        }
        if (verb.equals("set") && args.size() >= 3) {
            String value = String.join(" ", args.subList(2, args.size()));
            if (!validKey(args.get(1))) {
                s.println("config: invalid key '" + args.get(1) + "'");
            } else if (value.length() > UserData.MAX_VALUE || value.chars().anyMatch(c -> c < 0x20)) {
                s.println("config: a value is at most " + UserData.MAX_VALUE + " printable characters");
            } else {
                data.set(args.get(1), value);
            }
            return;
        }
        s.println("usage: config get KEY | config set KEY VALUE | config show");
    }

    private static boolean validKey(String key) {
        return UserData.KEY.matcher(key).matches();
    }

    /**
     * BusyBox passwd: root may name any account; anyone else changes their own and gives the old password
     * first, which the account database judges as a console login (its delay and lockout apply).
     */
    private void passwd(List<String> args, String user) throws InterruptedException, IOException {
        boolean root = user.equals("root");
        String target = args.isEmpty() ? user : args.get(0);
        if (!root && !target.equals(user)) {
            s.println("passwd: permission denied (are you root?)");
            return;
        }
        if (!accounts.hasAccount(target)) {
            s.println("passwd: unknown user " + target);
            return;
        }
        s.println("Changing password for " + target);
        if (!root) {
            String old = ask("Old password: ");
            if (old == null) {
                return;
            }
            if (!accounts.login(Accounts.Surface.CONSOLE, user, old).accepted()) {
                s.println("passwd: incorrect password");
                return;
            }
        }
        String first = ask("New password: ");
        if (first == null) {
            return;
        }
        String second = ask("Retype password: ");
        if (second == null) {
            return;
        }
        if (!first.equals(second)) {
            s.println("passwd: passwords don't match");
            return;
        }
        if (first.isEmpty()) {
            s.println("passwd: password for " + target + " is unchanged");
        } else if (accounts.reused(target, first)) {
            s.println("passwd: " + Accounts.REUSED);
        } else if (!accounts.set(Accounts.Surface.CONSOLE, target, first)) {
            s.println("passwd: can't update password file /etc/shadow");
        } else {
            s.println("passwd: password for " + target + " changed by " + user);
        }
    }

    /** A line typed without echo; null when it was abandoned with Ctrl-C or Ctrl-D. */
    private String ask(String prompt) throws InterruptedException, IOException {
        s.print(prompt);
        Line line = s.readLine(Echo.OFF, 256, true);
        if (line.end() != End.ENTER) {
            s.println("");
            return null;
        }
        return line.text();
    }
}
