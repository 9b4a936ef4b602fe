-- The team inbox (PRODUCT.md §5, ADR 0025): mentions of, replies to and quotes of an
-- organization's profiles, as items to assign, tag, annotate, resolve and answer. One item
-- per post and profile: a post replayed by the firehose after a restart hits the UNIQUE
-- constraint and changes nothing. A post that both mentions and replies to the profile is
-- one item of the strongest kind (reply, then quote, then mention). The author's handle is
-- kept when the listener knew it (the firehose carries only the DID). Reply refs are the
-- incoming post's own (empty when it is not a reply): a reply from the inbox keeps its root.
CREATE TABLE inbox_items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  profile_id BIGINT NOT NULL REFERENCES social_profiles (id) ON DELETE CASCADE,
  post_uri TEXT NOT NULL,
  post_cid TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('mention', 'reply', 'quote')),
  author_did TEXT NOT NULL,
  author_handle TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  post_created_at TEXT NOT NULL DEFAULT '',
  received_at_ms BIGINT NOT NULL,
  reply_root_uri TEXT NOT NULL DEFAULT '',
  reply_root_cid TEXT NOT NULL DEFAULT '',
  reply_parent_uri TEXT NOT NULL DEFAULT '',
  reply_parent_cid TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved')),
  team_id BIGINT REFERENCES teams (id) ON DELETE SET NULL,
  assignee_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  routed_by_rule_id BIGINT,
  reply_post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
  updated_at_ms BIGINT NOT NULL,
  UNIQUE (org_id, profile_id, post_uri)
);
CREATE INDEX inbox_items_by_org ON inbox_items (org_id, id);
CREATE INDEX inbox_items_by_assignee ON inbox_items (assignee_user_id, status);

-- Tags of an item, one row each, so that a list filters on one with an index.
CREATE TABLE inbox_item_tags (
  item_id BIGINT NOT NULL REFERENCES inbox_items (id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (item_id, tag)
);
CREATE INDEX inbox_item_tags_by_tag ON inbox_item_tags (tag, item_id);

-- Internal notes on an item: seen by whoever sees the item, never published.
CREATE TABLE inbox_notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  item_id BIGINT NOT NULL REFERENCES inbox_items (id) ON DELETE CASCADE,
  author_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  body TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX inbox_notes_by_item ON inbox_notes (item_id, id);

-- Routing rules of an organization, evaluated by position (ADR 0025). Conditions (all that
-- are set must hold): keywords (a JSON array, any one found), a regex (compiled and bounded
-- when saved), an author (DID or handle), a profile. Actions: a team, tags (a JSON array),
-- a priority.
CREATE TABLE inbox_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  position BIGINT NOT NULL,
  name TEXT NOT NULL,
  keywords TEXT NOT NULL DEFAULT '[]',
  regex TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',
  profile_id BIGINT REFERENCES social_profiles (id) ON DELETE CASCADE,
  assign_team_id BIGINT REFERENCES teams (id) ON DELETE SET NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  priority TEXT CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE INDEX inbox_rules_by_org ON inbox_rules (org_id, position);

-- Saved replies of a team (PRODUCT.md §5): at most 2,000 graphemes, placeholders checked
-- when saved.
CREATE TABLE reply_templates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_by_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  UNIQUE (team_id, name)
);

-- The inbox finds the profiles a batch of posts is about by their DIDs, in one query.
CREATE INDEX social_profiles_by_external_id ON social_profiles (network, external_id);
