package dev.starbench.checks.auth;

import java.util.SplittableRandom;

/** The random user names and passwords a check sends, all drawn from its seed so a rerun sends the same. */
final class Draw {
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private Draw() {
    }

    /** A user name no device has: {@code sb} and eight letters or digits. */
    static String user(SplittableRandom random) {
        return "sb" + text(random, 8).toLowerCase(java.util.Locale.ROOT);
    }

    /** A password no dictionary holds: 20 letters and digits. */
    static String password(SplittableRandom random) {
        return text(random, 20);
    }

    private static String text(SplittableRandom random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
