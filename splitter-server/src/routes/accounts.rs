//! Accounts and sessions: register (`POST /v1/accounts`), log in, refresh (rotating refresh
//! tokens; a reused one revokes its whole session), log out, read the account, change the
//! password (which ends every session).

use axum::extract::{Extension, OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
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
use crate::idempotency::{self, Made};
use crate::limits;
use crate::records;
use crate::text;
use crate::timestamp::Timestamp;

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
    /// When it was made.
    pub created_at: Timestamp,
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

/// One more password attempt against `email` from `addr`, counted in the login logs (per
/// account and address, and per account), or how many there were when the limit is reached.
async fn password_attempt(state: &Shared, email: &str, addr: &str) -> Result<limits::Attempt, limits::Count> {
    state
        .limiter
        .attempt(
            &state.cache,
            &login_logs(state, email, addr),
            limits::LOGIN_WINDOW,
        )
        .await
}

/// The attempt logs a password check of `email` from `addr` counts in, with their limits: per
/// account and address, and per account from all addresses. One hash tag per account, so that
/// both logs live in one Redis Cluster slot.
fn login_logs(state: &Shared, email: &str, addr: &str) -> [(String, u64); 2] {
    let account_key = format!("splitter:{{login:{}}}", &auth::sha256_hex(email)[..32]);
    [
        (format!("{account_key}:addr:{addr}"), state.config.login_attempts),
        (
            format!("{account_key}:all"),
            state.config.login_attempts_per_account,
        ),
    ]
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
///
/// Registers an email and a password; log in with them (`POST /v1/auth/login`) to get tokens.
/// The email is compared without regard to case and to look-alike characters, so no second
/// account can look like an existing one. The password is hashed with argon2id and never kept.
///
/// **Who:** anyone (no token).
///
/// **Errors:** `409 email_taken` for an email that has an account, or looks like one that has;
/// `422 weak_password` for a password under 15 characters, a common one or one built on the
/// email's name; `422 invalid_text`, `mixed_script` or `too_long` for an email that is malformed,
/// mixes scripts or is too long; `429
/// busy` when the password-hashing threads are all taken (retry after `Retry-After`).
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
    let created_at = state.now();
    let account = db::accounts::NewAccount {
        id: &id,
        email: &email,
        email_key: &text::skeleton(&email),
        password_hash: &hash,
        created_at,
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
        serde_json::to_string(&AccountOut {
            id,
            email,
            created_at: Timestamp(created_at),
        })
        .unwrap_or_default(),
    ))
}

/// Logs in: a new session and its first token pair.
///
/// Answers an access token (send it as `Authorization: Bearer <token>`; it lasts `expires_in`
/// seconds, 15 minutes by default) and a refresh token (exchange it at `POST /v1/auth/refresh`).
/// Every attempt is logged before its password is checked: 5 per account and address, and 20 per
/// account from all addresses, in any 15 minutes; a successful attempt is taken back, so only
/// failures and attempts in flight count.
///
/// **Who:** anyone (no token).
///
/// **Errors:** `401 invalid_credentials` for an unknown email or a wrong password (the same
/// answer for both); `422 too_long` for a password over 1024 characters; `429 rate_limited` past
/// either attempt limit (with `Retry-After`: the seconds until the oldest attempt is 15 minutes
/// old); `429 busy` when the password-hashing threads are all taken.
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
    let attempt = match password_attempt(&state, &email, &addr).await {
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

/// Exchanges a refresh token for a new token pair.
///
/// The refresh token sent is used up: keep the new one. A refresh token used a second time means
/// it was stolen (or a client retried): the whole session is revoked, and every token of it stops
/// working.
///
/// **Who:** anyone holding a refresh token (no access token needed).
///
/// **Errors:** `401 invalid_token` for a token this server never gave (or of a deleted account);
/// `401 refresh_reused` for a token already exchanged (the session is now revoked); `401
/// token_expired` past its lifetime (30 days by default); `401 session_revoked` for a session
/// that was logged out or revoked.
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

/// Logs out: ends the token's session.
///
/// Its refresh tokens stop working at once, and its access tokens lose access to every group and
/// account route (they still pass the signature check until they expire, but reach nothing).
/// Other sessions of the account are not affected.
///
/// **Who:** any account, for its own session.
///
/// **Errors:** only the common `401` and `429`.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204, description = "Logged out")))]
pub async fn logout(State(state): State<Shared>, Authed(me): Authed) -> ApiResult<Response> {
    db::accounts::revoke_own_session(&state.store.pool, &me.session, &me.account).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Reads the caller's account.
///
/// **Who:** any account, for itself.
///
/// **Errors:** `401 session_revoked` once the session was ended (logout, password change, a reused
/// refresh token, the account deleted).
#[utoipa::path(get, path = "/v1/account", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "The account", body = AccountOut)))]
pub async fn me(State(state): State<Shared>, Authed(me): Authed) -> ApiResult<Response> {
    if !auth::session_live(&state.store, &me).await? {
        return Err(auth::revoked());
    }
    let (email, created_at) = db::accounts::profile(&state.store.pool, &me.account)
        .await?
        .ok_or_else(auth::revoked)?;
    let out = AccountOut {
        id: me.account.clone(),
        email,
        created_at: Timestamp(created_at),
    };
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&out).unwrap_or_default(),
    ))
}

/// Changes the password and ends every session of the account.
///
/// Every session, this one included, is revoked: log in again with the new password. The new
/// password follows the same rules as at registration.
///
/// **Who:** any account, for itself, with its current password.
///
/// **Errors:** `401 invalid_credentials` for a wrong current password; `422 weak_password` for a
/// new password under 15 characters, common, or built on the email's name; `429 busy` when the
/// password-hashing threads are all taken.
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

/// The password that confirms an account's deletion.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct AccountDeletion {
    /// The account's current password.
    #[schema(example = "correct horse battery")]
    password: String,
}

/// Deletes the caller's account, for good.
///
/// Ends every session at once (every access and refresh token of the account stops working)
/// and deletes the account: its email (free to register again), password, import jobs and
/// stored `Idempotency-Key` answers. In each group it has access to:
/// a group it owns with no other account is deleted with everything in it (as by `DELETE
/// /v1/groups/{group}`); a group it owns with other accounts is kept, and the account that has
/// had access longest becomes its owner; in every group its access ends and its member stays,
/// as a name no account is linked to (the records name it; a new invite can link it again).
/// One activity entry per kept group (`account.delete`) records this; the entries the account
/// wrote before stay, with its account id and no email. Nothing of any other account or group
/// changes.
///
/// **Who:** the account itself, with its password in the body: a stolen access token alone
/// cannot delete an account. Wrong passwords count against the same limits as logins.
///
/// **Idempotency:** with an `Idempotency-Key`, a retry (its token's session is gone by then)
/// gets the first answer again (`204`, `Idempotent-Replayed: true`).
///
/// **Errors:** `401 invalid_credentials` for a wrong password; `401 session_revoked` for a
/// token whose session ended (or whose account is already deleted, without the key);
/// `422 invalid_input` without a password, `422 too_long` past 1024 characters; `429
/// rate_limited` past the login attempt limits; `429 busy` when the password-hashing threads
/// are all taken.
#[utoipa::path(delete, path = "/v1/account", tag = "accounts", request_body = AccountDeletion,
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 204, description = "Deleted; every session ended"),
              (status = 401, description = "Wrong password (invalid_credentials), or the session ended (session_revoked)", body = crate::apidoc::ErrorBody),
              (status = 422, description = "No password, or one too long", body = crate::apidoc::ErrorBody),
              (status = 429, description = "Too many wrong passwords (rate_limited), or the hashing threads are busy (busy)", body = crate::apidoc::ErrorBody)))]
pub async fn delete(
    State(state): State<Shared>,
    Authed(me): Authed,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    // The key's request hash leaves the body out: it holds the password, which is not kept,
    // not even as a fast hash.
    let idem = idempotency::with_cutoff(
        &state,
        idempotency::from_request(&me.account, &headers, "DELETE", uri.path(), b"")?,
    );
    if let (Some(i), Some(stored)) = (&idem, idempotency::stored(&state, idem.as_ref()).await?) {
        return idempotency::replay(i, stored);
    }
    let mut f = fields(records::parse_body(&body)?, &["password"])?;
    let password = text::password_form(&string_field(&mut f, "password")?);
    if password.chars().count() > text::MAX_PASSWORD_CHARS {
        return Err(unprocessable(
            Code::TooLong,
            "password",
            "a password has at most 1024 characters",
        ));
    }
    if !auth::session_live(&state.store, &me).await? {
        return Err(auth::revoked());
    }
    let db::accounts::PasswordRow {
        password_hash: hash,
        email,
    } = db::accounts::password_row(&state.store.pool, &me.account)
        .await?
        .ok_or_else(auth::revoked)?;
    let attempt = match password_attempt(&state, &email, &addr).await {
        Ok(a) => a,
        Err(count) => return Ok(limits::too_many(count, "password attempts for this account")),
    };
    let ok = auth::verify_password(&state, &addr, password, Some(hash)).await;
    if !matches!(ok, Ok(false)) {
        // Right, or not checked (the hashing threads were busy): not a failed attempt.
        state.limiter.take_back(&state.cache, &attempt).await;
    }
    if !ok? {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            Code::InvalidCredentials,
            "password",
            "the password is wrong",
        ));
    }
    let now = state.now();
    let made = Made::new(StatusCode::NO_CONTENT, String::new());
    let done = db::retrying!(async {
        let mut tx = state.store.begin_write().await?;
        crate::deletion::account(&mut tx, &me.account, now).await?;
        idempotency::record(&mut tx, idem.as_ref(), &made, now).await?;
        db::commit(tx).await?;
        Ok::<_, ApiError>(())
    });
    match done {
        Ok(()) => Ok(made.into_response()),
        // A concurrent retry with the same key deleted it first: its answer is replayed.
        Err(e) if e.code == Code::IdempotencyRace => {
            match (&idem, idempotency::stored(&state, idem.as_ref()).await?) {
                (Some(i), Some(stored)) => idempotency::replay(i, stored),
                _ => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}
