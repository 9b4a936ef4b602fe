-- Personal API tokens (docs/adr/0011-api-tokens-and-two-factor.md). The token is never
-- stored: token_hash is its BLAKE2b-256 (hex); prefix is its first characters, shown in
-- lists so that a user can tell tokens apart. A token acts only in org_id.
CREATE TABLE api_tokens (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT,
  last_used_at_ms BIGINT,
  revoked_at_ms BIGINT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- TOTP two-factor authentication, one row per user who started enrolling. sealed_secret
-- is the TOTP seed sealed with the instance key (core/secret_box); enabled_at_ms is empty
-- until the user confirmed a first code. last_used_step is the last time step a code was
-- accepted for: a code of that step or an earlier one is a replay.
CREATE TABLE user_totp (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  sealed_secret TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  enabled_at_ms BIGINT,
  last_used_step BIGINT NOT NULL
);

-- Single-use recovery codes, stored as BLAKE2b-256 (hex) of the normalised code.
CREATE TABLE totp_recovery_codes (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at_ms BIGINT
);
CREATE INDEX totp_recovery_codes_by_user ON totp_recovery_codes (user_id);
