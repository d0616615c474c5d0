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

    /// A configuration for tests and embedding: defaults with this database and Redis.
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
            command: None,
        }
    }
}
