-- Shared social profiles of an organization (PRODUCT.md §3). A profile is one account of
-- one network (network: 'bluesky' first), known by the network's stable id (a DID for
-- Bluesky) and its current handle. Its credentials are sealed with the instance key
-- (core/secret_box: key id beside the ciphertext) and never leave the server. status is
-- 'active' or 'needs_reconnect' (revoked or expired credentials). The owner is one member
-- who gets the profile's notices; removing them from the organization clears it.
CREATE TABLE social_profiles (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  network TEXT NOT NULL,
  external_id TEXT NOT NULL,
  handle TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  avatar_url TEXT NOT NULL DEFAULT '',
  service_url TEXT NOT NULL DEFAULT '',
  credentials BYTEA,
  credentials_key_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reconnect')),
  owner_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  requires_confirmation BIGINT NOT NULL DEFAULT 0,
  created_by_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  UNIQUE (org_id, network, external_id)
);

-- A team's access to a profile, with the level it grants its members (PRODUCT.md §2). A
-- member's level on a profile is the highest over their teams. Only a team and a profile of
-- the same organization are joined (checked by the repository, under the organization's
-- row lock).
CREATE TABLE team_profile_grants (
  team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  profile_id BIGINT NOT NULL REFERENCES social_profiles (id) ON DELETE CASCADE,
  level TEXT NOT NULL CHECK (level IN ('viewer', 'limited', 'publisher', 'manager')),
  granted_at_ms BIGINT NOT NULL,
  PRIMARY KEY (team_id, profile_id)
);
CREATE INDEX team_profile_grants_by_profile ON team_profile_grants (profile_id);
