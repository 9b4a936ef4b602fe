-- Teams group members of one organization (PRODUCT.md §1-2). A team's name is unique
-- within its organization. Team changes lock the organization's row first, like
-- membership changes: adding a user to a team and removing them from the organization
-- then cannot interleave (the team member must be a member of the organization).
CREATE TABLE teams (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  UNIQUE (org_id, name)
);

-- One team role per member of a team. Removing a member from the organization deletes
-- their team memberships in the same transaction (explicitly, and audited).
CREATE TABLE team_members (
  team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  team_role TEXT NOT NULL CHECK (team_role IN ('member', 'team_admin')),
  added_at_ms BIGINT NOT NULL,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_by_user ON team_members (user_id);
