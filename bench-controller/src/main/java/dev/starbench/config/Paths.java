package dev.starbench.config;

import java.util.List;

/** Renders a field path the way error messages show it: {@code buttons.reset.pin}, {@code simulation.flaws[2]}. */
final class Paths {
    private Paths() {
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
