package dev.starbench.cli;

import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.history.HistoryStore;
import dev.starbench.report.History;
import dev.starbench.report.HistoryPage;
import dev.starbench.report.RecordReader;
import dev.starbench.report.ReportVerifier;
import dev.starbench.report.RunRecord;
import dev.starbench.report.TrustedKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "history", description = {"The lab's run history: the verdict matrix (checks x runs, newest first), "
        + "regressions and their fixes, flaky checks and each bench's health.",
        "Exit 0: shown; 2: the history database cannot be opened or read; 3: bad input."},
        subcommands = HistoryCommand.Import.class)
final class HistoryCommand implements Callable<Integer> {
    static final int DATABASE = 2;

    /** Which database: shared by the listing and the import. */
    static final class Database {
        @Option(names = "--db", paramLabel = "JDBC-URL", description = "The history database (default: "
                + "$STARBENCH_HISTORY_URL, the --fixture's history:, or ~/.starbench/history.db).")
        String url;

        @Option(names = "--fixture", description = "A fixture whose history: names the database.")
        Path fixture;

        String resolve() throws ConfigException {
            return HistoryStore.resolve(url, fixture == null ? null : ConfigLoader.loadFixture(fixture).history());
        }
    }

    @picocli.CommandLine.Mixin
    Database database = new Database();

    @Option(names = "--device", paramLabel = "MODEL", description = "Only runs of this device model.")
    String model;

    @Option(names = "--bench", paramLabel = "ID", description = "Only runs on this bench.")
    String bench;

    @Option(names = "--since", paramLabel = "DATE", description = "Only runs started on or after this UTC date "
            + "(2026-11-01) or instant (2026-11-01T02:00:00Z).")
    String since;

    @Option(names = "--runs", defaultValue = "20", description = "Columns of the printed matrix (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--health-threshold", paramLabel = "PERCENT", defaultValue = "20",
            description = "A bench whose INCONCLUSIVE share is above this is named (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--html", paramLabel = "OUT", description = "Also write the history as one self-contained HTML page.")
    Path html;

    @Override
    public Integer call() {
        Instant from;
        String url;
        try {
            from = since == null ? null : parseSince(since);
            url = database.resolve();
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        if (threshold < 0 || threshold > 100 || runs < 1) {
            System.err.println("error: --health-threshold must be 0..100 and --runs at least 1");
            return Main.BAD_INPUT;
        }
        List<RunRecord> records;
        try (HistoryStore store = HistoryStore.open(url, Clock.systemUTC())) {
            records = store.runs(new HistoryStore.Filter(model, bench, from));
        } catch (SQLException e) {
            System.err.println("error: " + e.getMessage());
            return DATABASE;
        }
        History.Analysis a = History.analyse(records, threshold / 100);
        System.out.println("History from " + HistoryStore.describe(url));
        System.out.print(History.text(a, runs));
        if (html != null) {
            try {
                HistoryPage.write(a, HistoryStore.describe(url), html);
                System.out.println("Page: " + html);
            } catch (IOException e) {
                System.err.println("error: cannot write " + html + ": " + e.getMessage());
                return Main.REPORT_FAILED;
            }
        }
        return 0;
    }

    static Instant parseSince(String text) {
        try {
            return text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since: expected a date like 2026-11-01 or an instant like "
                    + "2026-11-01T02:00:00Z, got '" + text + "'");
        }
    }

    @Command(name = "import", description = {"Adds existing run directories to the history. Each one's signature and "
            + "files are verified first, as `report verify` does; one that does not verify is refused, with the reason.",
            "Exit 0: every directory is in the history; 1: some were refused; 2: the database cannot be opened; "
                    + "3: not a run directory or bad input."})
    static final class Import implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Database database = new Database();

        @Option(names = "--public-key", description = "Trust only this public key (a bench-key.pub.pem; repeatable);"
                + " default: this bench's key and ~/.starbench/trusted-keys/, as `report verify`.")
        List<Path> publicKeys;

        @Parameters(arity = "1..*", paramLabel = "DIR", description = "Run directories.")
        List<Path> dirs;

        @Override
        public Integer call() {
            String url;
            TrustedKeys trusted;
            try {
                url = database.resolve();
                trusted = publicKeys == null || publicKeys.isEmpty() ? TrustedKeys.ofThisBench() : TrustedKeys.of(publicKeys);
            } catch (ConfigException | IOException e) {
                System.err.println("error: " + e.getMessage());
                return Main.BAD_INPUT;
            }
            int exit = 0;
            try (HistoryStore store = HistoryStore.open(url, Clock.systemUTC())) {
                for (Path dir : dirs) {
                    exit = Math.max(exit, importOne(store, dir, trusted));
                }
            } catch (SQLException e) {
                System.err.println("error: " + e.getMessage());
                return DATABASE;
            }
            return exit;
        }

        private static int importOne(HistoryStore store, Path dir, TrustedKeys trusted) throws SQLException {
            ReportVerifier.Result verified;
            try {
                verified = verify(dir, trusted);
            } catch (IOException e) {
                System.err.println("error: " + dir + ": " + e.getMessage());
                return Main.BAD_INPUT;
            }
            if (!verified.ok()) {
                System.out.println("REFUSED: " + dir + ": does not verify: " + verified.problems().stream().map(Object::toString).collect(Collectors.joining("; ")));
                return ReportCommand.NOT_VERIFIED;
            }
            try {
                boolean added = store.record(RecordReader.read(dir), dir, verified.signerFingerprint(), "import");
                System.out.println((added ? "imported: " : "already in the history: ") + dir);
                return 0;
            } catch (IOException e) {
                System.err.println("error: " + dir + ": " + e.getMessage());
                return Main.BAD_INPUT;
            }
        }

        /**
         * The same verification as `starbench report verify`, through its public entry point, so a
         * run the verifier would not vouch for never enters the history.
         */
        static ReportVerifier.Result verify(Path dir, TrustedKeys trusted) throws IOException {
            return ReportVerifier.verify(dir, trusted);
        }
    }
}
