-- Identity pools (cognito-identity): pools, identities, the logins bound to them, the temporary
-- credentials minted for them and the identity issuer's signing keys.
-- Keep the SQLite migration of the same name in step.

CREATE TABLE identity_pools (
    id              TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    data            JSONB   NOT NULL,
    CONSTRAINT identity_pools_pkey PRIMARY KEY (id)
);

CREATE TABLE identities (
    id              TEXT    NOT NULL,
    pool_id         TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    data            JSONB   NOT NULL,
    CONSTRAINT identities_pkey PRIMARY KEY (id),
    CONSTRAINT identities_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES identity_pools (id) ON DELETE CASCADE
);
CREATE INDEX identities_pool_idx ON identities (pool_id, id);

-- One login (provider + subject) belongs to at most one identity of a pool: the unique key is
-- what keeps two racing GetId calls from minting two identities for one user.
CREATE TABLE identity_logins (
    pool_id         TEXT    NOT NULL,
    provider        TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    identity_id     TEXT    NOT NULL,
    CONSTRAINT identity_logins_pkey PRIMARY KEY (pool_id, provider, subject),
    CONSTRAINT identity_logins_identity_fkey FOREIGN KEY (identity_id)
        REFERENCES identities (id) ON DELETE CASCADE
);
CREATE INDEX identity_logins_identity_idx ON identity_logins (identity_id);

-- The secret key is sealed (SigV4 verification needs it), the session token stored as a hash.
CREATE TABLE identity_credentials (
    access_key_id   TEXT    NOT NULL,
    identity_id     TEXT    NOT NULL,
    expires_at      BIGINT  NOT NULL,
    data            JSONB   NOT NULL,
    CONSTRAINT identity_credentials_pkey PRIMARY KEY (access_key_id),
    CONSTRAINT identity_credentials_identity_fkey FOREIGN KEY (identity_id)
        REFERENCES identities (id) ON DELETE CASCADE
);
CREATE INDEX identity_credentials_identity_idx ON identity_credentials (identity_id);

-- The identity issuer's keys; `slot` keeps replicas racing to create the first key to one.
CREATE TABLE identity_keys (
    kid                 TEXT    NOT NULL,
    slot                TEXT    NOT NULL,
    sealed_private_key  BYTEA   NOT NULL,
    public_jwk          TEXT    NOT NULL,
    created_at          BIGINT  NOT NULL,
    CONSTRAINT identity_keys_pkey PRIMARY KEY (kid),
    CONSTRAINT identity_keys_slot_key UNIQUE (slot)
);
