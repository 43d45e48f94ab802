package dev.starbench.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Paths in configuration: field paths as error messages show them ({@code buttons.reset.pin},
 * {@code simulation.flaws[2]}), and file paths as files name them.
 */
final class Paths {
    private Paths() {
    }

    /** A file named in a config file: relative to that file, or "~/..." in the bench account's home. */
    static Path file(Path baseDir, String text, Object... field) {
        // An empty path resolves to the config file's own directory, which no field means.
        InvalidField.check(!text.isBlank(), "must not be empty (a file's path)", field);
        try {
            Path p = text.startsWith("~/") ? Path.of(System.getProperty("user.home"), text.substring(2)) : baseDir.resolve(text);
            return p.toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw InvalidField.of("not a valid path: " + e.getReason(), field);
        }
    }

    static String render(List<?> path) {
        StringBuilder out = new StringBuilder();
        for (Object segment : path) {
            if (segment instanceof Integer index) {
                out.append('[').append(index).append(']');
            } else {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(segment);
            }
        }
        return out.toString();
    }
}
