//! New users: the username rules of the pool, `sub`, attribute checks, and the first save with
//! Cognito's errors for taken usernames and aliases.
//!
//! `idp.new_user(pool, NewUser {..})` builds the record (nothing saved); set a password or
//! codes on it, then `idp.insert_user(pool, &mut user, force_alias, writer)` saves it.

use cognate_awsjson::ApiError;
use cognate_domain::StoreError;
use cognate_domain::ids::Sub;
use cognate_domain::pool::UserPool;
use cognate_domain::user::{Alias, User, UserStatus};
use cognate_model::idp::ErrorCode;

use super::attributes::{self, Writer, is_email, is_phone};
use super::{aliases_of, store_write_error, username_key};
use crate::Idp;
use crate::errors::{Result, internal, invalid_parameter};

/// What a new user is made of, as the operation received it.
pub struct NewUser<'a> {
    /// The username as given: with UsernameAttributes, an email or phone number.
    pub username: &'a str,
    /// Attributes as given (`attributes::from_wire`).
    pub attributes: &'a [(String, String)],
    /// Admins may write any attribute; clients (SignUp) only their WriteAttributes.
    pub writer: Writer<'a>,
    pub status: UserStatus,
}

impl Idp {
    /// Builds a new user of `pool` (not saved): checks the username against the pool's rules,
    /// gives it a `sub`, checks attributes against the schema and required attributes.
    ///
    /// With UsernameAttributes the given username must be an email or phone as configured; the
    /// user is stored under a generated UUID username (its `sub`, as Cognito does) with the
    /// email or phone attribute set from it.
    pub fn new_user(&self, pool: &UserPool, new: NewUser<'_>) -> Result<User> {
        let sub = uuid::Uuid::new_v4().to_string();
        let given = attributes::check_writes(pool, new.writer, new.attributes, true)?;
        let mut attributes: std::collections::BTreeMap<String, String> =
            given.into_iter().collect();
        let username = if pool.username_attributes.is_empty() {
            check_not_alias_shaped(pool, new.username)?;
            new.username.to_string()
        } else {
            let attribute = username_attribute(pool, new.username)?;
            attributes.insert(attribute.to_string(), new.username.to_string());
            sub.clone()
        };
        attributes.insert("sub".into(), sub.clone());
        attributes::check_required(pool, &attributes)?;
        let now = self.clock.now();
        let mut user = User {
            pool_id: pool.id.clone(),
            username_key: username_key(pool, &username),
            username,
            sub: Sub::new(sub),
            status: new.status,
            enabled: true,
            created_at: now,
            last_modified_at: now,
            attributes,
            aliases: Vec::new(),
            password: None,
            password_history: Vec::new(),
            extra: Default::default(),
            version: 0,
        };
        user.aliases = aliases_of(pool, &user);
        Ok(user)
    }

    /// Saves a new user. A taken username answers `UsernameExistsException`; a taken alias
    /// `AliasExistsException`, unless `force_alias`, which moves the alias to this user (the
    /// previous holder's attribute becomes unverified), as ForceAliasCreation does.
    pub async fn insert_user(
        &self,
        pool: &UserPool,
        user: &mut User,
        force_alias: bool,
        writer: Writer<'_>,
    ) -> Result<()> {
        user.aliases = aliases_of(pool, user);
        let error = match self.store.create_user(user).await {
            Ok(()) => return Ok(()),
            Err(error) => error,
        };
        if !is_alias_conflict(&error) {
            return Err(creation_error(pool, error, writer));
        }
        let taken = self.taken_alias(pool, user).await?;
        let Some(alias) = taken else {
            // The holder vanished meanwhile: one more try settles it.
            return self
                .store
                .create_user(user)
                .await
                .map_err(|e| creation_error(pool, e, writer));
        };
        if !pool.username_attributes.is_empty() {
            return Err(ErrorCode::UsernameExistsException.msg(format!(
                "An account with the given {} already exists.",
                alias.name
            )));
        }
        if !force_alias {
            return Err(alias_exists(&alias.name));
        }
        self.release_aliases(pool, user).await?;
        self.store
            .create_user(user)
            .await
            .map_err(|e| creation_error(pool, e, writer))
    }

    /// The first of `user`'s aliases another user holds.
    async fn taken_alias(&self, pool: &UserPool, user: &User) -> Result<Option<Alias>> {
        for alias in &user.aliases {
            match self
                .store
                .get_user_by_alias(&pool.id, &alias.name, &alias.value_key)
                .await
            {
                Ok(holder) if holder.sub != user.sub => return Ok(Some(alias.clone())),
                Ok(_) | Err(StoreError::NotFound) => {}
                Err(other) => return Err(internal(other)),
            }
        }
        Ok(None)
    }

    /// Takes `user`'s email/phone aliases away from whoever else holds them, by marking the
    /// holder's attribute unverified (ForceAliasCreation). `preferred_username` cannot move.
    pub async fn release_aliases(&self, pool: &UserPool, user: &User) -> Result<()> {
        for alias in &user.aliases {
            let holder = match self
                .store
                .get_user_by_alias(&pool.id, &alias.name, &alias.value_key)
                .await
            {
                Ok(holder) if holder.sub != user.sub => holder,
                Ok(_) | Err(StoreError::NotFound) => continue,
                Err(other) => return Err(internal(other)),
            };
            let verified = match alias.name.as_str() {
                "email" => "email_verified",
                "phone_number" => "phone_number_verified",
                _ => return Err(alias_exists(&alias.name)),
            };
            let now = self.clock.now();
            self.modify_user(pool, &holder.username_key, |other| {
                other.attributes.insert(verified.into(), "false".into());
                other.last_modified_at = now;
                Ok(())
            })
            .await?;
        }
        Ok(())
    }
}

pub fn alias_exists(name: &str) -> ApiError {
    ErrorCode::AliasExistsException.msg(format!("An account with the given {name} already exists."))
}

fn is_alias_conflict(error: &StoreError) -> bool {
    matches!(error, StoreError::Conflict { constraint } if constraint == "user_aliases_pool_alias_key")
}

/// Store errors of a first save, with the message the creating operation gives.
fn creation_error(pool: &UserPool, error: StoreError, writer: Writer<'_>) -> ApiError {
    match &error {
        StoreError::Conflict { constraint } if constraint == "users_pool_username_key" => {
            match (pool.username_attributes.first(), writer) {
                (Some(name), _) => ErrorCode::UsernameExistsException
                    .msg(format!("An account with the given {name} already exists.")),
                (None, Writer::Client(_)) => {
                    ErrorCode::UsernameExistsException.msg("User already exists")
                }
                (None, Writer::Admin) => store_write_error(error),
            }
        }
        StoreError::Conflict { constraint } if constraint == "user_aliases_pool_alias_key" => {
            alias_exists(
                pool.alias_attributes
                    .first()
                    .map_or("email", String::as_str),
            )
        }
        _ => store_write_error(error),
    }
}

/// Which username attribute `given` is: it must be an email or phone number as the pool allows.
fn username_attribute(pool: &UserPool, given: &str) -> Result<&'static str> {
    let email = pool.username_attributes.iter().any(|a| a == "email");
    let phone = pool.username_attributes.iter().any(|a| a == "phone_number");
    if email && is_email(given) {
        return Ok("email");
    }
    if phone && is_phone(given) {
        return Ok("phone_number");
    }
    Err(invalid_parameter(match (email, phone) {
        (true, true) => "Username should be either an email or a phone number.",
        (true, false) => "Username should be an email.",
        _ => "Username should be a phone number.",
    }))
}

/// With email/phone aliases, a username may not look like one (it would shadow an alias).
fn check_not_alias_shaped(pool: &UserPool, given: &str) -> Result<()> {
    let aliased = |name: &str| pool.alias_attributes.iter().any(|a| a == name);
    if aliased("email") && is_email(given) {
        return Err(invalid_parameter(
            "Username cannot be of email format, since user pool is configured for email alias.",
        ));
    }
    if aliased("phone_number") && is_phone(given) {
        return Err(invalid_parameter(
            "Username cannot be of phone number format, since user pool is configured for phone number alias.",
        ));
    }
    Ok(())
}
