-- Change notifications for the caches that migration 0008 left uncovered: users' groups (the
-- group claims of every token issued) and identity pools, identities and their logins (GetId,
-- GetCredentialsForIdentity). With these, a replica following the notifications keeps them as
-- it keeps users (crates/store-sql/src/read_cache.rs). Keep the SQLite migration of the same
-- name in step (there it is empty: one process writes).
--
-- Payloads: {"k":"groups","pool":…} (a group of the user pool updated or deleted: drop the
-- pool's users' groups), {"k":"identity_pool","pool":…} (the identity pool, and its identities),
-- {"k":"identities"} (identities or their login bindings: drop every identity held). A
-- membership added or removed is its user's change ({"k":"user",…}, cognate_notify_users).
-- Inserts of groups, identities and logins tell nothing: no cache holds what did not exist
-- (a login's binding is kept only once found), as migration 0008 does for users.

CREATE FUNCTION cognate_notify_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cognate_changes', json_build_object('k', 'groups', 'pool', pool_id)::text)
    FROM (SELECT DISTINCT pool_id FROM changed) AS g;
    RETURN NULL;
END $$;

CREATE FUNCTION cognate_notify_identity_pools() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cognate_changes',
        json_build_object('k', 'identity_pool', 'pool', id)::text)
    FROM (SELECT DISTINCT id FROM changed) AS p;
    RETURN NULL;
END $$;

-- One notification per statement that changed any row.
CREATE FUNCTION cognate_notify_identities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed) THEN
        PERFORM pg_notify('cognate_changes', json_build_object('k', 'identities')::text);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER user_groups_changed_update AFTER UPDATE ON user_groups
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_groups();
CREATE TRIGGER user_groups_changed_delete AFTER DELETE ON user_groups
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_groups();

CREATE TRIGGER group_members_changed_insert AFTER INSERT ON group_members
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_users();
CREATE TRIGGER group_members_changed_delete AFTER DELETE ON group_members
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_users();

CREATE TRIGGER identity_pools_changed_update AFTER UPDATE ON identity_pools
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION cognate_notify_identity_pools();
CREATE TRIGGER identity_pools_changed_delete AFTER DELETE ON identity_pools
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION cognate_notify_identity_pools();

CREATE TRIGGER identities_changed_update AFTER UPDATE ON identities
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_identities();
CREATE TRIGGER identities_changed_delete AFTER DELETE ON identities
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_identities();
CREATE TRIGGER identity_logins_changed_update AFTER UPDATE ON identity_logins
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_identities();
CREATE TRIGGER identity_logins_changed_delete AFTER DELETE ON identity_logins
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cognate_notify_identities();
