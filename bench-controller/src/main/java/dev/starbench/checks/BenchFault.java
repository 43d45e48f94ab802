package dev.starbench.checks;

/** The bench could not tell (adapter gone, no output at all, helper died): the verdict is INCONCLUSIVE. */
public class BenchFault extends RuntimeException {
    public BenchFault(String message) {
        super(message);
    }

    public BenchFault(String message, Throwable cause) {
        super(message, cause);
    }
}
