//! The same-run baseline: a do-nothing server ([`crate::noop`]) started as a child process of
//! this tool (a separate process like cognate, on the same cores), loaded with the same
//! concurrency, warm-up and total duration as the scenario, in slices alternating with the
//! scenario's (`runner`). Its rate is what every operation's rate is divided by, so a noisy
//! shared machine cancels out of the ratio.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, bail};
use reqwest::Url;
use serde_json::json;

use crate::api::Request;

/// The do-nothing server child; killed and reaped however the run ends.
pub struct NoopServer {
    child: Child,
    pub endpoint: Url,
}

impl Drop for NoopServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl NoopServer {
    /// Starts `<this executable> noop-server --port 0` and reads the address it bound.
    pub async fn start() -> anyhow::Result<Self> {
        tokio::task::spawn_blocking(Self::start_blocking)
            .await
            .context("starting the do-nothing server panicked")?
    }

    fn start_blocking() -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("locating this executable")?;
        let mut child = Command::new(&exe)
            .args(["noop-server", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {} noop-server", exe.display()))?;
        let line = match child.stdout.take() {
            Some(out) => {
                let mut line = String::new();
                BufReader::new(out).read_line(&mut line)?;
                line
            }
            None => String::new(),
        };
        // Built before checking the line, so the child is reaped on every error below.
        let mut server = Self {
            child,
            endpoint: Url::parse("http://127.0.0.1/")?,
        };
        let Some(addr) = line.trim().strip_prefix("listening ") else {
            bail!("the do-nothing server did not report its address (got {line:?})");
        };
        server.endpoint =
            Url::parse(&format!("http://{addr}/")).context("the do-nothing server's address")?;
        Ok(server)
    }
}

/// The request sent to the do-nothing server: a small cognito-idp call, so the client does the
/// same work per request as against cognate.
pub fn request() -> Request {
    Request::json("DescribeUserPool", &json!({"UserPoolId": "us-east-1_noop"}))
}
