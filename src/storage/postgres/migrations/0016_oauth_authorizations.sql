-- Connecting a Bluesky profile with AT Protocol OAuth (ADR 0031): an authorization pushed
-- to the account's authorization server and not yet finished. The state travels through the
-- browser and comes back with the code; everything else (PKCE verifier, DPoP key, issuer,
-- token endpoint) is sealed with the instance key, bound to the state. A row is taken
-- (deleted) by the first callback that names its state, and is useless after expires_at_ms.
-- profile_id names the profile being reconnected, NULL for a new connection.
CREATE TABLE oauth_authorizations (
  state TEXT PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  profile_id BIGINT REFERENCES social_profiles (id) ON DELETE CASCADE,
  sealed BYTEA NOT NULL,
  sealed_key_id TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX oauth_authorizations_expiry ON oauth_authorizations (expires_at_ms);
