package dev.starbench.bench;

/** The bench's own hardware failed (GPIO, adapter, helper process): never a verdict on the DUT. */
public class BenchIoException extends Exception {
    public BenchIoException(String message) {
        super(message);
    }

    public BenchIoException(String message, Throwable cause) {
        super(message, cause);
    }
}
