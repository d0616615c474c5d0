//! The server under attack: the built binary in a process of its own (so that its memory is its
//! own to measure), its log kept to look for panics, clients from addresses of their choosing
//! (any 127.x.y.z reaches a server on 127.0.0.1), and the figures each attack reports.

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, Backend, Reply};

/// A server process under attack; killed when dropped.
pub struct Target {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// Its stderr, as a file.
    pub log: PathBuf,
    /// The backend's name, for the figures.
    pub backend: String,
    /// 5xx answers seen by the attack's clients.
    pub server_errors: usize,
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server binary on `b` with `extra` flags (rate limits off unless `extra` sets them).
pub fn start(b: &Backend, extra: &[&str]) -> Target {
    let dir = std::env::temp_dir().join("splitter-attacks");
    std::fs::create_dir_all(&dir).expect("log dir");
    let log = dir.join(format!(
        "server-{}-{}.log",
        std::process::id(),
        common::unique_email("l")
    ));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_splitter-server"));
    cmd.args([
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &b.database_url,
        "--log",
        "warn",
    ]);
    if !extra.contains(&"--token-secret") {
        cmd.args(["--token-secret", splitter_server::config::TEST_SECRET]);
    }
    if !extra.contains(&"--rate-limit") {
        cmd.args(["--rate-limit", "0"]);
    }
    cmd.args(extra)
        .env_remove("SPLITTER_TOKEN_SECRET")
        .env_remove("SPLITTER_REDIS_URL")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("log file"));
    if let Some(r) = &b.redis_url {
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
        .unwrap_or_else(|| {
            panic!(
                "the server did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        })
        .to_string();
    Target {
        child,
        base: format!("http://{addr}"),
        addr,
        log,
        backend: b.name.clone(),
        server_errors: 0,
    }
}

/// A client whose connections come from `127.0.a.b`.
pub fn client_from(a: u8, b: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, a, b)))
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client")
}

impl Target {
    /// The process's pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A line of `/proc/PID/status` in MiB (`VmHWM`: the peak resident memory; `VmRSS`: now).
    fn status_mib(&self, key: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    }

    /// The most memory the process has held, in MiB.
    pub fn peak_mib(&self) -> u64 {
        self.status_mib("VmHWM:")
    }

    /// The memory it holds now, in MiB.
    pub fn rss_mib(&self) -> u64 {
        self.status_mib("VmRSS:")
    }

    /// Panics in its log.
    pub fn panics(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .matches("panicked")
            .count()
    }

    /// Still running (not crashed).
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Counts the 5xx among answers the attack's own clients got.
    pub fn note(&mut self, statuses: &[u16]) {
        self.server_errors += statuses.iter().filter(|s| **s >= 500).count();
    }

    /// Sends a request (counting 5xx answers).
    pub async fn send(
        &mut self,
        http: &reqwest::Client,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let r = common::send(http, &self.base, method, path, body, headers).await;
        if r.status >= 500 {
            self.server_errors += 1;
        }
        r
    }

    /// `/health` answers within a second: three tries, each given one second, at least one must
    /// answer (a tolerance for a scheduler hiccup on a loaded machine, not for a server that is
    /// stuck). The time of the fastest answer.
    pub async fn health_within_a_second(&self) -> Duration {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(1))
            .build()
            .expect("client");
        let mut best: Option<Duration> = None;
        for _ in 0..3 {
            let t = Instant::now();
            if let Ok(r) = http.get(format!("{}/health", self.base)).send().await {
                if r.status().as_u16() == 200 {
                    let took = t.elapsed();
                    best = Some(best.map_or(took, |b| b.min(took)));
                }
            }
        }
        best.unwrap_or_else(|| panic!("/health did not answer within a second (3 tries)"))
    }

    /// A metric's value from `/metrics` (a sample with exactly this name and labels).
    pub async fn metric(&self, sample: &str) -> i64 {
        Probe::new(&self.base).metric(sample).await
    }

    /// Waits (up to two minutes: a condition, not a pace) until no CPU-heavy job is waiting or
    /// running; the time it took.
    pub async fn pools_idle(&self) -> Duration {
        let t = Instant::now();
        loop {
            let jobs = self.metric("splitter_pool_jobs{pool=\"compute\"}").await
                + self.metric("splitter_pool_jobs{pool=\"hash\"}").await;
            if jobs == 0 {
                return t.elapsed();
            }
            assert!(t.elapsed() < Duration::from_secs(120), "the pools never emptied");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Registers an account and logs in: its access token.
    pub async fn account(&mut self, email: &str) -> String {
        let http = reqwest::Client::new();
        let creds = serde_json::json!({"email": email, "password": common::PASSWORD}).to_string();
        let r = self.send(&http, "POST", "/v1/accounts", Some(&creds), &[]).await;
        assert_eq!(r.status, 201, "register: {}", r.text);
        let r = self
            .send(&http, "POST", "/v1/auth/login", Some(&creds), &[])
            .await;
        assert_eq!(r.status, 200, "login: {}", r.text);
        r.json["access_token"].as_str().expect("token").to_string()
    }

    /// Prints the attack's figures (one line, in the test's output and the suite's log) after
    /// checking the figures every attack shares: no 5xx seen, no panic logged, the process
    /// alive, memory under the stated bound.
    pub fn report(&mut self, attack: &str, figures: &[(&str, String)]) {
        let peak = self.peak_mib();
        let panics = self.panics();
        let alive = self.alive();
        let mut line = format!(
            "ATTACK {attack} [{}]: 5xx seen: {}, panics: {panics}, peak memory: {peak} MiB",
            self.backend, self.server_errors
        );
        for (k, v) in figures {
            line.push_str(&format!(", {k}: {v}"));
        }
        println!("{line}");
        assert!(alive, "{attack}: the server died");
        assert_eq!(self.server_errors, 0, "{attack}: 5xx answers");
        assert_eq!(panics, 0, "{attack}: panics in {}", self.log.display());
        assert!(
            peak <= MEMORY_BOUND_MIB,
            "{attack}: peak memory {peak} MiB over {MEMORY_BOUND_MIB}"
        );
    }
}

/// Reads a running server's `/metrics` (by its base URL), over one kept-alive connection.
pub struct Probe {
    base: String,
    http: reqwest::Client,
}

impl Probe {
    /// A probe of the server at `base`.
    pub fn new(base: &str) -> Probe {
        Probe {
            base: base.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// A metric's value (a sample with exactly this name and labels; 0 when absent).
    pub async fn metric(&self, sample: &str) -> i64 {
        let text = common::send(&self.http, &self.base, "GET", "/metrics", None, &[])
            .await
            .text;
        text.lines()
            .find_map(|l| l.strip_prefix(sample).and_then(|v| v.strip_prefix(' ')))
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(0)
    }
}

/// The memory bound every attack checks, in MiB (SECURITY.md states it).
pub const MEMORY_BOUND_MIB: u64 = 512;

/// Statuses counted: `[(status, n)]`, sorted.
pub fn tally(statuses: &[u16]) -> Vec<(u16, usize)> {
    let mut out: Vec<(u16, usize)> = Vec::new();
    for s in statuses {
        match out.iter_mut().find(|(k, _)| k == s) {
            Some((_, n)) => *n += 1,
            None => out.push((*s, 1)),
        }
    }
    out.sort();
    out
}

/// How many of `statuses` are `status`.
pub fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// Runs `splitter-server verify` against the backend's database (as an operator would after an
/// incident): every group's kept balances against a computation from its records. Panics with
/// its output unless every group agrees; returns its last line (`N groups, N agree, 0 differ`).
pub fn verify(b: &Backend) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_splitter-server"))
        .args(["--database-url", &b.database_url, "--log", "warn"])
        .args(["--token-secret", splitter_server::config::TEST_SECRET, "verify"])
        .env_remove("SPLITTER_TOKEN_SECRET")
        .output()
        .expect("splitter-server verify");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "verify failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout.lines().last().unwrap_or("").to_string()
}
