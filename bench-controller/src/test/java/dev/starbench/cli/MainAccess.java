package dev.starbench.cli;

/** Runs the command line in-process, as `starbench ARGS` would, without System.exit. */
public final class MainAccess {
    private MainAccess() {
    }

    public static int execute(String... args) {
        return Main.commandLine().execute(args);
    }
}
