-- Optimistic concurrency for users, refresh tokens (hashes only) and the outbox of sent messages.
-- Keep the SQLite migration of the same name in step.

-- `update_user` succeeds only while the stored version is the one the caller read, so two
-- read-modify-write cycles (lockout counters, single-use codes and sessions) cannot both win.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- The token itself is never stored: `token_hash` is its SHA-256. `revoked` and `rotated_at` are
-- authoritative over the copies in `data`. A refresh token dies with its user or client, so a
-- user deleted and re-created under the same name never inherits the old sessions.
CREATE TABLE refresh_tokens (
    token_hash      TEXT COLLATE "C"    NOT NULL,
    pool_id         TEXT COLLATE "C"    NOT NULL,
    client_id       TEXT COLLATE "C"    NOT NULL,
    username_key    TEXT COLLATE "C"    NOT NULL,
    expires_at      BIGINT              NOT NULL,
    revoked         BOOLEAN             NOT NULL,
    rotated_at      BIGINT,
    data            JSONB               NOT NULL,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (token_hash),
    CONSTRAINT refresh_tokens_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE,
    CONSTRAINT refresh_tokens_client_fkey FOREIGN KEY (client_id)
        REFERENCES app_clients (client_id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (pool_id, username_key);
CREATE INDEX refresh_tokens_client_idx ON refresh_tokens (client_id);

-- Messages Cognate "sent" (codes, temporary passwords), for tests and developers to read.
CREATE TABLE outbox (
    id              BIGSERIAL           NOT NULL,
    pool_id         TEXT COLLATE "C"    NOT NULL,
    username        TEXT                NOT NULL,
    kind            TEXT COLLATE "C"    NOT NULL,
    created_at      BIGINT              NOT NULL,
    data            JSONB               NOT NULL,
    CONSTRAINT outbox_pkey PRIMARY KEY (id),
    CONSTRAINT outbox_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
CREATE INDEX outbox_pool_idx ON outbox (pool_id, username, id);
