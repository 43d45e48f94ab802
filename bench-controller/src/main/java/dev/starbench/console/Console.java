package dev.starbench.console;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.config.BoundedRegex;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DUT's console: what the adapter delivers is logged to the transcript and kept in a bounded
 * buffer, both as received and as a terminal shows it ({@link TerminalModel}: colours, cursor moves,
 * titles and queries are not shown). Patterns match what a terminal shows; positions are byte offsets
 * in the raw stream, so excerpts by position are what crossed the wire.
 *
 * <p>Expect keeps a cursor, like pexpect: a match consumes the stream up to its end. While an expect
 * waits, its own thread reads the adapter ({@link SerialLink#readWhile}) and searches each chunk as it
 * comes, so the chunk that settles the wait wakes no other thread; when nobody waits, the link's reader
 * thread delivers here and a waiter fed by hand is signalled. Each search only rescans the last
 * {@link #MAX_MATCH} shown chars before new data, so a flooding console costs linear time, and the
 * buffer keeps the newest {@link #CAPACITY} bytes, so memory stays flat.
 *
 * <p>A prompt is the last thing a console prints before it waits, and a UART delivers a line in pieces:
 * "\r\nlo" and "gin: bad salt" may come a few milliseconds apart, and "Password:" before its space. So
 * a wait whose answer the bench acts on ({@link #expectPrompt}) takes a match that ends where the stream
 * ends only once the console has stayed quiet for {@link #quietPeriod()} after it; bytes that come sooner
 * send the search back to the match's start, with them.
 *
 * <p>Terminal queries (a cursor position request after a BusyBox prompt, a size query) are answered as a
 * VT100-like 80×24 terminal would, by {@link QueryAnswerer}'s thread, never in the middle of a line the
 * bench is typing; each answer is a TX line and a NOTE in the transcript.
 */
public final class Console implements SerialLink.Sink, AutoCloseable {
    static final int CAPACITY = 1 << 20;
    static final int MAX_MATCH = BoundedRegex.MAX_REPEAT;
    /** How long an answer waits for a line the bench is typing to end before it goes out anyway. */
    static final Duration LINE_WAIT = Duration.ofSeconds(1);
    /**
     * The shortest quiet that confirms a prompt. Inside a line, a USB UART's pieces come at most its latency
     * timer apart (16 ms on an FTDI), and a device's writer that loses its CPU mid-line is back within a few
     * scheduler ticks (4-10 ms each); the real-Linux DUT under QEMU on a loaded host showed at most 15 ms
     * between the pieces of a login dialogue's lines. Twice a BusyBox prompt's two prompts an attempt, it
     * costs some 7% of a 3 s failure delay.
     */
    static final Duration QUIET_FLOOR = Duration.ofMillis(100);
    /** The longest quiet asked for; a gap this long inside a line is a wait (a countdown's tick), not a line in pieces. */
    static final Duration QUIET_CAP = Duration.ofMillis(500);
    /** How many of the latest gaps inside a line the quiet period follows. */
    private static final int GAPS = 64;
    /** What every console prints when it dies; profiles add their own. */
    static final String MASK = "[redacted]";
    public static final List<String> STANDARD_DEATH_STRINGS = List.of("Kernel panic", "Unable to mount root");

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition decided = lock.newCondition();
    private final ConsoleBuffer buffer = new ConsoleBuffer(CAPACITY);
    private final Transcript transcript;
    /** Held across a chunk's publication and its transcript line, so a TX it prompts is never logged before it. */
    private final Object transcriptOrder = new Object();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Condition lineEnded = sendLock.newCondition();
    private final QueryAnswerer answerer;
    private volatile List<String> deathStrings = STANDARD_DEATH_STRINGS;
    private volatile boolean answering = true;
    private long cursor;        // expect consumes up to here
    private Waiter waiter;      // the expect in progress, searched by whichever thread delivers a chunk
    private volatile String failure;   // why the link failed for good
    private boolean lineOpen;   // the bench's last send did not end a line
    private long lastArrival;   // System.nanoTime() when the newest chunk came
    private boolean rxLineOpen; // the newest chunk did not end a line
    private volatile boolean sentSinceArrival;
    private final long[] lineGaps = new long[GAPS];   // the latest gaps between two chunks of one line, nothing sent between
    private int lineGapCount;
    private boolean watchingQuiet;   // a quiet wait without a link (fed by hand) wants to hear of every chunk
    private volatile long arrived;   // the raw end, readable without the lock
    private volatile SerialLink link;

    private final java.util.Set<String> secrets = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Console(Transcript transcript) {
        this.transcript = transcript;
        this.answerer = new QueryAnswerer(new QueryAnswerer.Sender() {
            @Override
            public void answer(ConsoleBuffer.Query query) throws BenchIoException {
                Console.this.answer(query);
            }

            @Override
            public void note(String text, Instant at) {
                transcript.note(text, at);
            }
        });
    }

    /** Attaches the adapter; kept separate so the link can deliver into an existing console. */
    public void attach(SerialLink link) {
        this.link = link;
    }

    /** The standard death strings plus these: any of them ends every wait at once. */
    public void addDeathStrings(List<String> more) {
        List<String> all = new ArrayList<>(STANDARD_DEATH_STRINGS);
        all.addAll(more);
        deathStrings = List.copyOf(all);
    }

    /**
     * Whether the bench answers terminal queries (default on). Off when a person's terminal is attached
     * (the interactive console): theirs answers, and two answers would reach the DUT.
     */
    public void answerTerminalQueries(boolean on) {
        answering = on;
    }

    public Transcript transcript() {
        return transcript;
    }

    @Override
    public void received(byte[] data, int length, Instant at) {
        List<ConsoleBuffer.Query> queries;
        synchronized (transcriptOrder) {
            lock.lock();
            try {
                noteArrival(data, length);
                queries = buffer.append(data, length);
                arrived = buffer.rawEnd();
                Waiter w = waiter;
                if (w != null && w.search()) {
                    decided.signal();
                } else if (watchingQuiet) {
                    decided.signalAll();
                }
            } finally {
                lock.unlock();
            }
            // Held for the transcript's own thread, which writes it to the file.
            transcript.append(Transcript.Direction.RX, data, length, at);
        }
        if (!queries.isEmpty() && answering) {
            String unanswered = answerer.offer(queries);
            if (unanswered != null) {
                transcript.note(unanswered, at);
            }
        }
    }

    /** Under the lock: how this line came in pieces, for {@link #quietPeriod()}. */
    private void noteArrival(byte[] data, int length) {
        long now = System.nanoTime();
        if (rxLineOpen && !sentSinceArrival && now - lastArrival < QUIET_CAP.toNanos()) {
            lineGaps[lineGapCount++ % GAPS] = now - lastArrival;
        }
        sentSinceArrival = false;
        rxLineOpen = length == 0 || data[length - 1] != '\n';
        lastArrival = now;
    }

    /**
     * How long the console must stay quiet after a prompt before the bench acts on it: twice the longest
     * of the latest gaps between two pieces of one line (with nothing typed between), so a device that
     * has shown it pauses inside a line gets that pause, within {@link #QUIET_FLOOR} and {@link #QUIET_CAP}.
     */
    public Duration quietPeriod() {
        lock.lock();
        try {
            return Duration.ofNanos(quietNanos());
        } finally {
            lock.unlock();
        }
    }

    private long quietNanos() {
        long longest = 0;
        for (int i = 0; i < Math.min(lineGapCount, GAPS); i++) {
            longest = Math.max(longest, lineGaps[i]);
        }
        return Math.min(QUIET_CAP.toNanos(), Math.max(QUIET_FLOOR.toNanos(), 2 * longest));
    }

    @Override
    public void quiet() {
        transcript.hurry();
    }

    @Override
    public void gap(String note, Instant at) {
        transcript.note(note, at);
    }

    @Override
    public void failed(String why, Instant at) {
        transcript.note(why, at);
        lock.lock();
        try {
            failure = why;
            decided.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sends text as one write; an answer to a terminal query never lands inside it. */
    public void send(String text) throws BenchIoException {
        sendShowing(text, null);
    }

    /**
     * Sends a secret from the profile (the technician's password): the transcript records {@code shown}
     * in its place, so the secret reaches no file of the run.
     */
    public void sendSecret(String secret, String shown) throws BenchIoException {
        sendShowing(secret, shown);
    }

    /** @param shown what the transcript records instead of the text; null: the text itself */
    private void sendShowing(String text, String shown) throws BenchIoException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        sendLock.lock();
        try {
            write(bytes, shown == null ? bytes : shown.getBytes(StandardCharsets.ISO_8859_1), Instant.now(), null);
            if (bytes.length > 0) {
                int last = bytes[bytes.length - 1];
                // Ctrl-C and Ctrl-D end a line as surely as Enter does.
                lineOpen = !(last == '\r' || last == '\n' || last == 0x03 || last == 0x04);
                if (!lineOpen) {
                    lineEnded.signalAll();
                }
            }
        } finally {
            sendLock.unlock();
        }
    }

    /** On the answerer's thread: waits (bounded) for a line the bench is typing to end, then answers. */
    private void answer(ConsoleBuffer.Query query) throws BenchIoException {
        sendLock.lock();
        try {
            long left = LINE_WAIT.toNanos();
            while (lineOpen && left > 0) {
                left = lineEnded.awaitNanos(left);
            }
            byte[] reply = query.reply().getBytes(StandardCharsets.ISO_8859_1);
            write(reply, reply, Instant.now(), "answered the terminal query " + query.name() + " as a terminal would: "
                    + Printable.of(query.reply())
                    + (lineOpen ? " (the line the bench was typing stayed open " + LINE_WAIT.toMillis() + " ms)" : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted before answering a terminal query", e);
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Logs {@code recorded} (the bytes, or what stands for a secret) with every secret named to
     * {@link #maskInTranscript} masked, then writes the bytes; {@code note} (or null) is logged with them,
     * so the transcript is whole when the DUT reads them.
     */
    private void write(byte[] bytes, byte[] recorded, Instant at, String note) throws BenchIoException {
        sentSinceArrival = true;   // what comes next may answer it: not a line in pieces
        synchronized (transcriptOrder) {
            byte[] logged = secrets.isEmpty() ? recorded
                    : masked(new String(recorded, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
            transcript.write(Transcript.Direction.TX, logged, logged.length, at);
            if (note != null) {
                transcript.note(note, at);
            }
        }
        SerialLink l = link;
        if (l == null) {
            throw new BenchIoException("console has no serial adapter attached");
        }
        l.write(bytes);
    }

    /**
     * A secret the bench will type (a unit's password, say): the device gets it as it is, the transcript
     * shows {@value #MASK} wherever the bench typed it.
     */
    public void maskInTranscript(String secret) {
        if (!secret.isEmpty()) {
            secrets.add(secret);
        }
    }

    private String masked(String text) {
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        return out;
    }

    /** The stream position now: everything received so far lies before it. */
    public long position() {
        lock.lock();
        try {
            return buffer.rawEnd();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets what was received so far, so the next expect only sees new output. */
    public void skipToEnd() {
        lock.lock();
        try {
            cursor = buffer.rawEnd();
        } finally {
            lock.unlock();
        }
    }

    /** The bytes received between two stream positions (the part still buffered), one char per byte. */
    public String text(long from, long to) {
        lock.lock();
        try {
            return buffer.rawText(from, to);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the buffer still holds the stream from this position on (it keeps the newest {@link #CAPACITY} bytes). */
    public boolean holds(long position) {
        lock.lock();
        try {
            return position >= buffer.rawBase();
        } finally {
            lock.unlock();
        }
    }

    public String textSince(long from) {
        return text(from, Long.MAX_VALUE);
    }

    /**
     * What a terminal showed between two stream positions: the text without escape sequences and
     * invisible controls (CR, LF, TAB and BS stay). What patterns and {@link PromptClassifier} read.
     */
    public String visibleText(long from, long to) {
        lock.lock();
        try {
            return buffer.shownText(from, to);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The result of an expect: which pattern matched, its groups and text (as a terminal showed them),
     * where it lies in the raw stream, and when it had come ({@code arrivedNanos}, {@link System#nanoTime()}
     * when its last chunk came; for a match in what was already held when the wait began, when the newest
     * chunk came).
     */
    public record Match(int index, Pattern pattern, String text, List<String> groups, long start, long end, long arrivedNanos) {
        public String group(int i) {
            return groups.get(i);
        }
    }

    /**
     * Waits until one of the patterns matches after the cursor, or the timeout. The earliest match in
     * the stream wins; on equal starts, the first pattern. A death string before the match ends the
     * wait with {@link ConsoleDeath}. Patterns must be bounded ({@link BoundedPattern}); they see what
     * a terminal shows, so {@code $} is the end of the visible text (a trailing query is not there).
     * One thread at a time may wait on a console.
     */
    public Match expect(Duration timeout, Pattern... patterns) throws ExpectTimeout, BenchIoException {
        return await(timeout, System.nanoTime() + timeout.toNanos(), patterns).match;
    }

    /**
     * As {@link #expect}, for a wait whose answer the bench acts on (types a user name at a login prompt,
     * a password at its prompt, a command at a shell): a match that ends where the stream ends is taken only
     * once nothing more has come for {@link #quietPeriod()}, since a prompt is the last thing a console
     * prints before it waits. What comes sooner is searched with what was before it, from the match's
     * start: "login: " followed by "bad salt" is no prompt, a prompt followed by a kernel line still is.
     * The quiet may run past the timeout by the quiet period; a match with text after it is taken at once.
     */
    public Match expectPrompt(Duration timeout, Pattern... patterns) throws ExpectTimeout, BenchIoException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Waiter w = await(timeout, deadline, patterns);
            if (!w.atEnd || staysQuiet(w.streamEnd)) {
                return w.match;
            }
            lock.lock();
            try {
                if (System.nanoTime() - deadline > 0) {
                    throw new ExpectTimeout(timeout, patterns, w.tail());
                }
                cursor = w.match.start();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Whether nothing comes after raw position {@code mark} until the quiet period has passed since the newest chunk. */
    private boolean staysQuiet(long mark) throws BenchIoException {
        try {
            while (true) {
                SerialLink l = link;
                long until;
                lock.lock();
                try {
                    if (buffer.rawEnd() != mark) {
                        return false;
                    }
                    String broken = failure != null ? failure : l == null ? null : l.failure();
                    if (broken != null) {
                        throw new BenchIoException(broken);
                    }
                    until = lastArrival + quietNanos();
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        return true;
                    }
                    if (l == null) {
                        watchingQuiet = true;   // fed by hand (tests): the feeder wakes us
                        try {
                            decided.awaitNanos(left);
                        } finally {
                            watchingQuiet = false;
                        }
                        continue;
                    }
                } finally {
                    lock.unlock();
                }
                // Read on this thread, as expect does: a byte ends the quiet the moment it is read. A read
                // returns at the latest the link's read timeout after it began, which only lengthens the quiet.
                l.readWhile(() -> arrived == mark && failure == null, until);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while waiting for the console to stay quiet", e);
        }
    }

    /** Waits until one of the patterns matches after the cursor (the waiter that decided), or throws at the deadline. */
    private Waiter await(Duration timeout, long deadline, Pattern[] patterns) throws ExpectTimeout, BenchIoException {
        for (Pattern p : patterns) {
            BoundedPattern.check(p);
        }
        Waiter w = new Waiter(patterns);
        try {
            while (true) {
                SerialLink l = link;
                lock.lock();
                try {
                    if (w.decided()) {
                        break;
                    }
                    String broken = failure != null ? failure : l == null ? null : l.failure();
                    if (broken != null) {
                        throw new BenchIoException(broken);
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new ExpectTimeout(timeout, patterns, w.tail());
                    }
                    if (l == null) {
                        decided.awaitNanos(left);   // fed by hand (tests): the feeder wakes us
                        continue;
                    }
                } finally {
                    lock.unlock();
                }
                // This thread reads the port itself while it waits: the chunk that settles the wait
                // wakes no other thread (the reader thread delivers only when nobody waits).
                l.readWhile(() -> !w.decided() && failure == null, deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while waiting for the console", e);
        } finally {
            lock.lock();
            try {
                waiter = null;
            } finally {
                lock.unlock();
            }
        }
        if (w.death != null) {
            throw w.death;
        }
        return w;
    }

    /** One expect: its patterns, how far it has searched, and how it was decided. Searched under the lock. */
    private final class Waiter {
        private final Pattern[] patterns;
        private final Matcher[] matchers;
        private final long from;        // shown position of the cursor
        private long scanned;           // searched up to here without a match
        private volatile Match match;          // read without the lock by the reading thread's loop
        private volatile ConsoleDeath death;
        private boolean atEnd;          // the match ended where the shown stream ended when it was found
        private long streamEnd;         // the raw end of the stream then

        /** Registers itself as the console's one waiter and searches what is already there. */
        Waiter(Pattern[] patterns) {
            this.patterns = patterns;
            this.matchers = new Matcher[patterns.length];
            lock.lock();
            try {
                if (waiter != null) {
                    throw new IllegalStateException("another thread is already waiting on this console");
                }
                for (int i = 0; i < patterns.length; i++) {
                    matchers[i] = patterns[i].matcher(buffer.view());
                }
                this.from = buffer.shownAt(cursor);
                this.scanned = from;
                waiter = this;
                search();
            } finally {
                lock.unlock();
            }
        }

        boolean decided() {
            return match != null || death != null;
        }

        /** Searches what arrived since the last search (and MAX_MATCH before it); true once decided. */
        boolean search() {
            if (decided()) {
                return true;
            }
            long base = buffer.shownBase();
            long start = Math.max(Math.max(from, base), scanned - MAX_MATCH);
            long end = buffer.shownEnd();
            if (start >= end) {
                return false;
            }
            int bestIndex = -1;
            long bestStart = Long.MAX_VALUE;
            for (int i = 0; i < matchers.length; i++) {
                Matcher m = matchers[i];
                m.region((int) (start - base), (int) (end - base));
                if (m.find() && base + m.start() < bestStart) {
                    bestIndex = i;
                    bestStart = base + m.start();
                }
            }
            if (dead(start, bestIndex < 0 ? end : bestStart)) {
                return true;
            }
            if (bestIndex < 0) {
                scanned = end;
                return false;
            }
            Matcher m = matchers[bestIndex];   // still holds its match: no other search touched it
            String[] groups = new String[m.groupCount() + 1];
            for (int g = 0; g <= m.groupCount(); g++) {
                String s = m.group(g);
                groups[g] = s == null ? "" : s;
            }
            long rawStart = buffer.rawAt(bestStart);
            long rawEnd = m.end() == m.start() ? rawStart : buffer.rawAfter(base + m.end());
            atEnd = base + m.end() == end;
            streamEnd = buffer.rawEnd();
            match = new Match(bestIndex, patterns[bestIndex], groups[0], List.of(groups), rawStart, rawEnd, lastArrival);
            cursor = rawEnd;
            return true;
        }

        /** A death string starting in [start, before): decided, and the cursor moves past it so it is told once. */
        private boolean dead(long start, long before) {
            for (String d : deathStrings) {
                long at = buffer.indexOf(d, start, before);
                if (at >= 0) {
                    String around = buffer.shownBetween(Math.max(at - 200, buffer.shownBase()), at + d.length() + 200);
                    int offset = (int) (at - Math.max(at - 200, buffer.shownBase()));
                    int lineStart = around.lastIndexOf('\n', offset) + 1;
                    int lineEnd = around.indexOf('\n', offset);
                    death = new ConsoleDeath(d, around.substring(lineStart, lineEnd < 0 ? around.length() : lineEnd).strip());
                    cursor = buffer.rawAfter(at + d.length());
                    return true;
                }
            }
            return false;
        }

        /** The last shown text before the timeout, for the message. */
        String tail() {
            long end = buffer.shownEnd();
            return buffer.shownBetween(Math.max(from, end - 400), end);
        }
    }

    @Override
    public void close() {
        answerer.close();
        SerialLink l = link;
        if (l != null) {
            l.close();
        }
        transcript.close();
    }
}
