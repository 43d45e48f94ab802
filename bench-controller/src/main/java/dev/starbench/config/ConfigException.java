package dev.starbench.config;

import java.nio.file.Path;

/**
 * A fixture or profile that cannot be used, with the place to fix it. The message reads
 * {@code FILE:LINE:COLUMN: FIELD: what is wrong}, the form editors and CI logs link to.
 * Line and column are 1-based; both are 0 when the file itself could not be read.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final int column;
    private final String field;

    ConfigException(Path file, int line, int column, String field, String problem) {
        this(file, line, column, field, problem, null);
    }

    ConfigException(Path file, int line, int column, String field, String problem, Throwable cause) {
        super(file + ":" + line + ":" + column + ": " + (field.isEmpty() ? "" : field + ": ") + problem, cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.field = field;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** Dotted path such as {@code buttons.reset.pin} or {@code simulation.flaws[2]}; empty for the whole file. */
    public String field() {
        return field;
    }
}
