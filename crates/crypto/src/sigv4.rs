//! AWS Signature Version 4, the verifying side: the canonical request, the string to sign and
//! the signing key as AWS defines them, so requests signed by any AWS SDK with credentials
//! Cognate minted can be checked.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use crate::secrets::constant_time_eq;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// `yyyymmdd`
    pub date: String,
    pub region: String,
    pub service: String,
    /// Lowercase names, as listed.
    pub signed_headers: Vec<String>,
    pub signature: String,
}

impl Authorization {
    /// `None` for anything else, a header naming one of the three parameters twice included
    /// (which one would count is ambiguous, and the region a request runs in is read from it).
    pub fn parse(value: &str) -> Option<Self> {
        let rest = value.trim().strip_prefix(ALGORITHM)?.trim_start();
        let mut credential = None;
        let mut signed = None;
        let mut signature = None;
        for part in rest.split(',') {
            let (name, value) = part.trim().split_once('=')?;
            let slot = match name {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed,
                "Signature" => &mut signature,
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return None;
            }
        }
        let mut scope = credential?.split('/');
        let parsed = Self {
            access_key_id: scope.next()?.to_string(),
            date: scope.next()?.to_string(),
            region: scope.next()?.to_string(),
            service: scope.next()?.to_string(),
            signed_headers: signed?.split(';').map(str::to_ascii_lowercase).collect(),
            signature: signature?.to_ascii_lowercase(),
        };
        (scope.next()? == "aws4_request" && scope.next().is_none()).then_some(parsed)
    }
}

/// A request as received.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Every header (name, value); names in any case.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// `yyyymmddThhmmssZ` (the `X-Amz-Date` form) as a time.
pub fn parse_amz_date(amz_date: &str) -> Option<SystemTime> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let when = time::PrimitiveDateTime::parse(amz_date, format).ok()?;
    Some(when.assume_utc().into())
}

/// The signature `secret` gives `request` under `auth`'s scope at `amz_date`
/// (`yyyymmddThhmmssZ`), lowercase hex; `None` when the request cannot be signed as sent (no
/// signed `host`, a date that does not parse, a header value SigV4 refuses).
///
/// AWS's own signer (`aws-sigv4`) builds the canonical request from exactly the headers the
/// client listed as signed, so the expected signature is the one an AWS SDK would compute.
pub fn signature(
    secret: &str,
    request: &Request<'_>,
    auth: &Authorization,
    amz_date: &str,
) -> Option<String> {
    if !auth.signed_headers.iter().any(|name| name == "host") {
        return None;
    }
    let time = parse_amz_date(amz_date)?;
    let identity = Credentials::new(&auth.access_key_id, secret, None, None, "cognate").into();
    let mut settings = SigningSettings::default();
    // Sign exactly the headers passed below: the ones the client listed, no fewer, no more.
    settings.excluded_headers = Some(Vec::new());
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&auth.region)
        .name(&auth.service)
        .time(time)
        .settings(settings)
        .build()
        .ok()?
        .into();
    let headers = request.headers.iter().filter_map(|(name, value)| {
        let lower = name.to_ascii_lowercase();
        auth.signed_headers
            .contains(&lower)
            .then_some((name.as_str(), value.as_str()))
    });
    // The host comes from the signed `host` header; this authority is never used.
    let path = if request.path.is_empty() {
        "/"
    } else {
        request.path
    };
    let uri = match request.query {
        "" => format!("http://signed.invalid{path}"),
        query => format!("http://signed.invalid{path}?{query}"),
    };
    let signable = SignableRequest::new(
        request.method,
        uri,
        headers,
        SignableBody::Bytes(request.body),
    )
    .ok()?;
    let output = sign(signable, &params).ok()?;
    Some(output.signature().to_string())
}

/// Whether `auth.signature` is the one `secret` gives (compared in constant time). The caller
/// checks that `x-amz-date` is signed and the date is recent.
pub fn verify(secret: &str, request: &Request<'_>, auth: &Authorization, amz_date: &str) -> bool {
    signature(secret, request, auth, amz_date)
        .is_some_and(|expected| constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's published example (the "get-vanilla" case of the SigV4 test suite).
    #[test]
    fn matches_the_aws_test_suite() {
        let headers = vec![
            ("Host".to_string(), "example.amazonaws.com".to_string()),
            ("X-Amz-Date".to_string(), "20150830T123600Z".to_string()),
        ];
        let request = Request {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        let auth = Authorization::parse(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        )
        .unwrap();
        assert!(verify(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            &request,
            &auth,
            "20150830T123600Z"
        ));
        assert!(!verify("wrong", &request, &auth, "20150830T123600Z"));
    }

    /// Found by the SigV4 property test (with awsjson's region reader taking the first of two
    /// `Credential` parameters and this parser the last): a repeated parameter is refused.
    #[test]
    fn a_repeated_parameter_is_refused() {
        let credential = "Credential=AKID/20250101/us-east-1/cognito-idp/aws4_request";
        let rest = "SignedHeaders=host;x-amz-date, Signature=ab12";
        let once = format!("{ALGORITHM} {credential}, {rest}");
        assert!(Authorization::parse(&once).is_some());
        for twice in [
            format!("{ALGORITHM} {credential}, {credential}, {rest}"),
            format!("{ALGORITHM} {credential}, {rest}, Signature=cd34"),
            format!("{ALGORITHM} {credential}, {rest}, SignedHeaders=host"),
        ] {
            assert_eq!(Authorization::parse(&twice), None, "{twice}");
        }
    }

    #[test]
    fn amz_dates_parse_as_utc() {
        let when = parse_amz_date("20150830T123600Z").unwrap();
        let secs = when
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert_eq!(secs, 1_440_938_160);
        assert!(parse_amz_date("2015-08-30T12:36:00Z").is_none());
    }
}
