//! AdminCreateUser: a user in FORCE_CHANGE_PASSWORD with a temporary password (given, or
//! generated per the pool's policy), invited through the desired mediums unless SUPPRESS;
//! RESEND re-invites an existing user with a fresh temporary password.

use cognate_awsjson::RequestContext;
use cognate_domain::pool::UserPool;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{
    AdminCreateUserRequest, AdminCreateUserResponse, ErrorCode, MessageActionType,
};

use crate::Idp;
use crate::errors::Result;
use crate::triggers::SignUpSource;
use crate::users::attributes::{self, Writer};
use crate::users::create::NewUser;
use crate::users::invite::{invitation_destinations, temporary_password};
use crate::users::lifecycle::adopt_password;
use crate::users::wire;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminCreateUserRequest,
) -> Result<AdminCreateUserResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    if input.message_action == Some(MessageActionType::Resend) {
        return resend(&idp, &pool, &input).await;
    }
    let given = attributes::from_wire(input.user_attributes.as_deref().unwrap_or_default());
    let mut user = idp.new_user(
        &pool,
        NewUser {
            username: &input.username,
            attributes: &given,
            writer: Writer::Admin,
            status: UserStatus::ForceChangePassword,
        },
    )?;
    idp.pre_sign_up(
        &pool,
        &mut user,
        SignUpSource::Admin,
        input
            .validation_data
            .as_deref()
            .map(|given| attributes::from_wire(given).into_iter().collect()),
        input.client_metadata.clone(),
    )
    .await?;
    let password = chosen_password(&pool, &input);
    idp.set_password(&pool, &mut user, &password, true).await?;
    // Composed before the user is saved: a failing custom message function creates nobody.
    let drafts = if input.message_action == Some(MessageActionType::Suppress) {
        Vec::new()
    } else {
        let mediums = input
            .desired_delivery_mediums
            .as_deref()
            .unwrap_or_default();
        let destinations = invitation_destinations(&user, mediums);
        idp.invitation_drafts(&pool, &user, destinations, input.client_metadata.as_ref())
            .await?
    };
    idp.insert_user(
        &pool,
        &mut user,
        input.force_alias_creation.unwrap_or(false),
        Writer::Admin,
    )
    .await?;
    idp.send_invitation(&pool, &user, &drafts, &password)
        .await?;
    Ok(AdminCreateUserResponse {
        user: Some(wire::user_type(&user)),
    })
}

fn chosen_password(pool: &UserPool, input: &AdminCreateUserRequest) -> String {
    match &input.temporary_password {
        Some(given) => given.expose().to_string(),
        None => temporary_password(&pool.password_policy),
    }
}

/// RESEND: a new temporary password (and validity period) for a user that has not signed in
/// yet, sent again. Attributes given with RESEND are ignored, as on AWS.
async fn resend(
    idp: &Idp,
    pool: &UserPool,
    input: &AdminCreateUserRequest,
) -> Result<AdminCreateUserResponse> {
    let user = idp.require_user(pool, &input.username).await?;
    if user.status != UserStatus::ForceChangePassword {
        return Err(ErrorCode::UnsupportedUserStateException.msg(format!(
            "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD",
            user.username
        )));
    }
    let password = chosen_password(pool, input);
    let mediums = input
        .desired_delivery_mediums
        .as_deref()
        .unwrap_or_default();
    let destinations = invitation_destinations(&user, mediums);
    let drafts = idp
        .invitation_drafts(pool, &user, destinations, input.client_metadata.as_ref())
        .await?;
    let mut prepared = user.clone();
    idp.set_password(pool, &mut prepared, &password, true)
        .await?;
    let now = idp.clock.now();
    let (saved, ()) = idp
        .modify_user(pool, &user.username_key, |user| {
            if user.status != UserStatus::ForceChangePassword {
                return Err(ErrorCode::UnsupportedUserStateException
                    .msg("Resend not possible: the user has changed its password."));
            }
            adopt_password(user, &prepared);
            user.last_modified_at = now;
            Ok(())
        })
        .await?;
    idp.send_invitation(pool, &saved, &drafts, &password)
        .await?;
    Ok(AdminCreateUserResponse {
        user: Some(wire::user_type(&saved)),
    })
}
