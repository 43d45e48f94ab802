package dev.starbench.console;

import dev.starbench.bench.BenchIoException;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Confirms that a prompt is a real shell: a marker echoed in two quoted halves comes back joined (the
 * echo of the typed line never contains it joined), then {@code id} says who we are. Each command is
 * typed at a whole prompt, and the probe ends at one, so whoever types next types to a waiting shell.
 */
public final class ShellProbe {
    /** Who the shell runs as. */
    public record Identity(int uid, String user) {
        public boolean isRoot() {
            return uid == 0;
        }

        @Override
        public String toString() {
            return "uid=" + uid + "(" + user + ")";
        }
    }

    private final Console console;
    private final Duration timeout;
    private final Random random;

    /** @param random draws the markers: the caller's seeded stream, so a rerun sends the same bytes */
    public ShellProbe(Console console, Duration timeout, Random random) {
        this.console = console;
        this.timeout = timeout;
        this.random = random;
    }

    /** Runs the marker echo and {@code id}; a timeout means the prompt was not a working shell. */
    public Identity confirm() throws BenchIoException, ExpectTimeout {
        String left = "SB" + Integer.toString(random.nextInt(0x1000, 0xffff), 36).toUpperCase();
        String right = Integer.toString(random.nextInt(0x1000, 0xffff), 36).toUpperCase();
        console.send("echo '" + left + "''" + right + "'\r");
        console.expect(timeout, Pattern.compile(Pattern.quote(left + right)));
        console.expectPrompt(timeout, Prompts.SHELL);
        console.send("id\r");
        Console.Match id = console.expect(timeout, Prompts.ID_OUTPUT);
        console.expectPrompt(timeout, Prompts.SHELL);
        return new Identity(Integer.parseInt(id.group(1)), id.group(2));
    }
}
