package dev.starbench.console;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest part of the console stream, twice: as received (raw bytes, for excerpts by position) and
 * as a terminal shows it (for matching), with a map between the two. Positions are byte offsets in the
 * raw stream; shown positions count the shown bytes from the stream's start. The map is a list of
 * segments, one for each stretch of shown bytes that is contiguous in the raw stream, so plain text
 * costs nothing and each hidden escape sequence one entry. Both views drop their oldest half when the
 * raw view exceeds the capacity, so memory stays flat. Not thread-safe: the console guards it.
 */
final class ConsoleBuffer implements TerminalModel.Output {
    /** A query the terminal must answer, and the answer. */
    record Query(String name, String reply) {
    }

    private final int capacity;
    private final TerminalModel terminal = new TerminalModel();
    private final View view = new View();

    private byte[] raw;
    private int rawLength;
    private long rawBase;       // stream position of raw[0]

    private byte[] shown;
    private int shownLength;
    private long shownBase;     // shown position of shown[0]

    // Segment i: shown positions from segShown[i] (to the next segment's start) lie at raw segRaw[i] onwards.
    private long[] segShown = new long[64];
    private long[] segRaw = new long[64];
    private int segFirst;
    private int segEnd;

    private byte[] chunk;       // the chunk being fed, for the terminal's callbacks
    private long chunkStart;
    private final List<Query> queries = new ArrayList<>();

    ConsoleBuffer(int capacity) {
        this.capacity = capacity;
        this.raw = new byte[capacity + 64 * 1024];
        this.shown = new byte[capacity + 64 * 1024];
    }

    /** Appends a chunk as received; returns the queries in it (usually none: then an empty list, no allocation). */
    List<Query> append(byte[] data, int length) {
        raw = room(raw, rawLength, length);
        System.arraycopy(data, 0, raw, rawLength, length);
        chunk = data;
        chunkStart = rawBase + rawLength;
        rawLength += length;
        queries.clear();
        terminal.feed(data, length, this);
        chunk = null;
        if (rawLength > capacity) {
            dropBefore(rawBase + rawLength - capacity / 2);
        }
        return queries.isEmpty() ? List.of() : List.copyOf(queries);
    }

    @Override
    public void shown(int from, int to) {
        long at = chunkStart + from;
        long end = shownEnd();
        if (segEnd == segFirst || segRaw[segEnd - 1] + (end - segShown[segEnd - 1]) != at) {
            if (segEnd == segShown.length) {
                compactSegments();
            }
            segShown[segEnd] = end;
            segRaw[segEnd] = at;
            segEnd++;
        }
        int n = to - from;
        shown = room(shown, shownLength, n);
        System.arraycopy(chunk, from, shown, shownLength, n);
        shownLength += n;
    }

    @Override
    public void query(String name, String reply) {
        queries.add(new Query(name, reply));
    }

    long rawBase() {
        return rawBase;
    }

    long rawEnd() {
        return rawBase + rawLength;
    }

    long shownBase() {
        return shownBase;
    }

    long shownEnd() {
        return shownBase + shownLength;
    }

    /** The first shown position at or after raw position {@code at} (the shown end if none). */
    long shownAt(long at) {
        int s = lastSegment(segRaw, at);
        if (s < 0) {
            return segEnd > segFirst ? segShown[segFirst] : shownEnd();
        }
        long next = s + 1 < segEnd ? segShown[s + 1] : shownEnd();
        return Math.min(segShown[s] + (at - segRaw[s]), next);
    }

    /** The raw position of the shown byte at {@code pos}; the raw end for the shown end. */
    long rawAt(long pos) {
        if (pos >= shownEnd()) {
            return rawEnd();
        }
        int s = lastSegment(segShown, pos);
        return s < 0 ? rawBase : segRaw[s] + (pos - segShown[s]);
    }

    /** The raw position just after the shown byte before {@code pos}: where a match ending there ends. */
    long rawAfter(long pos) {
        return pos <= shownBase ? rawAt(pos) : rawAt(pos - 1) + 1;
    }

    private int lastSegment(long[] starts, long key) {
        int lo = segFirst;
        int hi = segEnd - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= key) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Raw bytes between two stream positions (the part still buffered), one char per byte. */
    String rawText(long from, long to) {
        long start = Math.max(from, rawBase);
        long end = Math.min(to, rawEnd());
        return start >= end ? "" : new String(raw, (int) (start - rawBase), (int) (end - start), StandardCharsets.ISO_8859_1);
    }

    /** What a terminal showed of the raw stream between two positions (the part still buffered). */
    String shownText(long from, long to) {
        return shownBetween(shownAt(Math.max(from, rawBase)), shownAt(Math.min(to, rawEnd())));
    }

    /** Shown bytes between two shown positions (the part still buffered). */
    String shownBetween(long from, long to) {
        long start = Math.max(from, shownBase);
        long end = Math.min(to, shownEnd());
        return start >= end ? "" : new String(shown, (int) (start - shownBase), (int) (end - start), StandardCharsets.ISO_8859_1);
    }

    /** The shown bytes as chars; index i is shown position {@code shownBase() + i}. Valid until the next append. */
    CharSequence view() {
        return view;
    }

    /** Where {@code text} starts in the shown bytes, at a shown position in [from, before); -1 if nowhere. */
    long indexOf(String text, long from, long before) {
        int start = (int) (Math.max(from, shownBase) - shownBase);
        int limit = (int) (Math.min(before, shownEnd()) - shownBase);
        int first = text.charAt(0);
        for (int i = start; i < limit && i + text.length() <= shownLength; i++) {
            if ((shown[i] & 0xff) == first && regionMatches(i, text)) {
                return shownBase + i;
            }
        }
        return -1;
    }

    private boolean regionMatches(int at, String text) {
        for (int k = 1; k < text.length(); k++) {
            if ((shown[at + k] & 0xff) != text.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] room(byte[] array, int used, int more) {
        if (used + more <= array.length) {
            return array;
        }
        return java.util.Arrays.copyOf(array, Math.max(used + more, 2 * array.length));
    }

    private void dropBefore(long newRawBase) {
        long newShownBase = shownAt(newRawBase);
        int rawDrop = (int) (newRawBase - rawBase);
        System.arraycopy(raw, rawDrop, raw, 0, rawLength - rawDrop);
        rawLength -= rawDrop;
        rawBase = newRawBase;
        int shownDrop = (int) (newShownBase - shownBase);
        System.arraycopy(shown, shownDrop, shown, 0, shownLength - shownDrop);
        shownLength -= shownDrop;
        shownBase = newShownBase;
        while (segFirst + 1 < segEnd && segShown[segFirst + 1] <= newShownBase) {
            segFirst++;
        }
        if (segFirst < segEnd && segShown[segFirst] < newShownBase) {
            segRaw[segFirst] += newShownBase - segShown[segFirst];
            segShown[segFirst] = newShownBase;
        }
        if (segFirst == segEnd - 1 && shownLength == 0) {
            segFirst = segEnd;   // nothing shown is left for it to map
        }
    }

    private void compactSegments() {
        int live = segEnd - segFirst;
        if (live > segShown.length / 2) {
            segShown = java.util.Arrays.copyOf(segShown, 2 * segShown.length);
            segRaw = java.util.Arrays.copyOf(segRaw, 2 * segRaw.length);
        }
        System.arraycopy(segShown, segFirst, segShown, 0, live);
        System.arraycopy(segRaw, segFirst, segRaw, 0, live);
        segFirst = 0;
        segEnd = live;
    }

    /** The shown bytes as a CharSequence for java.util.regex, without copying them. */
    private final class View implements CharSequence {
        @Override
        public int length() {
            return shownLength;
        }

        @Override
        public char charAt(int index) {
            if (index >= shownLength) {
                throw new IndexOutOfBoundsException(index);
            }
            return (char) (shown[index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(shown, start, end - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(shown, 0, shownLength, StandardCharsets.ISO_8859_1);
        }
    }
}
