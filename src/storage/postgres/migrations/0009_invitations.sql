-- Invitations to join an organization (ADR 0010). Only the hash of the link's token is
-- stored. At most one pending invitation per organization and address (email_key, lower
-- case); a pending invitation past expires_at_ms counts as expired and is marked 'expired'
-- when the address is invited again. Seats used = members + pending unexpired invitations,
-- checked under the organization's row lock like every membership change.
CREATE TABLE invitations (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  email_key TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  token_hash TEXT NOT NULL UNIQUE,
  invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  full_name TEXT NOT NULL DEFAULT '',
  job_title TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  answered_at_ms BIGINT
);
CREATE UNIQUE INDEX invitations_one_pending ON invitations (org_id, email_key)
  WHERE status = 'pending';
CREATE INDEX invitations_by_org ON invitations (org_id, id);
CREATE INDEX invitations_by_email ON invitations (email_key, status);

-- The teams an invitee joins (as a team member) on accepting. A team deleted meanwhile
-- is simply not joined.
CREATE TABLE invitation_teams (
  invitation_id BIGINT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
  team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  PRIMARY KEY (invitation_id, team_id)
);
CREATE INDEX invitation_teams_by_team ON invitation_teams (team_id);

-- What a member does in the organization ("Analyst"), set by an import; empty otherwise.
ALTER TABLE memberships ADD COLUMN job_title TEXT NOT NULL DEFAULT '';
