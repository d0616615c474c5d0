//! Invites to groups: `invites` (codes stored only as their SHA-256).

use sqlx::{AnyPool, Row};

use super::{opt_text, text, Result};

/// A new invite's row.
#[derive(Debug, Clone, Copy)]
pub struct NewInvite<'a> {
    /// Its id.
    pub id: &'a str,
    /// The group it lets an account join.
    pub group: &'a str,
    /// SHA-256 (hex) of its code.
    pub code_hash: &'a str,
    /// The member the joiner becomes, if set.
    pub member: Option<&'a str>,
    /// The account that made it.
    pub created_by: &'a str,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

/// An invite as a group's member sees it.
#[derive(Debug, Clone)]
pub struct InviteRow {
    /// Its id.
    pub id: String,
    /// The member the joiner becomes, if set.
    pub member: Option<String>,
    /// Unix seconds.
    pub expires_at: i64,
    /// Revoked by the owner.
    pub revoked: bool,
}

/// An invite as its code finds it.
#[derive(Debug, Clone)]
pub struct CodeRow {
    /// The group it lets an account join.
    pub group: String,
    /// The member the joiner becomes, if set.
    pub member: Option<String>,
    /// Unix seconds.
    pub expires_at: i64,
    /// Revoked by the owner.
    pub revoked: bool,
}

/// Inserts a new, unrevoked invite, in the same statement as a check that its group still
/// exists: `false`, and nothing written, for a group deleted before it (so no invite outlives
/// its group).
pub async fn insert(pool: &AnyPool, i: NewInvite<'_>) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO invites (id, group_id, code_hash, member_id, created_by, created_at, expires_at, revoked) \
         SELECT ?, ?, ?, ?, ?, ?, ?, 0 FROM `groups` WHERE id = ?",
    )
    .bind(i.id)
    .bind(i.group)
    .bind(i.code_hash)
    .bind(i.member.map(str::to_string))
    .bind(i.created_by)
    .bind(i.created_at)
    .bind(i.expires_at)
    .bind(i.group)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The group's invites, newest first.
pub async fn list(pool: &AnyPool, gid: &str) -> Result<Vec<InviteRow>> {
    let rows = sqlx::query(
        "SELECT id, member_id, expires_at, revoked FROM invites WHERE group_id = ? ORDER BY created_at DESC, id",
    )
    .bind(gid)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(InviteRow {
                id: text(r, 0)?,
                member: opt_text(r, 1)?,
                expires_at: r.try_get(2)?,
                revoked: r.try_get::<i64, _>(3)? != 0,
            })
        })
        .collect()
}

/// Revokes the group's invite; false when the group has no such invite.
pub async fn revoke(pool: &AnyPool, id: &str, gid: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE invites SET revoked = 1 WHERE id = ? AND group_id = ?")
        .bind(id)
        .bind(gid)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() != 0)
}

/// The invite whose code has this SHA-256 (hex), if any.
pub async fn by_code(pool: &AnyPool, code_hash: &str) -> Result<Option<CodeRow>> {
    let row = sqlx::query("SELECT group_id, member_id, expires_at, revoked FROM invites WHERE code_hash = ?")
        .bind(code_hash)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok(CodeRow {
            group: text(&r, 0)?,
            member: opt_text(&r, 1)?,
            expires_at: r.try_get(2)?,
            revoked: r.try_get::<i64, _>(3)? != 0,
        })
    })
    .transpose()
}
