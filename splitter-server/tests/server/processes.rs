//! The built binary as separate processes: two instances sharing MariaDB and Redis with no stale
//! reads; Redis stopped and restarted while requests go on; SIGTERM finishing requests in flight,
//! and draining first (`/ready` failing while it still serves); starting while the database is
//! down.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{self, nets, send};
use serde_json::json;

/// A server process; killed when dropped.
struct Proc {
    child: Child,
    base: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_server(database_url: &str, redis_url: Option<&str>) -> Proc {
    spawn_with(database_url, redis_url, &["--rate-limit", "0"])
}

fn spawn_with(database_url: &str, redis_url: Option<&str>, extra: &[&str]) -> Proc {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_splitter-server"));
    cmd.args([
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        database_url,
        "--log",
        "warn",
    ])
    .args(["--token-secret", splitter_server::config::TEST_SECRET])
    .args(extra)
    .env_remove("SPLITTER_TOKEN_SECRET")
    .env_remove("SPLITTER_REDIS_URL")
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    if let Some(r) = redis_url {
        cmd.args(["--redis-url", r]);
    }
    let mut child = cmd.spawn().expect("start splitter-server");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("listening line");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening on ADDR")
        .to_string();
    Proc {
        child,
        base: format!("http://{addr}"),
    }
}

/// `send` with the account's token.
async fn send_auth(
    http: &reqwest::Client,
    token: &str,
    base: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> common::Reply {
    let auth = common::bearer(token);
    let mut h = headers.to_vec();
    h.push(("authorization", &auth));
    send(http, base, method, path, body, &h).await
}

/// Two instances sharing MariaDB and Redis: each write on one is seen by the next read on the
/// other, never an older number, with interleaved reads filling both caches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_mariadb_and_redis_without_stale_reads() {
    let Some(b) = common::mysql_redis() else { return };
    let a = spawn_server(&b.database_url, b.redis_url.as_deref());
    let c = spawn_server(&b.database_url, b.redis_url.as_deref());
    let http = reqwest::Client::new();
    let tok = common::account(&http, &a.base, &common::unique_email("proc")).await;
    let g = send_auth(
        &http,
        &tok,
        &a.base,
        "POST",
        "/v1/groups",
        Some(r#"{"name": "two", "currency": "EUR", "members": ["x", "y"]}"#),
        &[],
    )
    .await;
    let gid = g.json["id"].as_str().expect("group").to_string();
    let bal = format!("/v1/groups/{gid}/balances");
    for i in 1..=30u32 {
        let (writer, reader) = if i % 2 == 0 { (&a, &c) } else { (&c, &a) };
        // Both read first, so both hold the old version in their caches.
        send_auth(&http, &tok, &writer.base, "GET", &bal, None, &[]).await;
        send_auth(&http, &tok, &reader.base, "GET", &bal, None, &[]).await;
        let body =
            json!({"amount": "1.00", "paid_by": "x", "split": {"type": "exact", "amounts": {"y": "1.00"}}})
                .to_string();
        let w = send_auth(
            &http,
            &tok,
            &writer.base,
            "POST",
            &format!("/v1/groups/{gid}/expenses"),
            Some(&body),
            &[],
        )
        .await;
        assert_eq!(w.status, 201, "{}", w.text);
        let r = send_auth(&http, &tok, &reader.base, "GET", &bal, None, &[]).await;
        assert_eq!(
            nets(&r.json),
            vec![
                ("x".to_string(), format!("{i}.00")),
                ("y".to_string(), format!("-{i}.00"))
            ],
            "read on the other instance after write {i}"
        );
    }
    // The second instance found the first one's numbers in Redis at least once.
    let metrics_a = send_auth(&http, &tok, &a.base, "GET", "/metrics", None, &[])
        .await
        .text;
    let metrics_c = send_auth(&http, &tok, &c.base, "GET", "/metrics", None, &[])
        .await
        .text;
    let redis_hits = |m: &str| {
        m.lines()
            .find(|l| l.starts_with("splitter_cache_hits_total{layer=\"redis\"}"))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    assert!(
        redis_hits(&metrics_a) + redis_hits(&metrics_c) > 0,
        "{metrics_a}\n{metrics_c}"
    );
}

struct RedisProc(Child);

impl Drop for RedisProc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_redis(bin: &str, port: &str) -> RedisProc {
    let child = Command::new(bin)
        .args([
            "--port",
            port,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start redis-server");
    // Ready when it accepts connections (up to a minute on a loaded machine).
    let give_up = std::time::Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err() {
        assert!(std::time::Instant::now() < give_up, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    RedisProc(child)
}

/// Redis stopped while requests go on: every request is still answered (from the database),
/// `/ready` names Redis (still 200: `degraded`); after a restart `/ready` says `ready` again and
/// Redis serves hits again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_and_restarted_during_requests() {
    let (Ok(bin), Ok(port)) = (
        std::env::var("SPLITTER_TEST_REDIS_SERVER"),
        std::env::var("SPLITTER_TEST_REDIS_RESTART_PORT"),
    ) else {
        assert!(
            !common::all_required(),
            "SPLITTER_TEST_REDIS_SERVER and SPLITTER_TEST_REDIS_RESTART_PORT must be set (scripts/suites/server sets them)"
        );
        eprintln!("skipped: SPLITTER_TEST_REDIS_SERVER / SPLITTER_TEST_REDIS_RESTART_PORT not set");
        return;
    };
    let Some(db) = common::mysql() else { return };
    let redis_url = format!("redis://127.0.0.1:{port}");
    let redis = start_redis(&bin, &port);
    // Two instances, so that the second's reads must come through Redis or the database.
    let a = spawn_server(&db.database_url, Some(&redis_url));
    let c = spawn_server(&db.database_url, Some(&redis_url));
    let http = reqwest::Client::new();
    let tok = common::account(&http, &a.base, &common::unique_email("proc")).await;
    assert_eq!(
        send_auth(&http, &tok, &a.base, "GET", "/ready", None, &[])
            .await
            .status,
        200
    );
    let g = send_auth(
        &http,
        &tok,
        &a.base,
        "POST",
        "/v1/groups",
        Some(r#"{"name": "r", "currency": "EUR", "members": ["x", "y"]}"#),
        &[],
    )
    .await;
    let gid = g.json["id"].as_str().expect("group").to_string();
    let exp = format!("/v1/groups/{gid}/expenses");
    let bal = format!("/v1/groups/{gid}/balances");
    let body = r#"{"amount": "2.00", "paid_by": "x", "split": {"type": "equal"}}"#;
    let mut n = 0u32;
    let mut step = |phase: &'static str| {
        n += 1;
        let (tok, http, a, c, exp, bal) = (
            tok.clone(),
            http.clone(),
            a.base.clone(),
            c.base.clone(),
            exp.clone(),
            bal.clone(),
        );
        let k = n;
        async move {
            let w = send_auth(&http, &tok, &a, "POST", &exp, Some(body), &[]).await;
            assert_eq!(w.status, 201, "{phase}: {}", w.text);
            let r = send_auth(&http, &tok, &c, "GET", &bal, None, &[]).await;
            assert_eq!(r.status, 200, "{phase}: {}", r.text);
            assert_eq!(nets(&r.json)[0].1, format!("{k}.00"), "{phase}: no stale read");
        }
    };
    for _ in 0..3 {
        step("before").await;
    }
    drop(redis);
    for _ in 0..5 {
        step("redis down").await;
    }
    let ready = send_auth(&http, &tok, &c.base, "GET", "/ready", None, &[]).await;
    assert_eq!(
        (
            ready.status,
            ready.json["down"].clone(),
            ready.json["status"].clone()
        ),
        (200, json!(["redis"]), json!("degraded")),
        "{}",
        ready.text
    );
    let _redis = start_redis(&bin, &port);
    // Both instances see Redis again (each /ready pings it); up to a minute on a loaded machine.
    for instance in [&c.base, &a.base] {
        let give_up = std::time::Instant::now() + Duration::from_secs(60);
        while send_auth(&http, &tok, instance, "GET", "/ready", None, &[])
            .await
            .json["status"]
            != "ready"
        {
            assert!(
                std::time::Instant::now() < give_up,
                "/ready says ready again once Redis is back"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    for _ in 0..3 {
        step("redis back").await;
    }
    // Caching in Redis resumed: a fresh read on one instance fills Redis, the other hits it.
    let r1 = send_auth(&http, &tok, &a.base, "GET", &bal, None, &[]).await;
    let before = send_auth(&http, &tok, &c.base, "GET", "/metrics", None, &[])
        .await
        .text;
    let w = send_auth(&http, &tok, &a.base, "POST", &exp, Some(body), &[]).await;
    assert_eq!(w.status, 201);
    send_auth(&http, &tok, &a.base, "GET", &bal, None, &[]).await;
    let r2 = send_auth(&http, &tok, &c.base, "GET", &bal, None, &[]).await;
    assert_ne!(r1.text, r2.text);
    let after = send_auth(&http, &tok, &c.base, "GET", "/metrics", None, &[])
        .await
        .text;
    let hits = |m: &str| {
        m.lines()
            .find(|l| l.starts_with("splitter_cache_hits_total{layer=\"redis\"}"))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    assert!(hits(&after) > hits(&before), "redis hits resume:\n{after}");
}

/// SIGTERM while a request is in flight: the request completes, then the process exits 0. The
/// request is held in flight by sending its body in two parts: the first before the signal (the
/// test waits until the server counts the request in flight), the rest after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let b = common::sqlite();
    let s = spawn_with(
        &b.database_url,
        None,
        &["--rate-limit", "0", "--drain-delay-ms", "0"],
    );
    let http = reqwest::Client::new();
    let addr = s.base.trim_start_matches("http://").to_string();
    let body = r#"{"currency": "EUR", "members": ["a", "b"], "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "a", "split": {"type": "equal"}}]}"#;
    let (first, rest) = body.split_at(body.len() / 2);
    let mut conn = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "POST /v1/compute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.expect("head");
    conn.write_all(first.as_bytes()).await.expect("first half");
    let give_up = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let m = send(&http, &s.base, "GET", "/metrics", None, &[]).await.text;
        let in_flight = m
            .lines()
            .find_map(|l| l.strip_prefix("splitter_http_requests_in_flight "))
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or(0);
        if in_flight >= 2 {
            break; // the half-sent request and this /metrics one
        }
        assert!(
            std::time::Instant::now() < give_up,
            "the request never got in flight:\n{m}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pid = s.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(killed.success());
    conn.write_all(rest.as_bytes()).await.expect("second half");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.expect("answer");
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the request in flight was answered: {answer}"
    );
    assert!(
        answer.contains(r#""transfers":[{"from":"b","to":"a","amount":"5.00""#),
        "{answer}"
    );
    let mut s = s;
    let status = s.child.wait().expect("exit");
    assert!(status.success(), "exited cleanly: {status:?}");
}

/// Two instances on one Redis share one rate limit: an account's requests count on both, and
/// past the limit either instance answers 429 with Retry-After; failed logins on either count
/// against one log. The token made by one instance
/// is accepted by the other (both are configured with the same signing secret).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_rate_limit_in_redis() {
    let Some(b) = common::mysql_redis() else { return };
    let extra = ["--rate-limit", "10", "--trusted-proxies", "127.0.0.1"];
    let a = spawn_with(&b.database_url, b.redis_url.as_deref(), &extra);
    let c = spawn_with(&b.database_url, b.redis_url.as_deref(), &extra);
    let http = reqwest::Client::new();
    // Registration and login count against the address: give them one of their own.
    let email = common::unique_email("limit");
    let creds = json!({"email": email, "password": common::PASSWORD}).to_string();
    let xff = format!("10.1.{}.{}", std::process::id() % 250, 1);
    let r = send(
        &http,
        &a.base,
        "POST",
        "/v1/accounts",
        Some(&creds),
        &[("x-forwarded-for", &xff)],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = send(
        &http,
        &c.base,
        "POST",
        "/v1/auth/login",
        Some(&creds),
        &[("x-forwarded-for", &xff)],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let tok = r.json["access_token"].as_str().expect("token").to_string();
    // The account's requests from ever new addresses, alternating between the instances: the
    // account's own limit (10 a minute) is reached across both.
    let mut statuses = Vec::new();
    for i in 0..14u32 {
        let base = if i % 2 == 0 { &a.base } else { &c.base };
        let addr = format!("10.2.{}.{}", std::process::id() % 250, i + 1);
        let r = send_auth(
            &http,
            &tok,
            base,
            "GET",
            "/v1/groups",
            None,
            &[("x-forwarded-for", &addr)],
        )
        .await;
        if r.status == 429 {
            let retry: u64 = r
                .header("retry-after")
                .expect("Retry-After")
                .parse()
                .expect("seconds");
            assert!((1..=60).contains(&retry), "{retry}");
            assert_eq!(r.code(), "rate_limited");
        }
        statuses.push(r.status);
    }
    assert_eq!(&statuses[..10], &[200; 10], "{statuses:?}");
    assert_eq!(
        &statuses[10..],
        &[429; 4],
        "{statuses:?}: the 11th request, on either instance, is over the shared limit"
    );
    // One address's requests without a token, alternating: limited at 10 across both too.
    let addr = format!("10.3.{}.7", std::process::id() % 250);
    let mut anon = Vec::new();
    for i in 0..12u32 {
        let base = if i % 2 == 0 { &a.base } else { &c.base };
        let body = r#"{"currency": "EUR", "members": ["a"]}"#;
        anon.push(
            send(
                &http,
                base,
                "POST",
                "/v1/compute",
                Some(body),
                &[("x-forwarded-for", &addr)],
            )
            .await
            .status,
        );
    }
    assert_eq!(&anon[..10], &[200; 10], "{anon:?}");
    assert_eq!(&anon[10..], &[429; 2], "{anon:?}");
    // Failed logins from one address, alternating between the instances: the fifth failure,
    // wherever it happened, locks the (account, address) pair on both for about 15 minutes.
    let wrong = json!({"email": email, "password": "not the password"}).to_string();
    let addr = format!("10.4.{}.9", std::process::id() % 250);
    for i in 0..5u32 {
        let base = if i % 2 == 0 { &a.base } else { &c.base };
        let r = send(
            &http,
            base,
            "POST",
            "/v1/auth/login",
            Some(&wrong),
            &[("x-forwarded-for", &addr)],
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (401, "invalid_credentials"),
            "failure {i}: {}",
            r.text
        );
    }
    for base in [&a.base, &c.base] {
        let r = send(
            &http,
            base,
            "POST",
            "/v1/auth/login",
            Some(&creds),
            &[("x-forwarded-for", &addr)],
        )
        .await;
        assert_eq!((r.status, r.code()), (429, "rate_limited"), "{}", r.text);
        let retry: u64 = r
            .header("retry-after")
            .expect("Retry-After")
            .parse()
            .expect("seconds");
        assert!((800..=900).contains(&retry), "about 15 minutes: {retry}");
    }
    // Operations are never limited.
    assert_eq!(
        send(
            &http,
            &a.base,
            "GET",
            "/health",
            None,
            &[("x-forwarded-for", &addr)]
        )
        .await
        .status,
        200
    );
}

/// `kill -TERM` to the server process.
fn sigterm(p: &Proc) {
    let pid = p.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(sent.success());
}

/// SIGTERM with a drain delay: `/ready` fails at once (`draining`) while the server goes on
/// answering requests, so that a load balancer stops sending before it stops accepting; a second
/// SIGTERM ends the delay and the process exits cleanly. (The delay is long, ten minutes: the
/// second signal, not the clock, ends it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_first_failing_ready_while_serving() {
    let b = common::sqlite();
    let mut s = spawn_with(
        &b.database_url,
        None,
        &["--rate-limit", "0", "--drain-delay-ms", "600000"],
    );
    let http = reqwest::Client::new();
    let ready = send(&http, &s.base, "GET", "/ready", None, &[]).await;
    assert_eq!(
        (ready.status, ready.json["status"].as_str()),
        (200, Some("ready")),
        "{}",
        ready.text
    );
    sigterm(&s);
    let give_up = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let r = send(&http, &s.base, "GET", "/ready", None, &[]).await;
        if r.status == 503 {
            assert_eq!(r.json["status"], "draining", "{}", r.text);
            break;
        }
        assert!(
            std::time::Instant::now() < give_up,
            "/ready never failed after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Still serving: new requests on new connections are answered.
    let fresh = reqwest::Client::new();
    let body = r#"{"currency": "EUR", "members": ["a", "b"], "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "a", "split": {"type": "equal"}}]}"#;
    let r = send(&fresh, &s.base, "POST", "/v1/compute", Some(body), &[]).await;
    assert_eq!(r.status, 200, "served while draining: {}", r.text);
    assert_eq!(
        send(&fresh, &s.base, "GET", "/health", None, &[]).await.status,
        200
    );
    sigterm(&s);
    let status = s.child.wait().expect("exit");
    assert!(status.success(), "exited cleanly: {status:?}");
}

/// With `--no-migrate` the server starts while its database is down: alive (`/health` 200), not
/// ready (`/ready` 503, the database named), and a request that needs the database is answered
/// 503 with Retry-After, never 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_while_the_database_is_down_and_says_so() {
    // Nothing listens on port 1.
    let url = "mysql://splitter:splitter@127.0.0.1:1/splitter";
    let s = spawn_with(url, None, &["--no-migrate", "--db-acquire-timeout-ms", "300"]);
    let http = reqwest::Client::new();
    assert_eq!(
        send(&http, &s.base, "GET", "/health", None, &[]).await.status,
        200
    );
    let ready = send(&http, &s.base, "GET", "/ready", None, &[]).await;
    assert_eq!(
        (
            ready.status,
            ready.json["status"].as_str(),
            ready.json["database"].as_str()
        ),
        (503, Some("unavailable"), Some("down")),
        "{}",
        ready.text
    );
    let creds = json!({"email": common::unique_email("down"), "password": common::PASSWORD}).to_string();
    let r = send(&http, &s.base, "POST", "/v1/accounts", Some(&creds), &[]).await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert!(r.header("retry-after").is_some(), "Retry-After: {:?}", r.text);
}
