-- The run history: one row per finished run, one per check result, one per measurement.
-- Written for both SQLite and PostgreSQL (Flyway runs the same file on each): portable types only,
-- times as epoch milliseconds, so ordering and windows never depend on a database's time zone.
CREATE TABLE runs (
    run_id             TEXT PRIMARY KEY,
    bench_id           TEXT  NOT NULL,
    device_name        TEXT,
    device_model       TEXT,
    firmware_version   TEXT,
    fixture_path       TEXT,
    fixture_sha256     TEXT,
    profile_path       TEXT,
    profile_sha256     TEXT,
    started_ms         BIGINT,
    ended_ms           BIGINT,
    outcome            TEXT  NOT NULL,
    abort_reason       TEXT,
    controller_version TEXT,
    git_commit         TEXT,
    seed               BIGINT,
    signer             TEXT,
    run_dir            TEXT,
    recorded_by        TEXT  NOT NULL,
    recorded_ms        BIGINT       NOT NULL
);
CREATE INDEX runs_model_started ON runs (device_model, started_ms);
CREATE INDEX runs_bench_started ON runs (bench_id, started_ms);

CREATE TABLE check_results (
    run_id      TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    position    INTEGER      NOT NULL,
    check_id    TEXT NOT NULL,
    title       TEXT,
    verdict     TEXT  NOT NULL,
    reason      TEXT,
    started_ms  BIGINT,
    duration_ms BIGINT       NOT NULL,
    PRIMARY KEY (run_id, position)
);
CREATE INDEX check_results_check ON check_results (check_id);

CREATE TABLE measurements (
    run_id   TEXT             NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    position INTEGER          NOT NULL,
    seq      INTEGER          NOT NULL,
    name     TEXT             NOT NULL,
    value    DOUBLE PRECISION NOT NULL,
    unit     TEXT             NOT NULL,
    low      DOUBLE PRECISION,
    high     DOUBLE PRECISION,
    outcome  TEXT             NOT NULL,
    taken_ms BIGINT,
    PRIMARY KEY (run_id, position, seq)
);
