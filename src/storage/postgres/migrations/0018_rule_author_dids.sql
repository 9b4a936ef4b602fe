-- Routing rules name their author by DID (ADR 0034). `author` keeps what the user typed (a
-- DID, or a handle without '@'); author_did is the DID routing compares with a post's author:
-- the author itself when it is a DID, the DID a handle resolved to when the rule was saved.
-- A rule saved before this migration with a handle gets the DID the author handle cache
-- already holds for it (a verified handle, ADR 0032); the ones left empty are resolved by the
-- handle worker, off the request and ingest paths.
ALTER TABLE inbox_rules ADD COLUMN author_did TEXT NOT NULL DEFAULT '';
UPDATE inbox_rules SET author_did = author WHERE author LIKE 'did:%';
UPDATE inbox_rules SET author_did = COALESCE(
    (SELECT did FROM author_handles WHERE author_handles.handle = lower(inbox_rules.author)
     ORDER BY resolved_at_ms DESC LIMIT 1), '')
  WHERE author <> '' AND author NOT LIKE 'did:%';
CREATE INDEX inbox_rules_awaiting_author ON inbox_rules (id) WHERE author <> '' AND author_did = '';
