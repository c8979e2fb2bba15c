//! The TLS listener (`server.tls_cert` / `server.tls_key`): the AWS SDK for Rust signs in over
//! https, trusting the server's self-signed certificate (rcgen) through its own rustls client
//! (the testkit builds it from the configured certificate);
//! the issuer and discovery URLs say https; a plain HTTP request to the TLS port is answered
//! 400 and the port keeps serving; the header and body time-outs still apply behind TLS, and a
//! handshake that never finishes is cut off.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use cognate_server::Config;
use cognate_testkit::{PASSWORD, TestApp, backend_tests};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::slow_clients::{a_body_that_never_arrives, headers_that_never_end, read_until_closed};

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

async fn the_sdk_signs_in_over_https(app: TestApp) {
    // The testkit's clients trust the app's certificate: its fixtures run over https.
    assert!(app.endpoint.starts_with("https://"), "{}", app.endpoint);
    let (pool_id, client_id) = app.pool_with_client().await;
    app.confirmed_user(&pool_id, "alice", PASSWORD).await;
    let tokens = crate::auth::password_auth(&app, &client_id, "alice", PASSWORD)
        .await
        .expect("InitiateAuth over https")
        .authentication_result
        .unwrap();
    app.idp
        .get_user()
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
    app.idp
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
    headers_that_never_end(tls_stream(&app).await).await;
    // ...and a body announced and never sent is answered 408 and closed.
    a_body_that_never_arrives(tls_stream(&app).await).await;
}
