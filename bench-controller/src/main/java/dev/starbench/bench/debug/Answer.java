package dev.starbench.bench.debug;

import java.util.Arrays;
import java.util.List;

/**
 * OpenOCD's answer to one command: Tcl's status (0 ok, 1 an error, OpenOCD's negative error codes) and
 * the text, which holds what OpenOCD logged while the command ran followed by its result.
 */
public record Answer(int code, String text) {
    public boolean ok() {
        return code == 0;
    }

    /** The text's non-blank lines, stripped. */
    public List<String> lines() {
        return Arrays.stream(text.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** The result: the last non-blank line (what the command printed after any log lines). */
    public String result() {
        List<String> l = lines();
        return l.isEmpty() ? "" : l.get(l.size() - 1);
    }
}
