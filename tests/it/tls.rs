//! The TLS listener (`server.tls_cert` / `server.tls_key`): the AWS SDK for Rust signs in over
//! https, trusting the server's self-signed certificate (rcgen) through its own rustls client;
//! the issuer and discovery URLs say https; a plain HTTP request to the TLS port is answered
//! 400 and the port keeps serving; the header and body time-outs still apply behind TLS, and a
//! handshake that never finishes is cut off.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_smithy_http_client::tls::rustls_provider::CryptoMode;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore};
use base64::Engine as _;
use cognate_server::Config;
use cognate_testkit::cognito_idp::types::AuthFlowType;
use cognate_testkit::{PASSWORD, TestApp, backend_tests, cognito_idp};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

backend_tests!(
    config = with_tls;
    the_sdk_signs_in_over_https,
    plain_http_to_the_tls_port_is_refused_cleanly,
    slow_clients_are_cut_off_behind_tls
);

/// A self-signed certificate for 127.0.0.1 and localhost, written once per test process.
struct TestCertificate {
    cert_file: PathBuf,
    key_file: PathBuf,
    cert_pem: String,
}

fn pem(label: &str, der: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn certificate() -> &'static TestCertificate {
    static CERTIFICATE: OnceLock<TestCertificate> = OnceLock::new();
    CERTIFICATE.get_or_init(|| {
        let names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
        let issued = rcgen::generate_simple_self_signed(names).unwrap();
        let dir = std::env::temp_dir().join(format!("cognate-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cert_pem = pem("CERTIFICATE", issued.cert.der());
        let (cert_file, key_file) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert_file, &cert_pem).unwrap();
        let key_pem = pem("PRIVATE KEY", &issued.signing_key.serialize_der());
        std::fs::write(&key_file, key_pem).unwrap();
        TestCertificate {
            cert_file,
            key_file,
            cert_pem,
        }
    })
}

fn with_tls(config: &mut Config) {
    let certificate = certificate();
    config.server.tls_cert = certificate.cert_file.display().to_string();
    config.server.tls_key = certificate.key_file.display().to_string();
    config.server.header_timeout_secs = 1;
    config.server.body_timeout_secs = 1;
}

/// A cognito-idp client of `app` whose https client trusts the test certificate only.
fn https_client(app: &TestApp) -> cognito_idp::Client {
    let trust = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(certificate().cert_pem.as_bytes());
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(
            TlsContext::builder()
                .with_trust_store(trust)
                .build()
                .unwrap(),
        )
        .build_https();
    let config = cognate_testkit::idp_client(&app.endpoint)
        .config()
        .to_builder()
        .http_client(http)
        .build();
    cognito_idp::Client::from_conf(config)
}

/// A raw TLS connection to `app`, trusting the test certificate.
async fn tls_stream(app: &TestApp) -> tokio_rustls::client::TlsStream<TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    let cert = CertificateDer::from_pem_slice(certificate().cert_pem.as_bytes()).unwrap();
    roots.add(cert).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = TcpStream::connect(address(app)).await.unwrap();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .expect("the TLS handshake")
}

fn address(app: &TestApp) -> String {
    app.endpoint.trim_start_matches("https://").to_string()
}

/// Everything the server sends until it closes the connection (a safety bound keeps a broken
/// server from hanging the suite; it is no assertion on timing).
async fn read_until_closed(stream: &mut (impl AsyncRead + Unpin)) -> String {
    let mut reply = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(120), async {
        // A TLS peer that closes without close_notify is an error to rustls: the end all the same.
        let _ = stream.read_to_end(&mut reply).await;
    });
    read.await.expect("the server closed the connection");
    String::from_utf8_lossy(&reply).into_owned()
}

async fn the_sdk_signs_in_over_https(app: TestApp) {
    assert!(app.endpoint.starts_with("https://"), "{}", app.endpoint);
    let idp = https_client(&app);
    let pool_id = idp
        .create_user_pool()
        .pool_name("tls")
        .send()
        .await
        .expect("CreateUserPool over https")
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let client_id = idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("tls")
        .explicit_auth_flows(cognito_idp::types::ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(cognito_idp::types::ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .and_then(|c| c.client_id)
        .unwrap();
    idp.admin_create_user()
        .user_pool_id(&pool_id)
        .username("alice")
        .message_action(cognito_idp::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    idp.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("alice")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let tokens = idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    idp.get_user()
        .access_token(tokens.access_token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    // The issuer is the https URL the server is reached at (public_url left empty).
    let claims = crate::auth::claims(tokens.id_token.as_deref().unwrap());
    assert_eq!(claims["iss"], format!("{}/{pool_id}", app.endpoint));

    // The discovery document, fetched over a raw TLS connection, names https endpoints.
    let mut stream = tls_stream(&app).await;
    let request = format!(
        "GET /{pool_id}/.well-known/openid-configuration HTTP/1.1\r\nHost: {}\r\n\
         Connection: close\r\n\r\n",
        address(&app)
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let reply = read_until_closed(&mut stream).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(
        reply.contains(&format!("\"jwks_uri\":\"{}/{pool_id}/", app.endpoint)),
        "{reply}"
    );
}

async fn plain_http_to_the_tls_port_is_refused_cleanly(app: TestApp) {
    let mut stream = TcpStream::connect(address(&app)).await.unwrap();
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nHost: cognate\r\n\
              Content-Type: application/x-amz-json-1.1\r\n\
              X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n\
              Content-Length: 17\r\n\r\n{\"MaxResults\":10}",
        )
        .await
        .unwrap();
    let reply = read_until_closed(&mut stream).await;
    assert!(reply.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{reply}");
    assert!(
        reply.ends_with("This port speaks HTTPS: use an https:// URL.\n"),
        "{reply}"
    );
    // The port goes on serving https.
    https_client(&app)
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect("https after a plain request");
}

async fn slow_clients_are_cut_off_behind_tls(app: TestApp) {
    // A handshake that never starts (nothing sent) is cut off.
    let mut silent = TcpStream::connect(address(&app)).await.unwrap();
    assert_eq!(read_until_closed(&mut silent).await, "");
    // Behind a finished handshake, headers that never end are cut off...
    let mut stream = tls_stream(&app).await;
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: cognate\r\nX-Amz-Tar")
        .await
        .unwrap();
    let reply = read_until_closed(&mut stream).await;
    assert!(!reply.contains("200 OK"), "{reply}");
    // ...and a body announced and never sent is answered 408 and closed.
    let mut stream = tls_stream(&app).await;
    let head = "POST / HTTP/1.1\r\nHost: cognate\r\n\
                Content-Type: application/x-amz-json-1.1\r\n\
                X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n\
                Content-Length: 100\r\n\r\n{\"MaxRes";
    stream.write_all(head.as_bytes()).await.unwrap();
    let reply = read_until_closed(&mut stream).await;
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("RequestTimeoutException"), "{reply}");
}
