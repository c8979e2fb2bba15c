//! GetUserPoolMfaConfig: the pool's MfaConfiguration and factors as SetUserPoolMfaConfig left
//! them.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{GetUserPoolMfaConfigRequest, GetUserPoolMfaConfigResponse};

use crate::Idp;
use crate::errors::Result;
use crate::mfa::{PoolFactors, wire_mfa_type};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetUserPoolMfaConfigRequest,
) -> Result<GetUserPoolMfaConfigResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let factors = PoolFactors::of(&pool);
    Ok(GetUserPoolMfaConfigResponse {
        sms_mfa_configuration: factors.sms,
        software_token_mfa_configuration: factors.software_token,
        email_mfa_configuration: factors.email,
        mfa_configuration: Some(wire_mfa_type(&pool)),
        web_authn_configuration: None,
    })
}
