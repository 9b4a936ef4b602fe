-- Login sessions. The cookie's token is never stored: token_hash is its BLAKE2b-256 (hex).
-- public_id is what the API shows (random, not the row id). The CSRF token is stored as
-- is: it is useless without the cookie, and GET /api/v1/me must be able to return it.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  last_seen_at_ms BIGINT NOT NULL,
  idle_expires_at_ms BIGINT NOT NULL,
  absolute_expires_at_ms BIGINT NOT NULL,
  revoked_at_ms BIGINT,
  user_agent TEXT NOT NULL,
  ip TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed logins per subject ('account:<email key>' or 'ip:<address>'), so that throttling
-- holds across processes sharing the database (docs/adr/0004-sessions-and-throttling.md).
CREATE TABLE login_throttles (
  subject TEXT PRIMARY KEY,
  consecutive_failures BIGINT NOT NULL,
  window_failures BIGINT NOT NULL,
  window_started_at_ms BIGINT NOT NULL,
  last_failure_at_ms BIGINT NOT NULL,
  locked_until_ms BIGINT NOT NULL
);
CREATE INDEX login_throttles_by_last_failure ON login_throttles (last_failure_at_ms);
