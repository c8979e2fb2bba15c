//! ChangePassword: the signed-in user replaces its password. Each call counts against AWS's
//! quota of 5 an hour per user (`LimitExceededException` past it). The previous password is
//! checked like a sign-in: the check is claimed toward lockout before the hash is computed (a
//! locked account is refused, a right password takes the count back); the new one must meet
//! the pool's policy and history. Tokens stay valid, as on AWS.

use cognate_awsjson::RequestContext;
use cognate_domain::Timestamp;
use cognate_domain::user::User;
use cognate_model::idp::{
    ChangePasswordRequest, ChangePasswordResponse, EventResponseType, EventType,
};

use crate::Idp;
use crate::auth::{attempts_exceeded, incorrect_credentials};
use crate::errors::{Result, invalid_parameter};
use crate::users::attempt_limits::{self, HourlyLimit};
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
    let checked = claim_call(&idp, &caller, now).await?;
    if checked.password.is_some() {
        if !idp.verify_password(&checked, previous).await? {
            let refusal = idp.settle_claimed_failure(&caller.pool, &checked).await;
            note_change(&idp, &caller, EventResponseType::Fail).await;
            return Err(refusal);
        }
        // Settled at once: a proposed password the policy refuses must not leave a failure.
        idp.settle_claimed_success(&caller.pool, checked.clone())
            .await?;
    }
    let mut changed = checked.clone();
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
        if user.password != checked.password {
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

/// Refuses a locked user, then counts the call against AWS's hourly ChangePassword quota and,
/// for a user with a password, claims the check of the previous one toward lockout
/// (`claim_password_check`), in one save before the hash is computed: parallel calls cannot
/// outrun either. Returns the saved user.
async fn claim_call(idp: &Idp, caller: &SignedIn, now: Timestamp) -> Result<User> {
    // A locked user is refused first, without spending a call of the hour.
    let count_call = |state: &mut UserState| {
        if lockout::is_locked(state, now) {
            return Err(attempts_exceeded());
        }
        attempt_limits::claim(state, HourlyLimit::ChangePassword, now)
    };
    if caller.user.password.is_some() {
        return idp
            .claim_password_check(&caller.pool, &caller.user, count_call)
            .await;
    }
    let (user, ()) = idp
        .modify_user(&caller.pool, &caller.user.username_key, |user| {
            let mut state = UserState::of(user);
            count_call(&mut state)?;
            state.save_into(user);
            Ok(())
        })
        .await?;
    Ok(user)
}
