-- Groups of a pool and their members, and users' auth events. Keep the Postgres migration of the same name in step.
--
-- `name_key` is the lowercased name: Cognito keeps group names unique regardless of case.
-- A membership dies with its group or its user (ON DELETE CASCADE from both), so a deleted
-- group or user leaves nothing behind.
CREATE TABLE user_groups (
    pool_id         TEXT    NOT NULL,
    name_key        TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    data            TEXT    NOT NULL,
    CONSTRAINT user_groups_pool_name_key PRIMARY KEY (pool_id, name_key),
    CONSTRAINT user_groups_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE group_members (
    pool_id         TEXT    NOT NULL,
    group_key       TEXT    NOT NULL,
    username_key    TEXT    NOT NULL,
    CONSTRAINT group_members_pkey PRIMARY KEY (pool_id, group_key, username_key),
    CONSTRAINT group_members_group_fkey FOREIGN KEY (pool_id, group_key)
        REFERENCES user_groups (pool_id, name_key) ON DELETE CASCADE,
    CONSTRAINT group_members_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
-- A user's groups (AdminListGroupsForUser, tokens), and the cascade from users.
CREATE INDEX group_members_user_idx ON group_members (pool_id, username_key, group_key);

-- A user's auth events, newest first by `seq`; they die with the user.
CREATE TABLE auth_events (
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    pool_id         TEXT    NOT NULL,
    username_key    TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    data            TEXT    NOT NULL,
    CONSTRAINT auth_events_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX auth_events_user_idx ON auth_events (pool_id, username_key, seq);
CREATE UNIQUE INDEX auth_events_event_key ON auth_events (pool_id, username_key, event_id);
