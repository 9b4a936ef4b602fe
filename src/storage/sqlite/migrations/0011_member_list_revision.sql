-- A number that changes whenever an organization's member list would read differently: a
-- member joins, leaves or changes role, or a member's name or email changes. Readers that
-- keep a rendered member list (api/http's member list cache) compare it instead of reading
-- every member again. Triggers rather than repository code bump it, so that no present or
-- future way of writing these rows can forget to.
ALTER TABLE organizations ADD COLUMN members_revision BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER memberships_revision_on_insert AFTER INSERT ON memberships BEGIN
  UPDATE organizations SET members_revision = members_revision + 1 WHERE id = NEW.org_id;
END;

CREATE TRIGGER memberships_revision_on_update AFTER UPDATE ON memberships BEGIN
  UPDATE organizations SET members_revision = members_revision + 1
   WHERE id IN (OLD.org_id, NEW.org_id);
END;

-- Also fired by the cascade when a user or an organization is deleted.
CREATE TRIGGER memberships_revision_on_delete AFTER DELETE ON memberships BEGIN
  UPDATE organizations SET members_revision = members_revision + 1 WHERE id = OLD.org_id;
END;

CREATE TRIGGER users_revision_on_update AFTER UPDATE OF email, display_name ON users
WHEN OLD.email IS NOT NEW.email OR OLD.display_name IS NOT NEW.display_name BEGIN
  UPDATE organizations SET members_revision = members_revision + 1
   WHERE id IN (SELECT org_id FROM memberships WHERE user_id = NEW.id);
END;
