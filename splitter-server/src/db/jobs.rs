//! Import jobs: `jobs`, a durable queue in the database. A job is claimed under a lease by one
//! worker at a time; its progress renews the lease; its completion is written in the same
//! transaction as its effect and only by the lease's owner (a fence: a worker that lost its lease,
//! say after a long pause, cannot complete the job a second time).

use sqlx::{AnyConnection, AnyPool, Row};

use super::{opt_text, text, Backend, Result, Store};

/// A job as its worker and its status endpoint see it.
#[derive(Debug, Clone)]
pub struct JobRow {
    /// Its id.
    pub id: String,
    /// The account that asked for it.
    pub account: String,
    /// `json` or `splitwise`.
    pub kind: String,
    /// The new group's name.
    pub name: String,
    /// The member linked to the account, if asked.
    pub me: Option<String>,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// `queued`, `reading`, `checking`, `writing`, `done` or `failed`.
    pub phase: String,
    /// Records checked so far.
    pub done: i64,
    /// Records in the import (known once it is read).
    pub total: i64,
    /// How many times it was claimed.
    pub attempts: i64,
    /// The new group (JSON), once done.
    pub result: Option<String>,
    /// The error object (JSON), once failed.
    pub error: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// A new job's row.
#[derive(Debug, Clone, Copy)]
pub struct NewJob<'a> {
    /// Its id.
    pub id: &'a str,
    /// The account that asks.
    pub account: &'a str,
    /// `json` or `splitwise`.
    pub kind: &'a str,
    /// The new group's name.
    pub name: &'a str,
    /// The member linked to the account, if asked.
    pub me: Option<&'a str>,
    /// The request body.
    pub payload: &'a str,
    /// Unix seconds.
    pub now: i64,
}

const COLUMNS: &str = "id, account_id, kind, name, me, status, phase, done, total, attempts, result, error, \
                       created_at, updated_at";

fn row_of(r: &sqlx::any::AnyRow) -> std::result::Result<JobRow, sqlx::Error> {
    Ok(JobRow {
        id: text(r, 0)?,
        account: text(r, 1)?,
        kind: text(r, 2)?,
        name: text(r, 3)?,
        me: opt_text(r, 4)?,
        status: text(r, 5)?,
        phase: text(r, 6)?,
        done: r.try_get(7)?,
        total: r.try_get(8)?,
        attempts: r.try_get(9)?,
        result: opt_text(r, 10)?,
        error: opt_text(r, 11)?,
        created_at: r.try_get(12)?,
        updated_at: r.try_get(13)?,
    })
}

/// Queues a job (in the caller's transaction, with its idempotency record).
pub async fn insert(conn: &mut AnyConnection, job: NewJob<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (id, account_id, kind, name, me, payload, status, phase, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, 'queued', 'queued', ?, ?)",
    )
    .bind(job.id)
    .bind(job.account)
    .bind(job.kind)
    .bind(job.name)
    .bind(job.me)
    .bind(job.payload)
    .bind(job.now)
    .bind(job.now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The account's job `id`.
pub async fn get(pool: &AnyPool, account: &str, id: &str) -> Result<Option<JobRow>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM jobs WHERE id = ? AND account_id = ?"
    ))
    .bind(id)
    .bind(account)
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(row_of).transpose()?)
}

/// A claimed job: its row and its payload.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The job.
    pub job: JobRow,
    /// The request body it was queued with.
    pub payload: String,
}

/// Claims the oldest job that is queued or whose lease ran out before `now`, for `owner` until
/// `lease_until`; `None` when there is none. A job already claimed `max_attempts` times is failed
/// instead (with `error`), and the next one is looked at.
pub async fn claim(
    store: &Store,
    owner: &str,
    now: i64,
    lease_until: i64,
    max_attempts: i64,
    error: &str,
) -> Result<Option<Claimed>> {
    // MariaDB: workers skip each other's claimed rows; SQLite: one writer at a time anyway.
    let lock = match store.backend {
        Backend::MySql => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    loop {
        let mut tx = store.begin_write().await?;
        let found = sqlx::query(&format!(
            "SELECT id, attempts FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_until < ?) \
             ORDER BY created_at, id LIMIT 1{lock}"
        ))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(found) = found else {
            super::commit(tx).await?;
            return Ok(None);
        };
        let id = text(&found, 0)?;
        let attempts: i64 = found.try_get(1)?;
        if attempts >= max_attempts {
            sqlx::query(
                "UPDATE jobs SET status = 'failed', phase = 'failed', error = ?, owner = NULL, updated_at = ? \
                 WHERE id = ?",
            )
            .bind(error)
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            super::commit(tx).await?;
            continue;
        }
        sqlx::query(
            "UPDATE jobs SET status = 'running', phase = 'reading', owner = ?, lease_until = ?, \
             attempts = attempts + 1, updated_at = ? WHERE id = ?",
        )
        .bind(owner)
        .bind(lease_until)
        .bind(now)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS}, payload FROM jobs WHERE id = ?"))
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        let claimed = Claimed {
            job: row_of(&row)?,
            payload: text(&row, 14)?,
        };
        super::commit(tx).await?;
        return Ok(Some(claimed));
    }
}

/// A running job's progress.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The phase.
    pub phase: &'a str,
    /// Records checked.
    pub done: i64,
    /// Records in all.
    pub total: i64,
}

/// Records progress and renews the lease until `lease_until`; false when `owner` no longer holds
/// it.
pub async fn progress(
    pool: &AnyPool,
    id: &str,
    owner: &str,
    p: Progress<'_>,
    now: i64,
    lease_until: i64,
) -> Result<bool> {
    let Progress { phase, done, total } = p;
    let r = sqlx::query(
        "UPDATE jobs SET phase = ?, done = ?, total = ?, lease_until = ?, updated_at = ? \
         WHERE id = ? AND owner = ? AND status = 'running'",
    )
    .bind(phase)
    .bind(done)
    .bind(total)
    .bind(lease_until)
    .bind(now)
    .bind(id)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Completes the job with `result` (`records` imported), in the transaction of its effect;
/// false (the caller rolls back) when `owner` no longer holds its lease.
pub async fn finish(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    result: &str,
    records: i64,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE jobs SET status = 'done', phase = 'done', done = ?, total = ?, result = ?, owner = NULL, \
         payload = '', updated_at = ? WHERE id = ? AND owner = ? AND status = 'running'",
    )
    .bind(records)
    .bind(records)
    .bind(result)
    .bind(now)
    .bind(id)
    .bind(owner)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Fails the job with `error` (the contract's error object), if `owner` still holds its lease.
pub async fn fail(pool: &AnyPool, id: &str, owner: &str, error: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE jobs SET status = 'failed', phase = 'failed', error = ?, owner = NULL, payload = '', \
         updated_at = ? WHERE id = ? AND owner = ? AND status = 'running'",
    )
    .bind(error)
    .bind(now)
    .bind(id)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Deletes every job of the account. A job a worker is running then fails its next lease
/// renewal or its completion (both fenced by the job's row), so its import never commits.
pub async fn delete_for_account(conn: &mut AnyConnection, account: &str) -> Result<()> {
    sqlx::query("DELETE FROM jobs WHERE account_id = ?")
        .bind(account)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
