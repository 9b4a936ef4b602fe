-- Shared streams (PRODUCT.md §5, ADR 0024): a team's saved searches, matched against the
-- live feed. query is the canonical search-box form (domain::format_stream_query); active 0
-- pauses a stream; a stream keeps its newest retention_items items (the repository trims on
-- insert). created_by_user_id is kept for the audit trail's sake and nulled when the user
-- goes.
CREATE TABLE streams (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  query TEXT NOT NULL,
  active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  retention_items BIGINT NOT NULL DEFAULT 1000 CHECK (retention_items BETWEEN 1 AND 10000),
  created_by_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  UNIQUE (team_id, name)
);
CREATE INDEX streams_by_org ON streams (org_id, id);

-- What matched: one row per (stream, post), so that a post the listener hands over again
-- after a restart is not doubled. created_at is the post's own claim (RFC 3339, as its
-- client wrote it); received_at_ms is when roost stored it. Pages are read newest first by id.
CREATE TABLE stream_items (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id BIGINT NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
  post_uri TEXT NOT NULL,
  post_cid TEXT NOT NULL,
  author_did TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  received_at_ms BIGINT NOT NULL,
  UNIQUE (stream_id, post_uri)
);
CREATE INDEX stream_items_newest ON stream_items (stream_id, id);

-- Each user's columns in an organization (TweetDeck style): the streams in the order of
-- position, each 1 (narrow) to 3 (wide) units wide. A column of a stream the user may no
-- longer see stays here and is not shown.
CREATE TABLE stream_columns (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  stream_id BIGINT NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
  position BIGINT NOT NULL,
  width BIGINT NOT NULL CHECK (width BETWEEN 1 AND 3),
  PRIMARY KEY (user_id, org_id, stream_id)
);

-- A number that changes whenever the set of streams or one of their queries changes: the
-- ingest side compares it per batch and recompiles its matcher when it moved, in whichever
-- process the change was made. Triggers bump it, so that the cascades of deleting a team
-- or an organization count too.
CREATE TABLE stream_set_revision (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  revision BIGINT NOT NULL
);
INSERT INTO stream_set_revision (id, revision) VALUES (1, 0);

CREATE FUNCTION bump_stream_set_revision() RETURNS trigger AS $$
BEGIN
  UPDATE stream_set_revision SET revision = revision + 1 WHERE id = 1;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER streams_revision_on_insert_or_delete AFTER INSERT OR DELETE ON streams
  FOR EACH ROW EXECUTE FUNCTION bump_stream_set_revision();
CREATE TRIGGER streams_revision_on_update AFTER UPDATE OF query, active ON streams
  FOR EACH ROW WHEN (OLD.query IS DISTINCT FROM NEW.query OR OLD.active IS DISTINCT FROM NEW.active)
  EXECUTE FUNCTION bump_stream_set_revision();
