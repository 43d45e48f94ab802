package dev.starbench.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line in-process, as `starbench ARGS` would, without System.exit. */
public final class MainAccess {
    private MainAccess() {
    }

    public static int execute(String... args) {
        return Main.commandLine().execute(args);
    }

    /** What a command printed, and its exit code. */
    public record Printed(int exit, String out, String err) {
    }

    /** Runs it with System.out and System.err captured (one command at a time in this JVM). */
    public static synchronized Printed capture(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = execute(args);
            return new Printed(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
