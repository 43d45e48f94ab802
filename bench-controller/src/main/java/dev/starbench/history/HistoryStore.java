package dev.starbench.history;

import dev.starbench.report.Measurement;
import dev.starbench.report.RunRecord;
import dev.starbench.report.RunRecord.CheckResult;
import dev.starbench.report.RunRecord.MeasurementResult;
import dev.starbench.report.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The lab's run history in SQL: a SQLite file on the bench by default, or a lab-wide PostgreSQL.
 * The schema is Flyway's migrations under {@code dev/starbench/history/migration}, the same files for
 * both, applied when the store is opened. A run is stored once (by its run id): recording it again,
 * from {@code history import} or a second bench, changes nothing.
 */
public final class HistoryStore implements AutoCloseable {
    /** Overrides the fixture's and the default database for every command: a lab sets it once per bench account. */
    public static final String ENV = "STARBENCH_HISTORY_URL";
    private static final String MIGRATIONS = "classpath:dev/starbench/history/migration";

    /** What a query keeps: null fields are not filtered on. */
    public record Filter(String deviceModel, String benchId, Instant since) {
        public static final Filter ALL = new Filter(null, null, null);
    }

    private final String url;
    private final Connection db;
    private final Clock clock;

    private HistoryStore(String url, Connection db, Clock clock) {
        this.url = url;
        this.db = db;
        this.clock = clock;
    }

    /** ~/.starbench/history.db, the default when nothing names another database. */
    public static String defaultUrl() {
        return "jdbc:sqlite:" + Path.of(System.getProperty("user.home"), ".starbench", "history.db");
    }

    /**
     * The database a command uses: the option, else the environment's {@value #ENV}, else the
     * fixture's {@code history:}, else the default file.
     */
    public static String resolve(String option, String fromFixture) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return env;
        }
        return fromFixture != null ? fromFixture : defaultUrl();
    }

    /** Opens the database and brings its schema up to date. */
    public static HistoryStore open(String url, Clock clock) throws SQLException {
        if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            throw new SQLException("unsupported history database " + describe(url)
                    + " (expected jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB)");
        }
        if (url.startsWith("jdbc:sqlite:")) {
            sqliteDirectory(url);
        }
        try {
            Flyway.configure(HistoryStore.class.getClassLoader()).dataSource(url, null, null)
                    .locations(MIGRATIONS).load().migrate();
        } catch (FlywayException e) {
            throw new SQLException("cannot bring the history schema of " + describe(url) + " up to date: "
                    + rootMessage(e), e);
        }
        Connection c = DriverManager.getConnection(url);
        if (url.startsWith("jdbc:sqlite:")) {
            try (var s = c.createStatement()) {
                // Two benches' runs may finish at once on one file; wait for the other's write instead of failing.
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("PRAGMA foreign_keys = ON");
            }
        }
        return new HistoryStore(url, c, clock);
    }

    private static void sqliteDirectory(String url) throws SQLException {
        String file = url.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        file = query >= 0 ? file.substring(0, query) : file;
        if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SQLException("cannot create " + parent + " for the history database: " + e.getMessage(), e);
        }
    }

    /** The URL without query parameters, which may carry a user or password. */
    public static String describe(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }

    public String describe() {
        return describe(url);
    }

    /**
     * Stores a finished run.
     *
     * @param signer      the fingerprint of the key that signed it, or null
     * @param recordedBy  "run" (the run itself) or "import"
     * @return false when a run with this id is stored already
     */
    public boolean record(RunRecord r, Path runDir, String signer, String recordedBy) throws SQLException {
        RunRecord.Run run = r.run();
        try (PreparedStatement exists = db.prepareStatement("SELECT 1 FROM runs WHERE run_id = ?")) {
            exists.setString(1, run.id());
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        boolean auto = db.getAutoCommit();
        db.setAutoCommit(false);
        try {
            insertRun(r, runDir, signer, recordedBy);
            insertChecks(r);
            db.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(auto);
        }
    }

    private void insertRun(RunRecord r, Path runDir, String signer, String recordedBy) throws SQLException {
        RunRecord.Run run = r.run();
        try (PreparedStatement s = db.prepareStatement("INSERT INTO runs (run_id, bench_id, device_name, device_model, "
                + "firmware_version, fixture_path, fixture_sha256, profile_path, profile_sha256, started_ms, ended_ms, "
                + "outcome, abort_reason, controller_version, git_commit, seed, signer, run_dir, recorded_by, recorded_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 0;
            s.setString(++i, run.id());
            s.setString(++i, run.benchId());
            s.setString(++i, run.deviceName());
            s.setString(++i, run.deviceModel());
            s.setString(++i, run.firmwareVersion());
            s.setString(++i, run.fixturePath());
            s.setString(++i, run.fixtureSha256());
            s.setString(++i, run.profilePath());
            s.setString(++i, run.profileSha256());
            millis(s, ++i, run.start());
            millis(s, ++i, run.end());
            s.setString(++i, run.outcome());
            s.setString(++i, run.abortReason());
            s.setString(++i, run.controllerVersion());
            s.setString(++i, run.gitCommit());
            if (run.seed() == null) {
                s.setNull(++i, Types.BIGINT);
            } else {
                s.setLong(++i, run.seed());
            }
            s.setString(++i, signer);
            s.setString(++i, runDir == null ? null : runDir.toAbsolutePath().toString());
            s.setString(++i, recordedBy);
            s.setLong(++i, clock.millis());
            s.executeUpdate();
        }
    }

    private void insertChecks(RunRecord r) throws SQLException {
        try (PreparedStatement c = db.prepareStatement("INSERT INTO check_results (run_id, position, check_id, title, "
                + "verdict, reason, started_ms, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement m = db.prepareStatement("INSERT INTO measurements (run_id, position, seq, name, value, "
                     + "unit, low, high, outcome, taken_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            List<CheckResult> checks = r.checks();
            for (int p = 0; p < checks.size(); p++) {
                CheckResult check = checks.get(p);
                c.setString(1, r.run().id());
                c.setInt(2, p);
                c.setString(3, check.id());
                c.setString(4, check.title());
                c.setString(5, check.verdict().name());
                c.setString(6, check.reason());
                millis(c, 7, check.start());
                c.setLong(8, check.durationMs());
                c.addBatch();
                for (int q = 0; q < check.measurements().size(); q++) {
                    MeasurementResult mr = check.measurements().get(q);
                    m.setString(1, r.run().id());
                    m.setInt(2, p);
                    m.setInt(3, q);
                    m.setString(4, mr.name());
                    m.setDouble(5, mr.value());
                    m.setString(6, mr.unit());
                    nullableDouble(m, 7, mr.low());
                    nullableDouble(m, 8, mr.high());
                    m.setString(9, mr.outcome().name());
                    millis(m, 10, mr.timestamp());
                    m.addBatch();
                }
            }
            c.executeBatch();
            m.executeBatch();
        }
    }

    /** The runs the filter keeps, with their checks and measurements (no evidence: that stays in the run directory). */
    public List<RunRecord> runs(Filter f) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.deviceModel() != null) {
            where.append(" AND device_model = ?");
            args.add(f.deviceModel());
        }
        if (f.benchId() != null) {
            where.append(" AND bench_id = ?");
            args.add(f.benchId());
        }
        if (f.since() != null) {
            where.append(" AND started_ms >= ?");
            args.add(f.since().toEpochMilli());
        }
        Map<String, RunRecord.Run> runs = new LinkedHashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT run_id, bench_id, device_name, device_model, "
                + "firmware_version, fixture_path, fixture_sha256, profile_path, profile_sha256, started_ms, ended_ms, "
                + "outcome, abort_reason, controller_version, git_commit, seed FROM runs" + where
                + " ORDER BY started_ms, run_id")) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long seed = rs.getLong("seed");
                    Long seedOrNull = rs.wasNull() ? null : seed;
                    runs.put(rs.getString("run_id"), new RunRecord.Run(rs.getString("run_id"), instant(rs, "started_ms"),
                            instant(rs, "ended_ms"), rs.getString("outcome"), rs.getString("controller_version"),
                            rs.getString("git_commit"), rs.getString("bench_id"), rs.getString("fixture_path"),
                            rs.getString("fixture_sha256"), rs.getString("profile_path"), rs.getString("profile_sha256"),
                            rs.getString("device_name"), rs.getString("device_model"), rs.getString("firmware_version"),
                            null, null, rs.getString("abort_reason"), List.of(), seedOrNull, List.of()));
                }
            }
        }
        Map<String, List<MeasurementResult>> measurements = measurements(where.toString(), args);
        Map<String, List<CheckResult>> checks = new LinkedHashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT c.run_id, c.position, c.check_id, c.title, c.verdict, "
                + "c.reason, c.started_ms, c.duration_ms FROM check_results c WHERE c.run_id IN (SELECT run_id FROM runs"
                + where + ") ORDER BY c.run_id, c.position")) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String runId = rs.getString(1);
                    checks.computeIfAbsent(runId, k -> new ArrayList<>()).add(new CheckResult(rs.getString(3),
                            rs.getString(4), List.of(), Verdict.valueOf(rs.getString(5)), rs.getString(6),
                            instant(rs, "started_ms"), rs.getLong(8), List.of(),
                            measurements.getOrDefault(runId + "/" + rs.getInt(2), List.of())));
                }
            }
        }
        List<RunRecord> out = new ArrayList<>();
        runs.forEach((id, run) -> out.add(new RunRecord(run, checks.getOrDefault(id, List.of()), null)));
        return out;
    }

    private Map<String, List<MeasurementResult>> measurements(String where, List<Object> args) throws SQLException {
        Map<String, List<MeasurementResult>> out = new LinkedHashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT run_id, position, name, value, unit, low, high, outcome, "
                + "taken_ms FROM measurements WHERE run_id IN (SELECT run_id FROM runs" + where
                + ") ORDER BY run_id, position, seq")) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    double low = rs.getDouble("low");
                    Double lowOrNull = rs.wasNull() ? null : low;
                    double high = rs.getDouble("high");
                    Double highOrNull = rs.wasNull() ? null : high;
                    out.computeIfAbsent(rs.getString("run_id") + "/" + rs.getInt("position"), k -> new ArrayList<>())
                            .add(new MeasurementResult(rs.getString("name"), rs.getDouble("value"), rs.getString("unit"),
                                    lowOrNull, highOrNull, Measurement.Outcome.valueOf(rs.getString("outcome")),
                                    instant(rs, "taken_ms")));
                }
            }
        }
        return out;
    }

    private static void bind(PreparedStatement s, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof Long l) {
                s.setLong(i + 1, l);
            } else {
                s.setString(i + 1, (String) args.get(i));
            }
        }
    }

    private static void millis(PreparedStatement s, int index, Instant t) throws SQLException {
        if (t == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, t.toEpochMilli());
        }
    }

    private static void nullableDouble(PreparedStatement s, int index, Double v) throws SQLException {
        if (v == null) {
            s.setNull(index, Types.DOUBLE);
        } else {
            s.setDouble(index, v);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long ms = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // nothing is pending: every record commits before it returns
        }
    }
}
