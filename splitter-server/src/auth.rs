//! Accounts and tokens: argon2id password hashes, HMAC-SHA256-signed access tokens, rotating
//! refresh tokens (stored only as SHA-256), and the group access check every group route makes.
//!
//! An access token is `base64url(payload).base64url(HMAC-SHA256(secret, payload))` with the
//! payload `v1.{account}.{session}.{expiry unix seconds}`. It is checked without the database;
//! the group access check then joins the session row, so a revoked session (logout, password
//! change, refresh-token reuse) loses access to every group at once, not only at expiry.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use crate::error::{ApiError, ApiResult};
use crate::routes::Shared;
use crate::store::{self, now, Store};

type HmacSha256 = Hmac<Sha256>;

/// The bearer scheme's name in the OpenAPI document.
pub const SCHEME: &str = "bearer";

/// What a valid access token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The account.
    pub account: String,
    /// The session (login) it belongs to.
    pub session: String,
    /// Unix seconds after which it is refused.
    pub expires: i64,
}

/// Why a token was refused (all answered `401`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// No `Authorization: Bearer` header.
    Missing,
    /// Not a token this server signed (malformed or tampered).
    Invalid,
    /// Past its expiry.
    Expired,
}

impl TokenProblem {
    /// The `401` answer.
    pub fn error(self) -> ApiError {
        let (code, message) = match self {
            TokenProblem::Missing => (
                "unauthorized",
                "send an access token: Authorization: Bearer <token>",
            ),
            TokenProblem::Invalid => ("invalid_token", "the access token is not valid"),
            TokenProblem::Expired => (
                "token_expired",
                "the access token has expired; refresh it at /v1/auth/refresh",
            ),
        };
        ApiError::new(StatusCode::UNAUTHORIZED, code, "Authorization", message)
    }
}

/// The signing key and lifetimes.
#[derive(Clone)]
pub struct Tokens {
    key: Vec<u8>,
    /// Access token lifetime, seconds.
    pub access_ttl: i64,
    /// Refresh token lifetime, seconds.
    pub refresh_ttl: i64,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    /// Keys and lifetimes: the configured secret, or the one stored in the database (made and
    /// stored on first start, so that every instance on the database shares it).
    pub async fn load(
        store: &Store,
        configured: Option<&str>,
        access_ttl: u64,
        refresh_ttl: u64,
    ) -> Result<Tokens, Box<dyn std::error::Error + Send + Sync>> {
        let key = match configured {
            Some(s) if s.len() >= 32 => s.as_bytes().to_vec(),
            Some(_) => return Err("--token-secret must have at least 32 bytes".into()),
            None => stored_secret(store).await?.into_bytes(),
        };
        Ok(Tokens {
            key,
            access_ttl: i64::try_from(access_ttl).unwrap_or(900).max(1),
            refresh_ttl: i64::try_from(refresh_ttl).unwrap_or(86_400).max(1),
        })
    }

    fn mac(&self, payload: &[u8]) -> HmacSha256 {
        // HMAC takes a key of any length.
        let mut m = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| <HmacSha256 as Mac>::new_from_slice(b"unreachable").expect("hmac key"));
        m.update(payload);
        m
    }

    /// A signed access token for this session, valid for `access_ttl` from `now`.
    pub fn sign(&self, account: &str, session: &str, now: i64) -> (String, i64) {
        let expires = now + self.access_ttl;
        let payload = format!("v1.{account}.{session}.{expires}");
        let sig = self.mac(payload.as_bytes()).finalize().into_bytes();
        (
            format!(
                "{}.{}",
                URL_SAFE_NO_PAD.encode(payload.as_bytes()),
                URL_SAFE_NO_PAD.encode(sig)
            ),
            expires,
        )
    }

    /// Checks a token's signature (in constant time) and expiry.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, TokenProblem> {
        let (p, s) = token.split_once('.').ok_or(TokenProblem::Invalid)?;
        if p.len() > 512 {
            return Err(TokenProblem::Invalid);
        }
        let payload = URL_SAFE_NO_PAD.decode(p).map_err(|_| TokenProblem::Invalid)?;
        let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| TokenProblem::Invalid)?;
        self.mac(&payload)
            .verify_slice(&sig)
            .map_err(|_| TokenProblem::Invalid)?;
        let text = std::str::from_utf8(&payload).map_err(|_| TokenProblem::Invalid)?;
        let mut parts = text.split('.');
        let (Some("v1"), Some(account), Some(session), Some(exp), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(TokenProblem::Invalid);
        };
        let expires: i64 = exp.parse().map_err(|_| TokenProblem::Invalid)?;
        if now >= expires {
            return Err(TokenProblem::Expired);
        }
        Ok(Claims {
            account: account.to_string(),
            session: session.to_string(),
            expires,
        })
    }
}

async fn stored_secret(store: &Store) -> Result<String, sqlx::Error> {
    let read = || async {
        let row = sqlx::query("SELECT value FROM settings WHERE name = 'token_secret'")
            .fetch_optional(&store.pool)
            .await?;
        row.map(|r| store::text(&r, 0)).transpose()
    };
    if let Some(s) = read().await? {
        return Ok(s);
    }
    // Two instances starting together: one insert wins, both read the winner's.
    let _ = sqlx::query("INSERT INTO settings (name, value) VALUES ('token_secret', ?)")
        .bind(random_token().map_err(|e| sqlx::Error::Protocol(format!("no random bytes: {e}")))?)
        .execute(&store.pool)
        .await;
    read()
        .await?
        .ok_or_else(|| sqlx::Error::Protocol("token secret missing".into()))
}

/// 32 random bytes, base64url (a refresh token, an invite code, a secret).
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 32];
    // No OS randomness: an error, never a predictable token.
    getrandom::getrandom(&mut b)?;
    Ok(URL_SAFE_NO_PAD.encode(b))
}

/// SHA-256 as lower-case hex (how refresh tokens and invite codes are stored).
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hashes a password with argon2id (default parameters), off the async workers.
pub async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let mut salt = [0u8; 16];
        getrandom::getrandom(&mut salt).map_err(ApiError::internal)?;
        let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)?
}

/// A hash of a random password nobody knows, checked when the account does not exist, so that a
/// login for an unknown email takes as long as one for a known email.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::encode_b64(b"splitter-dummy-salt")
            .unwrap_or_else(|_| SaltString::from_b64("c3BsaXR0ZXJzYWx0").expect("a valid salt"));
        argon2::Argon2::default()
            .hash_password(random_token().unwrap_or_default().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Checks a password against a stored hash (or the dummy one), off the async workers.
pub async fn verify_password(password: String, hash: Option<String>) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        let known = hash.is_some();
        let text = hash.unwrap_or_else(|| dummy_hash().to_string());
        let ok = PasswordHash::new(&text)
            .map(|h| {
                argon2::Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && known
    })
    .await
    .map_err(ApiError::internal)
}

/// The bearer token of a request, if it sent one.
pub fn bearer(parts_headers: &axum::http::HeaderMap) -> Option<&str> {
    let v = parts_headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// What the authentication layer found, put in the request's extensions.
#[derive(Debug, Clone)]
pub enum Found {
    /// A valid token.
    Token(Claims),
    /// No token, or a refused one.
    Refused(TokenProblem),
}

/// An authenticated account (the extractor answers `401` otherwise).
#[derive(Debug, Clone)]
pub struct Authed(pub Claims);

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Found>() {
            Some(Found::Token(c)) => Ok(Authed(c.clone())),
            Some(Found::Refused(p)) => Err(unauthorized(p.error())),
            None => Err(unauthorized(TokenProblem::Missing.error())),
        }
    }
}

/// A `401` with `WWW-Authenticate: Bearer`.
pub fn unauthorized(e: ApiError) -> Response {
    let mut r = e.into_response();
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// An account's role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Created the group: may rename it, remove members and revoke invites.
    Owner,
    /// Joined through an invite.
    Member,
}

impl Role {
    /// `owner` or `member`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }
}

/// An account's access to one group.
#[derive(Debug, Clone)]
pub struct Access {
    /// The account.
    pub account: String,
    /// Its role.
    pub role: Role,
    /// The member it is linked to, if any.
    pub member: Option<String>,
    /// The group's version when checked.
    pub version: i64,
}

impl Access {
    /// `403 forbidden` unless the account owns the group.
    pub fn require_owner(&self, what: &str) -> ApiResult<()> {
        if self.role == Role::Owner {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "",
                format!("only the group's owner may {what}"),
            ))
        }
    }
}

/// The account's access to the group (one query joining the session, the access row and the
/// group): `404` for a group it is not a member of (as for one that does not exist), `401` when
/// its session was revoked.
pub async fn access(state: &Shared, me: &Claims, gid: &str) -> ApiResult<Access> {
    let row = sqlx::query(
        "SELECT g.version, a.role, a.member_id FROM group_access a \
         JOIN sessions s ON s.id = ? AND s.account_id = a.account_id AND s.revoked = 0 \
         JOIN `groups` g ON g.id = a.group_id \
         WHERE a.group_id = ? AND a.account_id = ?",
    )
    .bind(&me.session)
    .bind(gid)
    .bind(&me.account)
    .fetch_optional(&state.store.pool)
    .await?;
    match row {
        Some(r) => Ok(Access {
            account: me.account.clone(),
            role: if store::text(&r, 1)? == "owner" {
                Role::Owner
            } else {
                Role::Member
            },
            member: store::opt_text(&r, 2)?,
            version: r.try_get(0)?,
        }),
        None => {
            if !session_live(&state.store, me).await? {
                return Err(revoked());
            }
            Err(ApiError::not_found("group"))
        }
    }
}

/// The write path's access check folded into the group lock: bumps the group's version (and its
/// record counter by `take`) only if the account, in a live session, is a member, and returns the
/// new `(version, seq)`. One statement fewer than [`access`] and then
/// [`crate::store::lock_group`]; `404` (or `401` for a revoked session) otherwise, nothing changed.
pub async fn lock_member(
    state: &Shared,
    conn: &mut AnyConnection,
    me: &Claims,
    gid: &str,
    take: i64,
) -> ApiResult<(i64, i64)> {
    let done = sqlx::query(
        "UPDATE `groups` SET version = version + 1, seq = seq + ? WHERE id = ? AND EXISTS \
         (SELECT 1 FROM group_access a JOIN sessions s ON s.id = ? AND s.account_id = a.account_id \
          AND s.revoked = 0 WHERE a.group_id = ? AND a.account_id = ?)",
    )
    .bind(take)
    .bind(gid)
    .bind(&me.session)
    .bind(gid)
    .bind(&me.account)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        if !session_live(&state.store, me).await? {
            return Err(revoked());
        }
        return Err(ApiError::not_found("group"));
    }
    let row = sqlx::query("SELECT version, seq FROM `groups` WHERE id = ?")
        .bind(gid)
        .fetch_one(&mut *conn)
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// `401 session_revoked`.
pub fn revoked() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "session_revoked",
        "Authorization",
        "this session was ended (logout, password change or a reused refresh token); log in again",
    )
}

/// True when the token's session exists and is not revoked.
pub async fn session_live(store: &Store, me: &Claims) -> ApiResult<bool> {
    let row = sqlx::query("SELECT revoked FROM sessions WHERE id = ? AND account_id = ?")
        .bind(&me.session)
        .bind(&me.account)
        .fetch_optional(&store.pool)
        .await?;
    Ok(matches!(
        row.map(|r| r.try_get::<i64, _>(0)).transpose()?,
        Some(0)
    ))
}

/// Starts a session for the account: a new session row and its first refresh token.
pub async fn new_session(
    conn: &mut AnyConnection,
    tokens: &Tokens,
    account: &str,
) -> ApiResult<(String, String)> {
    let session = uuid::Uuid::new_v4().simple().to_string();
    sqlx::query("INSERT INTO sessions (id, account_id, revoked, created_at) VALUES (?, ?, 0, ?)")
        .bind(&session)
        .bind(account)
        .bind(now())
        .execute(&mut *conn)
        .await?;
    let refresh = issue_refresh(conn, tokens, &session).await?;
    Ok((session, refresh))
}

/// A new refresh token in the session.
pub async fn issue_refresh(conn: &mut AnyConnection, tokens: &Tokens, session: &str) -> ApiResult<String> {
    let token = random_token().map_err(ApiError::internal)?;
    sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, used, expires_at) VALUES (?, ?, 0, ?)")
        .bind(sha256_hex(&token))
        .bind(session)
        .bind(now() + tokens.refresh_ttl)
        .execute(&mut *conn)
        .await?;
    Ok(token)
}
