//! Serving connections with bounds, so that slow or greedy clients cannot exhaust the process:
//!
//! - at most `max_connections` open connections, and at most `per_address` from one client
//!   address (a trusted proxy excepted); a connection past the per-address bound is closed at
//!   once, before any byte is read. At the total bound, the oldest connection that is waiting
//!   for a request (not serving one) is closed to make room, so that a slowloris from many
//!   addresses cannot keep new clients out; only when every connection is serving a request is
//!   the new one closed;
//! - a client must send a request's headers within `header_timeout` of opening the connection or
//!   of its previous response (so neither a slowloris nor an idle keep-alive connection holds a
//!   slot for long), and they may be at most 64 KiB (`431` past it);
//! - a connection serves at most `max_requests` requests (`Connection: close` on the last);
//! - HTTP/1.1 only: the server sits behind a load balancer, and one protocol is one set of
//!   limits to reason about.
//!
//! Body read timeouts are the request extractor's (`http::Body`), and the request timeout is a
//! layer of the router. On shutdown the server stops accepting, lets every connection finish its
//! request in flight, and waits for them at most `drain` long.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, StatusCode};
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

/// What a connection past a bound is told before it is closed (best effort: written only if the
/// socket takes it at once).
fn refused_answer() -> &'static [u8] {
    static ANSWER: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    ANSWER.get_or_init(|| {
        let body = crate::http::ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            crate::http::Code::TooManyConnections,
            "",
            "too many open connections; retry in a second",
        )
        .body();
        format!(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    })
}

/// Largest request head (request line and headers).
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// An open connection as the accept loop sees it.
struct Open {
    /// Requests being served on it (0: it waits for a request's head).
    busy: Arc<AtomicUsize>,
    /// Closes it.
    evict: Arc<tokio::sync::Notify>,
}

/// The open connections by accept order (oldest first), and the per-address counts.
#[derive(Default)]
struct Registry {
    open: Mutex<BTreeMap<u64, Open>>,
    addresses: Mutex<HashMap<IpAddr, usize>>,
    next: AtomicU64,
}

impl Registry {
    /// Closes the oldest connection that waits for a request; false if every one is busy.
    fn evict_idle(&self) -> bool {
        let Ok(mut open) = self.open.lock() else {
            return false;
        };
        let Some(id) = open
            .iter()
            .find(|(_, o)| o.busy.load(Ordering::SeqCst) == 0)
            .map(|(id, _)| *id)
        else {
            return false;
        };
        if let Some(o) = open.remove(&id) {
            o.evict.notify_one();
        }
        true
    }
}

/// Counts a connection (against its address, too); uncounts when dropped.
struct Seat {
    stats: Arc<ConnectionStats>,
    registry: Arc<Registry>,
    id: u64,
    ip: Option<IpAddr>,
}

impl Drop for Seat {
    fn drop(&mut self) {
        self.stats.open.fetch_sub(1, Ordering::SeqCst);
        if let Ok(mut open) = self.registry.open.lock() {
            open.remove(&self.id);
        }
        if let (Some(ip), Ok(mut map)) = (self.ip, self.registry.addresses.lock()) {
            if let Some(n) = map.get_mut(&ip) {
                *n -= 1;
                if *n == 0 {
                    map.remove(&ip);
                }
            }
        }
    }
}

/// Takes a seat for a connection from `peer` (making room by closing an idle connection when
/// the total bound is reached), or refuses it.
fn seat(
    limits: &Limits,
    stats: &Arc<ConnectionStats>,
    registry: &Arc<Registry>,
    peer: SocketAddr,
) -> Option<(Seat, Open)> {
    let ip = peer.ip();
    let limited = !limits.proxies.contains(ip);
    if limited {
        let map = registry.addresses.lock().ok()?;
        if map.get(&ip).copied().unwrap_or(0) >= limits.per_address {
            return None;
        }
    }
    if stats.open.load(Ordering::SeqCst) >= limits.max_connections && !registry.evict_idle() {
        return None;
    }
    stats.open.fetch_add(1, Ordering::SeqCst);
    let id = registry.next.fetch_add(1, Ordering::Relaxed);
    let mut seat = Seat {
        stats: stats.clone(),
        registry: registry.clone(),
        id,
        ip: None,
    };
    if limited {
        let mut map = registry.addresses.lock().ok()?;
        *map.entry(ip).or_insert(0) += 1;
        seat.ip = Some(ip);
    }
    let open = Open {
        busy: Arc::new(AtomicUsize::new(0)),
        evict: Arc::new(tokio::sync::Notify::new()),
    };
    let handle = Open {
        busy: open.busy.clone(),
        evict: open.evict.clone(),
    };
    registry.open.lock().ok()?.insert(id, open);
    Some((seat, handle))
}

/// Counts a request being served on its connection while it lives.
struct Busy(Arc<AtomicUsize>);

impl Busy {
    fn new(count: Arc<AtomicUsize>) -> Busy {
        count.fetch_add(1, Ordering::SeqCst);
        Busy(count)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stats: Arc<ConnectionStats>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let registry: Arc<Registry> = Arc::default();
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
        let Some((seat, handle)) = seat(&limits, &stats, &registry, peer) else {
            stats.refused.fetch_add(1, Ordering::Relaxed);
            // A short answer if the socket takes it at once (never waiting on the client), so
            // that a well-behaved client sees why; then closed.
            let _ = stream.try_write(refused_answer());
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
            let busy = handle.busy.clone();
            let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let n = served.fetch_add(1, Ordering::Relaxed) + 1;
                let router = router.clone();
                let busy = Busy::new(busy.clone());
                async move {
                    let mut r = router.oneshot(req.map(axum::body::Body::new)).await?;
                    drop(busy);
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
                // Made room for a new connection while this one waited for a request.
                _ = handle.evict.notified() => {}
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
