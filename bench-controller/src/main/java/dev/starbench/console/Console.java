package dev.starbench.console;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.config.BoundedRegex;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DUT's console: what the serial reader delivers is logged to the transcript and appended to a
 * bounded text buffer, and waiters are woken at once. Bytes map 1:1 to chars (ISO-8859-1), so
 * positions are byte offsets in the stream.
 *
 * <p>Expect keeps a cursor, like pexpect: a match consumes the stream up to its end. Each search only
 * rescans the last {@link #MAX_MATCH} chars before new data, so a flooding console costs linear time,
 * and the buffer keeps the newest {@link #CAPACITY} chars, so memory stays flat.
 */
public final class Console implements SerialLink.Sink, AutoCloseable {
    static final int CAPACITY = 1 << 20;
    static final int MAX_MATCH = BoundedRegex.MAX_REPEAT;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final StringBuilder buffer = new StringBuilder();
    /** What every console prints when it dies; profiles add their own. */
    public static final List<String> STANDARD_DEATH_STRINGS = List.of("Kernel panic", "Unable to mount root");

    private final Transcript transcript;
    private volatile List<String> deathStrings = STANDARD_DEATH_STRINGS;
    private long base;          // stream position of buffer[0]
    private long cursor;        // expect consumes up to here
    private SerialLink link;

    public Console(Transcript transcript) {
        this.transcript = transcript;
    }

    /** Attaches the adapter; kept separate so the link can deliver into an existing console. */
    public void attach(SerialLink link) {
        this.link = link;
    }

    /** The standard death strings plus these: any of them ends every wait at once. */
    public void addDeathStrings(List<String> more) {
        List<String> all = new java.util.ArrayList<>(STANDARD_DEATH_STRINGS);
        all.addAll(more);
        deathStrings = List.copyOf(all);
    }

    public Transcript transcript() {
        return transcript;
    }

    @Override
    public void received(byte[] data, int length, Instant at) {
        transcript.write(Transcript.Direction.RX, data, length, at);
        String text = new String(data, 0, length, StandardCharsets.ISO_8859_1);
        lock.lock();
        try {
            buffer.append(text);
            if (buffer.length() > CAPACITY) {
                int drop = buffer.length() - CAPACITY / 2;
                buffer.delete(0, drop);
                base += drop;
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void gap(String note, Instant at) {
        transcript.note(note, at);
    }

    public void send(String text) throws BenchIoException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        transcript.write(Transcript.Direction.TX, bytes, bytes.length, Instant.now());
        if (link == null) {
            throw new BenchIoException("console has no serial adapter attached");
        }
        link.write(bytes);
    }

    /** The stream position now: everything received so far lies before it. */
    public long position() {
        lock.lock();
        try {
            return base + buffer.length();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets what was received so far, so the next expect only sees new output. */
    public void skipToEnd() {
        lock.lock();
        try {
            cursor = base + buffer.length();
        } finally {
            lock.unlock();
        }
    }

    /** Text received between two stream positions (the part still buffered). */
    public String text(long from, long to) {
        lock.lock();
        try {
            long start = Math.max(from, base);
            long end = Math.min(to, base + buffer.length());
            return start >= end ? "" : buffer.substring((int) (start - base), (int) (end - base));
        } finally {
            lock.unlock();
        }
    }

    public String textSince(long from) {
        return text(from, Long.MAX_VALUE);
    }

    /** The result of an expect: which pattern matched, its groups, and where. */
    public record Match(int index, Pattern pattern, String text, List<String> groups, long start, long end) {
        public String group(int i) {
            return groups.get(i);
        }
    }

    /**
     * Waits until one of the patterns matches after the cursor, or the timeout. The earliest match in
     * the stream wins; on equal starts, the first pattern. A death string before the match ends the
     * wait with {@link ConsoleDeath}. Patterns must be bounded ({@link BoundedPattern}).
     */
    public Match expect(Duration timeout, Pattern... patterns) throws ExpectTimeout, BenchIoException {
        for (Pattern p : patterns) {
            BoundedPattern.check(p);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            long scanFrom = cursor;
            while (true) {
                long end = base + buffer.length();
                long from = Math.max(Math.max(cursor, base), scanFrom - MAX_MATCH);
                Match best = search(patterns, from, end);
                dieIfDead(from, best == null ? end : best.start());
                if (best != null) {
                    cursor = best.end();
                    return best;
                }
                scanFrom = end;
                String broken = link == null ? null : link.failure();
                if (broken != null) {
                    throw new BenchIoException(broken);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ExpectTimeout(timeout, patterns, tail(from, end));
                }
                arrived.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(250)), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while waiting for the console", e);
        } finally {
            lock.unlock();
        }
    }

    private Match search(Pattern[] patterns, long from, long end) {
        if (from >= end) {
            return null;
        }
        CharSequence window = buffer.subSequence((int) (from - base), (int) (end - base));
        Match best = null;
        for (int i = 0; i < patterns.length; i++) {
            Matcher m = patterns[i].matcher(window);
            if (m.find() && (best == null || from + m.start() < best.start())) {
                String[] groups = new String[m.groupCount() + 1];
                for (int g = 0; g <= m.groupCount(); g++) {
                    groups[g] = m.group(g);
                }
                best = new Match(i, patterns[i], m.group(), List.of(nullsAsEmpty(groups)), from + m.start(), from + m.end());
            }
        }
        return best;
    }

    /** Throws if a death string starts in [from, before); the cursor moves past it so it is told once. */
    private void dieIfDead(long from, long before) {
        int start = (int) (from - base);
        int limit = (int) (before - base);
        for (String death : deathStrings) {
            int at = buffer.indexOf(death, start);
            if (at >= 0 && at < limit) {
                int lineStart = buffer.lastIndexOf("\n", at) + 1;
                int lineEnd = buffer.indexOf("\n", at);
                String line = buffer.substring(Math.max(lineStart, at - 200), lineEnd < 0 ? buffer.length() : Math.min(lineEnd, at + 200));
                cursor = base + at + death.length();
                throw new ConsoleDeath(death, line.strip());
            }
        }
    }

    private static String[] nullsAsEmpty(String[] a) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null) {
                a[i] = "";
            }
        }
        return a;
    }

    private String tail(long from, long end) {
        long start = Math.max(base, Math.max(from, end - 400));
        return buffer.substring((int) (start - base), (int) (end - base));
    }

    @Override
    public void close() {
        if (link != null) {
            link.close();
        }
        transcript.close();
    }
}
