-- Handles and DIDs (ADR 0032).
--
-- A stream's query keeps the text its author wrote (handles included); resolved_dids is the
-- JSON object {"<handle>": "<did>", ...} of the handles of its from: and @ terms as they
-- resolved when the query was saved: what the matcher compares with a post's author DID and
-- mentioned DIDs. A stream saved before this migration has '{}' and is matched as before.
ALTER TABLE streams ADD COLUMN resolved_dids TEXT NOT NULL DEFAULT '{}';

-- The cache of authors' handles, filled off the ingest path by the handle worker (and by
-- the firehose's #identity events): handle is NULL while the DID has no verified handle (not
-- resolved yet, or its document claims none that resolves back). A failed resolution is
-- retried at next_attempt_at_ms, later each time (failures counts them).
CREATE TABLE author_handles (
  did TEXT PRIMARY KEY,
  handle TEXT,
  resolved_at_ms BIGINT NOT NULL,
  failures BIGINT NOT NULL DEFAULT 0,
  next_attempt_at_ms BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX author_handles_by_handle ON author_handles (handle);
CREATE INDEX author_handles_due ON author_handles (next_attempt_at_ms);

-- A re-resolved handle changes what the matcher compiles: the revision moves with it.
DROP TRIGGER streams_revision_on_update ON streams;
CREATE TRIGGER streams_revision_on_update AFTER UPDATE OF query, active, resolved_dids ON streams
  FOR EACH ROW WHEN (OLD.query IS DISTINCT FROM NEW.query OR OLD.active IS DISTINCT FROM NEW.active
    OR OLD.resolved_dids IS DISTINCT FROM NEW.resolved_dids)
  EXECUTE FUNCTION bump_stream_set_revision();
