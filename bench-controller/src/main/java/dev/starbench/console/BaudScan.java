package dev.starbench.console;

import dev.starbench.bench.BenchIoException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the console's baud rate: one boot per candidate rate, each capture scored, all ranked; the
 * winner must score readable again on a second boot. The adapter changes rate while open, so the
 * console, its transcript and its reader stay the same throughout.
 */
public final class BaudScan {
    /** The common rates first, then ESP8266's 74880 and the fast ones. */
    public static final List<Integer> CANDIDATES =
            List.of(9600, 19200, 38400, 57600, 115200, 74880, 230400, 460800, 921600, 1500000, 3000000);
    /** Enough of a boot to judge: a U-Boot banner and its first lines are a few hundred bytes. */
    static final int CAPTURE_BYTES = 2048;
    /**
     * A boot window ends at the first pause this long: the scan wants the first burst of output,
     * not the whole boot, which keeps 11 boots short.
     */
    static final Duration QUIET_GAP = Duration.ofMillis(700);
    private static final Pattern ANY = Pattern.compile("(?s).{1,256}");

    /** Switches the console line to the rate, power-cycles the DUT and returns the console position at power-on. */
    @FunctionalInterface
    public interface Boot {
        long powerCycle(int baud) throws BenchIoException;
    }

    /** One boot at one rate: its score and where its bytes lie in the console stream. */
    public record Capture(BaudScore score, long from, long to) {
    }

    /**
     * @param ranking      every candidate, best first
     * @param confirmation the winner's second boot, or null when nothing was readable
     */
    public record Result(List<Capture> ranking, Capture confirmation) {
        public Capture best() {
            return ranking.get(0);
        }

        public boolean found() {
            return best().score().readable();
        }

        /** Readable again on a second boot and still ahead of the runner-up. */
        public boolean confirmed() {
            return confirmation != null && confirmation.score().readable()
                    && (ranking.size() < 2 || confirmation.score().score() > ranking.get(1).score().score());
        }
    }

    /** Told of each capture as it is taken, so a technician (or the journal) sees progress. */
    @FunctionalInterface
    public interface Progress {
        void captured(Capture capture, boolean confirmation);
    }

    private final Console console;
    private final Boot boot;
    private final Duration firstByte;

    /** @param firstByte how long a boot may stay silent before the rate is scored empty */
    public BaudScan(Console console, Boot boot, Duration firstByte) {
        this.console = console;
        this.boot = boot;
        this.firstByte = firstByte;
    }

    public Result run(List<Integer> candidates, Progress progress) throws BenchIoException {
        List<Capture> captures = new ArrayList<>();
        for (int baud : candidates) {
            Capture c = capture(baud);
            progress.captured(c, false);
            captures.add(c);
        }
        // A stable sort: on equal scores the earlier (more common) candidate wins.
        captures.sort(Comparator.comparingDouble((Capture c) -> c.score().score()).reversed());
        Capture confirmation = null;
        if (captures.get(0).score().readable()) {
            confirmation = capture(captures.get(0).score().baud());
            progress.captured(confirmation, true);
        }
        return new Result(List.copyOf(captures), confirmation);
    }

    private Capture capture(int baud) throws BenchIoException {
        long from = boot.powerCycle(baud);
        try {
            console.expect(firstByte, ANY);
            long limit = System.nanoTime() + firstByte.toNanos();
            while (console.position() - from < CAPTURE_BYTES && System.nanoTime() < limit) {
                console.expect(QUIET_GAP, ANY);
            }
        } catch (ExpectTimeout quiet) {
            // silence ends the window
        }
        long to = Math.min(console.position(), from + CAPTURE_BYTES);
        byte[] bytes = console.text(from, to).getBytes(StandardCharsets.ISO_8859_1);
        return new Capture(BaudScore.of(baud, bytes), from, to);
    }
}
