//! The activity log: `activity`.

use sqlx::{AnyConnection, AnyPool, Row};

use super::{opt_text, text, Result};

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
pub async fn log(conn: &mut AnyConnection, c: Change<'_>) -> Result<()> {
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

/// One stored activity-log entry, with the email of the account that made it.
#[derive(Debug, Clone)]
pub struct ActivityRow {
    /// The entry's id (the cursor).
    pub id: i64,
    /// The group version the change made.
    pub version: i64,
    /// Unix seconds.
    pub at: i64,
    /// The account that made the change.
    pub account: String,
    /// Its email (`None` if the account is gone).
    pub email: Option<String>,
    /// What was done (`expense.create`, `member.remove`, ...).
    pub action: String,
    /// The record or member it was done to.
    pub target: String,
    /// The record before (JSON text), if it existed.
    pub before: Option<String>,
    /// The record after (JSON text), if it still exists.
    pub after: Option<String>,
}

/// At most `rows` of the group's entries before the position `before` (group version, then id),
/// newest first. Entries are ordered by the group version their change made, which every write
/// to the group raises under its row lock, whichever server commits it; the id (an
/// AUTO_INCREMENT, which interleaves across Galera nodes and may jump on a new primary) only
/// orders the entries of one version.
pub async fn list(pool: &AnyPool, gid: &str, before: (i64, i64), rows: i64) -> Result<Vec<ActivityRow>> {
    let (version, id) = before;
    let rows = sqlx::query(
        "SELECT a.id, a.version, a.at, a.account_id, c.email, a.action, a.target, a.before_json, a.after_json \
         FROM activity a LEFT JOIN accounts c ON c.id = a.account_id \
         WHERE a.group_id = ? AND (a.version < ? OR (a.version = ? AND a.id < ?)) \
         ORDER BY a.version DESC, a.id DESC LIMIT ?",
    )
    .bind(gid)
    .bind(version)
    .bind(version)
    .bind(id)
    .bind(rows)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ActivityRow {
                id: r.try_get(0)?,
                version: r.try_get(1)?,
                at: r.try_get(2)?,
                account: text(r, 3)?,
                email: opt_text(r, 4)?,
                action: text(r, 5)?,
                target: text(r, 6)?,
                before: opt_text(r, 7)?,
                after: opt_text(r, 8)?,
            })
        })
        .collect()
}
