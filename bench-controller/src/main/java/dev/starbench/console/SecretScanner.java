package dev.starbench.console;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secrets a DUT prints (private keys, passwords, pre-shared keys, tokens) and masks them, so
 * the report can say that and where a secret leaked without leaking it again.
 */
public final class SecretScanner {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]{0,30}PRIVATE KEY)-----([\\s\\S]{0,8192}?)-----END [A-Z0-9 ]{0,30}PRIVATE KEY-----");
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)\\b(pass(?:word|wd|phrase)?|pwd|psk|wpa_passphrase|secret|token|api[_-]?key|private[_-]?key)"
                    + "([ \\t]{0,3}[=:][ \\t]{0,3})\"?([^\\s\"']{4,128})");

    private SecretScanner() {
    }

    /** A leaked secret: what kind, and the line it was on with the secret masked. */
    public record Leak(String kind, String maskedLine) {
    }

    public static List<Leak> scan(String text) {
        List<Leak> leaks = new ArrayList<>();
        Matcher pem = PEM.matcher(text);
        while (pem.find()) {
            leaks.add(new Leak(pem.group(1), "-----BEGIN " + pem.group(1) + "----- " + masked(pem.group(2).strip())));
        }
        Matcher a = ASSIGNMENT.matcher(text);
        while (a.find()) {
            leaks.add(new Leak(a.group(1).toLowerCase(), lineAround(text, a.start(), a.end())
                    .replace(a.group(), a.group(1) + a.group(2) + masked(a.group(3)))));
        }
        return leaks;
    }

    /** The text with every secret replaced by a mask that keeps only its length. */
    public static String mask(String text) {
        String out = PEM.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
                "-----BEGIN " + m.group(1) + "-----" + masked(m.group(2).strip()) + "-----END " + m.group(1) + "-----"));
        return ASSIGNMENT.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + masked(m.group(3))));
    }

    private static String masked(String secret) {
        return "[masked " + secret.length() + " chars]";
    }

    private static String lineAround(String text, int start, int end) {
        int from = Math.max(text.lastIndexOf('\n', start) + 1, start - 200);
        int to = text.indexOf('\n', end);
        to = to < 0 ? Math.min(text.length(), end + 200) : Math.min(to, end + 200);
        return text.substring(from, to).strip();
    }
}
