package dev.starbench.cli;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.console.BaudScan;
import dev.starbench.console.BaudScore;
import dev.starbench.console.Console;
import dev.starbench.console.Transcript;
import dev.starbench.dut.Dut;
import dev.starbench.run.BenchLease;
import dev.starbench.run.LoggingLevels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "baud-scan", description = "Find the DUT console's baud rate: one boot per candidate rate, ranked, the winner confirmed.")
final class BaudScanCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Option(names = "--fixture", required = true, description = "The bench's wiring (YAML).")
    Path fixture;

    @Option(names = "--device", description = "The device profile (YAML): its boot timeout bounds a silent boot;"
            + " the virtual fixture needs one for its simulation.")
    Path device;

    @Option(names = "--transcript", description = "Where the console transcript goes (default: reports/baud-scan-<time>.transcript).")
    Path transcript;

    @Mixin
    LeaseDirOption leases;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        Fixture f;
        DeviceProfile p = null;
        try {
            f = ConfigLoader.loadFixture(fixture);
            if (device != null) {
                p = ConfigLoader.loadProfile(device);
            }
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        LoggingLevels.apply(f.logging());
        Clock clock = Clock.systemUTC();
        String id = "baud-scan-" + STAMP.format(clock.instant());
        Path transcriptFile = transcript != null ? transcript : Path.of("reports", id + ".transcript");
        Duration firstByte = Duration.ofMillis(p != null ? p.timeouts().bootMs() : 60_000);
        try (BenchLease lease = BenchLease.acquire(leases.dir(), f.benchId(), id, Duration.ofHours(1), clock)) {
            if (transcriptFile.toAbsolutePath().getParent() != null) {
                Files.createDirectories(transcriptFile.toAbsolutePath().getParent());
            }
            Console console = new Console(new Transcript(transcriptFile));
            // The adapter closes before the bench, which may end the virtual DUT holding its pty.
            try (Bench bench = Bench.open(f, p); console) {
                console.attach(bench.openSerial(console));
                Dut dut = new Dut(bench.power(), Map.of(), console, bench, p, (state, cause, reached) -> { });
                out.printf("Baud scan on bench %s: %d rates, one boot each%n", f.benchId(), BaudScan.CANDIDATES.size());
                BaudScan.Result result = new BaudScan(console, baud -> {
                    bench.setBaud(baud);
                    return dut.powerCycle("baud scan at " + baud);
                }, firstByte).run(BaudScan.CANDIDATES, (capture, confirming) ->
                        out.printf("  %s%s%n", confirming ? "confirm " : "", capture.score().describe()));
                out.printf("%nRanking:%n  %9s  %5s  %5s  %9s  %8s  %7s  %s%n",
                        "baud", "score", "bytes", "printable", "text run", "entropy", "known strings");
                for (BaudScan.Capture c : result.ranking()) {
                    BaudScore s = c.score();
                    out.printf(Locale.ROOT, "  %9d  %5.1f  %5d  %8.0f%%  %8d  %7.2f  %s%n", s.baud(), s.score(), s.bytes(),
                            100 * s.printable(), s.longestRun(), s.entropy(), String.join(", ", s.known()));
                }
                out.printf("Transcript: %s%n", transcriptFile);
                int best = result.best().score().baud();
                if (!result.found()) {
                    out.printf("No readable console at any rate: check the wiring (TX/RX/GND) and the UART.%n");
                    return 2;
                }
                if (!result.confirmed()) {
                    out.printf("%d baud scored best but did not confirm on a second boot.%n", best);
                    return 2;
                }
                out.printf("Console at %d baud, confirmed on a second boot.%n", best);
                return 0;
            }
        } catch (BenchLease.Busy e) {
            System.err.println("error: " + e.getMessage());
            return Main.BENCH_BUSY;
        } catch (BenchIoException e) {
            System.err.println("error: the bench failed: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
