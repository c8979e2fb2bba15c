//! `SECRET_HASH` for app clients with a secret: required, and checked against each of the
//! client's secrets (two may be live during rotation), in constant time.

use cognate_crypto::secrets::verify_secret_hash;
use cognate_domain::client::AppClient;

use crate::errors::Result;
use crate::tokens::not_authorized;
use crate::{Idp, clients};

impl Idp {
    /// Checks `provided` (the request's SecretHash / `SECRET_HASH`) for `username` as the client
    /// gave it. Clients without a secret accept anything, as AWS does.
    pub fn check_secret_hash(
        &self,
        client: &AppClient,
        username: &str,
        provided: Option<&str>,
    ) -> Result<()> {
        if !client.has_secret() {
            return Ok(());
        }
        let client_id = client.client_id.as_str();
        let Some(provided) = provided.filter(|p| !p.is_empty()) else {
            return Err(not_authorized(&format!(
                "Client {client_id} is configured for secret but secret was not received"
            )));
        };
        for secret in &client.secrets {
            let plain = clients::open_secret(self, client, secret)?;
            if verify_secret_hash(username, client_id, &plain, provided) {
                return Ok(());
            }
        }
        Err(not_authorized(&format!(
            "Unable to verify secret hash for client {client_id}"
        )))
    }
}
