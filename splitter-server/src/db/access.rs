//! Who may see a group: `group_access` (one row per account and group, with its role and the
//! member it is linked to), and the access check and write lock that join it with the session.

use sqlx::{AnyConnection, AnyPool, Row};

use super::{opt_text, text, Result};

/// An account's access to a group, as the read path's check found it.
#[derive(Debug, Clone)]
pub struct AccessRow {
    /// The group's version when checked.
    pub version: i64,
    /// The stored role (`owner` or `member`).
    pub role: String,
    /// The member the account is linked to, if any.
    pub member: Option<String>,
}

/// What the write path's lock found.
#[derive(Debug, Clone)]
pub struct LockRow {
    /// The group's version after the bump.
    pub version: i64,
    /// The group's record counter after taking `take` numbers (the last one taken).
    pub seq: i64,
    /// Share rows the group's live expenses hold.
    pub share_rows: i64,
    /// The stored role (`owner` or `member`).
    pub role: String,
    /// The member the account is linked to, if any.
    pub member: Option<String>,
}

/// One account with access to a group.
#[derive(Debug, Clone)]
pub struct GrantRow {
    /// The account's id.
    pub account: String,
    /// The stored role (`owner` or `member`).
    pub role: String,
    /// The member it is linked to, if any.
    pub member: Option<String>,
    /// Unix seconds when it got access.
    pub created_at: i64,
}

/// Gives an account access to a group. With `session`, only while that session of the account
/// is live, in the same statement (`false`, nothing written, otherwise): an account deleted
/// by a transaction that committed first (its sessions deleted first) gets no access to a
/// group made or joined after it, and one deleted after waits for this grant and finds it.
pub async fn grant(
    conn: &mut AnyConnection,
    gid: &str,
    account: &str,
    role: &str,
    member: Option<&str>,
    at: i64,
    session: Option<&str>,
) -> Result<bool> {
    let q = match session {
        Some(_) => sqlx::query(
            "INSERT INTO group_access (group_id, account_id, role, member_id, created_at) \
             SELECT ?, ?, ?, ?, ? FROM sessions WHERE id = ? AND account_id = ? AND revoked = 0",
        ),
        None => sqlx::query(
            "INSERT INTO group_access (group_id, account_id, role, member_id, created_at) VALUES (?, ?, ?, ?, ?)",
        ),
    };
    let mut q = q
        .bind(gid)
        .bind(account)
        .bind(role)
        .bind(member.map(str::to_string))
        .bind(at);
    if let Some(s) = session {
        q = q.bind(s).bind(account);
    }
    Ok(q.execute(&mut *conn).await?.rows_affected() == 1)
}

/// The account's access to the group through a live session (one query joining the session,
/// the access row and the group); `None` when the group does not exist, the account has no
/// access, or the session is not live.
pub async fn check(pool: &AnyPool, session: &str, gid: &str, account: &str) -> Result<Option<AccessRow>> {
    let row = sqlx::query(
        "SELECT g.version, a.role, a.member_id FROM group_access a \
         JOIN sessions s ON s.id = ? AND s.account_id = a.account_id AND s.revoked = 0 \
         JOIN `groups` g ON g.id = a.group_id \
         WHERE a.group_id = ? AND a.account_id = ?",
    )
    .bind(session)
    .bind(gid)
    .bind(account)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(AccessRow {
            role: text(&r, 1)?,
            member: opt_text(&r, 2)?,
            version: r.try_get(0)?,
        })
    })
    .transpose()
}

/// The write path's lock: bumps the group's version (and its record counter by `take`) only if
/// the account, in a live session, has access to it, then reads what the write needs. `None`
/// (and nothing changed) otherwise.
pub async fn lock_member(
    conn: &mut AnyConnection,
    session: &str,
    gid: &str,
    account: &str,
    take: i64,
) -> Result<Option<LockRow>> {
    let done = sqlx::query(
        "UPDATE `groups` SET version = version + 1, seq = seq + ? WHERE id = ? AND EXISTS \
         (SELECT 1 FROM group_access a JOIN sessions s ON s.id = ? AND s.account_id = a.account_id \
          AND s.revoked = 0 WHERE a.group_id = ? AND a.account_id = ?)",
    )
    .bind(take)
    .bind(gid)
    .bind(session)
    .bind(gid)
    .bind(account)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT g.version, g.seq, g.share_rows, a.role, a.member_id FROM `groups` g \
         JOIN group_access a ON a.group_id = g.id AND a.account_id = ? WHERE g.id = ?",
    )
    .bind(account)
    .bind(gid)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(LockRow {
        version: row.try_get(0)?,
        seq: row.try_get(1)?,
        share_rows: row.try_get(2)?,
        role: text(&row, 3)?,
        member: opt_text(&row, 4)?,
    }))
}

/// The accounts with access to the group, oldest first.
pub async fn list(conn: &mut AnyConnection, gid: &str) -> Result<Vec<GrantRow>> {
    let rows = sqlx::query(
        "SELECT account_id, role, member_id, created_at FROM group_access WHERE group_id = ? \
         ORDER BY created_at, account_id",
    )
    .bind(gid)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(GrantRow {
                account: text(r, 0)?,
                role: text(r, 1)?,
                member: opt_text(r, 2)?,
                created_at: r.try_get(3)?,
            })
        })
        .collect()
}

/// The account's access row in the group: `None` when it has none, else `Some` of the member
/// it is linked to (if any).
pub async fn linked_member(
    conn: &mut AnyConnection,
    gid: &str,
    account: &str,
) -> Result<Option<Option<String>>> {
    let row = sqlx::query("SELECT member_id FROM group_access WHERE group_id = ? AND account_id = ?")
        .bind(gid)
        .bind(account)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| opt_text(&r, 0)).transpose()?)
}

/// True when the account has access to the group.
pub async fn has_account(conn: &mut AnyConnection, gid: &str, account: &str) -> Result<bool> {
    let row = sqlx::query("SELECT 1 FROM group_access WHERE group_id = ? AND account_id = ?")
        .bind(gid)
        .bind(account)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
}

/// True when an account is linked to the member of the group.
pub async fn member_linked(conn: &mut AnyConnection, gid: &str, member: &str) -> Result<bool> {
    let row = sqlx::query("SELECT 1 FROM group_access WHERE group_id = ? AND member_id = ?")
        .bind(gid)
        .bind(member)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
}

/// Takes the account's access to the group away.
pub async fn revoke(conn: &mut AnyConnection, gid: &str, account: &str) -> Result<()> {
    sqlx::query("DELETE FROM group_access WHERE group_id = ? AND account_id = ?")
        .bind(gid)
        .bind(account)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes access away from the account linked to the member, unless it is the owner's.
pub async fn revoke_member(conn: &mut AnyConnection, gid: &str, member: &str) -> Result<()> {
    sqlx::query("DELETE FROM group_access WHERE group_id = ? AND member_id = ? AND role <> 'owner'")
        .bind(gid)
        .bind(member)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The groups the account has access to, by id.
pub async fn groups_of(conn: &mut AnyConnection, account: &str) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT group_id FROM group_access WHERE account_id = ? ORDER BY group_id")
        .bind(account)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(text(r, 0)?)).collect()
}

/// Sets the account's role in the group.
pub async fn set_role(conn: &mut AnyConnection, gid: &str, account: &str, role: &str) -> Result<()> {
    sqlx::query("UPDATE group_access SET role = ? WHERE group_id = ? AND account_id = ?")
        .bind(role)
        .bind(gid)
        .bind(account)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
