//! Housekeeping: every instance, now and then, deletes rows nothing will read again, so that
//! tables do not grow without end. The deletes are idempotent (several instances may run them
//! at once) and each goes through an index.
//!
//! - `idempotency`: keys older than `--idempotency-ttl`;
//! - `refresh_tokens`: tokens that expired more than `--refresh-token-ttl` ago. A used token is
//!   kept that long past its expiry so that replaying it still revokes its session (the theft
//!   signal of rotation) well after it stopped working.

use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyPool;

use crate::db::{self, seconds_before};
use crate::state::Shared;

/// How often an instance prunes.
pub const PERIOD: Duration = Duration::from_secs(600);

/// What one pass deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    /// Idempotency keys.
    pub idempotency_keys: u64,
    /// Refresh tokens.
    pub refresh_tokens: u64,
}

/// One pass at `now`.
pub async fn prune(pool: &AnyPool, config: &crate::Config, now: i64) -> db::Result<Pruned> {
    let idempotency_keys =
        crate::idempotency::prune(pool, seconds_before(now, config.idempotency_ttl)).await?;
    let refresh_tokens =
        db::accounts::prune_refresh_tokens(pool, seconds_before(now, config.refresh_token_ttl)).await?;
    Ok(Pruned {
        idempotency_keys,
        refresh_tokens,
    })
}

/// Prunes now and then every `period`, while the state lives.
pub fn spawn(state: &Shared, period: Duration) {
    let weak = Arc::downgrade(state);
    tokio::spawn(async move {
        loop {
            let Some(s) = weak.upgrade() else { return };
            match prune(&s.store.pool, &s.config, s.now()).await {
                Ok(p) if p != Pruned::default() => tracing::info!(?p, "pruned"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pruning failed"),
            }
            drop(s);
            tokio::time::sleep(period).await;
        }
    });
}
