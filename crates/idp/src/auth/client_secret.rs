//! The `ClientSecret` itself (GetTokensFromRefreshToken, RevokeToken), as opposed to a
//! `SECRET_HASH` derived from it: checked in constant time against each of the client's secrets.

use cognate_crypto::secrets::constant_time_eq;
use cognate_domain::client::AppClient;

use crate::errors::Result;
use crate::{Idp, clients};

/// How a secret check turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretCheck {
    /// The client has no secret, or one of its secrets was given.
    Ok,
    Missing,
    Wrong,
}

impl Idp {
    pub fn check_client_secret(
        &self,
        client: &AppClient,
        provided: Option<&str>,
    ) -> Result<SecretCheck> {
        if !client.has_secret() {
            return Ok(SecretCheck::Ok);
        }
        let Some(provided) = provided.filter(|p| !p.is_empty()) else {
            return Ok(SecretCheck::Missing);
        };
        let mut matched = false;
        for secret in &client.secrets {
            let plain = clients::open_secret(self, client, secret)?;
            matched |= constant_time_eq(plain.as_bytes(), provided.as_bytes());
        }
        Ok(if matched {
            SecretCheck::Ok
        } else {
            SecretCheck::Wrong
        })
    }
}
