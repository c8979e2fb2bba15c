-- The web side of user pools: domains, resource servers, hosted-UI customization and
-- authorization codes. Keep the Postgres migration of the same name in step.
--
-- A domain name is unique across every pool (the primary key); a pool has at most one prefix
-- domain and one custom domain (`custom` 0 or 1).
CREATE TABLE user_pool_domains (
    domain          TEXT    NOT NULL,
    pool_id         TEXT    NOT NULL,
    custom          INTEGER NOT NULL,
    data            TEXT    NOT NULL,
    CONSTRAINT user_pool_domains_pkey PRIMARY KEY (domain),
    CONSTRAINT user_pool_domains_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX user_pool_domains_pool_kind_key ON user_pool_domains (pool_id, custom);

CREATE TABLE resource_servers (
    pool_id         TEXT    NOT NULL,
    identifier      TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    CONSTRAINT resource_servers_pkey PRIMARY KEY (pool_id, identifier),
    CONSTRAINT resource_servers_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) WITHOUT ROWID;

-- `client_key` is the client id, or `ALL` for the pool-wide customization.
CREATE TABLE ui_customizations (
    pool_id         TEXT    NOT NULL,
    client_key      TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    CONSTRAINT ui_customizations_pkey PRIMARY KEY (pool_id, client_key),
    CONSTRAINT ui_customizations_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Only the code's hash is stored; redeeming deletes the row, so a code is used once.
CREATE TABLE authorization_codes (
    code_hash       TEXT    NOT NULL,
    pool_id         TEXT    NOT NULL,
    expires_at      BIGINT  NOT NULL,
    data            TEXT    NOT NULL,
    CONSTRAINT authorization_codes_pkey PRIMARY KEY (code_hash),
    CONSTRAINT authorization_codes_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
CREATE INDEX authorization_codes_expiry_idx ON authorization_codes (expires_at);
