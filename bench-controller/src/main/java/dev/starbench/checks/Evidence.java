package dev.starbench.checks;

/** Where a check puts what it did and saw; every call is journaled at once. */
public interface Evidence {
    /** One step of the procedure, as it is taken. */
    void step(String text);

    /** What the console printed between two stream positions (secrets masked). */
    void transcript(String title, long from, long to);

    /** What decides the verdict, in a sentence a certification engineer can quote. */
    void finding(String text);

    void note(String text);

    /** A measured figure with its unit, e.g. one rate's score in a baud scan. */
    void measurement(String text);
}
