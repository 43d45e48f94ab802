package dev.starbench.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs `starbench ARGS` in this JVM with its output captured, on a thread of its own so a command
 * that hangs (a FIFO opened for reading, an endless file) fails the test at a deadline instead of
 * stopping the suite. The deadline is a hang guard, far above what any of these commands takes.
 */
final class Cli implements AutoCloseable {
    /** @param output stdout and stderr together, in the order written */
    record Result(int exit, String output, Duration took) {
        /** No stack trace, no exception class name: a user sees a message, never a crash. */
        boolean clean() {
            return !output.contains("Exception") && !output.contains("\tat dev.starbench") && !output.contains("\tat java.");
        }
    }

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cli-under-test");
        t.setDaemon(true);
        return t;
    });

    /** Runs one command; a command still running after {@code deadline} is reported as a hang. */
    Result run(Duration deadline, String... args) throws InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        long start = System.nanoTime();
        Future<Integer> exit = thread.submit(() -> MainAccess.execute(args));
        try {
            int code = exit.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(code, buf.toString(StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - start));
        } catch (TimeoutException e) {
            exit.cancel(true);
            throw new AssertionError("`starbench " + String.join(" ", args) + "` still running after " + deadline
                    + " (a hang); output so far:\n" + buf.toString(StandardCharsets.UTF_8));
        } catch (ExecutionException e) {
            throw new AssertionError("`starbench " + String.join(" ", args) + "` threw " + e.getCause(), e.getCause());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
