//! Storage: one set of queries for SQLite and MySQL/MariaDB through sqlx's `Any` driver (both
//! take `?` placeholders), with a migration folder per backend.
//!
//! Every write runs in one transaction whose first statement bumps the group's `version` (which
//! also takes the group's row lock, so writes to one group are serialized and SQLite's write lock
//! is taken up front). Reads that feed the cache take one consistent snapshot.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::any::AnyRow;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Row, Transaction};

use crate::http::ApiError;
use crate::records::{GroupHead, StoredMember};

/// Which database the server talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (the default).
    Sqlite,
    /// MySQL or MariaDB.
    MySql,
}

impl Backend {
    /// The backend a URL names.
    pub fn of(url: &str) -> Backend {
        if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            Backend::MySql
        } else {
            Backend::Sqlite
        }
    }

    /// `"sqlite"` or `"mysql"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::MySql => "mysql",
        }
    }
}

/// The database pool and which backend it is.
#[derive(Debug, Clone)]
pub struct Store {
    /// The pool (its size and idle count are exported in `/metrics`).
    pub pool: AnyPool,
    /// The backend.
    pub backend: Backend,
}

/// A group's row.
#[derive(Debug, Clone)]
pub struct GroupRow {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Rates as a JSON object of decimal strings.
    pub rates: String,
    /// Bumped by every write.
    pub version: i64,
    /// Last record number handed out.
    pub seq: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// `group` or `each` (the contract's `options.balances_in`).
    pub balances_in: String,
    /// Share rows its live expenses hold.
    pub share_rows: i64,
}

/// Everything needed to compute a group, read in one snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The group's row.
    pub group: GroupRow,
    /// Currency, rates and members.
    pub head: GroupHead,
    /// Live expenses' canonical JSON, in order.
    pub expenses: Vec<String>,
    /// Live payments' canonical JSON, in order.
    pub payments: Vec<String>,
}

/// A stored expense or payment.
#[derive(Debug, Clone)]
pub struct RecordRow {
    /// Its number within the group (the pagination cursor).
    pub seq: i64,
    /// The canonical JSON.
    pub body: String,
    /// Bumped by every change (the ETag); payments are never changed, so 1.
    pub revision: i64,
    /// Soft-deleted (undo brings it back).
    pub deleted: bool,
    /// Share rows it holds (expenses; 0 for payments).
    pub parts: i64,
}

/// A text column: MySQL's TEXT types reach the `Any` driver as blobs, SQLite's as text.
pub fn text(row: &AnyRow, i: usize) -> Result<String, sqlx::Error> {
    match row.try_get::<String, _>(i) {
        Ok(s) => Ok(s),
        Err(_) => {
            let bytes: Vec<u8> = row.try_get(i)?;
            String::from_utf8(bytes).map_err(|e| sqlx::Error::Decode(Box::new(e)))
        }
    }
}

/// A nullable text column.
pub fn opt_text(row: &AnyRow, i: usize) -> Result<Option<String>, sqlx::Error> {
    match row.try_get::<Option<String>, _>(i) {
        Ok(s) => Ok(s),
        Err(_) => {
            let bytes: Option<Vec<u8>> = row.try_get(i)?;
            bytes
                .map(|b| String::from_utf8(b).map_err(|e| sqlx::Error::Decode(Box::new(e))))
                .transpose()
        }
    }
}

/// What kind of database failure an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// A conflict with a concurrent transaction (MySQL deadlock 1213 or lock wait timeout 1205,
    /// SQLite busy or locked): running the whole transaction again may succeed.
    Conflict,
    /// The database cannot serve now: unreachable, connection lost, read-only (a replica or a
    /// primary being demoted), shutting down, or the pool exhausted.
    Unavailable,
    /// Anything else: a bug of ours or a broken database.
    Other,
}

/// Sorts a database error into [`Trouble`].
pub fn trouble(e: &sqlx::Error) -> Trouble {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => Trouble::Unavailable,
        sqlx::Error::Database(db) => {
            if let Some(m) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                return match m.number() {
                    1205 | 1213 => Trouble::Conflict,
                    // Read-only (--read-only / super-read-only), server shutdown, lost or killed
                    // connection, too many connections, disconnected for inactivity.
                    1290 | 1836 | 1053 | 1040 | 1927 | 2006 | 2013 | 4031 => Trouble::Unavailable,
                    _ => Trouble::Other,
                };
            }
            match db.code().as_deref() {
                // SQLITE_BUSY, _RECOVERY, _SNAPSHOT, _TIMEOUT; SQLITE_LOCKED, _SHAREDCACHE.
                Some("5" | "261" | "517" | "773" | "6" | "262") => Trouble::Conflict,
                // SQLITE_READONLY and its extended codes.
                Some(c) if c == "8" || c.parse::<u32>().is_ok_and(|n| n & 0xff == 8) => Trouble::Unavailable,
                _ => Trouble::Other,
            }
        }
        _ => Trouble::Other,
    }
}

/// Runs a future made by `$attempt` (an `async` block holding a whole transaction: begin, work,
/// commit; its tail annotated `Ok::<_, ApiError>(..)`) again while it fails with a conflict a
/// retry may cure, at most 4 more times with a short random backoff; then its last error (`503
/// unavailable`). A macro rather than a function taking a closure: the block borrows the
/// handler's locals, which an async closure's future cannot do and still be `Send`.
macro_rules! retrying {
    ($attempt:expr) => {{
        let mut tries = 0u32;
        loop {
            match $attempt.await {
                Err(e) if e.retry && tries < 4 => {
                    tries += 1;
                    $crate::store::backoff(tries).await;
                }
                other => break other,
            }
        }
    }};
}
pub(crate) use retrying;

/// Waits before retry number `tries`: 10, 20, 40, 80 ms, plus up to 15 ms at random.
pub async fn backoff(tries: u32) {
    let mut b = [0u8; 1];
    let _ = getrandom::getrandom(&mut b);
    let ms = (5u64 << tries.min(6)) + u64::from(b[0] % 16);
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// The SQLite file a URL names (`sqlite://FILE?...`, `sqlite:FILE`); `None` for memory.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or("");
    if file.is_empty() || file == ":memory:" || url.contains("mode=memory") {
        return None;
    }
    Some(PathBuf::from(file))
}

/// Creates `path` readable and writable by its owner only (0600), holding `bytes`; fails if it
/// exists.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// The Unix second `secs` seconds before `now` (saturating): the cutoff of a time to live.
pub fn seconds_before(now: i64, secs: u64) -> i64 {
    now.saturating_sub(i64::try_from(secs).unwrap_or(i64::MAX))
}

impl Store {
    /// Connects (creating the SQLite file, readable by its owner only, if needed).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url);
        if let Some(file) = sqlite_file(url) {
            // SQLite gives its -wal and -shm files the database file's mode.
            match write_private(&file, b"") {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(sqlx::Error::Io(e)),
            }
        }
        let options: AnyConnectOptions = url.parse()?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store { pool, backend })
    }

    /// Applies the backend's migrations (idempotent). On MySQL, instances starting together take
    /// a named lock first, so that one applies them and the others find them applied.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await,
            Backend::MySql => {
                let mut conn = self.pool.acquire().await?;
                sqlx::query("SELECT GET_LOCK('splitter_migrate', 60)")
                    .execute(&mut *conn)
                    .await?;
                let done = sqlx::migrate!("migrations/mysql").run(&mut *conn).await;
                let _ = sqlx::query("SELECT RELEASE_LOCK('splitter_migrate')")
                    .execute(&mut *conn)
                    .await;
                done
            }
        }
    }

    /// A transaction that writes: on SQLite it takes the write lock at once (`BEGIN IMMEDIATE`,
    /// waiting up to the busy timeout), so that it never has to upgrade a read lock, which
    /// SQLite refuses at once with "database is locked" when another writer got there first.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::MySql => self.pool.begin().await,
        }
    }

    /// True when the database answers within a second.
    pub async fn ping(&self) -> bool {
        matches!(
            tokio::time::timeout(
                Duration::from_secs(1),
                sqlx::query("SELECT 1").execute(&self.pool)
            )
            .await,
            Ok(Ok(_))
        )
    }

    /// The group's version (one primary-key lookup): what every cache key carries.
    pub async fn version(&self, gid: &str) -> Result<Option<i64>, ApiError> {
        let row = sqlx::query("SELECT version FROM `groups` WHERE id = ?")
            .bind(gid)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?)
    }
}

/// Bumps the group's version (and its record counter by `take`), locking the group for the rest
/// of the transaction. Returns the new `(version, seq)`, or `None` if there is no such group.
pub async fn lock_group(
    conn: &mut AnyConnection,
    gid: &str,
    take: i64,
) -> Result<Option<(i64, i64)>, ApiError> {
    let done = sqlx::query("UPDATE `groups` SET version = version + 1, seq = seq + ? WHERE id = ?")
        .bind(take)
        .bind(gid)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    let row = sqlx::query("SELECT version, seq FROM `groups` WHERE id = ?")
        .bind(gid)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some((row.try_get(0)?, row.try_get(1)?)))
}

/// The group's row.
pub async fn group_row(conn: &mut AnyConnection, gid: &str) -> Result<Option<GroupRow>, ApiError> {
    let row = sqlx::query(
        "SELECT id, name, currency, rates, version, seq, created_at, balances_in, share_rows FROM `groups` WHERE id = ?",
    )
    .bind(gid)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(GroupRow {
            id: r.try_get(0)?,
            name: r.try_get(1)?,
            currency: r.try_get(2)?,
            rates: text(&r, 3)?,
            version: r.try_get(4)?,
            seq: r.try_get(5)?,
            created_at: r.try_get(6)?,
            balances_in: text(&r, 7)?,
            share_rows: r.try_get(8)?,
        })
    })
    .transpose()
}

/// Every member of the group (removed ones too), in order.
pub async fn members(conn: &mut AnyConnection, gid: &str) -> Result<Vec<StoredMember>, ApiError> {
    let rows =
        sqlx::query("SELECT member_id, name, removed FROM members WHERE group_id = ? ORDER BY position")
            .bind(gid)
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|r| {
            Ok(StoredMember {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                removed: r.try_get::<i64, _>(2)? != 0,
            })
        })
        .collect()
}

/// Rates text (a JSON object of strings) as pairs.
pub fn rates_pairs(text: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text) {
        Ok(map) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The group's head (currency, rates, members).
pub async fn head(conn: &mut AnyConnection, gid: &str) -> Result<Option<(GroupRow, GroupHead)>, ApiError> {
    let Some(group) = group_row(conn, gid).await? else {
        return Ok(None);
    };
    let members = members(conn, gid).await?;
    let head = GroupHead {
        currency: group.currency.clone(),
        rates: rates_pairs(&group.rates),
        members,
        balances_in: group.balances_in.clone(),
    };
    Ok(Some((group, head)))
}

/// Everything needed to compute the group, read on `conn` (inside a transaction for a
/// consistent snapshot).
pub async fn snapshot(conn: &mut AnyConnection, gid: &str) -> Result<Option<Snapshot>, ApiError> {
    let Some((group, head)) = head(conn, gid).await? else {
        return Ok(None);
    };
    let expenses = bodies(
        conn,
        "SELECT body FROM expenses WHERE group_id = ? AND deleted = 0 ORDER BY seq",
        gid,
    )
    .await?;
    let payments = bodies(
        conn,
        "SELECT body FROM payments WHERE group_id = ? AND deleted = 0 ORDER BY seq",
        gid,
    )
    .await?;
    Ok(Some(Snapshot {
        group,
        head,
        expenses,
        payments,
    }))
}

async fn bodies(conn: &mut AnyConnection, query: &str, gid: &str) -> Result<Vec<String>, ApiError> {
    let rows = sqlx::query(query).bind(gid).fetch_all(&mut *conn).await?;
    rows.into_iter().map(|r| Ok(text(&r, 0)?)).collect()
}

/// One expense or payment by id (deleted ones too).
pub async fn record(
    conn: &mut AnyConnection,
    table: Table,
    gid: &str,
    id: &str,
) -> Result<Option<RecordRow>, ApiError> {
    let q = match table {
        Table::Expenses => {
            "SELECT seq, body, revision, deleted, parts FROM expenses WHERE group_id = ? AND id = ?"
        }
        Table::Payments => "SELECT seq, body, 1, deleted, 0 FROM payments WHERE group_id = ? AND id = ?",
    };
    let row = sqlx::query(q)
        .bind(gid)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| {
        Ok(RecordRow {
            seq: r.try_get(0)?,
            body: text(&r, 1)?,
            revision: r.try_get(2)?,
            deleted: r.try_get::<i64, _>(3)? != 0,
            parts: r.try_get(4)?,
        })
    })
    .transpose()
}

/// Adds `delta` to the group's share rows (the caller holds the group's lock).
pub async fn add_share_rows(conn: &mut AnyConnection, gid: &str, delta: i64) -> Result<(), ApiError> {
    if delta != 0 {
        sqlx::query("UPDATE `groups` SET share_rows = share_rows + ? WHERE id = ?")
            .bind(delta)
            .bind(gid)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Which record table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `expenses`
    Expenses,
    /// `payments`
    Payments,
}

/// Filters of the expense list.
#[derive(Debug, Clone, Default)]
pub struct ExpenseFilter {
    /// Only expenses dated on or after this day.
    pub from: Option<String>,
    /// Only expenses dated on or before this day.
    pub to: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only expenses naming this member (as payer or sharer).
    pub member: Option<String>,
    /// Only after this record number (the cursor).
    pub after: i64,
    /// At most this many.
    pub limit: i64,
}

/// A page of live expenses (one more than `limit` if there is a next page).
pub async fn list_expenses(pool: &AnyPool, gid: &str, f: &ExpenseFilter) -> Result<Vec<RecordRow>, ApiError> {
    let mut q =
        String::from("SELECT seq, body, revision, deleted FROM expenses WHERE group_id = ? AND deleted = 0");
    if f.from.is_some() {
        q.push_str(" AND date >= ?");
    }
    if f.to.is_some() {
        q.push_str(" AND date <= ?");
    }
    if f.category.is_some() {
        q.push_str(" AND category = ?");
    }
    if f.member.is_some() {
        q.push_str(" AND seq IN (SELECT seq FROM expense_members WHERE group_id = ? AND member_id = ?)");
    }
    q.push_str(" AND seq > ? ORDER BY seq LIMIT ?");
    let mut query = sqlx::query(&q).bind(gid);
    for v in [&f.from, &f.to, &f.category].into_iter().flatten() {
        query = query.bind(v.clone());
    }
    if let Some(m) = &f.member {
        query = query.bind(gid).bind(m.clone());
    }
    let rows = query.bind(f.after).bind(f.limit + 1).fetch_all(pool).await?;
    rows.into_iter()
        .map(|r| {
            Ok(RecordRow {
                seq: r.try_get(0)?,
                body: text(&r, 1)?,
                revision: r.try_get(2)?,
                deleted: false,
                parts: 0,
            })
        })
        .collect()
}

/// A page of live payments.
pub async fn list_payments(
    pool: &AnyPool,
    gid: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<RecordRow>, ApiError> {
    let rows = sqlx::query(
        "SELECT seq, body FROM payments WHERE group_id = ? AND deleted = 0 AND seq > ? ORDER BY seq LIMIT ?",
    )
    .bind(gid)
    .bind(after)
    .bind(limit + 1)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(RecordRow {
                seq: r.try_get(0)?,
                body: text(&r, 1)?,
                revision: 1,
                deleted: false,
                parts: 0,
            })
        })
        .collect()
}

/// Inserts a new group with its members.
pub async fn insert_group(
    conn: &mut AnyConnection,
    row: &GroupRow,
    members: &[StoredMember],
) -> Result<(), ApiError> {
    sqlx::query("INSERT INTO `groups` (id, name, currency, rates, version, seq, created_at, balances_in, share_rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    .bind(&row.id)
    .bind(&row.name)
    .bind(&row.currency)
    .bind(&row.rates)
    .bind(row.version)
    .bind(row.seq)
    .bind(row.created_at)
    .bind(&row.balances_in)
    .bind(row.share_rows)
    .execute(&mut *conn)
    .await?;
    for (i, m) in members.iter().enumerate() {
        insert_member(conn, &row.id, m, i64::try_from(i).unwrap_or(i64::MAX)).await?;
    }
    Ok(())
}

/// Inserts one member at `position`.
pub async fn insert_member(
    conn: &mut AnyConnection,
    gid: &str,
    m: &StoredMember,
    position: i64,
) -> Result<(), ApiError> {
    sqlx::query("INSERT INTO members (group_id, member_id, name, position, removed) VALUES (?, ?, ?, ?, 0)")
        .bind(gid)
        .bind(&m.id)
        .bind(m.name.clone())
        .bind(position)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets a member's name and removed flag.
pub async fn update_member(conn: &mut AnyConnection, gid: &str, m: &StoredMember) -> Result<(), ApiError> {
    sqlx::query("UPDATE members SET name = ?, removed = ? WHERE group_id = ? AND member_id = ?")
        .bind(m.name.clone())
        .bind(i64::from(m.removed))
        .bind(gid)
        .bind(&m.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets the group's name and rates.
pub async fn update_group(
    conn: &mut AnyConnection,
    gid: &str,
    name: &str,
    rates: &str,
) -> Result<(), ApiError> {
    sqlx::query("UPDATE `groups` SET name = ?, rates = ? WHERE id = ?")
        .bind(name)
        .bind(rates)
        .bind(gid)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Inserts a checked expense under record number `seq`.
pub async fn insert_expense(
    conn: &mut AnyConnection,
    gid: &str,
    seq: i64,
    id: &str,
    e: &crate::records::CheckedExpense,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO expenses (group_id, seq, id, revision, deleted, amount, date, category, body, parts) \
         VALUES (?, ?, ?, 1, 0, ?, ?, ?, ?, ?)",
    )
    .bind(gid)
    .bind(seq)
    .bind(id)
    .bind(&e.amount)
    .bind(e.date.clone())
    .bind(e.category.clone())
    .bind(&e.body)
    .bind(e.parts)
    .execute(&mut *conn)
    .await?;
    set_expense_members(conn, gid, seq, &e.members).await
}

/// Replaces a stored expense's content, bumping its revision.
pub async fn replace_expense(
    conn: &mut AnyConnection,
    gid: &str,
    seq: i64,
    e: &crate::records::CheckedExpense,
) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE expenses SET revision = revision + 1, amount = ?, date = ?, category = ?, body = ?, parts = ? \
         WHERE group_id = ? AND seq = ?",
    )
    .bind(&e.amount)
    .bind(e.date.clone())
    .bind(e.category.clone())
    .bind(&e.body)
    .bind(e.parts)
    .bind(gid)
    .bind(seq)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM expense_members WHERE group_id = ? AND seq = ?")
        .bind(gid)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    set_expense_members(conn, gid, seq, &e.members).await
}

async fn set_expense_members(
    conn: &mut AnyConnection,
    gid: &str,
    seq: i64,
    members: &[String],
) -> Result<(), ApiError> {
    for m in members {
        sqlx::query("INSERT INTO expense_members (group_id, seq, member_id) VALUES (?, ?, ?)")
            .bind(gid)
            .bind(seq)
            .bind(m)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Marks a record deleted (or live again), bumping an expense's revision.
pub async fn set_deleted(
    conn: &mut AnyConnection,
    table: Table,
    gid: &str,
    seq: i64,
    deleted: bool,
) -> Result<(), ApiError> {
    let q = match table {
        Table::Expenses => {
            "UPDATE expenses SET deleted = ?, revision = revision + 1 WHERE group_id = ? AND seq = ?"
        }
        Table::Payments => "UPDATE payments SET deleted = ? WHERE group_id = ? AND seq = ?",
    };
    sqlx::query(q)
        .bind(i64::from(deleted))
        .bind(gid)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Inserts a checked payment under record number `seq`.
pub async fn insert_payment(
    conn: &mut AnyConnection,
    gid: &str,
    seq: i64,
    id: &str,
    p: &crate::records::CheckedPayment,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO payments (group_id, seq, id, deleted, amount, from_member, to_member, body) \
         VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
    )
    .bind(gid)
    .bind(seq)
    .bind(id)
    .bind(&p.amount)
    .bind(&p.from)
    .bind(&p.to)
    .bind(&p.body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One activity-log entry, written in the transaction of the change it records.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The group.
    pub group: &'a str,
    /// The group version the change made.
    pub version: i64,
    /// Who made it.
    pub account: &'a str,
    /// What was done (`expense.create`, `member.remove`, ...).
    pub action: &'a str,
    /// The record or member it was done to.
    pub target: &'a str,
    /// The record before (JSON text), if it existed.
    pub before: Option<&'a str>,
    /// The record after (JSON text), if it still exists.
    pub after: Option<&'a str>,
    /// Unix seconds, by the state's clock.
    pub at: i64,
}

/// Writes an activity-log entry.
pub async fn log(conn: &mut AnyConnection, c: Change<'_>) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO activity (group_id, version, at, account_id, action, target, before_json, after_json) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(c.group)
    .bind(c.version)
    .bind(c.at)
    .bind(c.account)
    .bind(c.action)
    .bind(c.target)
    .bind(c.before.map(str::to_string))
    .bind(c.after.map(str::to_string))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Gives an account access to a group.
pub async fn grant(
    conn: &mut AnyConnection,
    gid: &str,
    account: &str,
    role: &str,
    member: Option<&str>,
    at: i64,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO group_access (group_id, account_id, role, member_id, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(gid)
    .bind(account)
    .bind(role)
    .bind(member.map(str::to_string))
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
