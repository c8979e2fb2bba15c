//! ChangePassword: the signed-in user replaces its password. The previous password is checked
//! like a sign-in (a wrong one counts toward lockout, and a locked account is refused); the new
//! one must meet the pool's policy and history. Tokens stay valid, as on AWS.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{
    ChangePasswordRequest, ChangePasswordResponse, EventResponseType, EventType,
};

use crate::Idp;
use crate::auth::{attempts_exceeded, incorrect_credentials};
use crate::errors::{Result, invalid_parameter};
use crate::users::profile::SignedIn;
use crate::users::state::{UserState, lockout};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ChangePasswordRequest,
) -> Result<ChangePasswordResponse> {
    let caller = idp.signed_in(input.access_token.expose()).await?;
    let previous = match &input.previous_password {
        Some(previous) => previous.expose(),
        // Only users without a password (passwordless sign-in) may omit it.
        None if caller.user.password.is_none() => "",
        None => {
            return Err(invalid_parameter(
                "1 validation error detected: Value null at 'previousPassword' failed to satisfy constraint: Member must not be null",
            ));
        }
    };
    let now = idp.clock.now();
    if lockout::is_locked(&UserState::of(&caller.user), now) {
        return Err(attempts_exceeded());
    }
    if caller.user.password.is_some() && !idp.verify_password(&caller.user, previous).await? {
        record_failure(&idp, &caller).await?;
        note_change(&idp, &caller, EventResponseType::Fail).await;
        return Err(incorrect_credentials());
    }
    let mut changed = caller.user.clone();
    idp.set_password(
        &caller.pool,
        &mut changed,
        input.proposed_password.expose(),
        false,
    )
    .await?;
    idp.modify_user(&caller.pool, &caller.user.username_key, |user| {
        // The previous password was checked against this record: if another request changed
        // it meanwhile, the check no longer holds.
        if user.password != caller.user.password {
            return Err(incorrect_credentials());
        }
        user.password = changed.password.clone();
        user.password_history = changed.password_history.clone();
        user.last_modified_at = now;
        let mut state = UserState::of(user);
        lockout::record_success(&mut state);
        state.save_into(user);
        Ok(())
    })
    .await?;
    note_change(&idp, &caller, EventResponseType::Pass).await;
    Ok(ChangePasswordResponse {})
}

async fn note_change(idp: &Idp, caller: &SignedIn, response: EventResponseType) {
    let key = &caller.user.username_key;
    idp.record_auth_event(&caller.pool, key, EventType::PasswordChange, response)
        .await;
}

async fn record_failure(idp: &Idp, caller: &SignedIn) -> Result<()> {
    let now = idp.clock.now();
    idp.modify_user(&caller.pool, &caller.user.username_key, |user| {
        let mut state = UserState::of(user);
        lockout::record_failure(&mut state, now);
        state.save_into(user);
        Ok(())
    })
    .await?;
    Ok(())
}
