//! `Idempotency-Key` on every POST and on the deletion of a group or an account: the first
//! response is stored with the key, in the same transaction as the request's effect; a retry
//! with the same key and the same request gets that response back (and changes nothing); the
//! same key with another request is refused with
//! `422 idempotency_key_reused`. Keys are kept for `--idempotency-ttl` (24 hours by default):
//! after that a key is new again, and [`crate::housekeeping`] deletes the old rows.

use std::future::Future;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool};

use crate::db;
use crate::http::{ApiError, Code};
use crate::state::Shared;

/// The header.
pub const HEADER: &str = "idempotency-key";
/// Set on a replayed response.
pub const REPLAYED: &str = "idempotent-replayed";
/// The code of a race lost to a concurrent request with the same key (never sent to clients).
const RACE: Code = Code::IdempotencyRace;

/// A request's key and the hash of what it asked.
#[derive(Debug, Clone)]
pub struct Idem {
    /// Whose keys these are: the account id (empty for an anonymous `/v1/compute`).
    pub scope: String,
    /// The client's key.
    pub key: String,
    /// SHA-256 of method, path and body.
    pub hash: String,
    /// Rows of this key stored before this Unix second have expired (set by [`run`]).
    pub cutoff: i64,
}

/// A stored response.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its status.
    pub status: u16,
    /// Its body.
    pub body: String,
    hash: String,
}

/// A response a writing handler made: status and JSON body (what is stored with the key), and
/// the record's revision for an `ETag` (not stored: a replay of a creation is at revision 1).
#[derive(Debug, Clone)]
pub struct Made {
    /// The status.
    pub status: StatusCode,
    /// The JSON body (empty for `204`).
    pub body: String,
    /// The changed record's revision, sent as its `ETag`.
    pub etag: Option<i64>,
}

impl Made {
    /// A status and a JSON body, without an ETag.
    pub fn new(status: StatusCode, body: String) -> Made {
        Made {
            status,
            body,
            etag: None,
        }
    }
}

impl IntoResponse for Made {
    fn into_response(self) -> Response {
        let mut r = if self.status == StatusCode::NO_CONTENT {
            StatusCode::NO_CONTENT.into_response()
        } else {
            json_response(self.status, self.body)
        };
        if let Some(rev) = self.etag {
            if let Ok(v) = HeaderValue::from_str(&format!("\"{rev}\"")) {
                r.headers_mut().insert(axum::http::header::ETAG, v);
            }
        }
        r
    }
}

pub use crate::http::json_response;

/// The request's key, if it sent one (1 to 255 visible ASCII characters), in `scope` (the
/// account's id), so that two accounts' keys never meet.
pub fn from_request(
    scope: &str,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<Option<Idem>, ApiError> {
    let Some(v) = headers.get(HEADER) else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::invalid_input(
                "Idempotency-Key",
                "an Idempotency-Key has 1 to 255 visible ASCII characters",
            )
        })?;
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    let hash = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Some(Idem {
        scope: scope.to_string(),
        key: key.to_string(),
        hash,
        cutoff: i64::MIN,
    }))
}

/// The live response stored under the key, if any (read on `conn`: inside a write transaction
/// after the group's lock, it sees every write that committed before).
pub async fn lookup(conn: &mut AnyConnection, idem: &Idem) -> Result<Option<Stored>, ApiError> {
    let row = db::idempotency::lookup(conn, &idem.scope, &idem.key, idem.cutoff).await?;
    Ok(row.map(|r| Stored {
        status: u16::try_from(r.status).unwrap_or(200),
        body: r.response,
        hash: r.request_hash,
    }))
}

/// The stored response, replayed (`Idempotent-Replayed: true`), or `422
/// idempotency_key_reused` when the key was used for another request.
pub fn replay(idem: &Idem, stored: Stored) -> Result<Response, ApiError> {
    if stored.hash != idem.hash {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::IdempotencyKeyReused,
            "Idempotency-Key",
            "this Idempotency-Key was used for a different request",
        ));
    }
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut r = if status == StatusCode::NO_CONTENT {
        StatusCode::NO_CONTENT.into_response()
    } else {
        json_response(status, stored.body)
    };
    r.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
    Ok(r)
}

/// Records the response under the key, inside the request's transaction. A concurrent request
/// with the same key that committed first makes this fail; [`run`] then replays its response.
/// An expired row of the key makes way; nothing is deleted otherwise (a delete of a key that is
/// not there takes gap locks on MySQL, and two of those deadlock each other's inserts).
pub async fn record(
    conn: &mut AnyConnection,
    idem: Option<&Idem>,
    made: &Made,
    now: i64,
) -> Result<(), ApiError> {
    let Some(idem) = idem else { return Ok(()) };
    for _ in 0..2 {
        let entry = db::idempotency::NewEntry {
            scope: &idem.scope,
            key: &idem.key,
            request_hash: &idem.hash,
            status: i64::from(made.status.as_u16()),
            response: &made.body,
            created_at: now,
        };
        match db::idempotency::insert(conn, entry).await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_unique_violation() => {
                let expired =
                    db::idempotency::delete_expired(conn, &idem.scope, &idem.key, idem.cutoff).await?;
                if expired == 0 {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        RACE,
                        "Idempotency-Key",
                        "a concurrent request with this key won",
                    ));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::internal("idempotency key neither inserted nor found"))
}

/// Sets the key's expiry cutoff from the state's clock and configuration.
pub fn with_cutoff(state: &Shared, mut idem: Option<Idem>) -> Option<Idem> {
    if let Some(i) = &mut idem {
        i.cutoff = crate::db::seconds_before(state.now(), state.config.idempotency_ttl);
    }
    idem
}

/// The live answer stored under the request's key, if it sent one and one is stored (read
/// outside any transaction).
pub async fn stored(state: &Shared, idem: Option<&Idem>) -> Result<Option<Stored>, ApiError> {
    let Some(i) = idem else { return Ok(None) };
    let mut conn = state.store.acquire().await?;
    lookup(&mut conn, i).await
}

/// Runs a POST handler's effect under the request's key, for writes outside any group (a new
/// group): a stored response is replayed (or the key refused if the request differs); otherwise
/// `effect` runs and records its response with [`record`] in its own transaction.
pub async fn run<F, Fut>(state: &Shared, idem: Option<Idem>, effect: F) -> Result<Response, ApiError>
where
    F: FnOnce(Option<Idem>) -> Fut,
    Fut: Future<Output = Result<Made, ApiError>>,
{
    let idem = with_cutoff(state, idem);
    if let Some(i) = &idem {
        let mut conn = state.store.acquire().await?;
        if let Some(stored) = lookup(&mut conn, i).await? {
            return replay(i, stored);
        }
    }
    match effect(idem.clone()).await {
        Ok(made) => Ok(made.into_response()),
        Err(e) if e.code == RACE => {
            let i = idem.ok_or_else(|| ApiError::internal("race without a key"))?;
            let mut conn = state.store.acquire().await?;
            match lookup(&mut conn, &i).await? {
                Some(stored) => replay(&i, stored),
                None => Err(ApiError::internal("idempotency record vanished")),
            }
        }
        Err(e) => Err(e),
    }
}

/// Deletes the keys stored before `cutoff`; returns how many.
pub async fn prune(pool: &AnyPool, cutoff: i64) -> db::Result<u64> {
    db::idempotency::prune(pool, cutoff).await
}
