//! The optional TLS listener (`server.tls_cert` and `server.tls_key`, PEM files): rustls on the
//! accepted connections, HTTP/1.1 only, as the plain listener. The handshake runs in the
//! connection's own task and must finish within `header_timeout_secs`, so a client that never
//! completes it is cut off as one whose headers never end (and holds its per-IP slot no
//! longer). A client speaking plain HTTP to the TLS port gets a 400 saying so, not a hang.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::listener::CountedStream;

/// The first byte of every TLS record that opens a connection (a handshake record).
const HANDSHAKE_RECORD: u8 = 0x16;

const PLAIN_HTTP_REFUSAL: &str = "HTTP/1.1 400 Bad Request\r\n\
    Content-Type: text/plain; charset=utf-8\r\n\
    Connection: close\r\n\
    Content-Length: 45\r\n\r\n\
    This port speaks HTTPS: use an https:// URL.\n";

/// The acceptor for the certificate chain and private key in PEM files `cert` and `key`.
pub fn acceptor(cert: &Path, key: &Path) -> anyhow::Result<TlsAcceptor> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("reading the certificate chain {}", cert.display()))?;
    if chain.is_empty() {
        anyhow::bail!("{}: no PEM certificate in it", cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("reading the private key {}", key.display()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the TLS certificate and key do not make a pair")?;
    // The server speaks HTTP/1.1 only: say so, so clients offering h2 settle on it.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The TLS side of one accepted connection, within `limit`: the secured stream, or `None` when
/// the handshake failed, took too long, or the client spoke plain HTTP (answered 400).
pub async fn accept(
    acceptor: &TlsAcceptor,
    io: CountedStream,
    limit: Duration,
) -> Option<TlsStream<CountedStream>> {
    let handshake = async {
        let mut first = [0u8; 1];
        if io.peek(&mut first).await.ok()? == 0 {
            return None;
        }
        if first[0] != HANDSHAKE_RECORD {
            refuse_plain_http(io).await;
            return None;
        }
        match acceptor.accept(io).await {
            Ok(stream) => Some(stream),
            Err(error) => {
                tracing::debug!(%error, "TLS handshake failed");
                None
            }
        }
    };
    match tokio::time::timeout(limit, handshake).await {
        Ok(stream) => stream,
        Err(_) => {
            tracing::debug!("TLS handshake timed out");
            None
        }
    }
}

/// Answers a plain HTTP request on the TLS port with a 400, then closes: the request is read
/// first and what follows drained until the client closes, so the answer is not lost to a
/// reset.
async fn refuse_plain_http(mut io: CountedStream) {
    let mut buffer = [0u8; 4096];
    let answered: io::Result<()> = async {
        let _ = io.read(&mut buffer).await?;
        io.write_all(PLAIN_HTTP_REFUSAL.as_bytes()).await?;
        io.shutdown().await?;
        while io.read(&mut buffer).await? > 0 {}
        Ok(())
    }
    .await;
    if let Err(error) = answered {
        tracing::debug!(%error, "plain HTTP on the TLS port");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_announces_its_length() {
        let (head, body) = PLAIN_HTTP_REFUSAL.split_once("\r\n\r\n").unwrap();
        assert!(head.ends_with(&format!("Content-Length: {}", body.len())));
    }
}
