//! The HTTP/1.1 accept loop, in place of `axum::serve`: the same router, plus a time limit on
//! reading a request's headers (hyper's `header_read_timeout`, which needs a timer axum's loop
//! does not give), so that a client sending its headers a byte at a time is cut off; TLS when
//! configured (`crate::tls`, its handshake in the connection's own task under the same limit);
//! graceful shutdown finishes the requests in flight.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::serve::Listener;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio_rustls::TlsAcceptor;

use crate::listener::CappedListener;
use crate::tls;

/// How each accepted connection is served.
pub struct Connections {
    /// The time a client has to send a request's headers (and, with TLS, to finish the
    /// handshake).
    pub header_timeout: Duration,
    /// TLS on every connection, when configured.
    pub tls: Option<TlsAcceptor>,
}

/// Serves `router` on `listener` until `shutdown` resolves, then waits for open requests.
pub async fn serve(
    mut listener: CappedListener,
    router: Router,
    connections: Connections,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(connections.header_timeout);
    loop {
        let (io, _) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(router.clone());
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let tls = connections.tls.clone();
        let handshake_limit = connections.header_timeout;
        tokio::spawn(async move {
            let served = match tls {
                None => {
                    let connection = builder.serve_connection(TokioIo::new(io), service);
                    watcher.watch(connection).await
                }
                Some(acceptor) => {
                    let Some(secured) = tls::accept(&acceptor, io, handshake_limit).await else {
                        return;
                    };
                    let connection = builder.serve_connection(TokioIo::new(secured), service);
                    watcher.watch(connection).await
                }
            };
            if let Err(error) = served {
                // Header time-outs and clients that go away: nothing to answer.
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
