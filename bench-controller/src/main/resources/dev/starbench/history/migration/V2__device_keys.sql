-- The public keys units identified themselves with (comms.device-identity's device-key evidence), so
-- `starbench history` can name units of a model that share a key across runs.
CREATE TABLE device_keys (
    run_id     TEXT    NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    key_sha256 TEXT    NOT NULL,
    serial     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    PRIMARY KEY (run_id, position, seq)
);
CREATE INDEX device_keys_key ON device_keys (key_sha256);
