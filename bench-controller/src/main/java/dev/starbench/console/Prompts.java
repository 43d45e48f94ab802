package dev.starbench.console;

import java.util.regex.Pattern;

/**
 * What consoles print at each stage, as bounded patterns. Prompts are anchored at the end of what has
 * arrived ({@code $}): a prompt is the last thing a console prints before it waits.
 */
public final class Prompts {
    private Prompts() {
    }

    public static final Pattern AUTOBOOT = BoundedPattern.compile(
            "(?i)hit any key to stop autoboot|autoboot(?:ing)? in \\d{1,3}|press [^\\n]{0,40}to (?:stop|abort)");
    public static final Pattern BOOTLOADER_PROMPT = BoundedPattern.compile("(?:^|\\n)(=> |U-Boot> |[A-Za-z][\\w-]{0,19}> )");
    public static final Pattern BOOTLOADER_PASSWORD = BoundedPattern.compile("(?i)(?:autoboot|bootloader|u-boot)[^\\n]{0,30}password[^\\n]{0,10}: ?");
    // Up to the line's end: a real UART delivers the line in pieces, and a prefix is not the version.
    public static final Pattern UBOOT_VERSION = BoundedPattern.compile("U-Boot \\d{4}\\.\\d{2}[^\\r\\n]{0,120}(?=[\\r\\n])");
    public static final Pattern KERNEL_START = BoundedPattern.compile("Starting kernel|Linux version \\d|Booting Linux");
    public static final Pattern ACTIVATE = BoundedPattern.compile("Please press Enter to activate this console");
    public static final Pattern LOGIN = BoundedPattern.compile("(?:^|\\n)[^\\n]{0,60}login: ?$");
    public static final Pattern PASSWORD = BoundedPattern.compile("(?i)password: ?$");
    public static final Pattern LOGIN_FAILED = BoundedPattern.compile("(?i)login incorrect|permission denied|authentication fail");
    public static final Pattern SHELL = BoundedPattern.compile("(?:^|\\n)[^\\n#$]{0,60}[#$] $");
    public static final Pattern ID_OUTPUT = BoundedPattern.compile("uid=(\\d{1,10})\\(([^)\\n]{0,32})\\)");
}
