//! Users: finding them by the name a client gives, saving them safely under concurrency, and
//! the pieces every user operation shares (state, passwords, attributes, wire form, delivery).

pub mod attempt_limits;
pub mod attributes;
pub mod codes;
pub mod create;
pub mod delivery;
pub mod invite;
pub mod lifecycle;
pub mod passwords;
pub mod profile;
pub mod recovery;
pub mod state;
pub mod wire;

use cognate_domain::StoreError;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::idp::ErrorCode;

use crate::Idp;
use crate::errors::{Result, internal};
use crate::users::state::UserState;

/// How many times a read-modify-write of a user is retried when another request won the race.
const MAX_CAS_ATTEMPTS: usize = 8;

/// The key a username is unique under in `pool`.
pub fn username_key(pool: &UserPool, username: &str) -> String {
    if pool.username_case_sensitive {
        username.to_string()
    } else {
        username.to_lowercase()
    }
}

/// The key an alias value is unique under: emails are case-insensitive everywhere.
pub fn alias_key(pool: &UserPool, name: &str, value: &str) -> String {
    match name {
        "email" => value.to_lowercase(),
        "preferred_username" if !pool.username_case_sensitive => value.to_lowercase(),
        _ => value.to_string(),
    }
}

/// Attributes that may stand in for the username at sign-in: the pool's username attributes
/// (email/phone as username) or its alias attributes.
pub fn sign_in_aliases(pool: &UserPool) -> Vec<String> {
    if pool.username_attributes.is_empty() {
        pool.alias_attributes.clone()
    } else {
        pool.username_attributes.clone()
    }
}

/// The aliases a user holds given its attributes. Email and phone aliases count once verified
/// (or always, when they are the username attribute); `preferred_username` always. The user's
/// provider links (also kept as aliases) stay as they are.
pub fn aliases_of(pool: &UserPool, user: &User) -> Vec<cognate_domain::user::Alias> {
    let mut aliases: Vec<_> = user
        .aliases
        .iter()
        .filter(|alias| cognate_domain::federation::is_link_alias(&alias.name))
        .cloned()
        .collect();
    for name in sign_in_aliases(pool) {
        let Some(value) = user.attributes.get(&name) else {
            continue;
        };
        let verified = match name.as_str() {
            "email" => user.is_true("email_verified"),
            "phone_number" => user.is_true("phone_number_verified"),
            _ => true,
        };
        if verified || !pool.username_attributes.is_empty() {
            aliases.push(cognate_domain::user::Alias {
                name: name.clone(),
                value_key: alias_key(pool, &name, value),
            });
        }
    }
    aliases
}

pub fn user_not_found() -> cognate_awsjson::ApiError {
    ErrorCode::UserNotFoundException.msg("User does not exist.")
}

impl Idp {
    /// The user a client means by `given`: the username, or an alias (email, phone, preferred
    /// username) the pool allows signing in with. `None` when there is no such user.
    pub async fn find_user(&self, pool: &UserPool, given: &str) -> Result<Option<User>> {
        match self
            .store
            .get_user(&pool.id, &username_key(pool, given))
            .await
        {
            Ok(user) => return Ok(Some(user)),
            Err(StoreError::NotFound) => {}
            Err(other) => return Err(internal(other)),
        }
        for name in sign_in_aliases(pool) {
            let key = alias_key(pool, &name, given);
            match self.store.get_user_by_alias(&pool.id, &name, &key).await {
                Ok(user) => return Ok(Some(user)),
                Err(StoreError::NotFound) => {}
                Err(other) => return Err(internal(other)),
            }
        }
        Ok(None)
    }

    /// Like `find_user`, answering `UserNotFoundException` when there is none.
    pub async fn require_user(&self, pool: &UserPool, given: &str) -> Result<User> {
        self.find_user(pool, given)
            .await?
            .ok_or_else(user_not_found)
    }

    /// Reads the user, applies `change` and saves it, retrying from a fresh read when another
    /// request saved it in between. `change` may run several times; it sees the latest user.
    pub async fn modify_user<T>(
        &self,
        pool: &UserPool,
        username_key: &str,
        change: impl FnMut(&mut User) -> Result<T>,
    ) -> Result<(User, T)> {
        self.modify_user_from(pool, username_key, None, change)
            .await
    }

    /// `modify_user` whose first attempt starts from `read`, a copy of the user this request
    /// read or saved a moment ago, instead of reading it again: the save is conditional on the
    /// version, so a stale copy only costs a retry from a fresh read (a password sign-in saves
    /// its user twice; each re-read was a database round trip).
    pub async fn modify_user_from<T>(
        &self,
        pool: &UserPool,
        username_key: &str,
        read: Option<User>,
        change: impl FnMut(&mut User) -> Result<T>,
    ) -> Result<(User, T)> {
        self.save_changed(pool, username_key, read, Save::Whole, change)
            .await
    }

    /// `modify_user_from` for a change of the user's state (`UserState`) alone, as sign-ins
    /// make (lockout claims, challenge sessions): `change` sees the user but changes only its
    /// state, so each save writes the document and version (`UserStore::update_user_extra`),
    /// not the attribute and alias rows, which stay as stored at the version read.
    pub async fn modify_user_state_from<T>(
        &self,
        pool: &UserPool,
        username_key: &str,
        read: Option<User>,
        mut change: impl FnMut(&User, &mut UserState) -> Result<T>,
    ) -> Result<(User, T)> {
        let change_state = |user: &mut User| {
            let mut state = UserState::of(user);
            let outcome = change(user, &mut state)?;
            state.save_into(user);
            Ok(outcome)
        };
        self.save_changed(pool, username_key, read, Save::Extra, change_state)
            .await
    }

    /// The read-modify-write loop of `modify_user_from` and `modify_user_state_from`.
    async fn save_changed<T>(
        &self,
        pool: &UserPool,
        username_key: &str,
        mut read: Option<User>,
        save: Save,
        mut change: impl FnMut(&mut User) -> Result<T>,
    ) -> Result<(User, T)> {
        for _ in 0..MAX_CAS_ATTEMPTS {
            let fresh = match read.take() {
                Some(user) => Ok(user),
                None => self.store.get_user(&pool.id, username_key).await,
            };
            let mut user = match fresh {
                Ok(user) => user,
                Err(StoreError::NotFound) => return Err(user_not_found()),
                Err(other) => return Err(internal(other)),
            };
            let outcome = change(&mut user)?;
            let saved = match save {
                Save::Whole => {
                    user.aliases = aliases_of(pool, &user);
                    self.store.update_user(&user).await
                }
                Save::Extra => self.store.update_user_extra(&user).await,
            };
            match saved {
                Ok(()) => {
                    user.version += 1;
                    return Ok((user, outcome));
                }
                Err(StoreError::Conflict { constraint }) if constraint == "users_version" => {
                    // Let the request that won run on before reading its save.
                    tokio::task::yield_now().await;
                }
                Err(error) => return Err(store_write_error(error)),
            }
        }
        tracing::warn!(pool = %pool.id, "user update kept losing races");
        Err(ErrorCode::TooManyRequestsException
            .msg("Too many concurrent updates of this user; try again."))
    }
}

/// What a read-modify-write of a user saves.
#[derive(Clone, Copy)]
enum Save {
    /// The whole user: document, columns, attribute and alias rows (`update_user`).
    Whole,
    /// The document alone, for a change of `extra` (`update_user_extra`).
    Extra,
}

/// Unique-index conflicts on user writes, as Cognito reports them.
pub fn store_write_error(error: StoreError) -> cognate_awsjson::ApiError {
    match error {
        StoreError::Conflict { constraint } if constraint == "users_pool_username_key" => {
            ErrorCode::UsernameExistsException.msg("User account already exists")
        }
        StoreError::Conflict { constraint } if constraint == "user_aliases_pool_alias_key" => {
            ErrorCode::AliasExistsException.msg("An account with the given email already exists.")
        }
        StoreError::NotFound => user_not_found(),
        other => internal(other),
    }
}
