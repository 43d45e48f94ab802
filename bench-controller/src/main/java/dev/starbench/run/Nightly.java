package dev.starbench.run;

import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.config.Plan;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code starbench nightly}: a plan's entries one after another, each a normal run with its own run
 * directory. An entry that cannot start (a bad fixture or profile, a busy bench, an install the device
 * refused) is reported and the next one runs; the exit code sums the plan up.
 */
public final class Nightly {
    /** Exit code when no entry FAILed but some entry did not run or could not write its report. */
    public static final int NOT_ALL_RAN = 6;

    /**
     * @param exitCode the run's exit code (0, 1, 2, 5), or null when the entry did not start
     * @param runDir   null when it did not start
     */
    public record EntryResult(int number, String label, Integer exitCode, Path runDir, String problem) {
        String status() {
            if (exitCode == null) {
                return "NOT RUN";
            }
            return switch (exitCode) {
                case 0 -> "PASS";
                case 1 -> "FAIL";
                case 2 -> "INCONCLUSIVE";
                default -> "NO REPORT";
            };
        }
    }

    public record Result(int exitCode, List<EntryResult> entries) {
    }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final Clock clock;
    private final RunListener.Factory listeners;

    public Nightly(PrintStream out, Clock clock, RunListener.Factory listeners) {
        this.out = out;
        this.clock = clock;
        this.listeners = listeners;
    }

    public Result run(Plan plan, Path outDir, Path leaseDir) throws InterruptedException {
        List<EntryResult> results = new ArrayList<>();
        List<Plan.Entry> entries = plan.entries();
        out.printf("Plan %s: %d entries (%s)%n", plan.label(), entries.size(), plan.source());
        for (int i = 0; i < entries.size(); i++) {
            Plan.Entry entry = entries.get(i);
            String label = entry.device().getFileName() + " on " + entry.fixture().getFileName();
            out.printf("%n== entry %d of %d: %s%n", i + 1, entries.size(), label);
            EntryResult r = runEntry(plan, i + 1, label, entry, outDir, leaseDir);
            if (r.problem() != null) {
                out.printf("   entry %d not run: %s%n", r.number(), r.problem());
            }
            results.add(r);
        }
        int exit = exitCode(results);
        out.printf("%nPlan %s:%n", plan.label());
        for (EntryResult r : results) {
            out.printf(Locale.ROOT, "  %2d  %-12s  %s%s%n", r.number(), r.status(), r.label(),
                    r.runDir() != null ? "  " + r.runDir() : "  " + r.problem());
        }
        out.printf("Plan outcome: exit %d%n", exit);
        return new Result(exit, List.copyOf(results));
    }

    private EntryResult runEntry(Plan plan, int number, String label, Plan.Entry entry, Path outDir, Path leaseDir)
            throws InterruptedException {
        Fixture fixture;
        DeviceProfile profile;
        try {
            fixture = ConfigLoader.loadFixture(entry.fixture());
            profile = ConfigLoader.loadProfile(entry.device());
        } catch (ConfigException e) {
            return new EntryResult(number, label, null, null, e.getMessage());
        }
        LoggingLevels.apply(fixture.logging());
        if (!entry.install().isEmpty()) {
            try {
                Files.createDirectories(outDir);
            } catch (IOException e) {
                return new EntryResult(number, label, null, null, "cannot create " + outDir + ": " + e.getMessage());
            }
            Path transcript = outDir.resolve(plan.label() + "-" + STAMP.format(clock.instant()) + "-entry" + number
                    + "-install.transcript");
            InstallFirst.Outcome installed = InstallFirst.install(fixture, profile, entry.install(), transcript, out);
            out.printf("   install first: %s (console in %s)%n", installed.detail(), transcript);
            if (!installed.installed()) {
                return new EntryResult(number, label, null, null, installed.detail());
            }
        }
        try {
            Runner.Result r = new Runner(out, clock, listeners).run(new Runner.Request(fixture, profile, outDir, leaseDir,
                    entry.checks()));
            return new EntryResult(number, label, r.exitCode(), r.runDir(), null);
        } catch (BenchLease.Busy e) {
            return new EntryResult(number, label, null, null, "bench busy: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return new EntryResult(number, label, null, null, e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return new EntryResult(number, label, 5, null, "the report could not be written: " + e.getMessage());
        }
    }

    /** A FAIL outranks everything (the device is vulnerable); then an entry that did not run; then INCONCLUSIVE. */
    static int exitCode(List<EntryResult> results) {
        if (results.stream().anyMatch(r -> Integer.valueOf(1).equals(r.exitCode()))) {
            return 1;
        }
        if (results.stream().anyMatch(r -> r.exitCode() == null || r.exitCode() > 2)) {
            return NOT_ALL_RAN;
        }
        if (results.stream().anyMatch(r -> Integer.valueOf(2).equals(r.exitCode()))) {
            return 2;
        }
        return 0;
    }
}
