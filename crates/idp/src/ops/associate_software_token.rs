//! AssociateSoftwareToken: a new TOTP secret, pending until VerifySoftwareToken, for the
//! signed-in user (AccessToken) or for the user of an MFA_SETUP sign-in (Session, returned
//! again for the next step).

use cognate_awsjson::RequestContext;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_model::idp::{AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AssociateSoftwareTokenRequest,
) -> Result<AssociateSoftwareTokenResponse> {
    if let Some(access_token) = input.access_token.as_ref() {
        let caller = idp.signed_in(access_token.expose()).await?;
        let secret = associate(&idp, &caller.pool, &caller.user).await?;
        return Ok(AssociateSoftwareTokenResponse {
            secret_code: Some(secret.into()),
            session: None,
        });
    }
    let Some(session) = input.session.as_ref() else {
        return Err(invalid_parameter("Missing required parameter AccessToken"));
    };
    let setup = idp.setup_session(session.expose()).await?;
    let secret = associate(&idp, &setup.pool, &setup.user).await?;
    Ok(AssociateSoftwareTokenResponse {
        secret_code: Some(secret.into()),
        session: Some(setup.session.into()),
    })
}

async fn associate(idp: &Idp, pool: &UserPool, user: &User) -> Result<String> {
    let sub = user.sub.clone();
    let (_, secret) = idp
        .modify_user(pool, &user.username_key, |stored| {
            if stored.sub != sub {
                return Err(crate::users::user_not_found());
            }
            Ok(idp.associate_totp(stored))
        })
        .await?;
    Ok(secret)
}
