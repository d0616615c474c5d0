//! What the server's tests share: backends from the environment, a server in process on a free
//! port, an HTTP client.
//!
//! SQLite tests always run. MariaDB and Redis tests read `SPLITTER_TEST_MYSQL_URL` and
//! `SPLITTER_TEST_REDIS_URL`; without them they print that they are skipped and return, so a
//! plain `cargo test` runs on SQLite alone. `scripts/suites/server` starts both and sets
//! `SPLITTER_SERVER_TESTS=all`, under which a missing URL fails the test instead (so the suite
//! can never pass with MariaDB and Redis silently left out).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use serde_json::Value;
use splitter_server::clock::{Clock, ManualClock};
use splitter_server::state::Shared;
use splitter_server::{app, Config};

/// A database (and maybe Redis) to run a test against.
#[derive(Debug, Clone)]
pub struct Backend {
    /// For messages.
    pub name: String,
    /// The database URL.
    pub database_url: String,
    /// The Redis URL, if any.
    pub redis_url: Option<String>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh SQLite file under the target directory.
pub fn sqlite() -> Backend {
    let dir = std::env::temp_dir().join("splitter-server-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(format!(
        "t{}-{}.db",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&file);
    Backend {
        name: "sqlite".into(),
        database_url: format!("sqlite://{}?mode=rwc", file.display()),
        redis_url: None,
    }
}

fn external(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                !all_required(),
                "{var} is not set, and SPLITTER_SERVER_TESTS=all requires MariaDB and Redis \
                 (scripts/suites/server starts them)"
            );
            eprintln!("skipped: {var} is not set (SQLite only; scripts/suites/server runs them all)");
            None
        }
    }
}

/// Whether every backend must be there (`SPLITTER_SERVER_TESTS=all`, set by the test script).
pub fn all_required() -> bool {
    std::env::var("SPLITTER_SERVER_TESTS").as_deref() == Ok("all")
}

/// MariaDB with in-process cache only; `None` when skipped.
pub fn mysql() -> Option<Backend> {
    Some(Backend {
        name: "mysql".into(),
        database_url: external("SPLITTER_TEST_MYSQL_URL")?,
        redis_url: None,
    })
}

/// The URL of a read replica of `SPLITTER_TEST_MYSQL_URL`'s server (GTID replication), with the
/// database name of `database_url`; `None` when skipped.
pub fn mysql_replica_of(database_url: &str) -> Option<String> {
    let replica = external("SPLITTER_TEST_MYSQL_REPLICA_URL")?;
    let (server, _) = replica.rsplit_once('/').expect("a database in the URL");
    let (_, db) = database_url.rsplit_once('/').expect("a database in the URL");
    Some(format!("{server}/{db}"))
}

/// A Redis Cluster's nodes (comma-separated URLs); `None` when skipped.
pub fn redis_cluster() -> Option<String> {
    external("SPLITTER_TEST_REDIS_CLUSTER_URL")
}

/// MariaDB in a database of its own, `splitter_<name>`, made empty (for a test that must not
/// share tables with tests running beside it); `None` when skipped.
pub async fn mysql_own(name: &str) -> Option<Backend> {
    let url = external("SPLITTER_TEST_MYSQL_URL")?;
    let (server, _) = url.rsplit_once('/').expect("a database in the URL");
    let db = format!("splitter_{name}");
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.expect("MariaDB");
    for sql in [
        format!("DROP DATABASE IF EXISTS {db}"),
        format!("CREATE DATABASE {db}"),
    ] {
        sqlx::query(&sql).execute(&pool).await.expect(&sql);
    }
    pool.close().await;
    Some(Backend {
        name: format!("mysql ({db})"),
        database_url: format!("{server}/{db}"),
        redis_url: None,
    })
}

/// MariaDB and Redis; `None` when skipped.
pub fn mysql_redis() -> Option<Backend> {
    let database_url = external("SPLITTER_TEST_MYSQL_URL")?;
    Some(Backend {
        name: "mysql+redis".into(),
        database_url,
        redis_url: Some(external("SPLITTER_TEST_REDIS_URL")?),
    })
}

/// SQLite and Redis; `None` when skipped.
pub fn sqlite_redis() -> Option<Backend> {
    let mut b = sqlite();
    b.name = "sqlite+redis".into();
    b.redis_url = Some(external("SPLITTER_TEST_REDIS_URL")?);
    Some(b)
}

/// A server running in this process.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its state (for cache counters).
    pub state: Shared,
    /// HTTP client.
    pub http: reqwest::Client,
    /// The access token sent by default (an account made at start).
    pub token: String,
    /// The server's clock: stands still until a test moves it.
    pub clock: Arc<ManualClock>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Starts a server on a free port.
pub async fn start(b: &Backend) -> Server {
    start_with(Config::for_urls(&b.database_url, b.redis_url.as_deref())).await
}

/// Starts a server with this configuration on a free port, on a clock of its own.
pub async fn start_with(config: Config) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let clock = Arc::new(ManualClock::default());
    let state = app::state_with_clock(config, clock.clone())
        .await
        .expect("server state");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app::serve(listener, state.clone(), async move {
        let _ = rx.await;
    }));
    let base = format!("http://{addr}");
    let http = reqwest::Client::new();
    let token = account(&http, &base, &unique_email("owner")).await;
    Server {
        base,
        state,
        http,
        token,
        clock,
        stop: Some(tx),
    }
}

/// The server's clock now, as the API writes a time (RFC 3339, UTC): the clock stands still
/// until the test moves it, so a time the server wrote since equals it exactly.
pub fn now_text(s: &Server) -> String {
    splitter_server::timestamp::Timestamp(s.clock.now()).rfc3339()
}

/// A fresh email address.
pub fn unique_email(who: &str) -> String {
    format!(
        "{who}-{}-{}-{}@example.com",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        uuid_ish()
    )
}

fn uuid_ish() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// The test password.
pub const PASSWORD: &str = "correct horse battery";

/// Registers an account and logs in: its access token.
pub async fn account(http: &reqwest::Client, base: &str, email: &str) -> String {
    login(http, base, email, true).await["access_token"]
        .as_str()
        .expect("access token")
        .to_string()
}

/// Registers (when `register`) and logs in: the token pair.
pub async fn login(http: &reqwest::Client, base: &str, email: &str, register: bool) -> Value {
    let creds = serde_json::json!({"email": email, "password": PASSWORD}).to_string();
    if register {
        let r = send(
            http,
            base,
            "POST",
            "/v1/accounts",
            Some(&creds),
            &[("authorization", "")],
        )
        .await;
        assert_eq!(r.status, 201, "register: {}", r.text);
    }
    let r = send(
        http,
        base,
        "POST",
        "/v1/auth/login",
        Some(&creds),
        &[("authorization", "")],
    )
    .await;
    assert_eq!(r.status, 200, "login: {}", r.text);
    r.json
}

/// `Authorization: Bearer <token>`.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A response: status, headers, JSON body (or `Value::Null` when empty / not JSON).
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// Raw body text.
    pub text: String,
    /// Parsed body.
    pub json: Value,
}

impl Reply {
    /// The error code of an error body.
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
    /// The error path of an error body.
    pub fn path(&self) -> &str {
        self.json["error"]["path"].as_str().unwrap_or("")
    }
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

impl Server {
    /// Sends a request with an optional raw body and extra headers.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let auth = bearer(&self.token);
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        {
            all.push(("authorization", &auth));
        }
        send(&self.http, &self.base, method, path, body, &all).await
    }
    /// Sends as another account (`token`; empty: no token).
    pub async fn send_as(&self, token: &str, method: &str, path: &str, body: Option<&str>) -> Reply {
        let auth = bearer(token);
        let h: Vec<(&str, &str)> = if token.is_empty() {
            vec![("authorization", "")]
        } else {
            vec![("authorization", &auth)]
        };
        send(&self.http, &self.base, method, path, body, &h).await
    }
    /// A new account on this server: its access token.
    pub async fn new_account(&self, who: &str) -> String {
        account(&self.http, &self.base, &unique_email(who)).await
    }
    /// GET.
    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, &[]).await
    }
    /// POST a JSON value.
    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send("POST", path, Some(&body.to_string()), &[]).await
    }
    /// Creates a group, returning its id.
    pub async fn group(&self, currency: &str, members: &[&str]) -> String {
        let r = self
            .post(
                "/v1/groups",
                &serde_json::json!({"name": "test", "currency": currency, "members": members}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json["id"].as_str().expect("id").to_string()
    }
}

/// Sends a request to `base`.
pub async fn send(
    http: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut req = http.request(method.parse().expect("method"), format!("{base}{path}"));
    for (k, v) in headers {
        // An empty Authorization means "send none".
        if k.eq_ignore_ascii_case("authorization") && v.is_empty() {
            continue;
        }
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_string());
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// The balances of a group recomputed by the core from its stored expenses and payments (read
/// through the API), as `(member, net)` pairs.
pub async fn recompute(s: &Server, gid: &str) -> Vec<(String, String)> {
    let group = s.get(&format!("/v1/groups/{gid}")).await.json;
    let mut expenses = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = s
            .get(&format!("/v1/groups/{gid}/expenses?limit=500{cursor}"))
            .await
            .json;
        expenses.extend(page["expenses"].as_array().expect("expenses").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let payments = s.get(&format!("/v1/groups/{gid}/payments?limit=500")).await.json["payments"].clone();
    let members: Vec<Value> = group["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    let input = serde_json::json!({
        "currency": group["currency"], "members": members, "rates": group["rates"],
        "expenses": expenses, "payments": payments,
    });
    let out: Value =
        serde_json::from_str(&splitter_core::compute_json(&input.to_string()).expect("recompute"))
            .expect("json");
    nets(&out)
}

/// `(member, net)` pairs of a balances or report body.
pub fn nets(v: &Value) -> Vec<(String, String)> {
    v["balances"]
        .as_array()
        .expect("balances")
        .iter()
        .map(|b| {
            (
                b["member"].as_str().unwrap_or("").to_string(),
                b["net"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Sends again while the answer is `429 busy` (the compute threads at their bound for this
/// client), waiting a little each time as `Retry-After` asks; at most a minute.
pub async fn retry_busy<F, Fut>(mut send: F) -> Reply
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Reply>,
{
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let r = send().await;
        if r.status != 429 || r.code() != "busy" || std::time::Instant::now() > give_up {
            return r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Checks the kept balances of every group on the server's database against a computation
/// from its records (each in one snapshot, so writes running beside it do not matter); panics
/// naming the first that differs. Returns how many groups were checked.
pub async fn verify_kept(s: &Server) -> usize {
    let verdicts = splitter_server::kept::verify_all(&s.state.store)
        .await
        .expect("verify");
    for v in &verdicts {
        assert!(
            v.agrees,
            "kept totals of {} at version {} differ: kept {:?}, computed {:?}",
            v.group, v.version, v.kept, v.computed
        );
    }
    verdicts.len()
}
