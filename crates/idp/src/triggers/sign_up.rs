//! Pre sign-up (`PreSignUp_SignUp`, `PreSignUp_AdminCreateUser`, `PreSignUp_ExternalProvider`) and post confirmation
//! (`PostConfirmation_ConfirmSignUp`, `PostConfirmation_ConfirmForgotPassword`).

use cognate_domain::pool::UserPool;
use cognate_domain::user::{User, UserStatus};
use cognate_lambda::TriggerCall;
use cognate_lambda::events::post_confirmation::{self, PostConfirmation};
use cognate_lambda::events::pre_sign_up::{self, PreSignUp};
use cognate_lambda::events::{Metadata, Trigger};

use super::{function, user_attributes};
use crate::Idp;
use crate::errors::Result;

/// Who is signing the user up.
#[derive(Debug, Clone, Copy)]
pub enum SignUpSource<'a> {
    /// SignUp by the app client.
    Client(&'a str),
    /// AdminCreateUser.
    Admin,
    /// A federated user's first sign-in through the app client.
    ExternalProvider(&'a str),
}

/// What the pre sign-up function decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignUpDecision {
    pub auto_confirmed: bool,
}

impl Idp {
    /// Runs the pool's pre sign-up function on `user` (built, not saved yet) and applies its
    /// answer: autoConfirmUser confirms a self-signed-up user, autoVerifyEmail/autoVerifyPhone
    /// mark the attribute verified. An error stops the sign-up: nothing is saved.
    pub async fn pre_sign_up(
        &self,
        pool: &UserPool,
        user: &mut User,
        source: SignUpSource<'_>,
        validation_data: Option<Metadata>,
        client_metadata: Option<Metadata>,
    ) -> Result<SignUpDecision> {
        let Some(arn) = function(pool, PreSignUp::NAME) else {
            return Ok(SignUpDecision::default());
        };
        let mut attributes = user_attributes(user);
        attributes.remove("sub");
        attributes.remove("cognito:user_status");
        let (trigger_source, client_id) = match source {
            SignUpSource::Client(client_id) => ("PreSignUp_SignUp", Some(client_id)),
            SignUpSource::Admin => ("PreSignUp_AdminCreateUser", None),
            SignUpSource::ExternalProvider(client_id) => {
                ("PreSignUp_ExternalProvider", Some(client_id))
            }
        };
        let call = TriggerCall {
            function: &arn,
            source: trigger_source,
            version: "1",
            pool_id: pool.id.as_str(),
            user_name: &user.username,
            client_id,
        };
        let request = pre_sign_up::Request {
            user_attributes: attributes,
            validation_data,
            client_metadata,
        };
        let response = self.invoke_trigger::<PreSignUp>(call, &request).await?;
        let auto_confirmed =
            matches!(source, SignUpSource::Client(_)) && response.auto_confirm_user == Some(true);
        if auto_confirmed {
            user.status = UserStatus::Confirmed;
        }
        if response.auto_verify_email == Some(true) && user.attributes.contains_key("email") {
            user.attributes
                .insert("email_verified".into(), "true".into());
        }
        if response.auto_verify_phone == Some(true) && user.attributes.contains_key("phone_number")
        {
            user.attributes
                .insert("phone_number_verified".into(), "true".into());
        }
        Ok(SignUpDecision { auto_confirmed })
    }

    /// Runs the pool's post confirmation function for `user`, just confirmed (by code, by an
    /// administrator, or by a password reset). As on AWS the confirmation stands when the
    /// function fails; the caller gets the function's error.
    pub async fn post_confirmation(
        &self,
        pool: &UserPool,
        user: &User,
        trigger_source: &'static str,
        client_id: Option<&str>,
        client_metadata: Option<Metadata>,
    ) -> Result<()> {
        let Some(arn) = function(pool, PostConfirmation::NAME) else {
            return Ok(());
        };
        let call = TriggerCall {
            function: &arn,
            source: trigger_source,
            version: "1",
            pool_id: pool.id.as_str(),
            user_name: &user.username,
            client_id,
        };
        let request = post_confirmation::Request {
            user_attributes: user_attributes(user),
            client_metadata,
        };
        self.invoke_trigger::<PostConfirmation>(call, &request)
            .await
            .map(|_| ())
    }
}
