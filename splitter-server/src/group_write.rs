//! One write to a group, the same way for every writing handler (`group_write!`):
//!
//! 1. a write transaction (SQLite takes its write lock at once);
//! 2. the group's lock, folded into the access check ([`crate::auth::lock_member`]): the version
//!    is bumped, `take` record numbers are reserved, and writers of one group queue here;
//! 3. under that lock, the request's `Idempotency-Key` is looked up again: a concurrent retry
//!    that got the lock first has committed by now, so its response is replayed (and this
//!    transaction, with its bump, rolled back) instead of doing the change twice;
//! 4. the handler's change (its body), which writes the records and the activity entry;
//! 5. the response stored under the key, and the commit.
//!
//! The whole of it runs again when the database reports a conflict a retry may cure (a MySQL
//! deadlock, a busy SQLite), at most a few times (`db::retrying!`).

use axum::response::{IntoResponse, Response};

use crate::http::{ApiError, ApiResult};
use crate::idempotency::{self, Idem, Made, Stored};

/// What one attempt ended with.
pub enum Done {
    /// The change was made; this is its response.
    Made(Made),
    /// An earlier request with the same key made it; this is its stored response.
    Replay(Stored),
}

/// The answer to a finished write.
pub fn answer(done: ApiResult<Done>, idem: Option<&Idem>) -> ApiResult<Response> {
    match (done?, idem) {
        (Done::Made(made), _) => Ok(made.into_response()),
        (Done::Replay(stored), Some(i)) => idempotency::replay(i, stored),
        (Done::Replay(_), None) => Err(ApiError::internal("a replay without a key")),
    }
}

/// `group_write!(state, me, gid, idem, take, |tx, lock| { ... })`: runs the block as one write
/// to group `gid` by `me` (see the module's steps) and evaluates to the handler's answer
/// (`ApiResult<Response>`). The block sees `tx: &mut AnyConnection` and `lock: &Lock`, evaluates
/// to the [`Made`] response, and leaves early with `?` or `return Err(..)`.
macro_rules! group_write {
    ($state:expr, $me:expr, $gid:expr, $idem:expr, $take:expr, |$tx:ident, $lock:ident| $body:block) => {{
        let state: &$crate::state::Shared = $state;
        let idem = $crate::idempotency::with_cutoff(state, $idem);
        let done = $crate::db::retrying!(async {
            let mut tx = state.store.begin_write().await?;
            let lock = $crate::auth::lock_member(state, &mut tx, $me, $gid, $take).await?;
            if let Some(i) = &idem {
                if let Some(stored) = $crate::idempotency::lookup(&mut tx, i).await? {
                    return Ok($crate::group_write::Done::Replay(stored));
                }
            }
            let made: $crate::idempotency::Made = {
                let $tx: &mut sqlx::AnyConnection = &mut tx;
                let $lock: &$crate::auth::Lock = &lock;
                $body
            };
            $crate::idempotency::record(&mut tx, idem.as_ref(), &made, state.now()).await?;
            $crate::db::commit(tx).await?;
            Ok::<_, $crate::http::ApiError>($crate::group_write::Done::Made(made))
        });
        $crate::group_write::answer(done, idem.as_ref())
    }};
}
pub(crate) use group_write;
