package dev.starbench.run;

import dev.starbench.config.Fixture;
import dev.starbench.history.HistoryStore;
import dev.starbench.report.RecordSignature;
import dev.starbench.report.RunManifest;
import dev.starbench.report.RunRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Records every finished run in the history database. The database is opened (and its schema
 * migrated) beside the run from its start, so a slow or absent server costs the checks nothing;
 * if it cannot be opened the journal says so, and the run is what it is. A run that could not be
 * recorded can be added later with {@code starbench history import}.
 */
final class HistoryRecorder implements RunListener {
    /** How long the end of a run waits for a database that is still opening. */
    private static final long OPEN_WAIT_S = 30;

    private final String url;
    private final Fixture fixture;
    private final PrintStream out;
    private CompletableFuture<HistoryStore> store;

    HistoryRecorder(String url, Fixture fixture, PrintStream out) {
        this.url = url;
        this.fixture = fixture;
        this.out = out;
    }

    @Override
    public void runStarted(RunManifest manifest, Journal journal) {
        store = CompletableFuture.supplyAsync(() -> {
            try {
                return HistoryStore.open(url, Clock.systemUTC());
            } catch (SQLException | RuntimeException e) {
                journal.note("history", "the run history " + HistoryStore.describe(url) + " cannot be opened, so this "
                        + "run will not be recorded there: " + e.getMessage());
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    @Override
    public void runEnded(RunRecord record, Path runDir) {
        if (store == null || record == null) {
            return;
        }
        String why;
        HistoryStore db = null;
        try {
            db = store.get(OPEN_WAIT_S, TimeUnit.SECONDS);
            db.record(record, runDir, signer(), "run");
            out.printf("History: recorded in %s%n", db.describe());
            return;
        } catch (ExecutionException e) {
            why = e.getCause().getMessage();
        } catch (TimeoutException e) {
            store.thenAccept(HistoryStore::close);
            why = "still opening after " + OPEN_WAIT_S + " s";
        } catch (SQLException e) {
            why = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        } finally {
            if (db != null) {
                db.close();
            }
        }
        out.printf("warning: the run is not in the history %s (%s); `starbench history import %s` adds it later%n",
                HistoryStore.describe(url), why, runDir);
    }

    private String signer() {
        try {
            return RecordSignature.fingerprintOf(fixture.signingKey() != null ? fixture.signingKey()
                    : RecordSignature.defaultKeyFile());
        } catch (IOException e) {
            return null;
        }
    }
}
