package dev.starbench.run;

import dev.starbench.bench.BenchIoException;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.BenchLeftDeviceChanged;
import dev.starbench.checks.Catalog;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.NotApplicable;
import dev.starbench.console.ConsoleDeath;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.dut.TransitionFailed;
import dev.starbench.report.Text;
import dev.starbench.report.Verdict;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.testng.ITestContext;
import org.testng.ITestListener;
import org.testng.ITestResult;
import org.testng.SkipException;

/**
 * Turns each TestNG result into a verdict, journals it, and prints a progress line. Only an assertion
 * is a FAIL of the device; anything else a check throws is the bench's (or the check's) trouble and
 * INCONCLUSIVE, so a bench fault never reads as a device verdict.
 *
 * <p>Once the run must stop (its journal or transcript cannot be written), no further check starts:
 * each is skipped before it touches the DUT and the record lists it as not run.
 */
final class CheckListener implements ITestListener {
    private final Journal journal;
    private final Catalog catalog;
    private final CheckContext context;
    private final JournalEvidence evidence;
    private final PrintStream progress;
    private final Supplier<String> stopReason;
    private final Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
    /** Checks whose start reached the journal: only those may have an end there. */
    private final Set<String> journalled = ConcurrentHashMap.newKeySet();

    /** @param stopReason why no further check may start, or null while they may */
    CheckListener(Journal journal, Catalog catalog, CheckContext context, JournalEvidence evidence, PrintStream progress,
                  Supplier<String> stopReason) {
        this.stopReason = stopReason;
        this.journal = journal;
        this.catalog = catalog;
        this.context = context;
        this.evidence = evidence;
        this.progress = progress;
    }

    Map<Verdict, Integer> counts() {
        return counts;
    }

    @Override
    public void onStart(ITestContext testContext) {
        testContext.setAttribute(CheckContext.ATTRIBUTE, context);
    }

    @Override
    public void onTestStart(ITestResult result) {
        Catalog.Entry check = entry(result);
        String stop = stopReason.get();
        if (stop != null) {
            // Thrown here, TestNG skips the check without running it and reports it to onTestSkipped.
            throw new SkipException("the run is stopping: " + stop);
        }
        evidence.currentCheck(check.id());
        journal.checkStarted(check.id(), check.title(), check.requirements());
        journalled.add(check.id());
        progress.printf("  ....  %-28s %s%n", check.id(), check.title());
    }

    @Override
    public void onTestSuccess(ITestResult result) {
        end(result, Verdict.PASS, null);
    }

    @Override
    public void onTestFailure(ITestResult result) {
        Throwable t = result.getThrowable();
        if (t instanceof AssertionError) {
            end(result, Verdict.FAIL, t.getMessage());
        } else if (t instanceof Journal.WriteFailed) {
            end(result, Verdict.INCONCLUSIVE, "bench could not tell: the run's journal could not be written: " + t.getMessage());
        } else if (t instanceof BenchLeftDeviceChanged) {
            end(result, Verdict.INCONCLUSIVE, t.getMessage());
        } else if (t instanceof BenchFault || t instanceof BenchIoException || t instanceof ExpectTimeout
                || t instanceof TransitionFailed) {
            end(result, Verdict.INCONCLUSIVE, "bench could not tell: " + t.getMessage());
        } else if (t instanceof ConsoleDeath) {
            end(result, Verdict.INCONCLUSIVE, "the check could not finish: " + t.getMessage());
        } else {
            end(result, Verdict.INCONCLUSIVE, "check error (a bug in the check, not a verdict on the device): " + t);
        }
    }

    @Override
    public void onTestSkipped(ITestResult result) {
        Throwable t = result.getThrowable();
        if (t instanceof NotApplicable) {
            end(result, Verdict.NOT_APPLICABLE, t.getMessage());
        } else {
            end(result, Verdict.INCONCLUSIVE, "not run: " + (t == null ? "skipped by TestNG" : t.getMessage()));
        }
    }

    private void end(ITestResult result, Verdict verdict, String reason) {
        Catalog.Entry check = entry(result);
        long ms = Math.max(0, result.getEndMillis() - result.getStartMillis());
        if (journalled.contains(check.id())) {
            try {
                journal.checkEnded(check.id(), verdict, reason, ms);
            } catch (Journal.WriteFailed lost) {
                // The record then says the run was aborted before this check ended, which is true.
            }
        }
        counts.merge(verdict, 1, Integer::sum);
        progress.printf("  %-5s %-28s %s%s%n", label(verdict), check.id(), seconds(ms),
                reason == null ? "" : "  " + Text.terminal(reason));
    }

    private Catalog.Entry entry(ITestResult result) {
        return catalog.of(result.getMethod().getConstructorOrMethod().getMethod());
    }

    static String label(Verdict v) {
        return switch (v) {
            case PASS -> "PASS";
            case FAIL -> "FAIL";
            case INCONCLUSIVE -> "INCON";
            case NOT_APPLICABLE -> "N/A";
        };
    }

    static String seconds(long ms) {
        return String.format(Locale.ROOT, "%6.1f s", ms / 1000.0);
    }
}
