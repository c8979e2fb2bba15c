//! Pre authentication (`PreAuthentication_Authentication`): before the password (or SRP
//! proof) of a known user is checked; an error denies the sign-in.

use cognate_domain::client::AppClient;
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_lambda::TriggerCall;
use cognate_lambda::events::pre_authentication::{self, PreAuthentication};
use cognate_lambda::events::{Metadata, Trigger};

use super::{function, user_attributes};
use crate::Idp;
use crate::errors::Result;

impl Idp {
    pub(crate) async fn pre_authentication(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        validation_data: Option<&Metadata>,
    ) -> Result<()> {
        let Some(arn) = function(pool, PreAuthentication::NAME) else {
            return Ok(());
        };
        let call = TriggerCall {
            function: &arn,
            source: "PreAuthentication_Authentication",
            version: "1",
            pool_id: pool.id.as_str(),
            user_name: &user.username,
            client_id: Some(client.client_id.as_str()),
        };
        let request = pre_authentication::Request {
            user_attributes: user_attributes(user),
            validation_data: validation_data.cloned(),
            user_not_found: None,
        };
        self.invoke_trigger::<PreAuthentication>(call, &request)
            .await
            .map(|_| ())
    }
}
