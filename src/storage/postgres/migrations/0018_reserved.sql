-- Reserved: another branch's migration 0018 takes this place when the branches merge (the
-- versions have no gaps). This file goes then; it changes nothing.
SELECT 1;
