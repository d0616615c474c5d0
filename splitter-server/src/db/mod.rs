//! The database layer: every SQL statement of the server, one module per group of tables, over
//! one set of queries for SQLite and MySQL/MariaDB through sqlx's `Any` driver (both take `?`
//! placeholders), with a migration folder per backend. Its errors are its own ([`DbError`]);
//! the HTTP layer decides what a client is told.
//!
//! Every write runs in one transaction whose first statement bumps the group's `version` (which
//! also takes the group's row lock, so writes to one group are serialized and SQLite's write lock
//! is taken up front). Reads that feed the cache take one consistent snapshot.

pub mod access;
pub mod accounts;
pub mod activity;
pub mod groups;
pub mod idempotency;
pub mod invites;
pub mod jobs;
pub mod records;
pub mod totals;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::any::AnyRow;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor, Row, Transaction};

pub use access::grant;
pub use activity::{log, Change};
pub use groups::{
    add_share_rows, group_row, head, insert_group, insert_member, lock_group, members, rates_pairs, snapshot,
    update_group, update_member, GroupHead, GroupRow, Snapshot, StoredMember,
};
pub use records::{
    insert_expense, insert_payment, list_expenses, list_payments, record, replace_expense, set_deleted,
    ExpenseFilter, ExpenseRecord, PaymentRecord, RecordRow, Table,
};

/// A database failure: the driver's error, sorted by [`DbError::trouble`] into what a retry
/// may cure, what means the database cannot serve now, and the rest.
#[derive(Debug)]
pub struct DbError(pub sqlx::Error);

impl DbError {
    /// What kind of failure this is.
    pub fn trouble(&self) -> Trouble {
        trouble(&self.0)
    }

    /// Whether a unique key refused the row (a repeated id).
    pub fn is_unique_violation(&self) -> bool {
        matches!(&self.0, sqlx::Error::Database(db) if db.is_unique_violation())
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        DbError(e)
    }
}

/// The database layer's result.
pub type Result<T> = std::result::Result<T, DbError>;

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

/// The database pool and which backend it is, and the read replica if there is one.
#[derive(Debug, Clone)]
pub struct Store {
    /// The pool (its size and idle count are exported in `/metrics`).
    pub pool: AnyPool,
    /// The backend.
    pub backend: Backend,
    /// The read replica, if configured.
    pub replica: Option<Arc<Replica>>,
}

/// How a database pool is set up.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Connections at most.
    pub max_connections: u32,
    /// How long a request waits for a connection before it fails (503).
    pub acquire_timeout: Duration,
    /// How long a connection is used at most.
    pub max_lifetime: Duration,
    /// How long an unused connection is kept.
    pub idle_timeout: Duration,
}

impl PoolSettings {
    /// A few connections with the defaults: for the one-shot subcommands.
    pub fn small(max_connections: u32) -> PoolSettings {
        PoolSettings {
            max_connections,
            acquire_timeout: Duration::from_secs(5),
            max_lifetime: Duration::from_secs(1800),
            idle_timeout: Duration::from_secs(600),
        }
    }
}

/// A read replica (MariaDB with GTIDs) and how reads went to it.
#[derive(Debug)]
pub struct Replica {
    pool: AnyPool,
    /// How long a read waits for the replica to catch up.
    wait: Duration,
    /// Reads it served, and reads that went to the primary instead (behind or down).
    pub served: AtomicU64,
    /// Reads that went to the primary because the replica was behind or down.
    pub passed_over: AtomicU64,
    /// After a failure, the replica is left alone until this instant (milliseconds since
    /// `born`), so that a dead replica does not cost every read its wait.
    resting_until: AtomicU64,
    born: Instant,
}

/// How long a failed replica is left alone.
const REPLICA_REST: Duration = Duration::from_secs(1);

impl Replica {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.born.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A read transaction on the replica once it has applied every transaction the primary had
    /// committed when this began (`MASTER_GTID_WAIT` on the primary's `gtid_binlog_pos`), or
    /// `None` when it has not within the wait, or cannot be reached. The snapshot is taken by
    /// the transaction's first read of a table, after the wait.
    async fn caught_up(&self, primary: &AnyPool) -> Option<Transaction<'static, Any>> {
        if self.now_ms() < self.resting_until.load(Ordering::Relaxed) {
            return None;
        }
        let attempt = async {
            let row = sqlx::query("SELECT @@gtid_binlog_pos")
                .fetch_one(primary)
                .await
                .ok()?;
            let position = text(&row, 0).ok()?;
            let mut tx = self.pool.begin().await.ok()?;
            let millis = self.wait.as_millis();
            let wait = format!(
                "SELECT CAST(COALESCE(MASTER_GTID_WAIT(?, {}.{:03}), -2) AS SIGNED)",
                millis / 1000,
                millis % 1000
            );
            let row = sqlx::query(&wait).bind(position).fetch_one(&mut *tx).await.ok()?;
            let reached: i64 = row.try_get(0).ok()?;
            (reached == 0).then_some(tx)
        };
        // Bounded as a whole: a replica that hangs costs a read its wait and a little more.
        let tx = tokio::time::timeout(self.wait * 2 + Duration::from_millis(100), attempt)
            .await
            .ok()
            .flatten();
        if tx.is_none() {
            self.resting_until
                .store(self.now_ms() + REPLICA_REST.as_millis() as u64, Ordering::Relaxed);
        }
        tx
    }
}

/// A text column: MySQL's TEXT types reach the `Any` driver as blobs, SQLite's as text.
pub fn text(row: &AnyRow, i: usize) -> std::result::Result<String, sqlx::Error> {
    match row.try_get::<String, _>(i) {
        Ok(s) => Ok(s),
        Err(_) => {
            let bytes: Vec<u8> = row.try_get(i)?;
            String::from_utf8(bytes).map_err(|e| sqlx::Error::Decode(Box::new(e)))
        }
    }
}

/// A nullable text column.
pub fn opt_text(row: &AnyRow, i: usize) -> std::result::Result<Option<String>, sqlx::Error> {
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
    /// SQLite busy or locked; under Galera also a transaction that lost certification against
    /// another node's, which is reported as 1213 at commit): running the whole transaction again
    /// may succeed.
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
                    // Deadlock, lock wait timeout. And a duplicate key that reached this far: a
                    // handler that expects one (a repeated id, a taken email) checks
                    // `is_unique_violation` before this; any other means a concurrent transaction
                    // took the key first, which under Galera happens to keys taken from a counter
                    // the group's row lock guards on one node only (the lock is not cluster-wide;
                    // the loser may meet the winner's row before its own certification fails).
                    // Run again, the transaction reads the new counter.
                    1205 | 1213 | 1062 => Trouble::Conflict,
                    // Read-only (--read-only / super-read-only), server shutdown, lost or killed
                    // connection, too many connections, disconnected for inactivity; a Galera
                    // node outside the primary component or not yet synced ("WSREP has not yet
                    // prepared node for application use", 1047).
                    1290 | 1836 | 1053 | 1040 | 1927 | 2006 | 2013 | 4031 | 1047 => Trouble::Unavailable,
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
/// retry may cure, at most 6 more times with a growing random backoff; then its last error (`503
/// unavailable`). A macro rather than a function taking a closure: the block borrows the
/// handler's locals, which an async closure's future cannot do and still be `Send`.
macro_rules! retrying {
    ($attempt:expr) => {{
        let mut tries = 0u32;
        loop {
            match $attempt.await {
                Err(e) if e.retry && tries < 6 => {
                    tries += 1;
                    $crate::db::backoff(tries).await;
                }
                other => {
                    if matches!(&other, Err(e) if e.retry) {
                        tracing::warn!(tries, "database conflict: still conflicting after the retries; answered 503");
                    }
                    break other;
                }
            }
        }
    }};
}
pub(crate) use retrying;

/// Commits a transaction begun by [`Store::begin_write`] or [`Store::begin_read`].
pub async fn commit(tx: Transaction<'_, Any>) -> Result<()> {
    Ok(tx.commit().await?)
}

/// Waits before retry number `tries`: a random time between 10 and 20 ms for the first, doubling
/// each time (up to 320-640 ms for the sixth, about 1.3 s in all at most). The spread matters when
/// many writers conflict on one row (a busy group under Galera, where every node takes writes and
/// a conflict is found only at commit): writers that collided do not collide again in step.
pub async fn backoff(tries: u32) {
    let mut b = [0u8; 1];
    let _ = getrandom::getrandom(&mut b);
    let base = 5u64 << tries.min(6);
    let ms = base + base * u64::from(b[0]) / 255;
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
    /// Connects (creating the SQLite file, readable by its owner only, if needed); fails when
    /// the database does not answer.
    pub async fn connect(url: &str, settings: PoolSettings) -> std::result::Result<Store, sqlx::Error> {
        Self::open(url, settings, false).await
    }

    /// Like [`Store::connect`], but a MySQL/MariaDB pool connects on first use: the server
    /// starts while the database is down (`/ready` says so until it answers).
    pub async fn connect_lazy(url: &str, settings: PoolSettings) -> std::result::Result<Store, sqlx::Error> {
        Self::open(url, settings, true).await
    }

    /// Adds a read replica (see [`Store::begin_read_replica`]), connected on first use.
    pub fn with_replica(
        mut self,
        url: &str,
        wait: Duration,
        settings: PoolSettings,
    ) -> std::result::Result<Store, sqlx::Error> {
        let options: AnyConnectOptions = url.parse()?;
        let pool = AnyPoolOptions::new()
            .max_connections(settings.max_connections)
            .min_connections(0)
            .acquire_timeout(wait.max(Duration::from_millis(100)))
            .max_lifetime(settings.max_lifetime)
            .idle_timeout(settings.idle_timeout)
            .connect_lazy_with(options);
        self.replica = Some(Arc::new(Replica {
            pool,
            wait,
            served: AtomicU64::new(0),
            passed_over: AtomicU64::new(0),
            resting_until: AtomicU64::new(0),
            born: Instant::now(),
        }));
        Ok(self)
    }

    async fn open(url: &str, settings: PoolSettings, lazy: bool) -> std::result::Result<Store, sqlx::Error> {
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
        let lazy = lazy && backend == Backend::MySql;
        let pool = AnyPoolOptions::new()
            .max_connections(settings.max_connections)
            .min_connections(if lazy { 0 } else { 1 })
            .acquire_timeout(settings.acquire_timeout)
            .max_lifetime(settings.max_lifetime)
            .idle_timeout(settings.idle_timeout)
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
            });
        let pool = if lazy {
            pool.connect_lazy_with(options)
        } else {
            pool.connect_with(options).await?
        };
        Ok(Store {
            pool,
            backend,
            replica: None,
        })
    }

    /// Applies the backend's migrations (idempotent). On MySQL, instances starting together take
    /// a named lock first, so that one applies them and the others find them applied.
    pub async fn migrate(&self) -> std::result::Result<(), sqlx::migrate::MigrateError> {
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
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::MySql => self.pool.begin().await?,
        })
    }

    /// A transaction that only reads: one consistent snapshot across its statements.
    pub async fn begin_read(&self) -> Result<Transaction<'static, Any>> {
        Ok(self.pool.begin().await?)
    }

    /// A read transaction for a read that may be served by the replica: on the replica when it
    /// has caught up with the primary (read-your-writes: every write acknowledged before this
    /// read began is in it), on the primary otherwise or without a replica.
    pub async fn begin_read_replica(&self) -> Result<Transaction<'static, Any>> {
        if let Some(r) = &self.replica {
            if let Some(tx) = r.caught_up(&self.pool).await {
                r.served.fetch_add(1, Ordering::Relaxed);
                return Ok(tx);
            }
            r.passed_over.fetch_add(1, Ordering::Relaxed);
        }
        self.begin_read().await
    }

    /// A connection of the pool, for reads outside any transaction.
    pub async fn acquire(&self) -> Result<PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
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
}

impl Store {
    /// The group's version (one primary-key lookup): what every cache key carries.
    pub async fn version(&self, gid: &str) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT version FROM `groups` WHERE id = ?")
            .bind(gid)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?)
    }
}
