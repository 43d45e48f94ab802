package dev.starbench.run;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.config.Fixture;
import dev.starbench.console.Console;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.power.PowerState;
import dev.starbench.lab.LabServices;
import dev.starbench.report.Hashes;
import dev.starbench.report.RecordBuilder;
import dev.starbench.report.RecordSignature;
import dev.starbench.report.ReportWriter;
import dev.starbench.report.RunManifest;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Text;
import dev.starbench.report.TrustedKeys;
import dev.starbench.report.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * What a run holds open, and the one way to end it: on the normal path and from the shutdown hook
 * (SIGTERM, Ctrl-C) alike, whichever comes first. The DUT is put in its safe state by a finaliser
 * with its own timeout, whose outcome is the journal's last word about the DUT and is printed
 * whatever else fails.
 *
 * <p>A run whose outputs cannot be written (a full disk) ends as an abort: no further check starts,
 * the DUT is switched off, the journal keeps every whole event it could take, and the ending events
 * it could not take (the finaliser's among them) go to stderr and to
 * {@code ~/.starbench/unjournalled/<run-id>.jsonl}; the run then exits 5.
 */
final class RunSession {
    private static final long FINALISER_TIMEOUT_S = 15;
    private static final long SERVICES_TIMEOUT_S = 10;
    /** The virtual DUT's own side of the run, kept next to the transcript and listed in the record. */
    static final String VIRTUAL_DUT_LOG = "virtual-dut.log";

    private final Journal journal;
    private final Path runDir;
    private final Fixture fixture;
    private final PrintStream out;
    private final BenchLease lease;
    private volatile Console console;
    private volatile Bench bench;
    /** The bench's switch, as the checks and the finaliser share it; set with {@link #bench}. */
    private volatile FinalSwitch power;
    private RunListener listener = RunListener.NONE;
    private volatile LabServices services;
    private boolean finished;
    private RunRecord record;
    private UncheckedIOException failed;

    RunSession(Journal journal, Path runDir, Fixture fixture, PrintStream out, BenchLease lease) {
        this.lease = lease;
        this.journal = journal;
        this.runDir = runDir;
        this.fixture = fixture;
        this.out = out;
    }

    /** ~/.starbench/unjournalled: where ending events go that the run's journal could not take. */
    static Path unjournalledDir() {
        return Path.of(System.getProperty("user.home"), ".starbench", "unjournalled");
    }

    Journal journal() {
        return journal;
    }

    Path runDir() {
        return runDir;
    }

    void console(Console c) {
        console = c;
    }

    void bench(Bench b) {
        power = new FinalSwitch(b.power());
        bench = b;
    }

    /** The power switch the run's Dut uses: the finaliser's switch is its last. */
    PowerProtocol power() {
        return power;
    }

    void services(LabServices s) {
        services = s;
    }

    /** From the manifest on, the listener hears the run: its verdicts through the journal, its end from {@link #finish}. */
    void listen(RunListener l, RunManifest manifest) {
        listener = RunListener.isolated(l, out);
        journal.listener(listener);
        listener.runStarted(manifest, journal);
    }

    /** Why no further check may start: an output of the run can no longer be written. Null while all can. */
    String stopReason() {
        IOException j = journal.failure();
        if (j != null) {
            return "the journal cannot be written (" + j.getMessage() + ")";
        }
        Console c = console;
        IOException t = c == null ? null : c.transcript().failure();
        return t == null ? null : "the console transcript cannot be written (" + t.getMessage() + ")";
    }

    /**
     * Ends the run once; later calls wait for the first to complete, and fail as it did.
     *
     * @throws UncheckedIOException when an output of the run could not be written (the journal is kept)
     */
    synchronized void finish(String abortReason) {
        if (finished) {
            if (failed != null) {
                throw failed;
            }
            return;
        }
        finished = true;
        // A check thread still unwinding must not journal past the finaliser.
        journal.endChecks();
        String reason = abortReason != null ? abortReason : stopReason();
        if (reason != null) {
            journalled(() -> journal.runAborted(reason));
            out.printf("%nRun aborted: %s; putting the DUT in its safe state%n", Text.terminal(reason));
        }
        closeServices();
        String safeState = finalise();
        if (console != null) {
            console.close();
        }
        closeBench();
        journalEvidenceFiles();
        journalled(journal::runEnded);
        journal.close();
        List<String> problems = new ArrayList<>();
        String stopped = stopReason();
        if (stopped != null) {
            problems.add(stopped + keepUnjournalled());
        }
        try {
            RunRecord built = readBack(problems);
            out.println(safeState);
            if (built != null) {
                writeReports(built, problems);
            }
        } finally {
            // Released here, not by the caller: after a signal the JVM halts once this hook returns.
            lease.close();
        }
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems) + " (the journal " + journal.file() + " keeps every whole event)";
            failed = new UncheckedIOException(message, new IOException(message));
            throw failed;
        }
        // Only a run whose outputs are all written and signed is history (the lab's record of it).
        listener.runEnded(record, runDir);
    }

    /** The record from the journal, with the summary printed; null (and the problem added) if it cannot be read. */
    private RunRecord readBack(List<String> problems) {
        try {
            RunRecord built = RecordBuilder.fromJournal(journal.file());
            summarise(built);
            return built;
        } catch (IOException | RuntimeException e) {
            problems.add("cannot read the journal back: " + e.getMessage());
            return null;
        }
    }

    private void writeReports(RunRecord built, List<String> problems) {
        try {
            ReportWriter.writeAll(built, runDir);
            RecordSignature.sign(runDir, fixture.signingKey() != null ? fixture.signingKey() : RecordSignature.defaultKeyFile());
            if (fixture.signingKey() != null) {
                // This bench signs with the fixture's key, so its own `report verify` trusts it.
                TrustedKeys.rememberOwn(fixture.signingKey());
            }
            record = built;
            out.printf("Report: %s%n", runDir.resolve("report.html"));
        } catch (IOException | RuntimeException | Error e) {
            // Whatever the cause (disk full, a renderer bug), the run must say so and exit 5.
            problems.add("cannot write the report into " + runDir + ": "
                    + (e instanceof IOException ? e.getMessage() : e.toString()));
        }
    }

    private void summarise(RunRecord r) {
        var counts = r.checks().stream().collect(Collectors.groupingBy(RunRecord.CheckResult::verdict, Collectors.counting()));
        out.printf("%nSummary: %d PASS, %d FAIL, %d INCONCLUSIVE, %d NOT_APPLICABLE; outcome %s%n",
                counts.getOrDefault(Verdict.PASS, 0L), counts.getOrDefault(Verdict.FAIL, 0L),
                counts.getOrDefault(Verdict.INCONCLUSIVE, 0L), counts.getOrDefault(Verdict.NOT_APPLICABLE, 0L),
                r.run().outcome().toUpperCase(java.util.Locale.ROOT));
    }

    /** Journals an ending event if the journal can take it; if not, the journal keeps it for {@link #keepUnjournalled}. */
    private static void journalled(Runnable event) {
        try {
            event.run();
        } catch (Journal.WriteFailed kept) {
            // in journal.unwritten()
        }
    }

    /**
     * The ending events the journal could not take go to stderr (the technician's terminal, or the
     * system journal of a nightly unit) and to a file in the bench's state directory, which is often
     * on another disk than {@code --out}.
     */
    private String keepUnjournalled() {
        List<String> lost = journal.unwritten();
        if (lost.isEmpty()) {
            return "";
        }
        Path file = unjournalledDir().resolve(runDir.getFileName() + ".jsonl");
        System.err.println("starbench: the journal " + journal.file() + " could not take these events:");
        lost.forEach(line -> System.err.println("  " + Text.terminal(line)));
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lost, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return "; the events it could not take (" + lost.size() + ") are on stderr and in " + file;
        } catch (IOException e) {
            return "; the events it could not take (" + lost.size() + ") are on stderr only (" + file + ": "
                    + e.getMessage() + ")";
        }
    }

    /**
     * The lab services the checks opened, last opened first, each teardown journalled; bounded in time,
     * since the DUT's safe state comes after them.
     */
    private void closeServices() {
        LabServices s = services;
        if (s == null) {
            return;
        }
        try {
            CompletableFuture.runAsync(s::close).get(SERVICES_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            journalled(() -> journal.service("lab services", "closing took over " + SERVICES_TIMEOUT_S
                    + " s; the run goes on to the safe state"));
        } catch (ExecutionException e) {
            journalled(() -> journal.service("lab services", "close failed: " + e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The virtual DUT's log is moved into the run directory as the bench closes, so it can be hashed. */
    private void closeBench() {
        Bench b = bench;
        if (b == null) {
            return;
        }
        if (b.virtualDut() != null) {
            b.virtualDut().keepLogAs(runDir.resolve(VIRTUAL_DUT_LOG));
        }
        b.close();
    }

    /** The closed files' hashes go into the journal, so the record lists them and verify can check them. */
    private void journalEvidenceFiles() {
        for (String name : List.of(JournalEvidence.TRANSCRIPT_FILE, VIRTUAL_DUT_LOG)) {
            Path file = runDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                String sha256 = Hashes.sha256(file);
                long bytes = Files.size(file);
                journalled(() -> journal.evidenceFile(name, sha256, bytes));
            } catch (IOException e) {
                // The record then does not list it, and verify names it as unexpected.
                out.printf("warning: cannot hash %s: %s%n", file, e.getMessage());
            }
        }
    }

    /**
     * @return the "Safe state: ..." line: the state the switch confirmed (or how else it is known), never
     *         only the one asked for; UNKNOWN when the switch could not say
     */
    private String finalise() {
        FinalSwitch p = power;
        if (bench == null || p == null) {
            return finaliser("no-bench", "the bench was never opened: this run never switched the DUT's power and"
                    + " cannot say its state", PowerState.unknown("the bench was never opened"));
        }
        boolean leaveOn = fixture.leavesDutOn();
        String cause = leaveOn ? "finaliser: the fixture's final-state is on" : "finaliser: end of run";
        CompletableFuture<PowerState> safe = CompletableFuture.supplyAsync(() -> {
            try {
                return p.last(leaveOn);
            } catch (BenchIoException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        String outcome;
        String why;
        try {
            PowerState reached = safe.get(FINALISER_TIMEOUT_S, TimeUnit.SECONDS);
            journalled(() -> journal.power(reached.word(), cause, reached));
            return finaliser(leaveOn ? "left-on" : "powered-off", reached.detail()
                    + (leaveOn ? "; left on, as the fixture's final-state says" : ""), reached);
        } catch (TimeoutException e) {
            outcome = "timed-out";
            why = "switching " + p.describe() + " took over " + FINALISER_TIMEOUT_S + " s";
        } catch (ExecutionException e) {
            outcome = "failed";
            why = "switching power failed: " + e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "failed";
            why = "interrupted while switching power";
        }
        PowerState unknown = PowerState.unknown(why + "; the DUT's power state is unknown: check it by hand");
        journalled(() -> journal.power(unknown.word(), cause, unknown));
        return finaliser(outcome, unknown.detail(), unknown);
    }

    /** Journals the finaliser, the journal's last word on the DUT, and returns the line that says it. */
    private String finaliser(String outcome, String detail, PowerState state) {
        journalled(() -> journal.finaliser(outcome, detail, state));
        RunRecord.Finaliser said = new RunRecord.Finaliser(outcome, detail, null, state.word(), state.basisWord());
        return "Safe state: " + Text.terminal(said.describe());
    }

    synchronized RunRecord record() {
        return record;
    }
}
