-- Posts and their publishing (PRODUCT.md §4, ADR 0015). A post is written once by its
-- author and published to one or more of the organization's profiles (its targets), each
-- with an optional text of its own instead of base_text. kind says what publishing does: a
-- post, a reply (the reply_root_* and reply_parent_* refs), a quote, repost or like
-- (subject_*: the record quoted, reposted or liked), a follow or unfollow (subject_uri: the
-- account's DID or the follow record), or the deletion of a published record
-- (subject_uri). langs holds the language tags, comma-separated.
--
-- A scheduled post keeps its instant in UTC (scheduled_at_ms) and the author's IANA time
-- zone, the wall time they typed (local_time) and how a wall time that does not exist or
-- occurs twice across a DST change was resolved (wall_time_rule), to show them.
-- calendar_at_ms is what the calendar sorts by: the scheduled instant, else the creation.
-- A create that names an Idempotency-Key is answered again from the post it made: the key
-- is unique per (organization, author), and request_hash tells a replay from a reuse.
CREATE TABLE posts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  author_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK (kind IN ('post', 'reply', 'quote', 'repost', 'like', 'follow',
                                     'unfollow', 'delete')),
  state TEXT NOT NULL CHECK (state IN ('draft', 'pending_approval', 'approved', 'rejected',
                                       'scheduled', 'publishing', 'published', 'failed',
                                       'cancelled', 'expired')),
  base_text TEXT NOT NULL DEFAULT '',
  langs TEXT NOT NULL DEFAULT '',
  reply_root_uri TEXT,
  reply_root_cid TEXT,
  reply_parent_uri TEXT,
  reply_parent_cid TEXT,
  subject_uri TEXT,
  subject_cid TEXT,
  scheduled_at_ms BIGINT,
  time_zone TEXT NOT NULL DEFAULT '',
  local_time TEXT NOT NULL DEFAULT '',
  wall_time_rule TEXT NOT NULL DEFAULT '',
  calendar_at_ms BIGINT NOT NULL,
  idempotency_key TEXT,
  request_hash TEXT,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  UNIQUE (org_id, author_user_id, idempotency_key)
);
CREATE INDEX posts_calendar ON posts (org_id, calendar_at_ms, id);

-- One row per profile a post goes to. text_hash (of the text as it will be published)
-- finds the same text sent to the same profile shortly before or after (the duplicate
-- warning). The approval of the target by a publisher of its profile is decision
-- ('approved' or 'rejected'; NULL while undecided), approver, comment and decided_at_ms.
-- published_uri is the at:// URI of the record made.
CREATE TABLE post_targets (
  post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  profile_id BIGINT NOT NULL REFERENCES social_profiles (id) ON DELETE CASCADE,
  text_override TEXT,
  text_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'publishing', 'published', 'failed',
                                       'cancelled')),
  decision TEXT CHECK (decision IN ('approved', 'rejected')),
  approver_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  approval_comment TEXT NOT NULL DEFAULT '',
  decided_at_ms BIGINT,
  published_uri TEXT NOT NULL DEFAULT '',
  published_cid TEXT NOT NULL DEFAULT '',
  published_at_ms BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (post_id, profile_id)
);
CREATE INDEX post_targets_by_profile_text ON post_targets (profile_id, text_hash);

-- A post's images, in order (position 0..3 on Bluesky), with their alt text.
CREATE TABLE post_images (
  post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  position BIGINT NOT NULL,
  bytes BLOB NOT NULL,
  mime_type TEXT NOT NULL,
  alt_text TEXT NOT NULL DEFAULT '',
  width BIGINT NOT NULL DEFAULT 0,
  height BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (post_id, position)
);

-- The durable outbox of publishing: one job per (post, profile), written in the
-- transaction that schedules the post. A dispatcher claims a due job with a lease
-- (lease_owner until lease_expires_at_ms; claim_count is the fencing token: a claimer
-- whose claim was taken over can no longer change the job), records 'sent' before the
-- network call (a job found 'sent' after its lease ended has an unknown outcome, to check
-- on the network before any retry), then 'done' or 'failed', or back to 'queued' with
-- next_attempt_at_ms for a retry. The network's record key derives from id and
-- created_at_us, so that a retry can never make a second record.
CREATE TABLE publish_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  profile_id BIGINT NOT NULL REFERENCES social_profiles (id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('queued', 'claimed', 'sent', 'done', 'failed',
                                       'cancelled')),
  due_at_ms BIGINT NOT NULL,
  next_attempt_at_ms BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_expires_at_ms BIGINT NOT NULL DEFAULT 0,
  claim_count BIGINT NOT NULL DEFAULT 0,
  sent_at_ms BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  created_at_us BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  UNIQUE (post_id, profile_id)
);
CREATE INDEX publish_jobs_due ON publish_jobs (state, next_attempt_at_ms);
CREATE INDEX publish_jobs_leases ON publish_jobs (state, lease_expires_at_ms);
CREATE INDEX publish_jobs_by_profile ON publish_jobs (profile_id);
