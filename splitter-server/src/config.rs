//! Configuration: command-line flags, each with an environment variable of the same meaning.

use std::time::Duration;

use clap::{Parser, Subcommand};

/// The default database: an SQLite file in the working directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://splitter.db?mode=rwc";

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
    /// Log level filter (`info`, `debug`, `splitter_server=debug`, ...).
    #[arg(long, env = "SPLITTER_LOG", default_value = "info")]
    pub log: String,
    /// Secret that signs access tokens (at least 32 bytes). Without it, one is generated on first
    /// start and stored in the database, so that every instance on that database shares it.
    #[arg(long, env = "SPLITTER_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: Option<String>,
    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "SPLITTER_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,
    /// Lifetime of a refresh token (and of a session without use), in seconds.
    #[arg(long, env = "SPLITTER_REFRESH_TOKEN_TTL", default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl: u64,
    /// Requests per minute allowed per client address and, separately, per account (0: no limit).
    #[arg(long, env = "SPLITTER_RATE_LIMIT", default_value_t = 600)]
    pub rate_limit: u64,
    /// Failed logins allowed per account and address in 15 minutes.
    #[arg(long, env = "SPLITTER_LOGIN_ATTEMPTS", default_value_t = 5)]
    pub login_attempts: u64,
    /// Bytes of computed reports each instance keeps in process (in front of Redis).
    #[arg(long, env = "SPLITTER_CACHE_MEMORY_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub cache_memory_bytes: usize,
    /// How long an `Idempotency-Key` and its stored response are kept, in seconds (then the key
    /// may be used again and the row is pruned).
    #[arg(long, env = "SPLITTER_IDEMPOTENCY_TTL", default_value_t = 24 * 3600)]
    pub idempotency_ttl: u64,
    /// Take the client address from the first `X-Forwarded-For` entry (only behind a proxy that
    /// sets it).
    #[arg(long, env = "SPLITTER_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
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
}

impl Config {
    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// A configuration for tests and embedding: defaults with this database and Redis, and no
    /// general rate limit (the login limit stays).
    pub fn for_urls(database_url: &str, redis_url: Option<&str>) -> Config {
        Config {
            listen: "127.0.0.1:0".into(),
            database_url: database_url.into(),
            redis_url: redis_url.map(str::to_string),
            cors_origins: Vec::new(),
            body_limit: 1024 * 1024,
            request_timeout_ms: 10_000,
            db_pool: 16,
            log: "warn".into(),
            token_secret: None,
            access_token_ttl: 900,
            refresh_token_ttl: 30 * 24 * 3600,
            rate_limit: 0,
            login_attempts: 5,
            cache_memory_bytes: 64 * 1024 * 1024,
            idempotency_ttl: 24 * 3600,
            trust_forwarded_for: false,
            command: None,
        }
    }
}
