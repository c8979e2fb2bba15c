//! The TCP listener with a cap on open connections per client IP: a client past the cap has its
//! new connection closed at once, so one client cannot hold every connection the server has.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

type Counts = Arc<Mutex<HashMap<IpAddr, usize>>>;

pub struct CappedListener {
    inner: TcpListener,
    per_ip: usize,
    open: Counts,
}

impl CappedListener {
    /// `per_ip`: open connections allowed per client IP (0: no cap).
    pub fn new(inner: TcpListener, per_ip: usize) -> Self {
        Self {
            inner,
            per_ip,
            open: Arc::default(),
        }
    }

    /// Counts a connection from `ip`, or refuses it past the cap.
    fn admit(&self, ip: IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(ip).or_insert(0);
        if self.per_ip > 0 && *count >= self.per_ip {
            return None;
        }
        *count += 1;
        Some(Slot {
            ip,
            open: self.open.clone(),
        })
    }
}

/// One counted connection; the count goes down when the connection is dropped.
struct Slot {
    ip: IpAddr,
    open: Counts,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// A connection that holds its slot for as long as it is open.
pub struct CountedStream {
    stream: TcpStream,
    _slot: Slot,
}

impl CountedStream {
    /// Reads what has arrived without taking it off the stream (the TLS listener looks at the
    /// first byte before choosing how to answer).
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.peek(buf).await
    }
}

impl Listener for CappedListener {
    type Io = CountedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, addr) = match self.inner.accept().await {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment, as axum's own does.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            match self.admit(addr.ip()) {
                Some(slot) => {
                    let _ = stream.set_nodelay(true);
                    return (
                        CountedStream {
                            stream,
                            _slot: slot,
                        },
                        addr,
                    );
                }
                None => {
                    tracing::warn!(client = %addr.ip(), "connection refused: too many from this client");
                    drop(stream);
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

impl AsyncRead for CountedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
