//! Configuration: command-line flags, each with an environment variable of the same meaning.

use std::time::Duration;

use clap::{Parser, Subcommand};

/// The default database: an SQLite file in the working directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://splitter.db?mode=rwc";

/// The token secret [`Config::for_urls`] uses (tests and embedding only).
pub const TEST_SECRET: &str = "splitter-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

/// `splitter-server`: the Splitter HTTP service.
#[derive(Debug, Clone, Parser)]
#[command(name = "splitter-server", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "SPLITTER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Database URL: `sqlite://FILE?mode=rwc` (default) or `mysql://user:pass@host:port/db`.
    #[arg(long, env = "SPLITTER_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Redis URL (`redis://host:port`); without it the cache is in-process only.
    #[arg(long, env = "SPLITTER_REDIS_URL")]
    pub redis_url: Option<String>,
    /// `--redis-url` names a Redis Cluster: a comma-separated list of some of its nodes
    /// (`redis://10.0.0.1:7000,redis://10.0.0.2:7000`).
    #[arg(long, env = "SPLITTER_REDIS_CLUSTER")]
    pub redis_cluster: bool,
    /// Origins allowed by CORS, comma-separated (none by default: no CORS headers).
    #[arg(long, env = "SPLITTER_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "SPLITTER_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Longest a request may take, in milliseconds, before it is answered 408.
    #[arg(long, env = "SPLITTER_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// Database connections in the pool.
    #[arg(long, env = "SPLITTER_DB_POOL", default_value_t = 16)]
    pub db_pool: u32,
    /// A read replica's URL (MySQL/MariaDB with GTIDs): reads that may be served from a replica
    /// (a group's records on a cache miss, the list of groups, exports) go there once it has
    /// applied every transaction the primary had committed when the read began (read-your-writes);
    /// a replica that has not caught up within `--replica-wait-ms`, or is down, is passed over
    /// for the primary.
    #[arg(long, env = "SPLITTER_DATABASE_REPLICA_URL")]
    pub database_replica_url: Option<String>,
    /// Milliseconds a read waits for the replica to catch up before it goes to the primary.
    #[arg(long, env = "SPLITTER_REPLICA_WAIT_MS", default_value_t = 200)]
    pub replica_wait_ms: u64,
    /// Milliseconds a request waits for a database connection before it is answered 503.
    #[arg(long, env = "SPLITTER_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 5000)]
    pub db_acquire_timeout_ms: u64,
    /// Seconds a database connection is used at most before it is replaced (so that, after a
    /// failover, no connection to the old primary outlives it for long).
    #[arg(long, env = "SPLITTER_DB_MAX_LIFETIME_S", default_value_t = 1800)]
    pub db_max_lifetime_s: u64,
    /// Seconds an unused database connection is kept open.
    #[arg(long, env = "SPLITTER_DB_IDLE_TIMEOUT_S", default_value_t = 600)]
    pub db_idle_timeout_s: u64,
    /// Serve without applying the migrations (they are applied once, by `splitter-server
    /// migrate` run as a job). The server then starts while the database is down, and `/ready`
    /// says so until it answers.
    #[arg(long, env = "SPLITTER_NO_MIGRATE")]
    pub no_migrate: bool,
    /// Seconds to wait at start for the database to answer (to apply the migrations), trying
    /// again every second, before giving up.
    #[arg(long, env = "SPLITTER_DB_WAIT_S", default_value_t = 60)]
    pub db_wait_s: u64,
    /// On SIGTERM, milliseconds to go on serving with `/ready` failing, so that load balancers
    /// stop sending requests before the server stops accepting them. SIGINT (Ctrl-C), or a
    /// second signal, skips it.
    #[arg(long, env = "SPLITTER_DRAIN_DELAY_MS", default_value_t = 5000)]
    pub drain_delay_ms: u64,
    /// Seconds the requests in flight get to finish once the server stops accepting.
    #[arg(long, env = "SPLITTER_SHUTDOWN_TIMEOUT_S", default_value_t = 30)]
    pub shutdown_timeout_s: u64,
    /// Log level filter (`info`, `debug`, `splitter_server=debug`, ...).
    #[arg(long, env = "SPLITTER_LOG", default_value = "info")]
    pub log: String,
    /// Secret that signs access tokens: at least 32 bytes, not a repetition (`openssl rand
    /// -base64 32` makes one). Every instance behind one database needs the same one, so on
    /// MySQL/MariaDB it is required. On SQLite, without it, one is generated and kept in a file
    /// beside the database (`<file>.key`, mode 0600), and a warning says so.
    #[arg(long, env = "SPLITTER_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: Option<String>,
    /// A file holding the token secret (a mounted secret, say), instead of `--token-secret`.
    #[arg(long, env = "SPLITTER_TOKEN_SECRET_FILE", conflicts_with = "token_secret")]
    pub token_secret_file: Option<std::path::PathBuf>,
    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "SPLITTER_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,
    /// Lifetime of a refresh token (and of a session without use), in seconds.
    #[arg(long, env = "SPLITTER_REFRESH_TOKEN_TTL", default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl: u64,
    /// Requests per minute allowed per client address and, separately, per account (0: no limit).
    #[arg(long, env = "SPLITTER_RATE_LIMIT", default_value_t = 600)]
    pub rate_limit: u64,
    /// Login attempts allowed per account and client address in 15 minutes (an attempt counts
    /// from the moment it is made; a successful one is taken back).
    #[arg(long, env = "SPLITTER_LOGIN_ATTEMPTS", default_value_t = 5)]
    pub login_attempts: u64,
    /// Login attempts allowed per account from all addresses together in 15 minutes: bounds a
    /// guesser with many addresses; past it the account's logins wait until the window slides
    /// (existing sessions keep working).
    #[arg(long, env = "SPLITTER_LOGIN_ATTEMPTS_PER_ACCOUNT", default_value_t = 20)]
    pub login_attempts_per_account: u64,
    /// Bytes of computed reports each instance keeps in process (in front of Redis).
    #[arg(long, env = "SPLITTER_CACHE_MEMORY_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub cache_memory_bytes: usize,
    /// How long an `Idempotency-Key` and its stored response are kept, in seconds (then the key
    /// may be used again and the row is pruned).
    #[arg(long, env = "SPLITTER_IDEMPOTENCY_TTL", default_value_t = 24 * 3600)]
    pub idempotency_ttl: u64,
    /// Proxies (addresses or networks, comma-separated: `10.0.0.0/8,192.0.2.7`) whose
    /// `X-Forwarded-For` is believed: the client is the right-most entry that is not one of them.
    /// Their connections are not limited per address. None by default: the peer is the client.
    #[arg(long, env = "SPLITTER_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<crate::forwarded::Net>,
    /// Open connections at most (lowered to what the process's file descriptors allow).
    #[arg(long, env = "SPLITTER_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Open connections from one client address at most.
    #[arg(long, env = "SPLITTER_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    pub max_connections_per_address: usize,
    /// Milliseconds a client has to send a request's headers (from connecting, or from the
    /// previous response on a kept-alive connection).
    #[arg(long, env = "SPLITTER_HEADER_TIMEOUT_MS", default_value_t = 10_000)]
    pub header_timeout_ms: u64,
    /// Milliseconds a client has to send a request's body once its headers are in.
    #[arg(long, env = "SPLITTER_BODY_TIMEOUT_MS", default_value_t = 10_000)]
    pub body_timeout_ms: u64,
    /// Requests served on one kept-alive connection at most.
    #[arg(long, env = "SPLITTER_MAX_REQUESTS_PER_CONNECTION", default_value_t = 1000)]
    pub max_requests_per_connection: u64,
    /// Threads that compute reports (default: one per core).
    #[arg(long, env = "SPLITTER_COMPUTE_THREADS")]
    pub compute_threads: Option<usize>,
    /// Computations that may wait for a thread; past that, `429 busy`.
    #[arg(long, env = "SPLITTER_COMPUTE_QUEUE", default_value_t = 32)]
    pub compute_queue: usize,
    /// Threads that hash passwords (default: one per core; each hash holds 19 MiB).
    #[arg(long, env = "SPLITTER_HASH_THREADS")]
    pub hash_threads: Option<usize>,
    /// Password hashes that may wait for a thread; past that, `429 busy`.
    #[arg(long, env = "SPLITTER_HASH_QUEUE", default_value_t = 32)]
    pub hash_queue: usize,
    /// Workers that run queued import jobs in this instance (0: none; another instance runs
    /// them).
    #[arg(long, env = "SPLITTER_IMPORT_WORKERS", default_value_t = 1)]
    pub import_workers: usize,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Print the OpenAPI document and exit.
    Openapi,
    /// Check every group's kept balances against a computation from its records, to the minor
    /// unit; print one line per group and exit non-zero if any disagrees.
    Verify,
}

impl Config {
    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// The body read timeout.
    pub fn body_timeout(&self) -> Duration {
        Duration::from_millis(self.body_timeout_ms)
    }

    /// How the database pools are set up.
    pub fn pool_settings(&self) -> crate::db::PoolSettings {
        crate::db::PoolSettings {
            max_connections: self.db_pool,
            acquire_timeout: Duration::from_millis(self.db_acquire_timeout_ms.max(1)),
            max_lifetime: Duration::from_secs(self.db_max_lifetime_s.max(1)),
            idle_timeout: Duration::from_secs(self.db_idle_timeout_s.max(1)),
        }
    }

    /// The trusted proxies.
    pub fn proxies(&self) -> crate::forwarded::Proxies {
        crate::forwarded::Proxies(self.trusted_proxies.clone())
    }

    /// A configuration for tests and embedding: defaults with this database and Redis, a fixed
    /// token secret (every instance on one database must share one), no general rate limit (the
    /// login limit stays) and no per-address connection limit (tests all come from 127.0.0.1).
    pub fn for_urls(database_url: &str, redis_url: Option<&str>) -> Config {
        Config {
            listen: "127.0.0.1:0".into(),
            database_url: database_url.into(),
            redis_url: redis_url.map(str::to_string),
            redis_cluster: false,
            cors_origins: Vec::new(),
            body_limit: 1024 * 1024,
            request_timeout_ms: 10_000,
            db_pool: 16,
            database_replica_url: None,
            replica_wait_ms: 200,
            db_acquire_timeout_ms: 5000,
            db_max_lifetime_s: 1800,
            db_idle_timeout_s: 600,
            no_migrate: false,
            db_wait_s: 60,
            drain_delay_ms: 0,
            shutdown_timeout_s: 30,
            log: "warn".into(),
            token_secret: Some(TEST_SECRET.into()),
            token_secret_file: None,
            access_token_ttl: 900,
            refresh_token_ttl: 30 * 24 * 3600,
            rate_limit: 0,
            login_attempts: 5,
            login_attempts_per_account: 20,
            cache_memory_bytes: 64 * 1024 * 1024,
            idempotency_ttl: 24 * 3600,
            trusted_proxies: Vec::new(),
            max_connections: 1024,
            max_connections_per_address: 1024,
            header_timeout_ms: 10_000,
            body_timeout_ms: 10_000,
            max_requests_per_connection: 1000,
            compute_threads: None,
            compute_queue: 32,
            hash_threads: None,
            hash_queue: 32,
            import_workers: 1,
            command: None,
        }
    }
}
