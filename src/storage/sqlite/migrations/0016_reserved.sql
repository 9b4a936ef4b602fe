-- Reserved: version 16 belongs to another branch merged beside this one (the identity
-- branch uses 17). This placeholder keeps the versions gapless on the branch alone, and
-- leaves nothing behind (a temporary view ends with its session); drop it when the branch
-- that owns 0016 is merged.
CREATE TEMPORARY VIEW reserved_migration_0016 AS SELECT 1 AS reserved;
