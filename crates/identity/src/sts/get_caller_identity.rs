//! GetCallerIdentity: who signed the request. The signature is verified (SigV4, with the
//! secret of credentials Cognate minted, their session token and expiry), so the reply names
//! the assumed role only for a caller holding those credentials.

use cognate_crypto::sigv4::{self, Authorization};

use super::{StsError, StsRequest, assumed_role, xml};
use crate::Identity;

/// How far a request's `x-amz-date` may be from the server's clock (AWS: 15 minutes).
const MAX_SKEW_SECS: i64 = 15 * 60;

fn invalid_token() -> StsError {
    StsError::new(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
}

fn mismatch() -> StsError {
    StsError::new(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    )
}

pub async fn handle(identity: &Identity, request: &StsRequest) -> Result<String, StsError> {
    let auth = request
        .header("authorization")
        .ok_or_else(|| {
            StsError::new(
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            )
        })
        .and_then(|value| {
            Authorization::parse(value).ok_or_else(|| {
                StsError::new(
                    400,
                    "IncompleteSignature",
                    "The request signature does not conform to AWS standards.",
                )
            })
        })?;
    let signed = |name: &str| auth.signed_headers.iter().any(|h| h == name);
    let amz_date = request.header("x-amz-date").unwrap_or_default();
    if !signed("host") || !signed("x-amz-date") {
        return Err(StsError::new(
            400,
            "IncompleteSignature",
            "The request must sign the host and x-amz-date headers.",
        ));
    }
    let when = xml::parse_amz_date(amz_date).ok_or_else(mismatch)?;
    let now = identity.clock.now().secs();
    if (when - now).abs() > MAX_SKEW_SECS || !amz_date.starts_with(&auth.date) {
        return Err(StsError::new(
            403,
            "SignatureDoesNotMatch",
            format!(
                "Signature expired: {amz_date} is now earlier or later than the allowed 15 minutes."
            ),
        ));
    }
    let token = request
        .header("x-amz-security-token")
        .ok_or_else(invalid_token)?;
    let live = identity
        .live_credentials(&auth.access_key_id, token)
        .await?
        .ok_or_else(invalid_token)?;
    let signed_request = sigv4::Request {
        method: &request.method,
        path: &request.path,
        query: &request.query,
        headers: &request.headers,
        body: &request.body,
    };
    if !sigv4::verify(&live.secret, &signed_request, &auth, amz_date) {
        return Err(mismatch());
    }
    let (arn, user_id) =
        assumed_role(&live.role_arn, &live.session_name).ok_or_else(StsError::internal)?;
    let account = arn.split(':').nth(4).unwrap_or_default().to_string();
    Ok(xml::elements(
        &[("Arn", &arn), ("UserId", &user_id), ("Account", &account)],
        4,
    ))
}
