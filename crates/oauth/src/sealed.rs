//! Values the pages hand the browser and take back unchanged: sealed with the server key
//! (AES-GCM, bound by `aad` to what they are), so the browser can neither read nor forge them.
//! The hosted session cookie is one; the sign-up ticket is the other.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognate_idp::Idp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// `value` as JSON, sealed, base64url.
pub fn seal_json(idp: &Idp, value: &impl Serialize, aad: &[u8]) -> Option<String> {
    let json = serde_json::to_vec(value).ok()?;
    Some(URL_SAFE_NO_PAD.encode(idp.seal.seal(&json, aad)))
}

/// A value `seal_json` sealed with the same `aad`, if it opens.
pub fn open_json<T: DeserializeOwned>(idp: &Idp, text: &str, aad: &[u8]) -> Option<T> {
    let sealed = URL_SAFE_NO_PAD.decode(text).ok()?;
    let json = idp.seal.open(&sealed, aad).ok()?;
    serde_json::from_slice(&json).ok()
}

const TICKET_AAD: &[u8] = b"cognate hosted sign-up ticket v1";
/// How long after signing up the confirmation still signs in (the hosted session's hour).
const TICKET_SECS: i64 = 3600;

/// Given by the sign-up page to the browser that signed up (and so typed the password), carried
/// by the confirmation form: with the code it lets the confirmation sign the new user in.
#[derive(Debug, Serialize, Deserialize)]
pub struct SignUpTicket {
    pub pool_id: String,
    pub client_id: String,
    pub username: String,
    pub sub: String,
    pub expires_at: i64,
}

impl SignUpTicket {
    pub fn new(idp: &Idp, ids: (&str, &str), username: &str, sub: &str) -> Self {
        Self {
            pool_id: ids.0.to_string(),
            client_id: ids.1.to_string(),
            username: username.to_string(),
            sub: sub.to_string(),
            expires_at: idp.clock.now().secs() + TICKET_SECS,
        }
    }

    pub fn seal(&self, idp: &Idp) -> Option<String> {
        seal_json(idp, self, TICKET_AAD)
    }

    /// The ticket in `text`, if it opens, is live, and names this pool, client and user.
    pub fn open(idp: &Idp, text: &str, ids: (&str, &str), username: &str) -> Option<Self> {
        let ticket: Self = open_json(idp, text, TICKET_AAD)?;
        let fits = ticket.pool_id == ids.0
            && ticket.client_id == ids.1
            && ticket.username == username
            && ticket.expires_at > idp.clock.now().secs();
        fits.then_some(ticket)
    }
}
