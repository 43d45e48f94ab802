package dev.starbench.console;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says what stage a console is at from what it printed last: the stage whose marker ends latest in
 * the tail wins, so a login prompt after a U-Boot banner reads as LOGIN, not BOOTLOADER. The tail is
 * read as a terminal shows it, so colour codes and a trailing query do not hide a prompt.
 */
public final class PromptClassifier {
    public enum Stage {
        /** Nothing recognisable yet. */
        UNKNOWN,
        BOOTLOADER_BANNER,
        AUTOBOOT_COUNTDOWN,
        BOOTLOADER_PROMPT,
        BOOTLOADER_PASSWORD,
        KERNEL,
        ACTIVATE_CONSOLE,
        LOGIN,
        PASSWORD,
        SHELL
    }

    private record Marker(Stage stage, Pattern pattern) {
    }

    private static final Pattern UBOOT_BANNER = BoundedPattern.compile("U-Boot (?:SPL )?\\d{4}\\.\\d{2}");
    private static final List<Marker> MARKERS = List.of(
            new Marker(Stage.BOOTLOADER_BANNER, UBOOT_BANNER),
            new Marker(Stage.AUTOBOOT_COUNTDOWN, Prompts.AUTOBOOT),
            new Marker(Stage.BOOTLOADER_PROMPT, BoundedPattern.compile("(?:^|\\n)(?:=> |U-Boot> )")),
            new Marker(Stage.KERNEL, Prompts.KERNEL_START),
            new Marker(Stage.ACTIVATE_CONSOLE, Prompts.ACTIVATE),
            new Marker(Stage.LOGIN, Prompts.LOGIN),
            new Marker(Stage.PASSWORD, Prompts.PASSWORD),
            new Marker(Stage.SHELL, Prompts.SHELL),
            new Marker(Stage.BOOTLOADER_PASSWORD, Prompts.BOOTLOADER_PASSWORD));

    private PromptClassifier() {
    }

    public static Stage classify(CharSequence tail) {
        String shown = TerminalModel.strip(tail);
        Stage stage = Stage.UNKNOWN;
        int latest = -1;
        for (Marker m : MARKERS) {
            Matcher matcher = m.pattern().matcher(shown);
            int at = -1;
            while (matcher.find()) {
                at = matcher.end();
            }
            // On a tie the later marker in the list is the more specific stage ("autoboot password:" over "password:").
            if (at >= 0 && at >= latest) {
                latest = at;
                stage = m.stage();
            }
        }
        return stage;
    }
}
