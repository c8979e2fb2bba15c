//! Property tests of SigV4 as the server reads it: `Authorization::parse` over any header
//! value, the verifier over requests an AWS SDK signer signs (they verify; any change to what is
//! signed makes them fail), and the other reader of the same header, awsjson's
//! `RequestContext::signing_region`, which must agree with the parser on every header both read.
//! `PROPTEST_CASES=N` runs N cases of each.

// Tests unwrap freely, helpers included (allow-unwrap-in-tests covers #[test] bodies only).
#![allow(clippy::unwrap_used)]

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use cognate_awsjson::RequestContext;
use cognate_crypto::sigv4::{self, Authorization, Request};
use proptest::prelude::*;

/// `yyyymmddThhmmssZ`, any valid instant of this century.
fn amz_date() -> impl Strategy<Value = String> {
    (
        2000u32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_map(|(y, mo, d, h, mi, s)| format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z"))
}

/// A well-formed header's parts, and the header written with random spacing and order.
fn written_authorization() -> impl Strategy<Value = (Authorization, String)> {
    let parts = (
        "[A-Z0-9]{4,20}",
        "[0-9]{8}",
        "[a-z][a-z0-9-]{0,16}",
        "[a-z-]{1,20}",
        proptest::collection::vec("[a-z0-9-]{1,12}", 1..5),
        "[0-9a-f]{64}",
    );
    let layout = (
        prop::sample::select(vec![" ", "  ", "\t"]),
        any::<bool>(),
        0usize..3,
    );
    (parts, layout).prop_map(
        |((key, date, region, service, signed, signature), (gap, upper, rotate))| {
            let mut params = [
                format!("Credential={key}/{date}/{region}/{service}/aws4_request"),
                format!("SignedHeaders={}", signed.join(";")),
                format!(
                    "Signature={}",
                    if upper {
                        signature.to_uppercase()
                    } else {
                        signature.clone()
                    }
                ),
            ];
            params.rotate_left(rotate);
            let text = format!(
                "{}{gap}{}",
                sigv4::ALGORITHM,
                params.join(&format!(",{gap}"))
            );
            let auth = Authorization {
                access_key_id: key,
                date,
                region,
                service,
                signed_headers: signed,
                signature,
            };
            (auth, text)
        },
    )
}

/// What an AWS SDK sends: a request signed by AWS's signer for `secret`.
struct Signed {
    headers: Vec<(String, String)>,
    amz_date: String,
}

fn sign_like_an_sdk(secret: &str, request: &Request<'_>, amz_date: &str, region: &str) -> Signed {
    let time: SystemTime = sigv4::parse_amz_date(amz_date).unwrap();
    let identity = Credentials::new("AKIDEXAMPLE", secret, None, None, "props").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("cognito-idp")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let uri = format!("http://signed.invalid{}", request.path);
    let headers = request
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()));
    let signable = SignableRequest::new(
        request.method,
        uri,
        headers,
        SignableBody::Bytes(request.body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut headers = request.headers.to_vec();
    headers.extend(
        instructions
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_string())),
    );
    Signed {
        headers,
        amz_date: amz_date.to_string(),
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map_or("", |(_, v)| v.as_str())
}

fn signing_region(authorization: &str) -> Option<String> {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::AUTHORIZATION, authorization.parse().ok()?);
    let ctx = RequestContext {
        request_id: String::new(),
        target: String::new(),
        headers,
        body: Bytes::new(),
    };
    ctx.signing_region().map(str::to_string)
}

/// The regions awsjson lets through: the ones that fit AWS's id formats.
fn usable_region(region: &str) -> bool {
    (1..=18).contains(&region.len())
        && region.starts_with(|c: char| c.is_ascii_lowercase())
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

proptest! {
    #[test]
    fn any_header_value_parses_or_not_without_panic(value in any::<String>()) {
        let _ = Authorization::parse(&value);
        let _ = signing_region(&value);
        let _ = sigv4::parse_amz_date(&value);
    }

    #[test]
    fn near_headers_parse_or_not_without_panic(
        tail in "[A-Za-z0-9/=,; _-]{0,80}",
    ) {
        let value = format!("{} {tail}", sigv4::ALGORITHM);
        let _ = Authorization::parse(&value);
        let _ = signing_region(&value);
    }

    #[test]
    fn written_headers_parse_to_their_parts((auth, text) in written_authorization()) {
        let parsed = Authorization::parse(&text);
        prop_assert_eq!(parsed.as_ref(), Some(&auth), "{}", text);
    }

    /// The two readers of `Authorization` agree on the region of every header the parser takes.
    #[test]
    fn the_two_readers_agree_on_the_region(
        (auth, text) in written_authorization(),
        extra in prop::sample::select(vec![
            "", ", Credential=AK/20250101/eu-west-9/cognito-idp/aws4_request",
            ", Foo=Credential=AK/20250101/eu-west-9/x/aws4_request",
        ]),
    ) {
        let text = format!("{text}{extra}");
        if let Some(parsed) = Authorization::parse(&text) {
            let expected = usable_region(&parsed.region).then(|| parsed.region.clone());
            prop_assert_eq!(signing_region(&text), expected, "{}", text);
        }
        let _ = auth;
    }

    /// What AWS's signer signs verifies; changing anything signed, or the secret, fails.
    #[test]
    fn signed_requests_verify_and_altered_ones_do_not(
        secret in "[A-Za-z0-9/+]{40}",
        post in any::<bool>(),
        path in "(/[a-z0-9_-]{1,8}){0,3}",
        target in "[A-Za-z.]{1,40}",
        other_value in "[ -~]{0,30}",
        body in proptest::collection::vec(any::<u8>(), 0..128),
        amz_date in amz_date(),
        region in "[a-z]{2}-[a-z]{4,8}-[1-9]",
        change in 0usize..6,
    ) {
        let path = if path.is_empty() { "/".to_string() } else { path };
        let headers = vec![
            ("host".to_string(), "cognito-idp.example.invalid".to_string()),
            ("content-type".to_string(), "application/x-amz-json-1.1".to_string()),
            ("x-amz-target".to_string(), target),
            ("x-other".to_string(), other_value),
        ];
        let method = if post { "POST" } else { "GET" };
        let request = Request { method, path: &path, query: "", headers: &headers, body: &body };
        let signed = sign_like_an_sdk(&secret, &request, &amz_date, &region);
        let auth = Authorization::parse(header(&signed.headers, "authorization")).unwrap();
        prop_assert_eq!(&auth.region, &region);
        let received = Request { headers: &signed.headers, ..request };
        prop_assert!(sigv4::verify(&secret, &received, &auth, &signed.amz_date));

        let mut headers = signed.headers.clone();
        let mut body = body.clone();
        let (mut method, mut path, mut secret) = (method, path.clone(), secret.clone());
        match change {
            0 => body.push(b'x'),
            1 => method = if post { "GET" } else { "POST" },
            2 => path.push('x'),
            3 => secret.push('x'),
            4 => headers.iter_mut().filter(|(n, _)| n == "x-amz-target").for_each(|(_, v)| v.push('x')),
            _ => headers.iter_mut().filter(|(n, _)| n == "host").for_each(|(_, v)| v.push('x')),
        }
        let altered = Request { method, path: &path, query: "", headers: &headers, body: &body };
        prop_assert!(!sigv4::verify(&secret, &altered, &auth, &signed.amz_date));
    }

    /// Whatever the request and the header claim, the verifier answers without panicking.
    #[test]
    fn the_verifier_takes_any_request(
        (auth, _) in written_authorization(),
        names in proptest::collection::vec("[A-Za-z-]{1,12}", 0..4),
        values in proptest::collection::vec(any::<String>(), 0..4),
        path in any::<String>(),
        query in any::<String>(),
        method in any::<String>(),
        amz_date in prop_oneof![amz_date(), any::<String>()],
    ) {
        let mut headers: Vec<(String, String)> = names.into_iter().zip(values).collect();
        headers.push(("host".into(), "h".into()));
        let mut auth = auth;
        auth.signed_headers.push("host".into());
        let request = Request { method: &method, path: &path, query: &query, headers: &headers, body: b"" };
        let _ = sigv4::verify("secret", &request, &auth, &amz_date);
    }
}
