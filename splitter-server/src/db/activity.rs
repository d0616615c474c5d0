//! The activity log: `activity`.

use sqlx::AnyConnection;

use super::Result;

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
