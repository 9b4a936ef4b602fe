-- Placeholder on branch inbox only, so that 0015_inbox has no gap while the consumer's
-- (0013) and the streams' (0014) migrations are built in parallel. The merge takes theirs.
CREATE TABLE inbox_branch_placeholder_0014 (id BIGINT);
