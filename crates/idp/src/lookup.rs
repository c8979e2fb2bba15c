//! Loading what an operation names, with the not-found error AWS gives for each.

use cognate_domain::client::AppClient;
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_domain::pool::UserPool;

use crate::Idp;
use crate::errors::{OrNotFound, Result, client_not_found, pool_not_found};

impl Idp {
    pub async fn pool(&self, pool_id: &str) -> Result<UserPool> {
        self.store
            .get_pool(&UserPoolId::new(pool_id))
            .await
            .or_not_found(|| pool_not_found(pool_id))
    }

    /// The client `client_id`, which must belong to `pool_id`.
    pub async fn pool_client(&self, pool_id: &str, client_id: &str) -> Result<AppClient> {
        let client = self.client(client_id).await?;
        if client.pool_id.as_str() != pool_id {
            return Err(client_not_found(client_id));
        }
        Ok(client)
    }

    pub async fn client(&self, client_id: &str) -> Result<AppClient> {
        self.store
            .get_client(&ClientId::new(client_id))
            .await
            .or_not_found(|| client_not_found(client_id))
    }
}
