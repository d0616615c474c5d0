//! Accounts and sessions: register (`POST /v1/accounts`), log in, refresh (rotating refresh
//! tokens; a reused one revokes its whole session), log out, read the account, change the
//! password (which ends every session).

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use splitter_core::ErrorCode;
use splitter_core::Json;
use utoipa::ToSchema;

use super::{fields, unprocessable, Body, Shared};
use crate::auth::{self, Authed};
use crate::db;
use crate::http::json_response;
use crate::http::ClientAddr;
use crate::http::{ApiError, ApiResult, Code};
use crate::limits;
use crate::records;
use crate::text;

/// Email and password.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct Credentials {
    /// An email address (NFC, compared without regard to case; at most 254 bytes; no invisible
    /// characters; no account may look like another: `ana@exаmple.com` with a Cyrillic `а`).
    #[schema(format = Email, example = "ana@example.com")]
    email: String,
    /// 15 to 1024 characters (NIST SP 800-63B-4), not a common password, not built on the
    /// email's name; any printing characters and spaces.
    #[schema(min_length = 15, max_length = 1024, example = "correct horse battery")]
    password: String,
}

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    /// Its id.
    pub id: String,
    /// Its email, lower-cased.
    pub email: String,
}

/// A token pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Exchange at `/v1/auth/refresh` for a new pair; valid once.
    pub refresh_token: String,
}

/// A refresh token.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct RefreshIn {
    /// The refresh token of the last pair.
    refresh_token: String,
}

/// A password change.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct PasswordChange {
    /// The current password.
    current_password: String,
    /// The new password (the same rules as at registration).
    #[schema(min_length = 15, max_length = 1024)]
    new_password: String,
}

fn string_field(f: &mut std::collections::HashMap<String, Json>, key: &str) -> ApiResult<String> {
    match f.remove(key) {
        Some(Json::String(s)) => Ok(s),
        Some(other) => Err(unprocessable(
            ErrorCode::InvalidInput,
            key,
            &format!("expected a string, not {}", other.kind()),
        )),
        None => Err(unprocessable(ErrorCode::InvalidInput, key, "required")),
    }
}

/// The words of an email a password must not be built on (its local part).
fn context_words(email: &str) -> Vec<&str> {
    email
        .split_once('@')
        .map(|(local, _)| vec![local])
        .unwrap_or_default()
}

fn pair(state: &Shared, account: &str, session: &str, refresh: String) -> Response {
    let (access, _) = state.tokens.sign(account, session, state.now());
    let out = TokenOut {
        access_token: access,
        token_type: "Bearer",
        expires_in: state.tokens.access_ttl,
        refresh_token: refresh,
    };
    json_response(StatusCode::OK, serde_json::to_string(&out).unwrap_or_default())
}

/// Creates an account.
#[utoipa::path(post, path = "/v1/accounts", tag = "accounts", request_body = Credentials,
    responses((status = 201, description = "Created", body = AccountOut),
              (status = 409, description = "The email has an account (email_taken)", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid", body = crate::apidoc::ErrorBody),
              (status = 429, description = "Rate limited", body = crate::apidoc::ErrorBody)))]
pub async fn register(
    State(state): State<Shared>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    Body(body): Body,
) -> ApiResult<Response> {
    let mut f = fields(records::parse_body(&body)?, &["email", "password"])?;
    let email = text::email(&string_field(&mut f, "email")?, "email")?;
    let password = text::password(
        &string_field(&mut f, "password")?,
        "password",
        &context_words(&email),
    )?;
    let hash = auth::hash_password(&state, &addr, password).await?;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let account = db::accounts::NewAccount {
        id: &id,
        email: &email,
        email_key: &text::skeleton(&email),
        password_hash: &hash,
        created_at: state.now(),
    };
    match db::accounts::insert_account(&state.store.pool, account).await {
        Ok(()) => {}
        Err(e) if e.is_unique_violation() => {
            return Err(ApiError::conflict(
                Code::EmailTaken,
                "email",
                "an account with this email (or one that looks the same) exists",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    Ok(json_response(
        StatusCode::CREATED,
        serde_json::to_string(&AccountOut { id, email }).unwrap_or_default(),
    ))
}

/// Logs in: a new session and its first token pair. Every attempt is logged before its password
/// is checked; 5 per account and address, and 20 per account from all addresses, in any 15
/// minutes, are checked at most (`429` with `Retry-After` past either; a successful attempt is
/// taken back, so only failures and attempts in flight count).
#[utoipa::path(post, path = "/v1/auth/login", tag = "accounts", request_body = Credentials,
    responses((status = 200, description = "Tokens", body = TokenOut),
              (status = 401, description = "Wrong email or password (invalid_credentials)", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid", body = crate::apidoc::ErrorBody),
              (status = 429, description = "Too many attempts (rate_limited), or the server is busy hashing (busy)", body = crate::apidoc::ErrorBody)))]
pub async fn login(
    State(state): State<Shared>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    Body(body): Body,
) -> ApiResult<Response> {
    let mut f = fields(records::parse_body(&body)?, &["email", "password"])?;
    let email = text::email(&string_field(&mut f, "email")?, "email")?;
    let password = text::password_form(&string_field(&mut f, "password")?);
    if password.chars().count() > text::MAX_PASSWORD_CHARS {
        return Err(unprocessable(
            Code::TooLong,
            "password",
            "a password has at most 1024 characters",
        ));
    }
    // One hash tag per account, so that both logs live in one Redis Cluster slot.
    let account_key = format!("splitter:{{login:{}}}", &auth::sha256_hex(&email)[..32]);
    let logs = [
        (format!("{account_key}:addr:{addr}"), state.config.login_attempts),
        (
            format!("{account_key}:all"),
            state.config.login_attempts_per_account,
        ),
    ];
    let attempt = match state
        .limiter
        .attempt(&state.cache, &logs, limits::LOGIN_WINDOW)
        .await
    {
        Ok(a) => a,
        Err(count) => return Ok(limits::too_many(count, "login attempts for this account")),
    };
    let (id, hash) = match db::accounts::login_row(&state.store.pool, &email).await? {
        Some(r) => (Some(r.id), Some(r.password_hash)),
        None => (None, None),
    };
    let ok = match auth::verify_password(&state, &addr, password, hash).await {
        Ok(ok) => ok,
        Err(e) => {
            // Not checked (the hashing threads were busy): not an attempt.
            state.limiter.take_back(&state.cache, &attempt).await;
            return Err(e);
        }
    };
    let Some(id) = id.filter(|_| ok) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            Code::InvalidCredentials,
            "",
            "wrong email or password",
        ));
    };
    state.limiter.take_back(&state.cache, &attempt).await;
    let now = state.now();
    let (session, refresh) = db::retrying!(async {
        let mut tx = state.store.begin_write().await?;
        let made = auth::new_session(&mut tx, &state.tokens, &id, now).await?;
        db::commit(tx).await?;
        Ok::<_, ApiError>(made)
    })?;
    Ok(pair(&state, &id, &session, refresh))
}

/// Exchanges a refresh token for a new pair (the old one is used up). A refresh token used a
/// second time means it was stolen: the whole session is revoked.
#[utoipa::path(post, path = "/v1/auth/refresh", tag = "accounts", request_body = RefreshIn,
    responses((status = 200, description = "A new pair", body = TokenOut),
              (status = 401, description = "Unknown, expired or reused token (invalid_token, token_expired, refresh_reused, session_revoked)", body = crate::apidoc::ErrorBody)))]
pub async fn refresh(State(state): State<Shared>, Body(body): Body) -> ApiResult<Response> {
    let mut f = fields(records::parse_body(&body)?, &["refresh_token"])?;
    let token = string_field(&mut f, "refresh_token")?;
    if token.len() > 128 {
        return Err(refused(
            Code::InvalidToken,
            "not a refresh token this server gave",
        ));
    }
    let hash = auth::sha256_hex(&token);
    let now = state.now();
    let (account, session, new) = db::retrying!(async {
        // A write transaction from its first statement: SQLite takes its write lock now rather
        // than failing to upgrade a read lock when another write got there first.
        let mut tx = state.store.begin_write().await?;
        let row = db::accounts::refresh_token(&mut tx, &hash)
            .await?
            .ok_or_else(|| refused(Code::InvalidToken, "not a refresh token this server gave"))?;
        let db::accounts::RefreshRow {
            session,
            used,
            expires_at: expires,
            account,
            revoked,
        } = row;
        if revoked {
            return Err(auth::revoked());
        }
        // Mark it used; only the request that flips it from 0 to 1 may rotate (a concurrent reuse
        // finds no row to flip).
        let flipped = db::accounts::use_refresh_token(&mut tx, &hash).await?;
        if used || !flipped {
            db::accounts::revoke_session(&mut tx, &session).await?;
            db::commit(tx).await?;
            return Err(refused(
                Code::RefreshReused,
                "this refresh token was already used: the session is revoked; log in again",
            ));
        }
        if now >= expires {
            db::commit(tx).await?;
            return Err(refused(
                Code::TokenExpired,
                "the refresh token has expired; log in again",
            ));
        }
        let new = auth::issue_refresh(&mut tx, &state.tokens, &session, now).await?;
        db::commit(tx).await?;
        Ok::<_, ApiError>((account, session, new))
    })?;
    Ok(pair(&state, &account, &session, new))
}

fn refused(code: Code, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, "refresh_token", message)
}

/// Ends the token's session: its refresh tokens stop working and its access tokens lose access
/// to every group.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204, description = "Logged out")))]
pub async fn logout(State(state): State<Shared>, Authed(me): Authed) -> ApiResult<Response> {
    db::accounts::revoke_own_session(&state.store.pool, &me.session, &me.account).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The caller's account.
#[utoipa::path(get, path = "/v1/account", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "The account", body = AccountOut)))]
pub async fn me(State(state): State<Shared>, Authed(me): Authed) -> ApiResult<Response> {
    if !auth::session_live(&state.store, &me).await? {
        return Err(auth::revoked());
    }
    let email = db::accounts::email(&state.store.pool, &me.account)
        .await?
        .ok_or_else(auth::revoked)?;
    let out = AccountOut {
        id: me.account.clone(),
        email,
    };
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&out).unwrap_or_default(),
    ))
}

/// Changes the password and ends every session of the account (log in again).
#[utoipa::path(post, path = "/v1/account/password", tag = "accounts", request_body = PasswordChange,
    security(("bearer" = [])),
    responses((status = 204, description = "Changed; every session ended"),
              (status = 401, description = "Wrong current password (invalid_credentials)", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid new password", body = crate::apidoc::ErrorBody)))]
pub async fn change_password(
    State(state): State<Shared>,
    Authed(me): Authed,
    Body(body): Body,
) -> ApiResult<Response> {
    let mut f = fields(records::parse_body(&body)?, &["current_password", "new_password"])?;
    let current = text::password_form(&string_field(&mut f, "current_password")?);
    let new_raw = string_field(&mut f, "new_password")?;
    if !auth::session_live(&state.store, &me).await? {
        return Err(auth::revoked());
    }
    let db::accounts::PasswordRow {
        password_hash: hash,
        email,
    } = db::accounts::password_row(&state.store.pool, &me.account)
        .await?
        .ok_or_else(auth::revoked)?;
    let new = text::password(&new_raw, "new_password", &context_words(&email))?;
    let client = format!("acct:{}", me.account);
    let too_long = current.chars().count() > text::MAX_PASSWORD_CHARS;
    if too_long || !auth::verify_password(&state, &client, current, Some(hash)).await? {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            Code::InvalidCredentials,
            "current_password",
            "the current password is wrong",
        ));
    }
    let new_hash = auth::hash_password(&state, &client, new).await?;
    db::retrying!(async {
        let mut tx = state.store.begin_write().await?;
        db::accounts::set_password(&mut tx, &me.account, &new_hash).await?;
        db::accounts::revoke_sessions(&mut tx, &me.account).await?;
        db::commit(tx).await?;
        Ok::<_, ApiError>(())
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
