//! What every handler shares: the application state.

use std::sync::Arc;

use crate::cache::Cache;
use crate::clock::Clock;
use crate::config::Config;
use crate::cpu::Pool;
use crate::db::Store;
use crate::limits::Limiter;
use crate::metrics::Metrics;
use crate::tokens::Tokens;

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The report cache.
    pub cache: Arc<Cache>,
    /// Request metrics.
    pub metrics: Metrics,
    /// The access-token key and lifetimes.
    pub tokens: Tokens,
    /// Rate-limit counters (in Redis when configured).
    pub limiter: Limiter,
    /// The configuration it was started with.
    pub config: Config,
    /// The wall clock (a test moves its own).
    pub clock: Arc<dyn Clock>,
    /// Threads that compute reports.
    pub compute: Pool,
    /// Threads that hash passwords.
    pub hashing: Pool,
    /// Connection counters (the serving loop's).
    pub connections: Arc<crate::serve::ConnectionStats>,
    /// Woken when this instance queues an import job (its workers need not wait for their poll).
    pub jobs_queued: Arc<tokio::sync::Notify>,
    /// Set once a shutdown signal came: `/ready` fails so that load balancers stop sending.
    pub draining: std::sync::atomic::AtomicBool,
}

impl AppState {
    /// Unix seconds now, by the state's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// The state as handlers receive it.
pub type Shared = Arc<AppState>;

impl crate::http::BodyTimeout for Shared {
    fn body_timeout(&self) -> std::time::Duration {
        self.config.body_timeout()
    }
}
