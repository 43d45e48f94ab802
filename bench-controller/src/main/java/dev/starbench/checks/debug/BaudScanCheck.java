package dev.starbench.checks.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.console.BaudScan;
import dev.starbench.console.BaudScore;
import dev.starbench.dut.Dut;
import java.time.Duration;
import dev.starbench.report.Measurement;
import java.util.Locale;
import java.util.stream.Collectors;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * Finds the console's rate when the profile does not declare it, so the console checks after it run
 * at the detected rate. Informational: it never FAILs a device; no readable rate is INCONCLUSIVE.
 */
public class BaudScanCheck {

    @Test
    @CheckId("debug.baud-scan")
    public void consoleBaudRateIsFound(ITestContext testContext) throws BenchIoException {
        CheckContext ctx = CheckContext.of(testContext);
        if (ctx.profile().console() == null) {
            throw new NotApplicable("the profile declares no serial console (no `console:` section)");
        }
        Integer declared = ctx.profile().console().baud();
        if (declared != null) {
            throw new NotApplicable("the profile declares console.baud " + declared
                    + "; `starbench baud-scan` scans a bench by hand");
        }
        Dut dut = ctx.dut();
        Evidence evidence = ctx.evidence();
        evidence.step("boot once from power-on at each candidate rate and score the first burst of boot output: "
                + BaudScan.CANDIDATES);
        BaudScan scan = new BaudScan(dut.console(), baud -> {
                    dut.setConsoleBaud(baud);
                    return dut.unwatchedBoot("debug.baud-scan: boot at " + baud + " baud").powerOnAt();
                },
                Duration.ofMillis(ctx.profile().timeouts().bootMs()));
        int before = dut.consoleBaud();
        BaudScan.Result result = scan.run(BaudScan.CANDIDATES, (capture, confirming) -> {
            if (confirming) {
                evidence.step("second boot at " + capture.score().baud() + " baud to confirm");
                evidence.transcript("confirmation boot at " + capture.score().baud() + " baud", capture.from(), capture.to());
            }
            evidence.measurement(Measurement.of((confirming ? "confirmation-score-" : "score-") + capture.score().baud(),
                    capture.score().score(), "points of 100"));
            evidence.note((confirming ? "confirmation " : "") + capture.score().describe());
        });
        evidence.note("ranking: " + result.ranking().stream()
                .map(c -> String.format(Locale.ROOT, "%d (%.1f)", c.score().baud(), c.score().score()))
                .collect(Collectors.joining(", ")));
        BaudScore best = result.best().score();
        if (!result.found()) {
            dut.setConsoleBaud(before);
            throw new BenchFault("no candidate rate gave readable console output (best " + best.describe()
                    + "): check the adapter's wiring (TX/RX/GND) and that the DUT prints on this UART");
        }
        if (!result.confirmed()) {
            dut.setConsoleBaud(before);
            throw new BenchFault(best.baud() + " baud scored best but did not confirm on a second boot ("
                    + result.confirmation().score().describe() + ")");
        }
        dut.setConsoleBaud(best.baud());
        BaudScore runnerUp = result.ranking().size() > 1 ? result.ranking().get(1).score() : null;
        evidence.finding(String.format(Locale.ROOT,
                "the console runs at %d baud: score %.1f, %.1f on a second boot%s; the run goes on at this rate",
                best.baud(), best.score(), result.confirmation().score().score(),
                runnerUp == null ? "" : String.format(Locale.ROOT, " (runner-up %d baud at %.1f)",
                        runnerUp.baud(), runnerUp.score())));
    }
}
