-- Change notifications for groups and identities: nothing to do on SQLite, where this process
-- is the only writer and its write paths keep its caches exact. The Postgres migration of the
-- same name adds the triggers that tell other replicas. Kept so both folders stay in step.
SELECT 1;
