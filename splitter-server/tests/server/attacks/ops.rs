//! The server's own machinery: metric labels, client addresses behind proxies, the token secret
//! and the files it keeps, CORS, and the database going away under it.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::target::{self, count, tally};
use crate::common::{self, Backend};

/// Item 13: a thousand requests with made-up methods add at most one label (`other`).
pub async fn metric_labels(b: &Backend) {
    let mut t = target::start(b, &[]);
    let http = reqwest::Client::new();
    let before = t.send(&http, "GET", "/metrics", None, &[]).await.text.len();
    let mut statuses = Vec::new();
    for i in 0..1000 {
        let method = format!("M{i}X");
        let r = t.send(&http, &method, "/v1/groups", None, &[]).await;
        statuses.push(r.status);
    }
    let after = t.send(&http, "GET", "/metrics", None, &[]).await.text;
    let grown = after.len().saturating_sub(before);
    assert!(grown < 8 * 1024, "/metrics grew by {grown} bytes");
    assert!(!after.contains("M999X"));
    t.report(
        "metric_labels",
        &[
            ("1,000 made-up methods", format!("{:?}", tally(&statuses))),
            ("/metrics grew", format!("{grown} bytes")),
        ],
    );
}

/// Item 14: behind a trusted proxy that appends to X-Forwarded-For, the client is the
/// right-most untrusted entry: a client that writes other addresses first neither dodges its own
/// limit nor uses up someone else's.
pub async fn forwarded_for(b: &Backend) {
    let mut t = target::start(b, &["--trusted-proxies", "127.0.0.1", "--rate-limit", "5"]);
    let http = reqwest::Client::new();
    let mut dodging = Vec::new();
    for i in 0..8 {
        let xff = format!("198.51.100.{i}, 203.0.113.50");
        let r = t
            .send(&http, "GET", "/v1/groups", None, &[("x-forwarded-for", &xff)])
            .await;
        dodging.push(r.status);
    }
    // The proxy saw 203.0.113.50 each time: its limit of 5, whatever the client wrote first.
    assert_eq!(
        (count(&dodging, 401), count(&dodging, 429)),
        (5, 3),
        "{:?}",
        tally(&dodging)
    );
    // The victim named first by the attacker has used nothing.
    let victim = t
        .send(
            &http,
            "GET",
            "/v1/groups",
            None,
            &[("x-forwarded-for", "198.51.100.3")],
        )
        .await;
    assert_eq!(victim.status, 401, "{}", victim.text);
    t.report(
        "forwarded_for",
        &[
            ("rotating the left-most entry", format!("{:?}", tally(&dodging))),
            ("the named victim", "not limited".into()),
        ],
    );
}

/// Item 15: the token secret: required on a shared database, refused when weak, generated into
/// a private file beside SQLite (with a warning); the database file private too.
pub async fn token_secret(b: &Backend) {
    let bin = env!("CARGO_BIN_EXE_splitter-server");
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(["--listen", "127.0.0.1:0", "--log", "warn"])
            .args(args)
            .env_remove("SPLITTER_TOKEN_SECRET")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("run")
    };
    let url = b.database_url.as_str();
    let weak = run(&["--database-url", url, "--token-secret", &"a".repeat(32)]);
    assert!(!weak.status.success());
    let said = String::from_utf8_lossy(&weak.stderr).to_string();
    assert!(said.contains("token secret"), "{said}");
    let mut figures = vec![("32 x 'a'", "refused at start".to_string())];
    if b.database_url.starts_with("mysql") {
        let none = run(&["--database-url", url]);
        assert!(!none.status.success());
        let said = String::from_utf8_lossy(&none.stderr).to_string();
        assert!(said.contains("--token-secret"), "{said}");
        figures.push(("MariaDB without a secret", "refused at start".into()));
    } else {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("splitter-secret-{}", common::unique_email("d")));
        std::fs::create_dir_all(&dir).expect("dir");
        let db = dir.join("fresh.db");
        let mut child = Command::new(bin)
            .args(["--listen", "127.0.0.1:0", "--log", "warn"])
            .args(["--database-url", &format!("sqlite://{}?mode=rwc", db.display())])
            .env_remove("SPLITTER_TOKEN_SECRET")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
            &mut line,
        )
        .expect("line");
        assert!(line.starts_with("listening on"), "{line}");
        let _ = child.kill();
        let out = child.wait_with_output().expect("output");
        let log = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(log.contains("no --token-secret"), "a warning: {log}");
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0)
        };
        let key = dir.join("fresh.db.key");
        assert_eq!((mode(&db), mode(&key)), (0o600, 0o600), "private files");
        figures.push((
            "SQLite without a secret",
            "fresh.db.key 0600, fresh.db 0600, warning logged".into(),
        ));
    }
    println!(
        "ATTACK token_secret [{}]: {}",
        b.name,
        figures
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// Item 16: `--cors-origins '*'` starts and answers any origin.
pub async fn cors_any(b: &Backend) {
    let mut t = target::start(b, &["--cors-origins", "*"]);
    let http = reqwest::Client::new();
    let r = t
        .send(
            &http,
            "GET",
            "/health",
            None,
            &[("origin", "https://app.example")],
        )
        .await;
    assert_eq!(r.header("access-control-allow-origin").as_deref(), Some("*"));
    t.report(
        "cors_any",
        &[("origin https://app.example", "allowed (*)".into())],
    );
}

/// A TCP forwarder in front of the database that the test can cut: while cut, it closes every
/// connection it carries and refuses new ones.
struct Cuttable {
    addr: String,
    cut: Arc<AtomicBool>,
}

fn forwarder(upstream: String) -> Cuttable {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let cut = Arc::new(AtomicBool::new(false));
    let flag = cut.clone();
    listener.set_nonblocking(true).expect("nonblocking");
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    tokio::spawn(async move {
        loop {
            let Ok((mut down, _)) = listener.accept().await else {
                continue;
            };
            if flag.load(Ordering::SeqCst) {
                continue; // dropped: refused while cut
            }
            let flag = flag.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(mut up) = tokio::net::TcpStream::connect(&upstream).await else {
                    return;
                };
                let copy = tokio::io::copy_bidirectional(&mut down, &mut up);
                tokio::pin!(copy);
                loop {
                    tokio::select! {
                        _ = &mut copy => return,
                        _ = tokio::time::sleep(Duration::from_millis(20)) => {
                            if flag.load(Ordering::SeqCst) {
                                return; // both sockets dropped: the connection is lost
                            }
                        }
                    }
                }
            });
        }
    });
    Cuttable { addr, cut }
}

/// Item 16: the database goes away under a running server (every connection lost, new ones
/// refused): answers are `503 unavailable` with `Retry-After`, never a 500; when it is back,
/// writes succeed again and nothing acknowledged is lost.
pub async fn database_outage(b: &Backend) {
    let Some(rest) = b.database_url.strip_prefix("mysql://") else {
        println!(
            "ATTACK database_outage [{}]: MariaDB only (SQLite is a file in the process)",
            b.name
        );
        return;
    };
    let (creds, tail) = rest.split_once('@').expect("user@host");
    let (hostport, db) = tail.split_once('/').expect("host/db");
    let proxy = forwarder(hostport.to_string());
    let backend = Backend {
        name: b.name.clone(),
        database_url: format!("mysql://{creds}@{}/{db}", proxy.addr),
        redis_url: b.redis_url.clone(),
    };
    let mut t = target::start(&backend, &[]);
    let token = t.account(&common::unique_email("outage")).await;
    let auth = common::bearer(&token);
    let http = reqwest::Client::new();
    let g = t
        .send(
            &http,
            "POST",
            "/v1/groups",
            Some(&json!({"name": "o", "currency": "EUR", "members": ["a", "b"]}).to_string()),
            &[("authorization", &auth)],
        )
        .await;
    let gid = g.json["id"].as_str().expect("id").to_string();
    let post = format!("/v1/groups/{gid}/expenses");
    let body = r#"{"amount": "2.00", "paid_by": "a", "split": {"type": "equal"}}"#;
    let mut acked = Vec::new();
    for _ in 0..3 {
        let r = t
            .send(&http, "POST", &post, Some(body), &[("authorization", &auth)])
            .await;
        assert_eq!(r.status, 201);
        acked.push(r.json["id"].as_str().unwrap_or("").to_string());
    }
    proxy.cut.store(true, Ordering::SeqCst);
    let mut during = Vec::new();
    let mut retry_after = true;
    for _ in 0..10 {
        let r = common::send(
            &http,
            &t.base,
            "POST",
            &post,
            Some(body),
            &[("authorization", &auth)],
        )
        .await;
        if r.status == 503 {
            retry_after &= r.header("retry-after").is_some();
        }
        if r.status == 201 {
            acked.push(r.json["id"].as_str().unwrap_or("").to_string());
        }
        during.push(r.status);
    }
    assert!(!during.contains(&500), "{:?}", tally(&during));
    assert!(during.contains(&503) && retry_after, "{:?}", tally(&during));
    proxy.cut.store(false, Ordering::SeqCst);
    // Back: writes succeed again within a minute (the pool reconnects).
    let give_up = Instant::now() + Duration::from_secs(60);
    loop {
        let r = common::send(
            &http,
            &t.base,
            "POST",
            &post,
            Some(body),
            &[("authorization", &auth)],
        )
        .await;
        if r.status == 201 {
            acked.push(r.json["id"].as_str().unwrap_or("").to_string());
            break;
        }
        assert!(r.status == 503, "{}", r.text);
        assert!(Instant::now() < give_up, "the server never recovered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let listed = t
        .send(
            &http,
            "GET",
            &format!("{post}?limit=500"),
            None,
            &[("authorization", &auth)],
        )
        .await;
    let ids: Vec<&str> = listed.json["expenses"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["id"].as_str()).collect())
        .unwrap_or_default();
    let lost = acked.iter().filter(|a| !ids.contains(&a.as_str())).count();
    assert_eq!(lost, 0);
    t.report(
        "database_outage",
        &[
            ("during the outage", format!("{:?}", tally(&during))),
            ("acknowledged writes", format!("{} ({lost} lost)", acked.len())),
        ],
    );
}
