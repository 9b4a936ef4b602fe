-- Where each ingest source (a firehose relay, a PDS, a Jetstream instance; by its URL) was
-- read up to: the firehose's seq or Jetstream's time_us of the last event whose posts the
-- sinks accepted. A restart resumes after it (ADR 0023).
CREATE TABLE ingest_cursors (
  source TEXT PRIMARY KEY,
  last_cursor BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
