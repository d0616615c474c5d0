//! Accounts and access: argon2id password hashes on the hashing pool, the `Authed` extractor,
//! sessions and rotating refresh tokens (stored only as SHA-256), and the group access check
//! every group route makes. The tokens themselves are [`crate::tokens`]'s.
//!
//! An access token is checked without the database; the group access check then joins the
//! session row, so a revoked session (logout, password
//! change, refresh-token reuse) loses access to every group at once, not only at expiry.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sqlx::AnyConnection;

use crate::db::{self, Store};
use crate::http::{ApiError, ApiResult, Code};
use crate::state::Shared;

pub use crate::tokens::{
    check_secret, random_token, sha256_hex, Claims, TokenProblem, Tokens, MIN_SECRET_BYTES, SCHEME,
};

/// How long a password hash may wait for a hashing thread and run.
const HASH_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// The hashing pool refused: the server is busy hashing (a burst of logins); `429 busy`.
fn hashing_refused(_: crate::cpu::Refused) -> ApiError {
    crate::budget::busy()
}

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes) on the hashing pool,
/// as `client`'s job.
pub async fn hash_password(
    state: &crate::state::AppState,
    client: &str,
    password: String,
) -> ApiResult<String> {
    state
        .hashing
        .run(client, HASH_DEADLINE, move |_| {
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
        .map_err(hashing_refused)?
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

/// Checks a password against a stored hash (or the dummy one, so that an unknown email costs
/// the same) on the hashing pool, as `client`'s job.
pub async fn verify_password(
    state: &crate::state::AppState,
    client: &str,
    password: String,
    hash: Option<String>,
) -> ApiResult<bool> {
    state
        .hashing
        .run(client, HASH_DEADLINE, move |_| {
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
        .map_err(hashing_refused)
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
    /// The role a stored text names (anything but `owner` is a member).
    pub fn parse(s: &str) -> Role {
        if s == "owner" {
            Role::Owner
        } else {
            Role::Member
        }
    }

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
        require_owner(self.role, what)
    }
}

fn require_owner(role: Role, what: &str) -> ApiResult<()> {
    if role == Role::Owner {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Code::Forbidden,
            "",
            format!("only the group's owner may {what}"),
        ))
    }
}

/// The account's access to the group (one query joining the session, the access row and the
/// group): `404` for a group it is not a member of (as for one that does not exist), `401` when
/// its session was revoked.
pub async fn access(state: &Shared, me: &Claims, gid: &str) -> ApiResult<Access> {
    let row = db::access::check(&state.store.pool, &me.session, gid, &me.account).await?;
    match row {
        Some(r) => Ok(Access {
            account: me.account.clone(),
            role: Role::parse(&r.role),
            member: r.member,
            version: r.version,
        }),
        None => {
            if !session_live(&state.store, me).await? {
                return Err(revoked());
            }
            Err(ApiError::not_found("group"))
        }
    }
}

/// What the write path's lock found: the group's new version and record counter, its share
/// rows, and the caller's role and member.
#[derive(Debug, Clone)]
pub struct Lock {
    /// The group's version after this write's bump.
    pub version: i64,
    /// The group's record counter after taking `take` numbers (the last one taken).
    pub seq: i64,
    /// Share rows the group's live expenses hold (before this write).
    pub share_rows: i64,
    /// The caller's role.
    pub role: Role,
    /// The member the caller is linked to, if any.
    pub member: Option<String>,
}

impl Lock {
    /// `403 forbidden` unless the caller owns the group.
    pub fn require_owner(&self, what: &str) -> ApiResult<()> {
        require_owner(self.role, what)
    }
}

/// The write path's access check folded into the group lock: bumps the group's version (and its
/// record counter by `take`) only if the account, in a live session, is a member, and returns what
/// the write needs to know. One statement fewer than [`access`] and then
/// [`crate::db::lock_group`]; `404` (or `401` for a revoked session) otherwise, nothing changed.
pub async fn lock_member(
    state: &Shared,
    conn: &mut AnyConnection,
    me: &Claims,
    gid: &str,
    take: i64,
) -> ApiResult<Lock> {
    let Some(row) = db::access::lock_member(conn, &me.session, gid, &me.account, take).await? else {
        if !session_live(&state.store, me).await? {
            return Err(revoked());
        }
        return Err(ApiError::not_found("group"));
    };
    Ok(Lock {
        version: row.version,
        seq: row.seq,
        share_rows: row.share_rows,
        role: Role::parse(&row.role),
        member: row.member,
    })
}

/// `401 session_revoked`.
pub fn revoked() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        Code::SessionRevoked,
        "Authorization",
        "this session was ended (logout, password change or a reused refresh token); log in again",
    )
}

/// True when the token's session exists and is not revoked.
pub async fn session_live(store: &Store, me: &Claims) -> ApiResult<bool> {
    Ok(db::accounts::session_live(&store.pool, &me.session, &me.account).await?)
}

/// Starts a session for the account: a new session row and its first refresh token.
pub async fn new_session(
    conn: &mut AnyConnection,
    tokens: &Tokens,
    account: &str,
    now: i64,
) -> ApiResult<(String, String)> {
    let session = uuid::Uuid::new_v4().simple().to_string();
    db::accounts::insert_session(conn, &session, account, now).await?;
    let refresh = issue_refresh(conn, tokens, &session, now).await?;
    Ok((session, refresh))
}

/// A new refresh token in the session.
pub async fn issue_refresh(
    conn: &mut AnyConnection,
    tokens: &Tokens,
    session: &str,
    now: i64,
) -> ApiResult<String> {
    let token = random_token().map_err(ApiError::internal)?;
    db::accounts::insert_refresh_token(conn, &sha256_hex(&token), session, now + tokens.refresh_ttl).await?;
    Ok(token)
}
