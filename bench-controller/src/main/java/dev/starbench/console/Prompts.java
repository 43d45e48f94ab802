package dev.starbench.console;

import java.util.regex.Pattern;

/**
 * What consoles print at each stage, as bounded patterns over what a terminal shows (the console hides
 * colours, cursor moves, titles and queries before matching). Prompts are anchored at the end of what
 * has arrived ({@code $}): a prompt is the last thing a console prints before it waits. Two things may
 * still follow a prompt on a real console, and are allowed: a CR redraw before it (a line editor
 * reprinting its prompt), and up to three kernel or syslog lines after it ({@code [   12.345] ...},
 * {@code login[89]: ...}), which the kernel prints wherever the cursor is and which leave the prompt waiting.
 * A prompt at the end of what arrived so far may still be the start of a longer line ("login: bad salt"):
 * whoever acts on one waits for the console to stay quiet after it ({@link Console#expectPrompt}).
 */
public final class Prompts {
    private Prompts() {
    }

    /** Kernel ("[   12.345678] ...") and syslog ("login[89]: ...") lines printed after a prompt. */
    static final String TRAILING_LOG =
            "(?:(?:\\r?\\n)?(?:\\[ {0,6}\\d{1,6}\\.\\d{1,6}\\]|[A-Za-z][\\w.-]{0,31}\\[\\d{1,7}\\]:)[^\\n]{0,200}\\n){0,3}";

    public static final Pattern AUTOBOOT = BoundedPattern.compile(
            "(?i)hit any key to stop autoboot|autoboot(?:ing)? in \\d{1,3}|press [^\\n]{0,40}to (?:stop|abort)");
    public static final Pattern BOOTLOADER_PROMPT = BoundedPattern.compile("(?:^|\\n)(=> |U-Boot> |[A-Za-z][\\w-]{0,19}> )");
    public static final Pattern BOOTLOADER_PASSWORD = BoundedPattern.compile("(?i)(?:autoboot|bootloader|u-boot)[^\\n]{0,30}password[^\\n]{0,10}: ?");
    // Up to the line's end: a real UART delivers the line in pieces, and a prefix is not the version.
    public static final Pattern UBOOT_VERSION = BoundedPattern.compile("U-Boot \\d{4}\\.\\d{2}[^\\r\\n]{0,120}(?=[\\r\\n])");
    /** What passwd (BusyBox's, shadow's) prints after a change; shadow's "password unchanged" is not one. */
    public static final Pattern PASSWORD_CHANGED = BoundedPattern.compile("(?i)password[^\\n]{0,60}\\b(?:changed|updated)");
    public static final Pattern KERNEL_START = BoundedPattern.compile("Starting kernel|Linux version \\d|Booting Linux");
    public static final Pattern ACTIVATE = BoundedPattern.compile("Please press Enter to activate this console");
    /**
     * A login prompt as a line reads: "login: " at a line's start or after a blank, with at most one word
     * before it (a host name, "(none)"); also when other output without its line end came first on that
     * line (a message, a syslog line).
     */
    static final String LOGIN_LINE = "(?:^|\\s)(?:\\S{1,64} )?login: ?";
    public static final Pattern LOGIN = BoundedPattern.compile(LOGIN_LINE + TRAILING_LOG + "$");
    public static final Pattern PASSWORD = BoundedPattern.compile("(?i)password: ?" + TRAILING_LOG + "$");
    public static final Pattern LOGIN_FAILED = BoundedPattern.compile("(?i)login incorrect|permission denied|authentication fail");
    public static final Pattern SHELL = BoundedPattern.compile("(?:^|[\\r\\n])[^\\r\\n#$]{0,60}[#$] " + TRAILING_LOG + "$");
    public static final Pattern ID_OUTPUT = BoundedPattern.compile("uid=(\\d{1,10})\\(([^)\\n]{0,32})\\)");
}
