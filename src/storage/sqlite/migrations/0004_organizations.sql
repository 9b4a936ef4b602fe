-- Organizations and their plan. The limits are set by the instance operator, never
-- through the API; new organizations get the defaults of core/limits.hpp.
CREATE TABLE organizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  profile_limit BIGINT NOT NULL,
  seat_limit BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);

-- One role per member of an organization. Changes of an organization's memberships lock
-- its organizations row first (an UPDATE), so that two concurrent demotions cannot both
-- see "another owner is left" on PostgreSQL.
CREATE TABLE memberships (
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at_ms BIGINT NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

-- Who did what in an organization. No foreign keys: the record of a deleted organization
-- or user outlives them. details is a JSON object (text on both backends).
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id BIGINT NOT NULL,
  actor_user_id BIGINT,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  details TEXT NOT NULL,
  request_id TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX audit_events_by_org ON audit_events (org_id, id);
