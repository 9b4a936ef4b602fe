-- Instance-wide key/value settings (e.g. the id of the key that sealed the secrets).
CREATE TABLE instance_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
