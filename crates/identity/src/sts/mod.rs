//! The part of STS identity pools need, on the same port: the AWS Query protocol (a form POST
//! to `/` naming its `Action`, XML replies). GetCallerIdentity checks SigV4 signatures made
//! with minted credentials; AssumeRoleWithWebIdentity serves the classic flow with
//! GetOpenIdToken's tokens. Every other action answers a clear error.

mod assume_role_with_web_identity;
mod get_caller_identity;
mod xml;

use std::collections::BTreeMap;

use crate::Identity;

pub const VERSION: &str = "2011-06-15";
const OTHER_ACTIONS: &[&str] = &[
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoot",
    "DecodeAuthorizationMessage",
    "GetAccessKeyInfo",
    "GetDelegatedAccessToken",
    "GetFederationToken",
    "GetSessionToken",
    "GetWebIdentityToken",
];

/// An STS request as received.
#[derive(Debug, Clone)]
pub struct StsRequest {
    pub request_id: String,
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl StsRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An XML reply with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsReply {
    pub status: u16,
    pub body: String,
}

/// An STS error: HTTP status, code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl StsError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn internal() -> Self {
        Self::new(500, "InternalFailure", "The request processing has failed.")
    }
}

impl From<cognate_awsjson::ApiError> for StsError {
    fn from(_: cognate_awsjson::ApiError) -> Self {
        Self::internal()
    }
}

/// The form's parameters (the body, plus the query string for GET-style callers).
fn parameters(request: &StsRequest) -> BTreeMap<String, String> {
    form_urlencoded::parse(request.query.as_bytes())
        .chain(form_urlencoded::parse(&request.body))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Answers one STS request.
pub async fn handle(identity: &Identity, request: StsRequest) -> StsReply {
    let params = parameters(&request);
    let action = params.get("Action").cloned().unwrap_or_default();
    let result = match action.as_str() {
        "GetCallerIdentity" => get_caller_identity::handle(identity, &request).await,
        "AssumeRoleWithWebIdentity" => {
            assume_role_with_web_identity::handle(identity, &params).await
        }
        other if OTHER_ACTIONS.contains(&other) => Err(StsError::new(
            400,
            "UnsupportedOperation",
            format!(
                "{other} is not supported by Cognate: only GetCallerIdentity and \
                 AssumeRoleWithWebIdentity are."
            ),
        )),
        "" => Err(StsError::new(
            400,
            "MissingAction",
            "Missing Action: this endpoint speaks the STS Query protocol.",
        )),
        other => Err(StsError::new(
            400,
            "InvalidAction",
            format!("Could not find operation {other} for version {VERSION}"),
        )),
    };
    match result {
        Ok(result) => StsReply {
            status: 200,
            body: xml::response(&action, &result, &request.request_id),
        },
        Err(error) => StsReply {
            status: error.status,
            body: xml::error(&error, &request.request_id),
        },
    }
}

/// `arn:aws:iam::<account>:role/<path/>name` → (account, name).
fn role_parts(role_arn: &str) -> Option<(&str, &str)> {
    let rest = role_arn.strip_prefix("arn:aws:iam::")?;
    let (account, role) = rest.split_once(":role/")?;
    let name = role.rsplit('/').next()?;
    (!account.is_empty() && !name.is_empty()).then_some((account, name))
}

/// The assumed-role ARN and role id of a session.
fn assumed_role(role_arn: &str, session: &str) -> Option<(String, String)> {
    let (account, name) = role_parts(role_arn)?;
    let digest = cognate_crypto::secrets::sha256_hex(role_arn.as_bytes()).to_ascii_uppercase();
    let role_id = format!("AROA{}", &digest[..17]);
    Some((
        format!("arn:aws:sts::{account}:assumed-role/{name}/{session}"),
        format!("{role_id}:{session}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumed_role_arns_name_role_and_session() {
        let (arn, id) = assumed_role(
            "arn:aws:iam::123456789012:role/path/app-auth",
            "CognitoIdentityCredentials",
        )
        .unwrap();
        assert_eq!(
            arn,
            "arn:aws:sts::123456789012:assumed-role/app-auth/CognitoIdentityCredentials"
        );
        assert!(id.starts_with("AROA") && id.ends_with(":CognitoIdentityCredentials"));
        assert_eq!(assumed_role("arn:aws:iam::1:user/x", "s"), None);
    }
}
