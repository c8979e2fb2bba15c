//! What a seed file needs beyond the operations themselves: creating a pool or a client under a
//! fixed id (the operations' own code, given the id), and users with a given password (checked
//! against the pool's policy) or with password material sealed by `export`, keeping their `sub`.
//! The server's seed runner calls these and runs every other step as the operation it is.

use cognate_domain::StoreError;
use cognate_domain::ids::{ClientId, Sub, UserPoolId};
use cognate_domain::schema;
use cognate_domain::user::{PasswordRecord, UserStatus};
use cognate_model::idp::{
    CreateUserPoolClientRequest, CreateUserPoolRequest, ErrorCode, SchemaAttributeType,
};

use crate::errors::{Result, internal, invalid_parameter};
use crate::ops::{create_user_pool, create_user_pool_client};
use crate::users::attributes::Writer;
use crate::users::create::NewUser;
use crate::users::username_key;
use crate::{Idp, pools};

/// CreateUserPool with the pool id `id` instead of a generated one.
pub async fn create_pool(idp: &Idp, id: UserPoolId, input: &CreateUserPoolRequest) -> Result<()> {
    create_user_pool::create(idp, id, input).await.map(|_| ())
}

/// CreateUserPoolClient with the client id `client_id` instead of a generated one (give the
/// secret as `ClientSecret` with `GenerateSecret`, as the operation takes it).
pub async fn create_client(
    idp: &Idp,
    client_id: ClientId,
    input: &CreateUserPoolClientRequest,
) -> Result<()> {
    create_user_pool_client::create(idp, client_id, input)
        .await
        .map(|_| ())
}

/// A pool's schema as CreateUserPool takes it: custom attributes by their bare names
/// (`tenant` for `custom:tenant`, developer-only ones flagged), and only the standard
/// attributes that differ from AWS's defaults (some standard names are longer than a Schema
/// entry may name).
pub async fn create_schema(idp: &Idp, pool_id: &UserPoolId) -> Result<Vec<SchemaAttributeType>> {
    let pool = idp.pool(pool_id.as_str()).await?;
    let defaults = schema::standard_attributes();
    Ok(pool
        .schema
        .iter()
        .filter(|attribute| !defaults.contains(attribute))
        .map(|attribute| {
            let mut wire = pools::wire_schema_attribute(attribute);
            if attribute.is_custom() {
                let bare = attribute.name.trim_start_matches("dev:");
                wire.name = Some(bare.trim_start_matches("custom:").to_string());
            }
            wire
        })
        .collect())
}

/// A user's password in a seed file.
pub enum SeedPassword {
    /// In clear (a hand-written seed): checked against the pool's policy, hashed here.
    Clear(String),
    /// As `export` wrote it: the sealed material, opened here to prove it fits this server's
    /// seal key, this pool and this `sub`.
    Sealed(Vec<u8>),
}

/// A user to create.
pub struct SeedUser {
    /// The stored username; in a pool whose UsernameAttributes replace it, either the email or
    /// phone number to sign in with, or (as exported) the `sub` that stands as username.
    pub username: String,
    /// Attributes as (name, value); a `sub` among them is kept as the user's `sub`.
    pub attributes: Vec<(String, String)>,
    pub status: UserStatus,
    pub enabled: bool,
    pub password: Option<SeedPassword>,
    /// Whether the password is temporary (to change at first sign-in).
    pub temporary: bool,
}

/// The statuses a seed may give: the ones a user reaches through the API.
const SEEDABLE: [UserStatus; 4] = [
    UserStatus::Confirmed,
    UserStatus::Unconfirmed,
    UserStatus::ForceChangePassword,
    UserStatus::ResetRequired,
];

/// Creates `seed` in `pool_id` as AdminCreateUser would build it (username rules, attribute
/// schema and required attributes, aliases, conflicts), without a message or a trigger.
pub async fn create_user(idp: &Idp, pool_id: &UserPoolId, seed: SeedUser) -> Result<()> {
    let pool = idp.pool(pool_id.as_str()).await?;
    if !SEEDABLE.contains(&seed.status) {
        return Err(invalid_parameter(format!(
            "A seeded user's status must be one of CONFIRMED, UNCONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, not {}",
            seed.status.as_str()
        )));
    }
    let (subs, attributes): (Vec<_>, Vec<_>) = seed
        .attributes
        .into_iter()
        .partition(|(name, _)| name == "sub");
    let sub = subs.into_iter().next().map(|(_, value)| value);
    if let Some(sub) = &sub
        && uuid::Uuid::parse_str(sub).is_err()
    {
        return Err(invalid_parameter(format!("sub {sub} is not a UUID")));
    }
    // The exported form of a UsernameAttributes pool's user: the username is its sub, the
    // email or phone number it signs in with is among its attributes.
    let exported_sub_name =
        !pool.username_attributes.is_empty() && sub.as_ref() == Some(&seed.username);
    let sign_in_name = match exported_sub_name {
        true => pool
            .username_attributes
            .iter()
            .find_map(|name| attributes.iter().find(|(n, _)| n == name))
            .map_or(seed.username.clone(), |(_, value)| value.clone()),
        false => seed.username.clone(),
    };
    let mut user = idp.new_user(
        &pool,
        NewUser {
            username: &sign_in_name,
            attributes: &attributes,
            writer: Writer::Admin,
            status: seed.status,
        },
    )?;
    if let Some(sub) = sub {
        if user.username == user.sub.as_str() {
            user.username_key = username_key(&pool, &sub);
            user.username = sub.clone();
        }
        user.attributes.insert("sub".into(), sub.clone());
        user.sub = Sub::new(sub);
    }
    user.enabled = seed.enabled;
    match seed.password {
        Some(SeedPassword::Clear(password)) => {
            idp.set_password(&pool, &mut user, &password, seed.temporary)
                .await?
        }
        Some(SeedPassword::Sealed(sealed)) => {
            user.password = Some(PasswordRecord {
                sealed,
                set_at: idp.clock.now(),
                temporary: seed.temporary,
            });
            if idp.password_material(&user).is_err() {
                user.password = None;
                return Err(ErrorCode::InvalidParameterException.msg(format!(
                    "The password hash of {} does not open: it was sealed with another seal key, pool or sub",
                    seed.username
                )));
            }
        }
        None => {}
    }
    idp.insert_user(&pool, &mut user, false, Writer::Admin)
        .await
}

/// A user's sealed password material and whether it is temporary, for `export`. `None` for a
/// user without a password.
pub async fn sealed_password(
    idp: &Idp,
    pool_id: &UserPoolId,
    username: &str,
) -> Result<Option<(Vec<u8>, bool)>> {
    let pool = idp.pool(pool_id.as_str()).await?;
    let user = idp.require_user(&pool, username).await?;
    Ok(user
        .password
        .map(|record| (record.sealed, record.temporary)))
}

/// Whether the pool `id` exists.
pub async fn pool_exists(idp: &Idp, id: &UserPoolId) -> Result<bool> {
    match idp.store.get_pool(id).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(error) => Err(internal(error)),
    }
}

/// The pool of the client `client_id`, when it exists.
pub async fn client_pool(idp: &Idp, client_id: &ClientId) -> Result<Option<UserPoolId>> {
    match idp.store.get_client(client_id).await {
        Ok(client) => Ok(Some(client.pool_id)),
        Err(StoreError::NotFound) => Ok(None),
        Err(error) => Err(internal(error)),
    }
}

/// Whether `pool_id` has a user signing in as `username` (its username, an alias, or in a
/// UsernameAttributes pool its email or phone number).
pub async fn user_exists(idp: &Idp, pool_id: &UserPoolId, username: &str) -> Result<bool> {
    let pool = idp.pool(pool_id.as_str()).await?;
    Ok(idp.find_user(&pool, username).await?.is_some())
}
