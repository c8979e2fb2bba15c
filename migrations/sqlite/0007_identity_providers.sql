-- External identity providers of user pools (CreateIdentityProvider) and their IdpIdentifiers.
-- Keep the Postgres migration of the same name in step.
--
-- A provider name is unique in its pool (the primary key), and so is each identifier: the
-- identifiers table holds one row per identifier, pointing at its provider. Provider links
-- (AdminLinkProviderForUser) need no table: they are aliases of their destination user.
CREATE TABLE identity_providers (
    pool_id         TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    CONSTRAINT identity_providers_pkey PRIMARY KEY (pool_id, name),
    CONSTRAINT identity_providers_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE identity_provider_identifiers (
    pool_id         TEXT    NOT NULL,
    identifier      TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    CONSTRAINT identity_provider_identifiers_pkey PRIMARY KEY (pool_id, identifier),
    CONSTRAINT identity_provider_identifiers_provider_fkey FOREIGN KEY (pool_id, name)
        REFERENCES identity_providers (pool_id, name) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX identity_provider_identifiers_provider_idx
    ON identity_provider_identifiers (pool_id, name);
