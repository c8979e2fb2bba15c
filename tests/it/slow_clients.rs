//! Slow and greedy clients cannot pin the server: headers that never end are cut off after
//! `header_timeout_secs`; a body announced and never sent is answered 408 and its connection
//! closed once `body_timeout_secs` is over; a client IP past
//! `max_connections_per_ip` open connections has its new ones closed at once. The hosted pages'
//! forms are read within the same body time-out.

use std::time::Duration;

use cognate_server::Config;
use cognate_testkit::{TestApp, backend_tests};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

backend_tests!(
    config = strict;
    a_body_that_never_arrives_is_answered_and_closed,
    a_hosted_form_that_never_arrives_is_answered_and_closed,
    headers_that_never_end_are_cut_off,
    connections_past_the_per_client_cap_are_closed
);

const CAP: usize = 4;

fn strict(config: &mut Config) {
    config.server.body_timeout_secs = 1;
    config.server.header_timeout_secs = 1;
    config.server.max_connections_per_ip = CAP;
}

fn address(app: &TestApp) -> String {
    app.endpoint.trim_start_matches("http://").to_string()
}

/// Everything the server sends until it closes the connection (a safety bound keeps a broken
/// server from hanging the suite; it is no assertion on timing). An error ends the reading as
/// a close does (a TLS peer closing without close_notify is one to rustls).
pub async fn read_until_closed(stream: &mut (impl AsyncRead + Unpin)) -> String {
    let mut reply = Vec::new();
    let read = async {
        let _ = stream.read_to_end(&mut reply).await;
    };
    tokio::time::timeout(Duration::from_secs(120), read)
        .await
        .expect("the server closed the connection");
    String::from_utf8_lossy(&reply).into_owned()
}

async fn a_body_that_never_arrives_is_answered_and_closed(app: TestApp) {
    a_body_that_never_arrives(TcpStream::connect(address(&app)).await.unwrap()).await;
}

/// A sign-in form announced and never sent, as a form and as any other content type (which only
/// the page's own reader sees): a 408 page, and the connection closed.
async fn a_hosted_form_that_never_arrives_is_answered_and_closed(app: TestApp) {
    let (_, client_id) = crate::hosted::hosted_pool(&app).await;
    let authorize = crate::hosted::Authorize::code(&client_id).path();
    let login = authorize.replace("/oauth2/authorize", "/login");
    for content_type in ["application/x-www-form-urlencoded", "text/plain"] {
        let mut stream = TcpStream::connect(address(&app)).await.unwrap();
        let head = format!(
            "POST {login} HTTP/1.1\r\nHost: cognate\r\nContent-Type: {content_type}\r\n\
             Content-Length: 100\r\n\r\nusername=ali"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let reply = read_until_closed(&mut stream).await;
        assert!(reply.starts_with("HTTP/1.1 408"), "{content_type}: {reply}");
    }
}

async fn headers_that_never_end_are_cut_off(app: TestApp) {
    headers_that_never_end(TcpStream::connect(address(&app)).await.unwrap()).await;
}

/// Announces a body on `stream` and never sends it whole: answered 408, then closed.
pub async fn a_body_that_never_arrives(mut stream: impl AsyncRead + AsyncWrite + Unpin) {
    let head = "POST / HTTP/1.1\r\nHost: cognate\r\n\
                Content-Type: application/x-amz-json-1.1\r\n\
                X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n\
                Content-Length: 100\r\n\r\n{\"MaxRes";
    stream.write_all(head.as_bytes()).await.unwrap();
    let reply = read_until_closed(&mut stream).await;
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("RequestTimeoutException"), "{reply}");
}

/// Starts headers on `stream` and never ends them: closed without an answer.
pub async fn headers_that_never_end(mut stream: impl AsyncRead + AsyncWrite + Unpin) {
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: cognate\r\nX-Amz-Tar")
        .await
        .unwrap();
    let reply = read_until_closed(&mut stream).await;
    assert!(!reply.contains("200 OK"), "{reply}");
}

async fn connections_past_the_per_client_cap_are_closed(app: TestApp) {
    let mut held = Vec::new();
    for _ in 0..CAP {
        held.push(TcpStream::connect(address(&app)).await.unwrap());
    }
    // The next one is accepted by the kernel and closed by the server without a word.
    let mut refused = TcpStream::connect(address(&app)).await.unwrap();
    assert_eq!(read_until_closed(&mut refused).await, "");
    // Once a held connection is gone, its slot is free again.
    drop(held.pop());
    let http = reqwest::Client::new();
    let mut served = false;
    for _ in 0..200 {
        let answer = http.get(format!("{}/health", app.endpoint)).send().await;
        if answer.is_ok_and(|a| a.status().is_success()) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served, "a freed slot serves a new connection");
}
