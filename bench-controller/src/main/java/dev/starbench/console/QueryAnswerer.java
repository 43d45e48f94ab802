package dev.starbench.console;

import dev.starbench.bench.BenchIoException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Answers the DUT's terminal queries on a thread of its own, so the serial reader never waits on a
 * write: the reader offers each query and goes on; this thread writes the answer when the bench is not
 * in the middle of sending (the console's send lock). Bounded both ways: at most {@link #BURST} answers
 * at once and {@link #PER_SECOND} a second after that, so a DUT that floods queries cannot make the
 * bench flood back; what is not answered is counted and noted in the transcript.
 */
final class QueryAnswerer implements AutoCloseable {
    static final int BURST = 16;
    static final int PER_SECOND = 8;

    /** Where answers go: the console's own send path. */
    interface Sender {
        void answer(ConsoleBuffer.Query query) throws BenchIoException;

        void note(String text, Instant at);
    }

    private final Sender sender;
    private final ArrayBlockingQueue<ConsoleBuffer.Query> queue = new ArrayBlockingQueue<>(BURST);
    private double tokens = BURST;
    private long refilledAt = System.nanoTime();
    private int unanswered;
    private long unansweredSince;
    private Thread thread;
    private volatile boolean closed;

    QueryAnswerer(Sender sender) {
        this.sender = sender;
    }

    /**
     * Called by the reader thread; never blocks. Returns a transcript note when queries went unanswered
     * (at most one a second), else null.
     */
    synchronized String offer(List<ConsoleBuffer.Query> queries) {
        if (closed) {
            return null;
        }
        long now = System.nanoTime();
        tokens = Math.min(BURST, tokens + (now - refilledAt) * PER_SECOND / 1e9);
        refilledAt = now;
        for (ConsoleBuffer.Query q : queries) {
            if (tokens >= 1 && queue.offer(q)) {
                tokens--;
            } else {
                if (unanswered == 0) {
                    unansweredSince = now;
                }
                unanswered++;
            }
        }
        if (thread == null && !queue.isEmpty()) {
            thread = new Thread(this::run, "console-answers");
            thread.setDaemon(true);
            thread.start();
        }
        if (unanswered > 0 && now - unansweredSince >= 1_000_000_000L) {
            String note = String.format(Locale.ROOT, "%d terminal queries left unanswered in %.1f s: the bench answers"
                    + " at most %d at once and %d a second", unanswered, (now - unansweredSince) / 1e9, BURST, PER_SECOND);
            unanswered = 0;
            return note;
        }
        return null;
    }

    private void run() {
        try {
            while (!closed) {
                ConsoleBuffer.Query q = queue.take();
                try {
                    sender.answer(q);
                } catch (BenchIoException e) {
                    sender.note("could not answer the terminal query " + q.name() + ": " + e.getMessage(), Instant.now());
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
