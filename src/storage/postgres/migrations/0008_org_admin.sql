-- An organization's logo, kept in the database (at most a few MiB, sniffed as PNG, JPEG or
-- WebP before it is stored): one row per organization, replaced on upload. etag is a hash
-- of the bytes, so a client's cached copy is revalidated without sending them again.
CREATE TABLE org_logos (
  org_id BIGINT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  media_type TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  etag TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);

-- The audit log's filters: by actor and by action, newest first (id), and by time.
-- (audit_events_by_org on (org_id, id) serves the unfiltered pages and the cursor.)
CREATE INDEX audit_events_by_org_actor ON audit_events (org_id, actor_user_id, id);
CREATE INDEX audit_events_by_org_action ON audit_events (org_id, action, id);
CREATE INDEX audit_events_by_org_time ON audit_events (org_id, created_at_ms);
