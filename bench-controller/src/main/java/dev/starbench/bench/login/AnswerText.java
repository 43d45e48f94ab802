package dev.starbench.bench.login;

import java.util.regex.Pattern;

/** An answer as evidence and comparisons see it: terminal controls and tags gone, blanks folded, capped. */
final class AnswerText {
    static final int MAX = 200;
    static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]{0,16}[A-Za-z]|\u001b\\][^\u0007]{0,200}\u0007");
    private static final Pattern TAGS = Pattern.compile("<[^>]{0,300}>");

    private AnswerText() {
    }

    /** Without terminal control sequences (colours, a cursor position query after a prompt). */
    static String withoutEscapes(CharSequence raw) {
        return ESCAPES.matcher(raw).replaceAll("");
    }

    static String of(String raw) {
        String s = withoutEscapes(raw);
        s = TAGS.matcher(s).replaceAll(" ");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < MAX; i++) {
            char c = s.charAt(i);
            out.append(Character.isWhitespace(c) || Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString().replaceAll(" {2,}", " ").trim();
    }
}
