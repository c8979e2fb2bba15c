//! Reading the outbox (`GET /_cognate/outbox`): the codes and temporary passwords the server
//! "sent", as a test reads them from an inbox.

use serde_json::Value;

use crate::TestApp;

/// One sent message, as the outbox endpoint lists it.
#[derive(Debug, Clone)]
pub struct SentMessage {
    pub id: i64,
    pub pool_id: String,
    pub username: String,
    /// `SIGN_UP`, `FORGOT_PASSWORD`, `TEMPORARY_PASSWORD`, `VERIFY_ATTRIBUTE`...
    pub kind: String,
    /// `EMAIL` or `SMS`.
    pub medium: String,
    pub destination: String,
    pub subject: Option<String>,
    pub body: String,
    pub code: Option<String>,
    pub created_at: i64,
}

impl SentMessage {
    fn from_json(value: &Value) -> Self {
        let text = |name: &str| value[name].as_str().unwrap_or_default().to_string();
        Self {
            id: value["id"].as_i64().unwrap_or_default(),
            pool_id: text("pool_id"),
            username: text("username"),
            kind: text("kind"),
            medium: text("medium"),
            destination: text("destination"),
            subject: value["subject"].as_str().map(str::to_string),
            body: text("body"),
            code: value["code"].as_str().map(str::to_string),
            created_at: value["created_at"].as_i64().unwrap_or_default(),
        }
    }
}

impl TestApp {
    /// Messages sent to `username` of `pool_id` (any name the user signs in with), newest
    /// first, optionally of one `kind`.
    pub async fn messages(
        &self,
        pool_id: &str,
        username: &str,
        kind: Option<&str>,
    ) -> Vec<SentMessage> {
        let mut query = vec![("pool_id", pool_id), ("username", username)];
        if let Some(kind) = kind {
            query.push(("kind", kind));
        }
        let response = self
            .http
            .get(format!("{}/_cognate/outbox", self.endpoint))
            .query(&query)
            .send()
            .await
            .expect("the outbox answers");
        assert!(
            response.status().is_success(),
            "outbox: HTTP {}",
            response.status()
        );
        let body: Value = response.json().await.expect("the outbox answers JSON");
        body["messages"]
            .as_array()
            .map(|messages| messages.iter().map(SentMessage::from_json).collect())
            .unwrap_or_default()
    }

    /// The newest message to `username` of `pool_id`; panics when there is none.
    pub async fn last_message(&self, pool_id: &str, username: &str) -> SentMessage {
        self.messages(pool_id, username, None)
            .await
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no message was sent to {username} in {pool_id}"))
    }

    /// The code (or temporary password) of the newest message to `username` of `pool_id`.
    pub async fn last_code(&self, pool_id: &str, username: &str) -> String {
        self.last_message(pool_id, username)
            .await
            .code
            .unwrap_or_else(|| panic!("the last message to {username} carries no code"))
    }
}
