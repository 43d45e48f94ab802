package dev.starbench.report;

import java.nio.charset.StandardCharsets;

/**
 * Makes hostile text safe to show, one rule per kind of output: DUT output, device names from a
 * profile and technicians' notes reach HTML, Markdown, CSV, XML, a terminal and the logs, and each
 * of those reads different characters as commands.
 */
public final class Text {

    private Text() {}

    private static final char ESC = 0x1b;
    private static final char BEL = 0x07;

    /**
     * Removes terminal control sequences (CSI, OSC and the other ESC and C1 forms), C0 and C1
     * controls except \n and \t, bidi overrides and non-characters; turns CR LF into LF and a lone
     * CR into LF. Lone surrogates become U+FFFD. The result is legal XML 1.0 character data.
     */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        int n = s.length();
        StringBuilder out = new StringBuilder(n);
        // Index from which no string terminator exists, so a flood of unterminated OSCs stays linear.
        int noTerminatorFrom = Integer.MAX_VALUE;
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == ESC || (c >= 0x80 && c <= 0x9f)) {
                boolean c1 = c != ESC;
                int body = c1 ? i + 1 : i + 2;
                char kind = c1 ? (char) (c - 0x40) : (i + 1 < n ? s.charAt(i + 1) : 0);
                if (kind == '[') {
                    i = skipCsi(s, body);
                } else if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
                    int end = body >= noTerminatorFrom ? -1 : stringEnd(s, body);
                    if (end < 0) {
                        noTerminatorFrom = Math.min(noTerminatorFrom, body);
                        // Unterminated: drop only the introducer, so a DUT cannot hide the rest.
                        i = body;
                    } else {
                        i = end;
                    }
                } else if (c1) {
                    i++;
                } else if (kind >= 0x20 && kind <= 0x2f) {
                    int j = i + 1;
                    while (j < n && s.charAt(j) >= 0x20 && s.charAt(j) <= 0x2f) {
                        j++;
                    }
                    i = j < n && s.charAt(j) >= 0x30 && s.charAt(j) <= 0x7e ? j + 1 : j;
                } else if (kind >= 0x30 && kind <= 0x7e) {
                    i += 2;
                } else {
                    i++;
                }
                continue;
            }
            if (c == '\r') {
                if (i + 1 >= n || s.charAt(i + 1) != '\n') {
                    out.append('\n');
                }
            } else if (c == '\n' || c == '\t') {
                out.append(c);
            } else if (c < 0x20 || c == 0x7f || isBidiControl(c) || c == 0xfffe || c == 0xffff) {
                // dropped
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    out.append(c).append(s.charAt(i + 1));
                    i++;
                } else {
                    out.append('\ufffd');
                }
            } else if (Character.isLowSurrogate(c)) {
                out.append('\ufffd');
            } else {
                out.append(c);
            }
            i++;
        }
        return out.toString();
    }

    /** CSI: parameter bytes, intermediate bytes, one final byte; a malformed tail is left as text. */
    private static int skipCsi(String s, int i) {
        int n = s.length();
        while (i < n && s.charAt(i) >= 0x30 && s.charAt(i) <= 0x3f) {
            i++;
        }
        while (i < n && s.charAt(i) >= 0x20 && s.charAt(i) <= 0x2f) {
            i++;
        }
        return i < n && s.charAt(i) >= 0x40 && s.charAt(i) <= 0x7e ? i + 1 : i;
    }

    /** Index after the BEL or ST (ESC \ or U+009C) ending a string sequence, or -1. */
    private static int stringEnd(String s, int i) {
        int n = s.length();
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == BEL || c == 0x9c) {
                return i + 1;
            }
            if (c == ESC && i + 1 < n && s.charAt(i + 1) == '\\') {
                return i + 2;
            }
        }
        return -1;
    }

    // Overrides and isolates can make a transcript read differently from what the device sent.
    private static boolean isBidiControl(char c) {
        return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    static String escapeHtml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Cleaned and escaped, ready for HTML text or a quoted attribute. */
    static String html(String s) {
        return escapeHtml(clean(s));
    }

    /** Longest text a terminal line shows; the record keeps the whole. */
    static final int TERMINAL_MAX = 4096;

    /**
     * For one line of a terminal (progress output, error messages): cleaned of every control
     * sequence, with line breaks and tabs as spaces, so a device name or a DUT's answer can neither
     * retitle the window, move the cursor, nor fake a line of its own; capped at
     * {@value #TERMINAL_MAX} chars.
     */
    public static String terminal(String s) {
        String line = clean(s).replace('\n', ' ').replace('\t', ' ');
        return line.length() <= TERMINAL_MAX ? line : line.substring(0, TERMINAL_MAX) + " [...]";
    }

    /** For a stack trace in a log: cleaned of control sequences, its line breaks kept. */
    public static String log(String s) {
        return clean(s);
    }

    /**
     * For inline Markdown text (a table cell, a list item): one line; {@code & < >} as HTML entities,
     * since Markdown renderers pass raw HTML through; and the characters that make links, emphasis,
     * code or table cells escaped with a backslash.
     */
    static String markdown(String s) {
        String line = clean(s);
        StringBuilder out = new StringBuilder(line.length() + 16);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\n', '\t' -> out.append(' ');
                case '\\', '`', '*', '_', '[', ']', '|' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * One CSV field, RFC 4180 quoted. A spreadsheet runs a cell that starts with {@code = + - @} as a
     * formula, and one that starts with a tab or a line break after trimming it; such a cell gets a
     * leading apostrophe, which spreadsheets show as text.
     */
    static String csvField(String s) {
        String v = clean(s);
        if (!v.isEmpty() && "=+-@\t\n".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    /** Length of the longest prefix of s that fits in maxBytes of UTF-8 without splitting a character. */
    static int prefixFitting(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > maxBytes) {
                break;
            }
            bytes += len;
            i += Character.charCount(cp);
        }
        return i;
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * A relative href for an evidence file, each segment percent-encoded so that neither a scheme
     * ("javascript:") nor markup survives; null for absolute paths or ones that climb out of the
     * run directory, which are shown but not linked.
     */
    static String relativeHref(String file) {
        if (file == null || file.isEmpty()) {
            return null;
        }
        String path = file.replace('\\', '/');
        if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.isEmpty()) {
                return null;
            }
            if (out.length() > 0) {
                out.append('/');
            }
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                int v = b & 0xff;
                if ((v >= 'a' && v <= 'z') || (v >= 'A' && v <= 'Z') || (v >= '0' && v <= '9')
                        || v == '-' || v == '.' || v == '_' || v == '~') {
                    out.append((char) v);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(v >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(v & 0xf, 16)));
                }
            }
        }
        return out.toString();
    }
}
