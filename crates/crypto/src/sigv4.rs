//! AWS Signature Version 4, the verifying side: the canonical request, the string to sign and
//! the signing key as AWS defines them, so requests signed by any AWS SDK with credentials
//! Cognate minted can be checked.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

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
    pub fn parse(value: &str) -> Option<Self> {
        let rest = value.trim().strip_prefix(ALGORITHM)?.trim_start();
        let mut credential = None;
        let mut signed = None;
        let mut signature = None;
        for part in rest.split(',') {
            let (name, value) = part.trim().split_once('=')?;
            match name {
                "Credential" => credential = Some(value),
                "SignedHeaders" => signed = Some(value),
                "Signature" => signature = Some(value),
                _ => {}
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

    fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
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

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// AWS's URI encoding: unreserved characters kept, everything else `%XX` (uppercase).
fn uri_encode(text: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&percent_decode(name)),
                uri_encode(&percent_decode(value)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// A header value as signed: trimmed, inner runs of spaces collapsed.
fn header_value(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn canonical_request(request: &Request<'_>, auth: &Authorization) -> String {
    let mut headers = String::new();
    for name in &auth.signed_headers {
        let values: Vec<String> = request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| header_value(v))
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let path = if request.path.is_empty() {
        "/"
    } else {
        request.path
    };
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        path,
        canonical_query(request.query),
        headers,
        auth.signed_headers.join(";"),
        sha256_hex(request.body)
    )
}

/// The signature `secret` gives `request` under `auth`'s scope at `amz_date`
/// (`yyyymmddThhmmssZ`), lowercase hex.
pub fn signature(
    secret: &str,
    request: &Request<'_>,
    auth: &Authorization,
    amz_date: &str,
) -> String {
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{}\n{}",
        auth.scope(),
        sha256_hex(canonical_request(request, auth).as_bytes())
    );
    let key = [
        auth.date.as_bytes(),
        auth.region.as_bytes(),
        auth.service.as_bytes(),
        b"aws4_request",
    ]
    .iter()
    .fold(format!("AWS4{secret}").into_bytes(), |key, part| {
        hmac(&key, part)
    });
    hex::encode(hmac(&key, string_to_sign.as_bytes()))
}

/// Whether `auth.signature` is the one `secret` gives (compared in constant time). The caller
/// checks that `host` and `x-amz-date` are signed and the date is recent.
pub fn verify(secret: &str, request: &Request<'_>, auth: &Authorization, amz_date: &str) -> bool {
    let expected = signature(secret, request, auth, amz_date);
    constant_time_eq(expected.as_bytes(), auth.signature.as_bytes())
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

    #[test]
    fn queries_are_sorted_and_encoded() {
        assert_eq!(canonical_query("b=2&a=1%20x&c"), "a=1%20x&b=2&c=");
        assert_eq!(percent_decode("a%2Fb%"), b"a/b%".to_vec());
    }
}
