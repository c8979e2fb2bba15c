//! ConfirmSignUp: the sign-up code confirms the user and verifies the attribute it went to.
//! ForceAliasCreation moves a verified email/phone alias away from another user.

use cognate_awsjson::RequestContext;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{ConfirmSignUpRequest, ConfirmSignUpResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::attempt_limits::HourlyLimit;
use crate::users::codes::{self, CodeCheck, expired_code};
use crate::users::lifecycle::{cannot_confirm, confirm};
use crate::users::state::{CodePurpose, UserState};
use crate::users::{aliases_of, user_not_found};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ConfirmSignUpRequest,
) -> Result<ConfirmSignUpResponse> {
    let public = idp
        .public(
            &input.client_id,
            &input.username,
            input.secret_hash.as_deref(),
        )
        .await?;
    let pool = &public.pool;
    let Some(user) = idp.find_user(pool, &input.username).await? else {
        // With PreventUserExistenceErrors, an unknown user looks like one without a live code.
        return Err(if public.hides_users() {
            expired_code()
        } else {
            user_not_found()
        });
    };
    if user.status != UserStatus::Unconfirmed {
        return Err(cannot_confirm(&user));
    }
    let code = input.confirmation_code.as_str();
    let now = idp.clock.now();
    if input.force_alias_creation.unwrap_or(false)
        && codes::check(
            &idp.seal,
            &UserState::of(&user),
            &user,
            CodePurpose::SignUp,
            code,
            now,
        ) == CodeCheck::Match
    {
        let mut confirmed = user.clone();
        confirm(pool, &mut confirmed, true);
        confirmed.aliases = aliases_of(pool, &confirmed);
        idp.release_aliases(pool, &confirmed).await?;
    }
    let confirmed = idp
        .redeem_code(
            pool,
            &user,
            CodePurpose::SignUp,
            code,
            HourlyLimit::ConfirmSignUp,
            |user| {
                if user.status != UserStatus::Unconfirmed {
                    return Err(cannot_confirm(user));
                }
                confirm(pool, user, true);
                user.last_modified_at = now;
                Ok(())
            },
        )
        .await?;
    idp.post_confirmation(
        pool,
        &confirmed,
        "PostConfirmation_ConfirmSignUp",
        Some(&input.client_id),
        input.client_metadata.clone(),
    )
    .await?;
    Ok(ConfirmSignUpResponse { session: None })
}
