-- User pools, app clients, signing keys and users.
--
-- Entities are stored whole, as JSON documents in `data` (new fields need no migration). The
-- other columns are copies of the fields that keys, foreign keys, ordering and ListUsers filters
-- need; every write replaces the document and its copies in one transaction.
--
-- Constraint names are part of the contract: unique violations are reported by name
-- (`users_pool_username_key` becomes UsernameExistsException). Keep the SQLite migration of the
-- same name in step.
--
-- Key and filter columns use the "C" collation: byte order of UTF-8, i.e. code point order, the
-- same order as SQLite's BINARY. Paging is then identical on both backends, and a prefix filter
-- is the range [prefix, successor(prefix)) that a b-tree serves directly (under a linguistic
-- collation, which ignores punctuation such as the `+` of phone numbers, that range would be
-- wrong).

CREATE TABLE user_pools (
    id              TEXT COLLATE "C"    NOT NULL,
    name            TEXT                NOT NULL,
    created_at      BIGINT              NOT NULL,
    data            JSONB               NOT NULL,
    CONSTRAINT user_pools_pkey PRIMARY KEY (id)
);

CREATE TABLE app_clients (
    client_id       TEXT COLLATE "C"    NOT NULL,
    pool_id         TEXT COLLATE "C"    NOT NULL,
    name            TEXT                NOT NULL,
    created_at      BIGINT              NOT NULL,
    data            JSONB               NOT NULL,
    CONSTRAINT app_clients_pkey PRIMARY KEY (client_id),
    CONSTRAINT app_clients_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
CREATE INDEX app_clients_pool_idx ON app_clients (pool_id, client_id);

-- One key per (pool, purpose): replicas racing to fill a pool's keys converge on one set.
CREATE TABLE signing_keys (
    pool_id             TEXT COLLATE "C"    NOT NULL,
    kid                 TEXT COLLATE "C"    NOT NULL,
    purpose             TEXT COLLATE "C"    NOT NULL,
    sealed_private_key  BYTEA               NOT NULL,
    public_jwk          TEXT                NOT NULL,
    created_at          BIGINT              NOT NULL,
    CONSTRAINT signing_keys_pkey PRIMARY KEY (pool_id, kid),
    CONSTRAINT signing_keys_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX signing_keys_pool_purpose_key ON signing_keys (pool_id, purpose);

-- `data` is the whole domain `User` (attributes, aliases, password material, extra).
-- `status` is the wire name (`CONFIRMED`...).
CREATE TABLE users (
    pool_id             TEXT COLLATE "C"    NOT NULL,
    username_key        TEXT COLLATE "C"    NOT NULL,
    username            TEXT                NOT NULL,
    sub                 TEXT COLLATE "C"    NOT NULL,
    status              TEXT COLLATE "C"    NOT NULL,
    enabled             BOOLEAN             NOT NULL,
    created_at          BIGINT              NOT NULL,
    last_modified_at    BIGINT              NOT NULL,
    data                JSONB               NOT NULL,
    CONSTRAINT users_pool_username_key PRIMARY KEY (pool_id, username_key),
    CONSTRAINT users_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX users_pool_sub_key ON users (pool_id, sub);
CREATE INDEX users_pool_status_idx ON users (pool_id, status, username_key);
CREATE INDEX users_pool_enabled_idx ON users (pool_id, enabled, username_key);

-- One row per attribute: the index that ListUsers filters (`name = v`, `name ^= v`) use.
-- The filter index holds the first 256 characters of the value (the store rechecks the whole
-- value): attribute values may be 2048 characters, past a b-tree's ~2700-byte row limit.
CREATE TABLE user_attributes (
    pool_id         TEXT COLLATE "C"    NOT NULL,
    username_key    TEXT COLLATE "C"    NOT NULL,
    name            TEXT COLLATE "C"    NOT NULL,
    value           TEXT COLLATE "C"    NOT NULL,
    CONSTRAINT user_attributes_pkey PRIMARY KEY (pool_id, username_key, name),
    CONSTRAINT user_attributes_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_attributes_filter_idx
    ON user_attributes (pool_id, name, substr(value, 1, 256), username_key);

-- Alias values (a verified email used to sign in...), unique per pool.
CREATE TABLE user_aliases (
    pool_id         TEXT COLLATE "C"    NOT NULL,
    name            TEXT COLLATE "C"    NOT NULL,
    value_key       TEXT COLLATE "C"    NOT NULL,
    username_key    TEXT COLLATE "C"    NOT NULL,
    CONSTRAINT user_aliases_pool_alias_key PRIMARY KEY (pool_id, name, value_key),
    CONSTRAINT user_aliases_user_fkey FOREIGN KEY (pool_id, username_key)
        REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_aliases_user_idx ON user_aliases (pool_id, username_key);
