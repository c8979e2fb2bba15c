//! SignUp: a new UNCONFIRMED user with the password given; a confirmation code goes to an
//! auto-verified attribute when the pool has one (else an admin confirms the user).

use cognate_awsjson::RequestContext;
use cognate_domain::user::UserStatus;
use cognate_model::idp::{ErrorCode, SignUpRequest, SignUpResponse};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};
use crate::triggers::{MessageCause, MessageSource, SignUpSource};
use crate::users::attributes::{self, Writer};
use crate::users::codes;
use crate::users::create::NewUser;
use crate::users::recovery::sign_up_destination;
use crate::users::state::{CodePurpose, UserState};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: SignUpRequest,
) -> Result<SignUpResponse> {
    let public = idp
        .public(
            &input.client_id,
            &input.username,
            input.secret_hash.as_deref(),
        )
        .await?;
    let (client, pool) = (&public.client, &public.pool);
    if admin_only(pool) {
        return Err(
            ErrorCode::NotAuthorizedException.msg("SignUp is not permitted for this user pool")
        );
    }
    let password = input.password.as_deref().ok_or_else(|| {
        invalid_parameter("1 validation error detected: Value at 'password' failed to satisfy constraint: Member must not be null")
    })?;
    let given = attributes::from_wire(input.user_attributes.as_deref().unwrap_or_default());
    let mut user = idp.new_user(
        pool,
        NewUser {
            username: &input.username,
            attributes: &given,
            writer: Writer::Client(client),
            status: UserStatus::Unconfirmed,
        },
    )?;
    idp.set_password(pool, &mut user, password, false).await?;
    let decision = idp
        .pre_sign_up(
            pool,
            &mut user,
            SignUpSource::Client(&input.client_id),
            input
                .validation_data
                .as_deref()
                .map(|given| attributes::from_wire(given).into_iter().collect()),
            input.client_metadata.clone(),
        )
        .await?;
    // The code is stored with the user in its first save, then sent; an auto-confirmed user
    // gets none.
    let destination = sign_up_destination(pool, &user).filter(|_| !decision.auto_confirmed);
    let code = destination.as_ref().map(|_| {
        let mut state = UserState::of(&user);
        let code = codes::issue(
            &idp.seal,
            &mut state,
            &user,
            CodePurpose::SignUp,
            idp.clock.now(),
        );
        state.save_into(&mut user);
        code
    });
    // Composed before the user is saved: a failing custom message function signs nobody up.
    let cause = MessageCause::new(
        MessageSource::SignUp,
        Some(&input.client_id),
        input.client_metadata.as_ref(),
    );
    let draft = match &destination {
        Some(destination) => Some(idp.code_draft(pool, &user, destination, cause).await?),
        None => None,
    };
    idp.insert_user(pool, &mut user, false, Writer::Client(client))
        .await?;
    let code_delivery_details = match (&destination, &code, &draft) {
        (Some(destination), Some(code), Some(draft)) => Some(
            idp.deliver_code(pool, &user, CodePurpose::SignUp, destination, code, draft)
                .await?,
        ),
        _ => None,
    };
    idp.record_auth_event(
        pool,
        &user.username_key,
        cognate_model::idp::EventType::SignUp,
        cognate_model::idp::EventResponseType::Pass,
    )
    .await;
    Ok(SignUpResponse {
        user_confirmed: decision.auto_confirmed,
        code_delivery_details,
        user_sub: user.sub.as_str().to_string(),
        session: None,
    })
}

/// AdminCreateUserConfig.AllowAdminCreateUserOnly: self sign-up is off.
fn admin_only(pool: &cognate_domain::pool::UserPool) -> bool {
    pool.settings
        .get("AdminCreateUserConfig")
        .and_then(|c| c.get("AllowAdminCreateUserOnly"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
