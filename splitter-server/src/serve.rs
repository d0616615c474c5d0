//! Serving connections with bounds, so that slow or greedy clients cannot exhaust the process:
//!
//! - at most `max_connections` open connections, and at most `per_address` from one client
//!   address (a trusted proxy excepted); a connection past either is closed at once, before any
//!   byte is read;
//! - a client must send a request's headers within `header_timeout` of opening the connection or
//!   of its previous response (so neither a slowloris nor an idle keep-alive connection holds a
//!   slot for long), and they may be at most 64 KiB (`431` past it);
//! - a connection serves at most `max_requests` requests (`Connection: close` on the last);
//! - HTTP/1.1 only: the server sits behind a load balancer, and one protocol is one set of
//!   limits to reason about.
//!
//! Body read timeouts are the request extractor's (`routes::Body`), and the request timeout is a
//! layer of the router. On shutdown the server stops accepting, lets every connection finish its
//! request in flight, and waits for them at most `drain` long.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::forwarded::Proxies;

/// The bounds on connections.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections at most.
    pub max_connections: usize,
    /// Open connections from one address at most (trusted proxies excepted).
    pub per_address: usize,
    /// Time allowed for a request's headers, from the connection's start or its last response.
    pub header_timeout: Duration,
    /// Requests served on one connection at most.
    pub max_requests: u64,
    /// How long shutdown waits for connections to finish.
    pub drain: Duration,
    /// Proxies whose connections are not limited per address.
    pub proxies: Proxies,
}

/// Connection counters, for `/metrics`.
#[derive(Debug, Default)]
pub struct ConnectionStats {
    /// Connections open now.
    pub open: AtomicUsize,
    /// Connections accepted and served.
    pub accepted: AtomicU64,
    /// Connections closed at once because a bound was reached.
    pub refused: AtomicU64,
    /// Accepts that failed (out of file descriptors, say).
    pub accept_errors: AtomicU64,
}

/// `wanted` connections, lowered to what the process may open: the soft limit on file
/// descriptors is raised to the hard one first, and 256 are kept for the database pool, Redis,
/// logs and the listener.
pub fn usable_connections(wanted: usize) -> usize {
    let soft = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let usable = usize::try_from(soft.saturating_sub(256))
        .unwrap_or(usize::MAX)
        .max(16);
    if usable < wanted {
        tracing::warn!(
            wanted,
            usable,
            "--max-connections lowered to what the file descriptor limit allows"
        );
    }
    wanted.min(usable)
}

/// Largest request head (request line and headers).
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Counts a connection against its address; uncounts when dropped.
struct Seat {
    stats: Arc<ConnectionStats>,
    addresses: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: Option<IpAddr>,
}

impl Drop for Seat {
    fn drop(&mut self) {
        self.stats.open.fetch_sub(1, Ordering::SeqCst);
        if let (Some(ip), Ok(mut map)) = (self.ip, self.addresses.lock()) {
            if let Some(n) = map.get_mut(&ip) {
                *n -= 1;
                if *n == 0 {
                    map.remove(&ip);
                }
            }
        }
    }
}

/// Takes a seat for a connection from `peer`, or refuses it.
fn seat(
    limits: &Limits,
    stats: &Arc<ConnectionStats>,
    addresses: &Arc<Mutex<HashMap<IpAddr, usize>>>,
    peer: SocketAddr,
) -> Option<Seat> {
    if stats.open.fetch_add(1, Ordering::SeqCst) >= limits.max_connections {
        stats.open.fetch_sub(1, Ordering::SeqCst);
        return None;
    }
    let mut seat = Seat {
        stats: stats.clone(),
        addresses: addresses.clone(),
        ip: None,
    };
    let ip = peer.ip();
    if !limits.proxies.contains(ip) {
        let mut map = addresses.lock().ok()?;
        let n = map.entry(ip).or_insert(0);
        if *n >= limits.per_address {
            return None; // the seat's drop gives the open count back
        }
        *n += 1;
        seat.ip = Some(ip);
    }
    Some(seat)
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stats: Arc<ConnectionStats>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addresses: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a reset before accept: count it, breathe, go on.
                    stats.accept_errors.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Some(seat) = seat(&limits, &stats, &addresses, peer) else {
            stats.refused.fetch_add(1, Ordering::Relaxed);
            drop(stream);
            continue;
        };
        stats.accepted.fetch_add(1, Ordering::Relaxed);
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let mut stop = stop_rx.clone();
        let limits = limits.clone();
        // Finished connections are reaped as we go, so the set stays as small as what is open.
        while connections.try_join_next().is_some() {}
        connections.spawn(async move {
            let _seat = seat;
            let served = Arc::new(AtomicU64::new(0));
            let max_requests = limits.max_requests;
            let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let n = served.fetch_add(1, Ordering::Relaxed) + 1;
                let router = router.clone();
                async move {
                    let mut r = router.oneshot(req.map(axum::body::Body::new)).await?;
                    if n >= max_requests {
                        r.headers_mut()
                            .insert(header::CONNECTION, HeaderValue::from_static("close"));
                    }
                    Ok::<_, std::convert::Infallible>(r)
                }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(MAX_HEADER_BYTES.max(8192) * 2)
                .max_header_size(MAX_HEADER_BYTES)
                .keep_alive(true);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let until = Instant::now() + limits.drain;
    while !connections.is_empty() {
        let left = until.saturating_duration_since(Instant::now());
        if tokio::time::timeout(left, connections.join_next()).await.is_err() {
            tracing::warn!(
                open = connections.len(),
                "drain deadline: closing the connections left"
            );
            connections.abort_all();
            break;
        }
    }
    Ok(())
}
