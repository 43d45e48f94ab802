package dev.starbench.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How much a capture taken at one baud rate looks like a console: a right rate gives printable text
 * with long runs, text-like entropy and boot strings; a wrong rate gives NULs (framing errors),
 * high-bit bytes and short fragments.
 *
 * @param printable  share of bytes that are printable ASCII or CR, LF, tab, backspace
 * @param longestRun longest run of printable ASCII (a line of text)
 * @param entropy    Shannon entropy of the bytes, bits per byte (text about 3–5.5, noise toward 8, NULs 0)
 * @param known      boot strings found, e.g. {@code U-Boot}
 * @param score      0..100, for ranking
 */
public record BaudScore(int baud, int bytes, double printable, int longestRun, double entropy, List<String> known,
                        double score) {
    static final List<String> KNOWN_STRINGS = List.of("U-Boot", "Linux version", "login:", "BusyBox", "Starting kernel");
    /** Fewer bytes than this are too few to call a rate readable, however clean. */
    static final int MIN_BYTES = 16;
    private static final int FULL_RUN = 60;

    public BaudScore {
        known = List.copyOf(known);
    }

    public static BaudScore of(int baud, byte[] data) {
        int n = data.length;
        int printable = 0;
        int run = 0;
        int longest = 0;
        int[] histogram = new int[256];
        for (byte b : data) {
            int c = b & 0xff;
            histogram[c]++;
            boolean text = c >= 0x20 && c < 0x7f || c == '\t';
            if (text || c == '\r' || c == '\n' || c == '\b') {
                printable++;
            }
            run = text ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        double entropy = 0;
        for (int count : histogram) {
            if (count > 0) {
                double p = (double) count / n;
                entropy -= p * Math.log(p) / Math.log(2);
            }
        }
        String text = new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> known = new ArrayList<>();
        for (String s : KNOWN_STRINGS) {
            if (text.contains(s)) {
                known.add(s);
            }
        }
        double ratio = n == 0 ? 0 : (double) printable / n;
        double score = 45 * ratio
                + 20 * Math.min(longest, FULL_RUN) / (double) FULL_RUN
                + 10 * entropyScore(entropy)
                + 25 * Math.min(known.size(), 2) / 2.0;
        // A handful of bytes is no evidence, however clean they look.
        score *= Math.min(1.0, (double) n / MIN_BYTES);
        return new BaudScore(baud, n, ratio, longest, entropy, known, score);
    }

    /** 1 inside the range of console text, falling toward a constant line (0 bits) and noise (8 bits). */
    private static double entropyScore(double h) {
        if (h < 2.5) {
            return h / 2.5;
        }
        return h <= 5.8 ? 1.0 : Math.max(0, (8 - h) / 2.2);
    }

    /** Text a human would read: mostly printable, with a real line or a boot string. */
    public boolean readable() {
        return bytes >= MIN_BYTES && printable >= 0.9 && (longestRun >= 20 || !known.isEmpty());
    }

    public String describe() {
        return String.format(Locale.ROOT, "%d baud: score %.1f, %d bytes, %.0f %% printable, longest text run %d,"
                        + " entropy %.2f bits/byte, known strings %s",
                baud, score, bytes, 100 * printable, longestRun, entropy, known.isEmpty() ? "none" : String.join(", ", known));
    }
}
