//! Slow and greedy clients at the connection level: slowloris from one address and from many,
//! and kept-alive connections left idle.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::target;
use crate::common::Backend;

/// A connection from `127.0.a.b` that sends the start of a request and never finishes it; `None`
/// when the connection could not even be made.
async fn slow_client(server: SocketAddr, a: u8, b: u8) -> Option<TcpStream> {
    let socket = TcpSocket::new_v4().ok()?;
    socket
        .bind(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(127, 0, a, b), 0)))
        .ok()?;
    let mut s = socket.connect(server).await.ok()?;
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await.ok()?;
    Some(s)
}

/// True when the server closed the connection within `wait` (reads reach end of file or an
/// error; whatever it said before closing, such as a 429, is read past).
async fn closed(s: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout(wait, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// Waits (up to two minutes: a condition, not a pace) until the server has closed every one of
/// `conns`; the time it took.
async fn all_closed(conns: &mut [TcpStream]) -> Duration {
    let t = Instant::now();
    for c in conns.iter_mut() {
        loop {
            if closed(c, Duration::from_millis(200)).await {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(120),
                "a slow connection was never closed"
            );
        }
    }
    t.elapsed()
}

/// Item 3: 1,100 unfinished requests from one address, then 640 from 10 addresses against a
/// server allowing 300 connections: the first are cut to the per-address bound at once, the
/// second make the server close idle connections to take new ones; `/health` answers
/// throughout; every slow connection is closed by the header timeout; a kept-alive idle
/// connection too.
pub async fn slowloris(b: &Backend) {
    // The process itself holds these sockets: ask for the descriptors it needs.
    let _ = rlimit::increase_nofile_limit(4096);
    let mut t = target::start(b, &["--max-connections", "300", "--header-timeout-ms", "3000"]);
    let server: SocketAddr = t.addr.parse().expect("address");
    let fd_limit = rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(0, |l| l.0);
    let wanted = 1_100;
    let usable = usize::try_from(fd_limit.saturating_sub(200))
        .unwrap_or(usize::MAX)
        .min(wanted);
    // One address, 1,100 sockets: at most 256 held, the rest closed before a byte is read.
    let probe = target::Probe::new(&t.base);
    let seen = || async {
        probe
            .metric("splitter_connections_total{outcome=\"accepted\"}")
            .await
            + probe
                .metric("splitter_connections_total{outcome=\"refused\"}")
                .await
    };
    let before = seen().await;
    let mut slow = Vec::new();
    for _ in 0..usable {
        if let Some(s) = slow_client(server, 0, 2).await {
            slow.push(s);
        }
    }
    // Wait (a condition) until the server has taken every one of them in or turned it away.
    let give_up = Instant::now() + Duration::from_secs(120);
    while seen().await < before + usable as i64 {
        assert!(
            Instant::now() < give_up,
            "the server never took the connections in"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Of the attacker's sockets, the server keeps at most 256 (the rest it closed at once)...
    let mut held = 0;
    for s in slow.iter_mut() {
        if !closed(s, Duration::from_millis(10)).await {
            held += 1;
        }
    }
    assert!(held <= 256, "{held} held from one address");
    // ...and all it has open is those and the few of this test's own probes from 127.0.0.1.
    let open_one = t.metric("splitter_connections_open").await;
    assert!(open_one <= 256 + 8, "{open_one} open");
    let health_one = t.health_within_a_second().await;
    // Ten addresses, 64 each: the server's 300 fill, and older idle ones are closed to make
    // room; new clients still get in.
    for a in 10..20u8 {
        for _ in 0..64 {
            if let Some(s) = slow_client(server, 5, a).await {
                slow.push(s);
            }
        }
    }
    let health_many = t.health_within_a_second().await;
    let open_many = t.metric("splitter_connections_open").await;
    assert!(open_many <= 300 + 2, "{open_many} open");
    // Every one is closed: turned away, made room for, or past the header timeout.
    let closing = all_closed(&mut slow).await;
    // A kept-alive connection that goes idle after one request is closed the same way.
    let mut idle = TcpStream::connect(server).await.expect("connect");
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut buf = vec![0u8; 4096];
    let n = idle.read(&mut buf).await.expect("read");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let idle_closed = all_closed(std::slice::from_mut(&mut idle)).await;
    let refused = t.metric("splitter_connections_total{outcome=\"refused\"}").await;
    t.report(
        "slowloris",
        &[
            (
                "one address",
                format!("{usable} opened, {held} held, {open_one} open in all"),
            ),
            (
                "ten addresses",
                format!("640 opened, {open_many} open after (bound 300)"),
            ),
            ("refused at once", format!("{refused}")),
            (
                "all slow connections closed after",
                format!("{} ms", closing.as_millis()),
            ),
            (
                "idle kept-alive connection closed after",
                format!("{} ms", idle_closed.as_millis()),
            ),
            (
                "/health",
                format!("{}/{} ms", health_one.as_millis(), health_many.as_millis()),
            ),
        ],
    );
}
