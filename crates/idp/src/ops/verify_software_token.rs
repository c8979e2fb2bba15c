//! VerifySoftwareToken: the first code from the authenticator proves the pending secret
//! (RFC 6238, one step of drift either way) and the token is registered; a code is accepted
//! once. By AccessToken the token is then enabled with SetUserMFAPreference; inside an
//! MFA_SETUP sign-in (Session) it becomes the user's enabled factor at once and the session
//! comes back for RespondToAuthChallenge.

use cognate_awsjson::RequestContext;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::idp::{
    VerifySoftwareTokenRequest, VerifySoftwareTokenResponse, VerifySoftwareTokenResponseType,
};

use crate::Idp;
use crate::auth::mfa_setup::enable_verified_token;
use crate::errors::{Result, invalid_parameter};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: VerifySoftwareTokenRequest,
) -> Result<VerifySoftwareTokenResponse> {
    let code = input.user_code.expose();
    let device_name = input.friendly_device_name.as_deref();
    if let Some(access_token) = input.access_token.as_ref() {
        let caller = idp.signed_in(access_token.expose()).await?;
        verify(&idp, &caller.pool, &caller.user, (code, device_name), false).await?;
        return Ok(VerifySoftwareTokenResponse {
            status: Some(VerifySoftwareTokenResponseType::Success),
            session: None,
        });
    }
    let Some(session) = input.session.as_ref() else {
        return Err(invalid_parameter("Missing required parameter AccessToken"));
    };
    let setup = idp.setup_session(session.expose()).await?;
    verify(&idp, &setup.pool, &setup.user, (code, device_name), true).await?;
    Ok(VerifySoftwareTokenResponse {
        status: Some(VerifySoftwareTokenResponseType::Success),
        session: Some(setup.session.into()),
    })
}

async fn verify(
    idp: &Idp,
    pool: &UserPool,
    user: &User,
    code: (&str, Option<&str>),
    enable: bool,
) -> Result<()> {
    let sub = user.sub.clone();
    let now = idp.clock.now().secs();
    idp.modify_user(pool, &user.username_key, |stored| {
        if stored.sub != sub {
            return Err(crate::users::user_not_found());
        }
        idp.verify_pending_totp(stored, code, now)?;
        if enable {
            enable_verified_token(stored);
        }
        Ok(())
    })
    .await?;
    Ok(())
}
