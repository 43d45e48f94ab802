package dev.starbench.checks.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Prompts;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Confirms that a prompt is a real shell: a marker echoed in two quoted halves comes back joined (the
 * echo of the typed line never contains it joined), then {@code id} says who we are.
 */
final class ShellProbe {
    record Identity(int uid, String user) {
        boolean isRoot() {
            return uid == 0;
        }

        @Override
        public String toString() {
            return "uid=" + uid + "(" + user + ")";
        }
    }

    private final Console console;
    private final Duration timeout;

    ShellProbe(Console console, Duration timeout) {
        this.console = console;
        this.timeout = timeout;
    }

    Identity confirm() throws BenchIoException {
        String left = "SB" + Integer.toString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff), 36).toUpperCase();
        String right = Integer.toString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff), 36).toUpperCase();
        try {
            console.send("echo '" + left + "''" + right + "'\r");
            console.expect(timeout, Pattern.compile(Pattern.quote(left + right)));
            console.expect(timeout, Prompts.SHELL);
            console.send("id\r");
            Console.Match id = console.expect(timeout, Prompts.ID_OUTPUT);
            console.expect(timeout, Prompts.SHELL);
            return new Identity(Integer.parseInt(id.group(1)), id.group(2));
        } catch (ExpectTimeout e) {
            throw new BenchFault("a shell prompt appeared but did not run `echo`/`id`: " + e.getMessage(), e);
        }
    }
}
