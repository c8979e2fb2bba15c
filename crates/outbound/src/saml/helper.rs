//! The server's side of the `cognate-saml` helper: started on the first SAML call (a server
//! that never meets a SAML provider never runs it), kept for the next calls, and started again
//! when it died. Calls take turns: SAML sign-ins are rare next to the rest of the traffic.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::Mutex;

use super::wire::{MetadataReply, Request, UrlReply, VerifyReply};
use super::{
    Assertion, AuthnRequest, Expected, IdpMetadata, MetadataError, SUPPORTED, SamlError,
    SeenAssertions,
};

/// The helper's file name, looked for beside the server's executable by default.
pub const HELPER_NAME: &str = "cognate-saml";
/// How long one call may take: a form's worth of XML verifies in milliseconds, so only a
/// helper that hangs reaches it (and is then stopped).
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The helper, run on demand.
pub struct SamlHelper {
    /// Where the helper is configured to be; `None` looks beside the executable.
    configured: Option<PathBuf>,
    /// Its arguments: none for `cognate-saml`; a script for the tests' stand-in shell.
    args: Vec<String>,
    running: Mutex<Option<Running>>,
}

struct Running {
    /// Killed when dropped: a helper that failed a call is replaced, never reused.
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl SamlHelper {
    pub fn new(configured: Option<PathBuf>) -> Self {
        Self {
            configured,
            args: Vec::new(),
            running: Mutex::new(None),
        }
    }

    /// The IdP's metadata read and checked: an entityID, a redirect-binding SSO endpoint that
    /// may be fetched, at least one signing certificate (an IdP without one could not be
    /// verified).
    pub async fn parse_metadata(&self, xml: &str) -> Result<IdpMetadata, MetadataError> {
        if !SUPPORTED {
            return Err(MetadataError::Unsupported);
        }
        let request = Request::ParseMetadata {
            xml: xml.to_string(),
        };
        let reply: MetadataReply = self
            .call(&request)
            .await
            .map_err(MetadataError::Unavailable)?;
        reply
    }

    /// The redirect-binding URL of an AuthnRequest: the deflated, base64 `SAMLRequest` and the
    /// `RelayState`, on the IdP's SSO URL.
    pub async fn authn_request_url(
        &self,
        request: AuthnRequest,
        relay_state: &str,
    ) -> Result<String, String> {
        if !SUPPORTED {
            return Err(SamlError::Unsupported.to_string());
        }
        let request = Request::AuthnRequestUrl {
            request,
            relay_state: relay_state.to_string(),
        };
        let reply: UrlReply = self.call(&request).await?;
        reply
    }

    /// A posted `SAMLResponse` (base64) verified against the IdP's metadata and `expected`;
    /// the assertion's ID is remembered in `seen` so it signs in only once.
    pub async fn verify_response(
        &self,
        metadata_xml: &str,
        saml_response: &str,
        expected: Expected,
        seen: &SeenAssertions,
    ) -> Result<Assertion, SamlError> {
        if !SUPPORTED {
            return Err(SamlError::Unsupported);
        }
        let (now, leeway) = (expected.now.secs(), expected.leeway_secs);
        let request = Request::VerifyResponse {
            metadata_xml: metadata_xml.to_string(),
            saml_response: saml_response.to_string(),
            expected,
        };
        let reply: VerifyReply = self.call(&request).await.map_err(SamlError::Unavailable)?;
        let assertion = reply?;
        let key = format!("{}\n{}", assertion.issuer, assertion.id);
        if !seen.first_use(key, assertion.valid_until + leeway, now) {
            return Err(SamlError::Replayed);
        }
        Ok(assertion)
    }

    /// One request and its reply. A helper found dead is started again once; one that does
    /// not answer in time is stopped, and the next call starts another.
    async fn call<T: DeserializeOwned>(&self, request: &Request) -> Result<T, String> {
        let mut line = serde_json::to_string(request).map_err(|error| error.to_string())?;
        line.push('\n');
        let mut running = self.running.lock().await;
        let mut restarted = false;
        loop {
            let helper = match running.as_mut() {
                Some(helper) => helper,
                None => running.insert(self.start()?),
            };
            let exchanged = tokio::time::timeout(CALL_TIMEOUT, exchange(helper, &line)).await;
            match exchanged {
                Ok(Ok(reply)) => {
                    return serde_json::from_str(&reply).map_err(|error| {
                        // Its next line might answer this request, not the next one.
                        *running = None;
                        format!("the SAML helper's answer is unreadable: {error}")
                    });
                }
                Ok(Err(error)) => {
                    *running = None;
                    if restarted {
                        return Err(format!("the SAML helper failed: {error}"));
                    }
                    restarted = true;
                }
                Err(_) => {
                    *running = None;
                    return Err("the SAML helper did not answer in time".to_string());
                }
            }
        }
    }

    fn start(&self) -> Result<Running, String> {
        let path = self.locate()?;
        // A clean environment: the helper needs no setting, and must not see the server's
        // secrets (the seal key may come from the environment).
        let mut child = Command::new(&path)
            .args(&self.args)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| format!("{} could not be started: {error}", path.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("the SAML helper's pipes were not opened".to_string());
        };
        Ok(Running {
            _child: child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    /// The configured path, else [`installed_helper`].
    fn locate(&self) -> Result<PathBuf, String> {
        match &self.configured {
            Some(path) => Ok(path.clone()),
            None => installed_helper(),
        }
    }
}

/// `cognate-saml` beside this executable, or one directory up (a test executable sits in
/// Cargo's `deps/`, the helper beside `deps/`).
pub fn installed_helper() -> Result<PathBuf, String> {
    let executable = std::env::current_exe().map_err(|error| error.to_string())?;
    let beside = |dir: &Path| dir.join(HELPER_NAME);
    let dir = executable.parent();
    let candidates = dir.into_iter().chain(dir.and_then(Path::parent));
    candidates
        .map(beside)
        .find(|path| path.is_file())
        .ok_or_else(|| {
            format!(
                "the {HELPER_NAME} helper is not installed beside {} \
                 (build it with `cargo build --bin {HELPER_NAME}`, or set \
                 federation.saml_helper)",
                executable.display()
            )
        })
}

async fn exchange(helper: &mut Running, line: &str) -> std::io::Result<String> {
    helper.stdin.write_all(line.as_bytes()).await?;
    helper.stdin.flush().await?;
    let mut reply = String::new();
    if helper.stdout.read_line(&mut reply).await? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "it exited",
        ));
    }
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str =
        r#"{"Ok":{"entity_id":"e","sso_redirect":"https://idp.example/sso","slo_redirect":null}}"#;

    /// A stand-in helper: `script` run by the shell. Not a script file: writing an executable
    /// while parallel tests spawn processes races into "text file busy".
    fn shell(script: &str) -> SamlHelper {
        SamlHelper {
            args: vec!["-c".to_string(), script.to_string()],
            ..SamlHelper::new(Some("/bin/sh".into()))
        }
    }

    #[tokio::test]
    async fn a_helper_that_exits_is_started_again() {
        // Answers one request, then exits: every call after the first finds it gone.
        let helper = shell(&format!("read line; echo '{METADATA}'"));
        for _ in 0..3 {
            let metadata = helper.parse_metadata("<xml/>").await.expect("metadata");
            assert_eq!(metadata.sso_redirect, "https://idp.example/sso");
        }
    }

    #[tokio::test]
    async fn a_helper_that_cannot_answer_is_an_error_not_a_hang() {
        let error = shell("exit 0").parse_metadata("<xml/>").await;
        assert!(matches!(error, Err(MetadataError::Unavailable(why)) if why.contains("failed")));
        let error = shell("read line; echo not-json")
            .parse_metadata("<xml/>")
            .await;
        assert!(
            matches!(error, Err(MetadataError::Unavailable(why)) if why.contains("unreadable"))
        );
        let missing = SamlHelper::new(Some("/nonexistent/cognate-saml".into()));
        let error = missing.parse_metadata("<xml/>").await;
        assert!(matches!(error, Err(MetadataError::Unavailable(why)) if why.contains("started")));
    }

    #[tokio::test(start_paused = true)]
    async fn a_helper_that_hangs_is_stopped_at_the_time_out() {
        let (helper, seen) = (shell("exec sleep 600"), SeenAssertions::default());
        let verify = helper.verify_response(
            "<xml/>",
            "PHhtbC8+",
            Expected {
                audience: "urn:amazon:cognito:sp:pool".into(),
                acs_url: "https://cognate.example/saml2/idpresponse".into(),
                request_id: "_id".into(),
                now: cognate_domain::Timestamp::from_secs(1),
                leeway_secs: 60,
            },
            &seen,
        );
        let error = verify.await;
        assert!(matches!(error, Err(SamlError::Unavailable(why)) if why.contains("in time")));
    }
}
