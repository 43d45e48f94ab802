package dev.starbench.run;

import dev.starbench.bench.Bench;
import dev.starbench.config.Fixture;
import dev.starbench.console.Console;
import dev.starbench.lab.LabServices;
import dev.starbench.bench.BenchIoException;
import dev.starbench.report.Hashes;
import dev.starbench.report.RecordBuilder;
import dev.starbench.report.RecordSignature;
import dev.starbench.report.ReportWriter;
import dev.starbench.report.RunRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a run holds open, and the one way to end it: on the normal path and from the shutdown hook
 * (SIGTERM, Ctrl-C) alike, whichever comes first. The DUT is put in its safe state by a finaliser
 * with its own timeout, whose outcome is the journal's last word before the run ends.
 */
final class RunSession {
    private static final long FINALISER_TIMEOUT_S = 15;
    private static final long SERVICES_TIMEOUT_S = 10;
    /** The virtual DUT's own side of the run, kept next to the transcript (not in the signed record). */
    static final String VIRTUAL_DUT_LOG = "virtual-dut.log";

    private final Journal journal;
    private final Path runDir;
    private final Fixture fixture;
    private final PrintStream out;
    private final BenchLease lease;
    private volatile Console console;
    private volatile Bench bench;
    private volatile LabServices services;
    private boolean finished;
    private RunRecord record;

    RunSession(Journal journal, Path runDir, Fixture fixture, PrintStream out, BenchLease lease) {
        this.lease = lease;
        this.journal = journal;
        this.runDir = runDir;
        this.fixture = fixture;
        this.out = out;
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
        bench = b;
    }

    void services(LabServices s) {
        services = s;
    }

    /** Ends the run once; later calls wait for the first to complete and return. */
    synchronized void finish(String abortReason) {
        if (finished) {
            return;
        }
        finished = true;
        if (abortReason != null) {
            journal.runAborted(abortReason);
            out.printf("%nRun aborted: %s; putting the DUT in its safe state%n", abortReason);
        }
        closeServices();
        finalise();
        if (console != null) {
            console.close();
        }
        journalEvidenceFiles();
        journal.runEnded();
        // Closed before the bench: a check thread still unwinding must not journal past run-ended.
        journal.close();
        if (bench != null) {
            if (bench.virtualDut() != null) {
                bench.virtualDut().keepLogAs(runDir.resolve(VIRTUAL_DUT_LOG));
            }
            bench.close();
        }
        try {
            record = RecordBuilder.fromJournal(journal.file());
            ReportWriter.writeAll(record, runDir);
            RecordSignature.sign(runDir, fixture.signingKey() != null ? fixture.signingKey() : RecordSignature.defaultKeyFile());
        } catch (IOException | RuntimeException | Error e) {
            // Whatever the cause (disk full, a renderer bug), the run must say so and exit 5.
            throw new UncheckedIOException("cannot write the report into " + runDir + " (the journal "
                    + journal.file() + " is intact): " + (e instanceof IOException ? e.getMessage() : e.toString()),
                    e instanceof IOException io ? io : new IOException(e));
        } finally {
            // Released here, not by the caller: after a signal the JVM halts once this hook returns.
            lease.close();
        }
    }

    /** The closed transcript's hash goes into the journal, so the record lists it and verify can check it. */
    private void journalEvidenceFiles() {
        Path transcript = runDir.resolve(JournalEvidence.TRANSCRIPT_FILE);
        if (!Files.isRegularFile(transcript)) {
            return;
        }
        try {
            journal.evidenceFile(JournalEvidence.TRANSCRIPT_FILE, Hashes.sha256(transcript), Files.size(transcript));
        } catch (IOException e) {
            // The record then lists only the journal; verify cannot vouch for the transcript.
            out.printf("warning: cannot hash %s: %s%n", transcript, e.getMessage());
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
            journal.service("lab services", "closing took over " + SERVICES_TIMEOUT_S + " s; the run goes on to the safe state");
        } catch (ExecutionException e) {
            journal.service("lab services", "close failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finalise() {
        Bench b = bench;
        if (b == null) {
            journal.finaliser("no-bench", "the bench was never opened, so this run never powered the DUT");
            return;
        }
        boolean leaveOn = fixture.leavesDutOn();
        String cause = leaveOn ? "finaliser: the fixture's final-state is on" : "finaliser: end of run";
        CompletableFuture<Void> safe = CompletableFuture.runAsync(() -> {
            try {
                if (leaveOn) {
                    b.power().on();
                } else {
                    b.power().off();
                }
            } catch (BenchIoException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        try {
            safe.get(FINALISER_TIMEOUT_S, TimeUnit.SECONDS);
            journal.power(leaveOn ? "on" : "off", cause);
            journal.finaliser(leaveOn ? "left-on" : "powered-off", fixture.power().describe()
                    + (leaveOn ? " left on, as the fixture's final-state says" : " switched off"));
        } catch (TimeoutException e) {
            journal.finaliser("timed-out", "switching power took over " + FINALISER_TIMEOUT_S + " s; check the DUT by hand");
        } catch (ExecutionException e) {
            journal.finaliser("failed", "switching power failed: " + e.getCause().getMessage() + "; check the DUT by hand");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            journal.finaliser("failed", "interrupted while switching power; check the DUT by hand");
        }
    }

    synchronized RunRecord record() {
        return record;
    }
}
