//! Accounts and their logins: `accounts`, `sessions`, `refresh_tokens`.

use sqlx::{AnyConnection, AnyPool, Row};

use super::{text, Result};

/// A new account's row.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its email (NFC, lower-cased).
    pub email: &'a str,
    /// The email's confusable skeleton: a unique key, so that no account looks like another.
    pub email_key: &'a str,
    /// The argon2id hash of its password (PHC string).
    pub password_hash: &'a str,
    /// Unix seconds.
    pub created_at: i64,
}

/// What a login checks: the account with an email and its password hash.
#[derive(Debug, Clone)]
pub struct LoginRow {
    /// The account's id.
    pub id: String,
    /// The argon2id hash of its password (PHC string).
    pub password_hash: String,
}

/// What a password change checks: the account's password hash and its email.
#[derive(Debug, Clone)]
pub struct PasswordRow {
    /// The argon2id hash of its password (PHC string).
    pub password_hash: String,
    /// Its email (the new password must not be built on it).
    pub email: String,
}

/// A refresh token with its session.
#[derive(Debug, Clone)]
pub struct RefreshRow {
    /// The session it belongs to.
    pub session: String,
    /// Already exchanged once.
    pub used: bool,
    /// Unix seconds after which it is refused.
    pub expires_at: i64,
    /// The session's account.
    pub account: String,
    /// The session was ended.
    pub revoked: bool,
}

/// Inserts a new account. A unique key refuses an email that is taken, or looks like one that
/// is ([`super::DbError::is_unique_violation`]).
pub async fn insert_account(pool: &AnyPool, a: NewAccount<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO accounts (id, email, email_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(a.id)
    .bind(a.email)
    .bind(a.email_key)
    .bind(a.password_hash)
    .bind(a.created_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// The account with this email and its password hash, if there is one.
pub async fn login_row(pool: &AnyPool, email: &str) -> Result<Option<LoginRow>> {
    let row = sqlx::query("SELECT id, password_hash FROM accounts WHERE email = ?")
        .bind(email)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok(LoginRow {
            id: text(&r, 0)?,
            password_hash: text(&r, 1)?,
        })
    })
    .transpose()
}

/// The account's email and when it was made (Unix seconds), if the account exists.
pub async fn profile(pool: &AnyPool, account: &str) -> Result<Option<(String, i64)>> {
    let row = sqlx::query("SELECT email, created_at FROM accounts WHERE id = ?")
        .bind(account)
        .fetch_optional(pool)
        .await?;
    row.map(|r| Ok((text(&r, 0)?, r.try_get(1)?))).transpose()
}

/// The account's password hash and email, if the account exists.
pub async fn password_row(pool: &AnyPool, account: &str) -> Result<Option<PasswordRow>> {
    let row = sqlx::query("SELECT password_hash, email FROM accounts WHERE id = ?")
        .bind(account)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok(PasswordRow {
            password_hash: text(&r, 0)?,
            email: text(&r, 1)?,
        })
    })
    .transpose()
}

/// Sets the account's password hash.
pub async fn set_password(conn: &mut AnyConnection, account: &str, password_hash: &str) -> Result<()> {
    sqlx::query("UPDATE accounts SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(account)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Inserts a new, live session of the account.
pub async fn insert_session(
    conn: &mut AnyConnection,
    session: &str,
    account: &str,
    created_at: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO sessions (id, account_id, revoked, created_at) VALUES (?, ?, 0, ?)")
        .bind(session)
        .bind(account)
        .bind(created_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// True when the session exists, belongs to the account and is not revoked.
pub async fn session_live(pool: &AnyPool, session: &str, account: &str) -> Result<bool> {
    let row = sqlx::query("SELECT revoked FROM sessions WHERE id = ? AND account_id = ?")
        .bind(session)
        .bind(account)
        .fetch_optional(pool)
        .await?;
    Ok(matches!(
        row.map(|r| r.try_get::<i64, _>(0)).transpose()?,
        Some(0)
    ))
}

/// Revokes the session (whoever's it is).
pub async fn revoke_session(conn: &mut AnyConnection, session: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET revoked = 1 WHERE id = ?")
        .bind(session)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Revokes the session if it belongs to the account (a logout).
pub async fn revoke_own_session(pool: &AnyPool, session: &str, account: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET revoked = 1 WHERE id = ? AND account_id = ?")
        .bind(session)
        .bind(account)
        .execute(pool)
        .await?;
    Ok(())
}

/// Revokes every session of the account.
pub async fn revoke_sessions(conn: &mut AnyConnection, account: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET revoked = 1 WHERE account_id = ?")
        .bind(account)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Inserts an unused refresh token (its SHA-256, hex) of the session.
pub async fn insert_refresh_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    session: &str,
    expires_at: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, used, expires_at) VALUES (?, ?, 0, ?)")
        .bind(token_hash)
        .bind(session)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The refresh token with this hash and its session, if there is one.
pub async fn refresh_token(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<RefreshRow>> {
    let row = sqlx::query(
        "SELECT r.session_id, r.used, r.expires_at, s.account_id, s.revoked FROM refresh_tokens r \
         JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = ?",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(RefreshRow {
            session: text(&r, 0)?,
            used: r.try_get::<i64, _>(1)? != 0,
            expires_at: r.try_get(2)?,
            account: text(&r, 3)?,
            revoked: r.try_get::<i64, _>(4)? != 0,
        })
    })
    .transpose()
}

/// Marks the refresh token used; true only for the call that flipped it from unused (a
/// concurrent reuse finds nothing to flip).
pub async fn use_refresh_token(conn: &mut AnyConnection, token_hash: &str) -> Result<bool> {
    let flipped = sqlx::query("UPDATE refresh_tokens SET used = 1 WHERE token_hash = ? AND used = 0")
        .bind(token_hash)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(flipped != 0)
}

/// Deletes the refresh tokens that expired before `cutoff`; returns how many.
pub async fn prune_refresh_tokens(pool: &AnyPool, cutoff: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < ?")
        .bind(cutoff)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// Ends every session of the account for good: its refresh tokens and sessions are deleted
/// (first in an account's deletion: see [`super::access::grant`]).
pub async fn end_sessions(conn: &mut AnyConnection, account: &str) -> Result<()> {
    sqlx::query(
        "DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE account_id = ?)",
    )
    .bind(account)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE account_id = ?")
        .bind(account)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes the account's row and what is kept under its id: its stored `Idempotency-Key`
/// answers and any access it still has (none, once its groups were left).
pub async fn delete_account(conn: &mut AnyConnection, account: &str) -> Result<()> {
    for sql in [
        "DELETE FROM idempotency WHERE scope = ?",
        "DELETE FROM group_access WHERE account_id = ?",
        "DELETE FROM accounts WHERE id = ?",
    ] {
        sqlx::query(sql).bind(account).execute(&mut *conn).await?;
    }
    Ok(())
}
