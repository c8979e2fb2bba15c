//! The stand-in as Sign in with Apple: the relying party authenticates with a client secret
//! that is an ES256 JWT signed by the developer's P-256 key, checked here (header `kid`, claims
//! `iss` = team, `sub` = client, `aud` = the issuer, a life of at most six months, and the
//! signature against the key's public half); with `response_mode=form_post` the answer is a
//! page whose form posts back (with Apple's `user` field on the first sign-in only).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _,
    UnparsedPublicKey,
};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

/// Apple's limit on a client secret's life.
const MAX_SECRET_LIFE_SECS: i64 = 15_777_000;

/// The developer's account at the stand-in: its team, key id and the key's public half.
pub(super) struct AppleAccount {
    pub team_id: String,
    pub key_id: String,
    pub public_key: Vec<u8>,
}

/// A new P-256 key: the PKCS#8 PEM (Apple's `.p8` file) and the public key (uncompressed point).
pub(super) fn new_key() -> (String, Vec<u8>) {
    let rng = SystemRandom::new();
    let der =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("a P-256 key");
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der.as_ref())
        .expect("the key parses");
    let body = STANDARD.encode(der.as_ref());
    let lines: Vec<String> = body
        .as_bytes()
        .chunks(64)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    );
    (pem, pair.public_key().as_ref().to_vec())
}

fn segment(part: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| "not base64url".to_string())
}

fn json(part: &str) -> Result<Value, String> {
    serde_json::from_slice(&segment(part)?).map_err(|_| "not JSON".to_string())
}

/// Checks a client secret as Apple does: why it is refused, if it is.
pub(super) fn check_client_secret(
    account: &AppleAccount,
    client_id: &str,
    audience: &str,
    secret: &str,
) -> Result<(), String> {
    let parts: Vec<&str> = secret.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err("not a JWT".into());
    };
    let (header, claims) = (json(header)?, json(claims)?);
    if header["alg"] != "ES256" || header["kid"] != account.key_id.as_str() {
        return Err(format!("header {header}"));
    }
    let signed = format!("{}.{}", parts[0], parts[1]);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &account.public_key)
        .verify(signed.as_bytes(), &segment(signature)?)
        .map_err(|_| "bad signature".to_string())?;
    let expected = [
        ("iss", account.team_id.as_str()),
        ("sub", client_id),
        ("aud", audience),
    ];
    for (claim, value) in expected {
        if claims[claim] != value {
            return Err(format!("{claim} is {}", claims[claim]));
        }
    }
    let (iat, exp) = (claims["iat"].as_i64(), claims["exp"].as_i64());
    match (iat, exp) {
        (Some(iat), Some(exp)) if exp > iat && exp - iat <= MAX_SECRET_LIFE_SECS => Ok(()),
        _ => Err(format!("lifetime {iat:?}..{exp:?}")),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Apple's form_post answer: a page whose form the browser submits to the relying party.
pub(super) fn form_post(redirect_uri: &str, fields: &[(String, String)]) -> Response {
    let inputs: String = fields
        .iter()
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(name),
                escape(value)
            )
        })
        .collect();
    let page = format!(
        "<!DOCTYPE html><title>Sign in with Apple</title>\
         <body onload=\"document.forms[0].submit()\">\
         <form method=\"post\" action=\"{}\">{inputs}</form></body>",
        escape(redirect_uri)
    );
    Html(page).into_response()
}
