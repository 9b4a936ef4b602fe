-- Taking the DIDs the handle worker resolves is a leased claim (ADR 0035), as publish jobs
-- are: several roost processes on one database each run a handle worker, and a DID leased to
-- one (lease_owner, until lease_expires_at_ms) is taken by no other while the lease holds. A
-- resolution (answer or failure) releases it; a process that dies leaves it to expire. A DID
-- first seen in an item is claimed by inserting its row (handle NULL, due at once), so that
-- only one process resolves a new author.
ALTER TABLE author_handles ADD COLUMN lease_owner TEXT;
ALTER TABLE author_handles ADD COLUMN lease_expires_at_ms BIGINT NOT NULL DEFAULT 0;
