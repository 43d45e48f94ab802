package dev.starbench.bench.debug;

import dev.starbench.config.DebugProbe;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The only commands the bench sends OpenOCD once it runs: each one reads (the chain, a DP or AP register,
 * memory) or ends OpenOCD; halting only where the profile allows it. Everything else is refused here,
 * before a byte reaches OpenOCD: erase, unlock ({@code nrf52_recover}, {@code stm32f1x unlock}), flash
 * and option-byte writes, memory and register writes, resets, and any text that is not one plain
 * command (a {@code ;}, a newline, a {@code [...]} substitution, quoting).
 */
public final class ReadOnlyCommands {
    /** A command the bench will not send, with why. */
    public static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** A command that passed the list; only {@link #check} makes one. */
    public static final class Command {
        private final List<String> words;

        private Command(List<String> words) {
            this.words = List.copyOf(words);
        }

        /** The words joined by single spaces: plain words only, so nothing in it is Tcl syntax. */
        public String text() {
            return String.join(" ", words);
        }

        @Override
        public String toString() {
            return text();
        }
    }

    private static final String NUMBER = "0x[0-9A-Fa-f]{1,8}|[0-9]{1,10}";
    /** Names that change a part for good; named in the refusal so a reader sees why. */
    private static final List<String> DESTRUCTIVE = List.of("recover", "unlock", "erase", "flash", "program", "option",
            "mww", "mwh", "mwb", "mwd", "write", "load_image", "lock", "reset", "assert");

    private final Set<String> taps;
    private final Set<String> daps;
    private final Set<String> targets;
    private final boolean haltAllowed;

    /**
     * @param haltAllowed the profile allows halting the core (and the part is not fragile)
     */
    public ReadOnlyCommands(Set<String> taps, Set<String> daps, Set<String> targets, boolean haltAllowed) {
        this.taps = Set.copyOf(taps);
        this.daps = Set.copyOf(daps);
        this.targets = Set.copyOf(targets);
        this.haltAllowed = haltAllowed;
    }

    /** The same list, also for these names (as OpenOCD reported them; plain words only). */
    ReadOnlyCommands with(Set<String> moreTaps, Set<String> moreDaps, Set<String> moreTargets) {
        return new ReadOnlyCommands(union(taps, moreTaps), union(daps, moreDaps), union(targets, moreTargets), haltAllowed);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        b.stream().filter(n -> n.matches(DebugProbe.WORD)).forEach(out::add);
        return out;
    }

    /** The command, if it is on the list; else {@link Refused} saying why. */
    public Command check(String text) {
        if (text == null || text.isBlank()) {
            throw new Refused("refused an empty command");
        }
        String[] words = text.strip().split(" ");
        for (String w : words) {
            if (!w.matches(DebugProbe.WORD)) {
                throw new Refused("refused before OpenOCD saw it: `" + shown(text) + "` is not one plain command (Tcl"
                        + " syntax such as ; [ ] $ { } quotes or a line break is never passed on)");
            }
        }
        if (!allowed(words)) {
            String lower = text.toLowerCase(Locale.ROOT);
            boolean destructive = DESTRUCTIVE.stream().anyMatch(lower::contains);
            throw new Refused("refused before OpenOCD saw it: `" + shown(text) + "` is not on the bench's read-only list"
                    + (destructive ? "; the bench never erases, unlocks, resets, or writes memory, flash or option bytes"
                    : isHalt(words) ? "; the profile does not allow halting this part" : ""));
        }
        return new Command(List.of(words));
    }

    private boolean allowed(String[] w) {
        String all = String.join(" ", w);
        switch (all) {
            case "version", "init", "shutdown", "scan_chain", "adapter name", "adapter speed", "transport select",
                 "jtag names", "dap names", "target names", "poll off", "log_output /dev/null", "log_output default" -> {
                return true;
            }
            default -> {
                // below
            }
        }
        if (isHalt(w)) {
            return haltAllowed;
        }
        if (w.length == 4 && w[0].equals("jtag") && w[1].equals("cget") && taps.contains(w[2]) && w[3].equals("-idcode")) {
            return true;
        }
        if (w.length >= 2 && daps.contains(w[0])) {
            return switch (w[1]) {
                case "dpreg" -> w.length == 3 && number(w[2]);             // a fourth word would write it
                case "apreg" -> w.length == 4 && number(w[2]) && number(w[3]);
                case "apid", "info" -> w.length == 3 && number(w[2]);
                default -> false;
            };
        }
        if (w.length >= 2 && targets.contains(w[0])) {
            return switch (w[1]) {
                case "read_memory" -> (w.length == 5 || w.length == 6 && w[5].equals("phys")) && number(w[2])
                        && Set.of("8", "16", "32").contains(w[3]) && number(w[4]);
                case "mdw", "mdh", "mdb" -> (w.length == 3 || w.length == 4 && number(w[3])) && number(w[2]);
                case "curstate" -> w.length == 2;
                default -> false;
            };
        }
        return false;
    }

    private boolean isHalt(String[] w) {
        String all = String.join(" ", w);
        return all.equals("halt") || all.equals("resume") || all.equals("reset halt")
                || w.length == 2 && targets.contains(w[0]) && (w[1].equals("arp_halt") || w[1].equals("arp_resume"));
    }

    private static boolean number(String w) {
        return w.matches(NUMBER);
    }

    private static String shown(String text) {
        return DebugProbe.printable(text) + (text.length() > 40 ? "…" : "");
    }
}
