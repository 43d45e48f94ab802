package dev.starbench.vdut;

/** A problem that stops the program before it is ready; carries the exit status the bench sees. */
final class StartupException extends Exception {
    static final int USAGE = 2;
    static final int SIMULATION = 3;
    static final int RUNTIME = 1;

    private final int exitCode;

    StartupException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    StartupException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
