use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognate_awsjson::{ApiError, RequestContext};
use cognate_crypto::certs::self_signed_certificate;
use cognate_model::idp::{GetSigningCertificateRequest, GetSigningCertificateResponse};

use crate::Idp;
use crate::errors::Result;

/// The pool's X.509 signing certificate (base64 DER), over its ID-token signing key. It is
/// derived deterministically, so every call (and every replica) returns the same certificate.
pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetSigningCertificateRequest,
) -> Result<GetSigningCertificateResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let keys = idp.pool_keys(&pool.id).await?;
    let pkcs8 = keys
        .id_token
        .to_pkcs8_der()
        .map_err(|_| ApiError::internal())?;
    let der = self_signed_certificate(&pkcs8, pool.id.as_str(), pool.created_at.secs()).map_err(
        |error| {
            tracing::error!(%error, "could not make the signing certificate");
            ApiError::internal()
        },
    )?;
    Ok(GetSigningCertificateResponse {
        certificate: Some(STANDARD.encode(der)),
    })
}
