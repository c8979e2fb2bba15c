//! `Invoker` over the AWS SDK for Rust (`aws-sdk-lambda`): SigV4-signed Invoke API calls, one
//! client per endpoint (or per region, for real AWS), cached so connections are reused.
//!
//! - With an endpoint (`lambda.endpoint` or a per-function override): requests go there, signed
//!   with the credentials in the environment (`AWS_ACCESS_KEY_ID`...) or, when there are none,
//!   with fixed dummy credentials, because local Lambda services (`sam local start-lambda`, the
//!   Runtime Interface Emulator, LocalStack) want a signature but do not check it.
//! - Without one: the real AWS Lambda of the ARN's region, with the SDK's default credential
//!   chain (environment, shared config and SSO, container and instance roles).

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_credential_types::Credentials;
use aws_sdk_lambda::Client;
use aws_sdk_lambda::config::Region;
use aws_sdk_lambda::config::http::HttpResponse;
use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_lambda::operation::invoke::InvokeError;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;

use crate::config::LambdaSettings;
use crate::invoker::{InvokeFailure, Invoker, Reply};

pub struct SdkInvoker {
    settings: LambdaSettings,
    /// Keyed on `endpoint|region`: one client (and its connection pool) each.
    clients: Mutex<HashMap<String, Client>>,
}

impl SdkInvoker {
    pub fn new(settings: LambdaSettings) -> Self {
        Self {
            settings,
            clients: Mutex::new(HashMap::new()),
        }
    }

    async fn client(&self, function: &str) -> Client {
        let endpoint = self.settings.endpoint_for(function).map(str::to_string);
        let region = self.settings.region_of(function).to_string();
        let key = format!("{}|{region}", endpoint.as_deref().unwrap_or(""));
        if let Some(client) = self.cached(&key) {
            return client;
        }
        let client = build_client(endpoint, region).await;
        if let Ok(mut clients) = self.clients.lock() {
            clients.entry(key).or_insert_with(|| client.clone());
        }
        client
    }

    fn cached(&self, key: &str) -> Option<Client> {
        self.clients.lock().ok()?.get(key).cloned()
    }
}

/// Retries are `Triggers`' (AWS's policy, not the SDK's): the client makes one attempt.
async fn build_client(endpoint: Option<String>, region: String) -> Client {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region))
        .retry_config(RetryConfig::disabled());
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
        if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
            loader = loader.credentials_provider(Credentials::new(
                "cognate",
                "cognate",
                None,
                None,
                "cognate-local-lambda",
            ));
        }
    }
    Client::new(&loader.load().await)
}

#[async_trait]
impl Invoker for SdkInvoker {
    async fn invoke(&self, function: &str, payload: Vec<u8>) -> Result<Reply, InvokeFailure> {
        let client = self.client(function).await;
        let output = client
            .invoke()
            .function_name(function)
            .invocation_type(InvocationType::RequestResponse)
            .payload(Blob::new(payload))
            .send()
            .await
            .map_err(failure)?;
        Ok(Reply {
            payload: output.payload.map(Blob::into_inner).unwrap_or_default(),
            function_error: output.function_error,
        })
    }
}

fn failure(error: SdkError<InvokeError, HttpResponse>) -> InvokeFailure {
    match &error {
        SdkError::TimeoutError(_) => InvokeFailure::Timeout,
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service.err().code().unwrap_or("ServiceException");
            InvokeFailure::Service {
                code: code.to_string(),
                // Throttling and the service's own failures are worth another attempt.
                retryable: status == 429 || status >= 500,
            }
        }
        other => InvokeFailure::Transport(format!("{other:?}")),
    }
}
