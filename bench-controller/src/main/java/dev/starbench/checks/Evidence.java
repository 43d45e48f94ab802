package dev.starbench.checks;

import dev.starbench.report.DeviceKey;
import dev.starbench.report.Measurement;
import java.nio.file.Path;

/** Where a check puts what it did and saw; every call is journaled at once. */
public interface Evidence {
    /** One step of the procedure, as it is taken. */
    void step(String text);

    /** What the console showed between two stream positions, as a terminal shows it (secrets masked). */
    void transcript(String title, long from, long to);

    /** What decides the verdict, in a sentence a certification engineer can quote. */
    void finding(String text);

    void note(String text);

    /**
     * A file the check had written into the run directory (a tool's own log), complete: the record lists
     * it with its SHA-256 and the report links it. Sinks without a run directory note its path.
     */
    default void file(String title, Path file) {
        note(title + ": " + file);
    }

    /**
     * A number with its unit and limits (see {@link Measurement}); the report shows it with its
     * outcome. The check still decides the verdict. Sinks that keep no measurements record it as a note.
     */
    default void measurement(Measurement m) {
        note(m.describe());
    }

    /**
     * The public key the device identified itself with, as evidence of its own kind, so the history can
     * compare units across runs. Sinks that keep no such evidence record it as a note.
     */
    default void deviceKey(DeviceKey key) {
        note(key.text());
    }
}
