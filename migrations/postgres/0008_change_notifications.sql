-- Change notifications for the caches of replicas sharing this database.
-- Keep the SQLite migration of the same name in step (there it is empty: one process writes).
--
-- Every committed write to pools, clients, users, refresh tokens and signing keys raises a
-- NOTIFY on channel `cognate_changes` with a small JSON payload naming what changed; each
-- replica's listener (crates/store-postgres/src/changes.rs) hands it to its caches. Raised by
-- triggers, so no write path needs to remember it; delivered only on commit, so a rolled back
-- write tells nobody.
--
-- Payloads: {"k":"pool","pool":…} (the pool or anything in it: drop all held for it),
-- {"k":"client","pool":…,"client":…}, {"k":"user","pool":…,"user":<username_key>} (the user
-- or its sessions), {"k":"keys","pool":…}.
--
-- Statement-level triggers over transition tables: one statement touching many rows (a pool's
-- deletion cascading to a million users, a global sign-out revoking every session) notifies
-- once per pool past 64 rows instead of once per row.

CREATE FUNCTION cognate_notify_pools() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cognate_changes', json_build_object('k', 'pool', 'pool', id)::text)
    FROM (SELECT DISTINCT id FROM changed) AS p;
    RETURN NULL;
END $$;

CREATE FUNCTION cognate_notify_clients() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cognate_changes',
        json_build_object('k', 'client', 'pool', pool_id, 'client', client_id)::text)
    FROM (SELECT DISTINCT pool_id, client_id FROM changed) AS c;
    RETURN NULL;
END $$;

-- For users and refresh_tokens: both are keyed by (pool_id, username_key).
CREATE FUNCTION cognate_notify_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM (SELECT 1 FROM changed LIMIT 65) AS c) > 64 THEN
        PERFORM pg_notify('cognate_changes', json_build_object('k', 'pool', 'pool', pool_id)::text)
        FROM (SELECT DISTINCT pool_id FROM changed) AS p;
    ELSE
        PERFORM pg_notify('cognate_changes',
            json_build_object('k', 'user', 'pool', pool_id, 'user', username_key)::text)
        FROM (SELECT DISTINCT pool_id, username_key FROM changed) AS u;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cognate_notify_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cognate_changes', json_build_object('k', 'keys', 'pool', pool_id)::text)
    FROM (SELECT DISTINCT pool_id FROM changed) AS k;
    RETURN NULL;
END $$;

-- A trigger with a transition table serves one event: one trigger per event.
CREATE TRIGGER user_pools_changed_update AFTER UPDATE ON user_pools
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_pools();
CREATE TRIGGER user_pools_changed_delete AFTER DELETE ON user_pools
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_pools();

CREATE TRIGGER app_clients_changed_update AFTER UPDATE ON app_clients
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_clients();
CREATE TRIGGER app_clients_changed_delete AFTER DELETE ON app_clients
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_clients();

CREATE TRIGGER users_changed_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_users();
CREATE TRIGGER users_changed_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_users();

CREATE TRIGGER refresh_tokens_changed_update AFTER UPDATE ON refresh_tokens
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_users();
CREATE TRIGGER refresh_tokens_changed_delete AFTER DELETE ON refresh_tokens
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_users();

CREATE TRIGGER signing_keys_changed_insert AFTER INSERT ON signing_keys
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_keys();
CREATE TRIGGER signing_keys_changed_update AFTER UPDATE ON signing_keys
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_keys();
CREATE TRIGGER signing_keys_changed_delete AFTER DELETE ON signing_keys
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_keys();
