//! Responses stored under their `Idempotency-Key`: `idempotency`.

use sqlx::{AnyConnection, AnyPool, Row};

use super::{text, Result};

/// A key's stored response.
#[derive(Debug, Clone)]
pub struct StoredRow {
    /// The HTTP status it was answered with.
    pub status: i64,
    /// Its body.
    pub response: String,
    /// SHA-256 (hex) of the request it answered.
    pub request_hash: String,
}

/// A response to store under its key.
#[derive(Debug, Clone, Copy)]
pub struct NewEntry<'a> {
    /// Whose keys these are (an account id; empty for anonymous requests).
    pub scope: &'a str,
    /// The client's key.
    pub key: &'a str,
    /// SHA-256 (hex) of the request.
    pub request_hash: &'a str,
    /// The HTTP status.
    pub status: i64,
    /// The body.
    pub response: &'a str,
    /// Unix seconds.
    pub created_at: i64,
}

/// The response stored under the key at or after `cutoff`, if any.
pub async fn lookup(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    cutoff: i64,
) -> Result<Option<StoredRow>> {
    let row = sqlx::query(
        "SELECT status, response, request_hash FROM idempotency WHERE scope = ? AND idem_key = ? AND created_at >= ?",
    )
    .bind(scope)
    .bind(key)
    .bind(cutoff)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(StoredRow {
            status: r.try_get(0)?,
            response: text(&r, 1)?,
            request_hash: r.try_get(2)?,
        })
    })
    .transpose()
}

/// Stores a response under its key. A row of the same key makes this fail with a unique
/// violation ([`super::DbError::is_unique_violation`]).
pub async fn insert(conn: &mut AnyConnection, e: NewEntry<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO idempotency (scope, idem_key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(e.scope)
    .bind(e.key)
    .bind(e.request_hash)
    .bind(e.status)
    .bind(e.response)
    .bind(e.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes the key's row if it was stored before `cutoff`; returns how many rows went (0 or 1).
pub async fn delete_expired(conn: &mut AnyConnection, scope: &str, key: &str, cutoff: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM idempotency WHERE scope = ? AND idem_key = ? AND created_at < ?")
        .bind(scope)
        .bind(key)
        .bind(cutoff)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes every key stored before `cutoff`; returns how many.
pub async fn prune(pool: &AnyPool, cutoff: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM idempotency WHERE created_at < ?")
        .bind(cutoff)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
