//! User migration (`UserMigration_Authentication`, `UserMigration_ForgotPassword`): a name that
//! is no user of the pool is looked up in the old directory by the pool's function; what it
//! returns becomes a user of the pool, created at once.
//!
//! - `_Authentication` runs on USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (the password
//!   is in the request). SRP sign-ins never send the password, so AWS does not migrate on them:
//!   an unknown name there is an unknown user, as without the trigger.
//! - `_ForgotPassword` runs on ForgotPassword; the user is created RESET_REQUIRED and gets the
//!   reset code.
//!
//! The reply: `userAttributes` (required), `finalUserStatus` (`CONFIRMED`, the default, or
//! `RESET_REQUIRED`), `messageAction` (`SUPPRESS`, or a welcome message through
//! `desiredDeliveryMediums`, SMS by default), `forceAliasCreation` (take an email or phone alias
//! from the user holding it). The password of `_Authentication` is kept as given, the pool's
//! policy not applied (AWS: the function should check it and answer RESET_REQUIRED).
//!
//! A function error means "no such user in the old directory": AWS answers it as an unknown
//! user (`UserNotFoundException` "Exception migrating user in app client <id>", or a wrong
//! password's answer when the client prevents user-existence errors).

use cognate_awsjson::ApiError;
use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::{User, UserStatus};
use cognate_lambda::events::user_migration::{self, UserMigration};
use cognate_lambda::events::{Metadata, Trigger};
use cognate_lambda::{TriggerCall, TriggerError};
use cognate_model::idp::{DeliveryMediumType, ErrorCode};

use super::{api_error, function};
use crate::Idp;
use crate::auth::incorrect_credentials;
use crate::errors::Result;
use crate::users::attributes::Writer;
use crate::users::create::NewUser;
use crate::users::delivery::Message;
use crate::users::invite::invitation_destinations;

/// The outbox kind of the welcome message a migrated user gets unless SUPPRESS.
pub const WELCOME_KIND: &str = "WELCOME";

/// The moment of the migration, with what that source carries.
pub enum Migration<'a> {
    /// Sign-in with `password`; `validation_data` is InitiateAuth's ClientMetadata.
    Authentication {
        password: &'a str,
        validation_data: Option<&'a Metadata>,
    },
    /// ForgotPassword with its ClientMetadata.
    ForgotPassword {
        client_metadata: Option<&'a Metadata>,
    },
}

/// What became of a name that is no user.
pub enum Migrated {
    /// The pool has no migration function.
    NoFunction,
    /// The function failed: the old directory does not know the name (or refused the password).
    Refused,
    /// Created (and saved) from the function's reply.
    User(Box<User>),
}

impl Idp {
    /// Migrates `username` with the pool's function.
    pub(crate) async fn migrate_user(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        migration: Migration<'_>,
    ) -> Result<Migrated> {
        let Some(arn) = function(pool, UserMigration::NAME) else {
            return Ok(Migrated::NoFunction);
        };
        let (source, request, password) = match migration {
            Migration::Authentication {
                password,
                validation_data,
            } => (
                "UserMigration_Authentication",
                user_migration::Request {
                    password: Some(password.to_string()),
                    validation_data: validation_data.cloned(),
                    client_metadata: None,
                },
                Some(password),
            ),
            Migration::ForgotPassword { client_metadata } => (
                "UserMigration_ForgotPassword",
                user_migration::Request {
                    password: None,
                    validation_data: None,
                    client_metadata: client_metadata.cloned(),
                },
                None,
            ),
        };
        let call = TriggerCall {
            function: &arn,
            source,
            version: "1",
            pool_id: pool.id.as_str(),
            user_name: username,
            client_id: Some(client.client_id.as_str()),
        };
        let reply = match self.triggers.invoke::<UserMigration>(call, &request).await {
            Ok(reply) => reply,
            Err(TriggerError::UserLambdaValidation(_)) => return Ok(Migrated::Refused),
            Err(other) => return Err(api_error(other)),
        };
        let user = self
            .create_migrated(pool, username, reply, password)
            .await?;
        Ok(Migrated::User(Box::new(user)))
    }

    async fn create_migrated(
        &self,
        pool: &UserPool,
        username: &str,
        reply: user_migration::Response,
        password: Option<&str>,
    ) -> Result<User> {
        let attributes: Vec<(String, String)> = reply
            .user_attributes
            .ok_or_else(|| invalid_response("userAttributes is required"))?
            .into_iter()
            .collect();
        let status = match (reply.final_user_status.as_deref(), password) {
            // No password to sign in with: the user must set one through the reset code.
            (_, None) | (Some("RESET_REQUIRED"), _) => UserStatus::ResetRequired,
            (None | Some("CONFIRMED"), Some(_)) => UserStatus::Confirmed,
            (Some(other), _) => {
                return Err(invalid_response(&format!(
                    "finalUserStatus {other} is not CONFIRMED or RESET_REQUIRED"
                )));
            }
        };
        let welcome = match reply.message_action.as_deref() {
            Some("SUPPRESS") => false,
            None | Some("RESEND") => true,
            Some(other) => {
                return Err(invalid_response(&format!(
                    "messageAction {other} is not SUPPRESS or RESEND"
                )));
            }
        };
        let mediums = mediums(reply.desired_delivery_mediums.as_deref())?;
        let mut user = self.new_user(
            pool,
            NewUser {
                username,
                attributes: &attributes,
                writer: Writer::Admin,
                status,
            },
        )?;
        if let (Some(password), UserStatus::Confirmed) = (password, status) {
            self.install_password(pool, &mut user, password, false)
                .await?;
        }
        let force_alias = reply.force_alias_creation.unwrap_or(false);
        self.insert_user(pool, &mut user, force_alias, Writer::Admin)
            .await?;
        if welcome {
            for destination in invitation_destinations(&user, &mediums) {
                let message = Message {
                    kind: WELCOME_KIND,
                    subject: (destination.medium == DeliveryMediumType::Email)
                        .then(|| "Welcome".to_string()),
                    body: format!("Your account {} is ready.", user.username),
                    code: None,
                };
                self.send(pool, &user, &destination, message).await?;
            }
        }
        Ok(user)
    }
}

/// `desiredDeliveryMediums` as delivery mediums.
fn mediums(given: Option<&[String]>) -> Result<Vec<DeliveryMediumType>> {
    given
        .unwrap_or_default()
        .iter()
        .map(|medium| match medium.as_str() {
            "EMAIL" => Ok(DeliveryMediumType::Email),
            "SMS" => Ok(DeliveryMediumType::Sms),
            other => Err(invalid_response(&format!(
                "desiredDeliveryMediums {other} is not EMAIL or SMS"
            ))),
        })
        .collect()
}

fn invalid_response(detail: &str) -> ApiError {
    ErrorCode::InvalidLambdaResponseException.msg(format!("Invalid lambda response: {detail}"))
}

/// The old directory does not know the user (the function failed): an unknown user's answer.
pub fn not_migrated(client: &AppClient) -> ApiError {
    if client.prevent_user_existence_errors {
        incorrect_credentials()
    } else {
        ErrorCode::UserNotFoundException.msg(format!(
            "Exception migrating user in app client {}",
            client.client_id.as_str()
        ))
    }
}
