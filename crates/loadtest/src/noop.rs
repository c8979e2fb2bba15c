//! The do-nothing server: the same HTTP stack as cognate (tokio's multi-threaded runtime, a
//! loopback `TcpListener`, hyper's HTTP/1.1 connection with a header read time-out, an axum
//! `Router` as the service, as in `crates/server/src/serve.rs`) answering every request with a
//! canned HTTP 200. Its rate is the floor of this machine and this load generator; every load
//! report divides each operation's rate by it, measured in the same run.

use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::api::CONTENT_TYPE_JSON_11;

/// cognate's default `server.header_timeout_secs`.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A small JSON body, like the smallest cognate answers.
const CANNED_BODY: &str = r#"{"ok":true}"#;

async fn canned() -> impl IntoResponse {
    ([(CONTENT_TYPE, CONTENT_TYPE_JSON_11)], CANNED_BODY)
}

/// Serves the canned reply on `127.0.0.1:port` until the process is killed. Prints the bound
/// address on standard output (`listening <addr>`) so a parent can use port 0.
pub fn run(port: u16) -> anyhow::Result<()> {
    let listener = StdListener::bind((Ipv4Addr::LOCALHOST, port))
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    listener.set_nonblocking(true)?;
    println!("listening {}", listener.local_addr()?);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(listener))
}

async fn serve(listener: StdListener) -> anyhow::Result<()> {
    let listener = TcpListener::from_std(listener)?;
    let router = Router::new().fallback(canned);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    loop {
        let (stream, _): (_, SocketAddr) = listener.accept().await?;
        // As cognate: no Nagle delay on answers.
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let connection = builder.clone();
        tokio::spawn(async move {
            let _ = connection
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
