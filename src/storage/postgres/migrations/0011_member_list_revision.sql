-- A number that changes whenever an organization's member list would read differently: a
-- member joins, leaves or changes role, or a member's name or email changes. Readers that
-- keep a rendered member list (api/http's member list cache) compare it instead of reading
-- every member again. Triggers rather than repository code bump it, so that no present or
-- future way of writing these rows can forget to.
ALTER TABLE organizations ADD COLUMN members_revision BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION bump_members_revision_of_membership() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE organizations SET members_revision = members_revision + 1 WHERE id = OLD.org_id;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.org_id <> OLD.org_id) THEN
    UPDATE organizations SET members_revision = members_revision + 1 WHERE id = NEW.org_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Also fired by the cascade when a user or an organization is deleted.
CREATE TRIGGER memberships_revision AFTER INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION bump_members_revision_of_membership();

-- The organizations are locked in id order, as lock_organization callers do one at a time,
-- so that two renames of members of the same organizations cannot deadlock.
CREATE FUNCTION bump_members_revision_of_user() RETURNS trigger AS $$
BEGIN
  PERFORM 1 FROM organizations
   WHERE id IN (SELECT org_id FROM memberships WHERE user_id = NEW.id)
   ORDER BY id FOR UPDATE;
  UPDATE organizations SET members_revision = members_revision + 1
   WHERE id IN (SELECT org_id FROM memberships WHERE user_id = NEW.id);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER users_revision AFTER UPDATE OF email, display_name ON users
  FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email
                     OR OLD.display_name IS DISTINCT FROM NEW.display_name)
  EXECUTE FUNCTION bump_members_revision_of_user();
