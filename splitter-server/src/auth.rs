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
use sqlx::AnyConnection;

use crate::db::{self, Store};
use crate::http::{ApiError, ApiResult, Code};
use crate::state::Shared;

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
                Code::Unauthorized,
                "send an access token: Authorization: Bearer <token>",
            ),
            TokenProblem::Invalid => (Code::InvalidToken, "the access token is not valid"),
            TokenProblem::Expired => (
                Code::TokenExpired,
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

/// The shortest token secret, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

/// A secret is refused when it has fewer distinct bytes than this (`aaaa...`, `abab...`): real
/// secrets (`openssl rand -base64 32`, or hex) have far more.
const MIN_SECRET_DISTINCT: usize = 10;

/// Checks a configured secret's length and variety.
pub fn check_secret(secret: &[u8]) -> Result<(), String> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(format!(
            "the token secret must have at least {MIN_SECRET_BYTES} bytes (openssl rand -base64 32 makes one)"
        ));
    }
    let mut seen = [false; 256];
    for b in secret {
        seen[usize::from(*b)] = true;
    }
    if seen.iter().filter(|s| **s).count() < MIN_SECRET_DISTINCT {
        return Err(
            "the token secret repeats a few characters; use a random one (openssl rand -base64 32)".into(),
        );
    }
    Ok(())
}

impl Tokens {
    /// Keys and lifetimes from a secret (checked by [`check_secret`]).
    pub fn new(secret: &[u8], access_ttl: u64, refresh_ttl: u64) -> Result<Tokens, String> {
        check_secret(secret)?;
        Ok(Tokens {
            key: secret.to_vec(),
            access_ttl: i64::try_from(access_ttl).unwrap_or(900).max(1),
            refresh_ttl: i64::try_from(refresh_ttl).unwrap_or(86_400).max(1),
        })
    }

    /// Keys and lifetimes from the configuration: `--token-secret`, else `--token-secret-file`,
    /// else (SQLite only, one process) a secret generated into a file beside the database.
    pub fn from_config(config: &crate::Config) -> Result<Tokens, Box<dyn std::error::Error + Send + Sync>> {
        let secret = match (&config.token_secret, &config.token_secret_file) {
            (Some(s), _) => s.as_bytes().to_vec(),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("--token-secret-file {}: {e}", path.display()))?;
                text.trim_end_matches(['\n', '\r']).as_bytes().to_vec()
            }
            (None, None) => generated_secret(&config.database_url)?,
        };
        Ok(Tokens::new(
            &secret,
            config.access_token_ttl,
            config.refresh_token_ttl,
        )?)
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

/// Without a configured secret: on SQLite, the secret kept in `<database file>.key` (made with
/// mode 0600 on first start); with an in-memory database, a new one for this process. MySQL
/// (several instances on one database) needs a configured one.
fn generated_secret(database_url: &str) -> Result<Vec<u8>, String> {
    if crate::db::Backend::of(database_url) != crate::db::Backend::Sqlite {
        return Err(
            "set --token-secret or --token-secret-file: every instance on a shared database must sign with the same secret"
                .into(),
        );
    }
    let Some(db) = crate::db::sqlite_file(database_url) else {
        tracing::warn!(
            "no --token-secret: a new one for this in-memory database; tokens end with the process"
        );
        return random_token()
            .map(String::into_bytes)
            .map_err(|e| format!("no random bytes: {e}"));
    };
    let mut name = db.into_os_string();
    name.push(".key");
    let path = std::path::PathBuf::from(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => {
            tracing::warn!(file = %path.display(), "no --token-secret: signing tokens with the generated secret in this file; set --token-secret in production");
            return Ok(s.trim_end().as_bytes().to_vec());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", path.display())),
    }
    let secret = random_token().map_err(|e| format!("no random bytes: {e}"))?;
    crate::db::write_private(&path, secret.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    tracing::warn!(file = %path.display(), "no --token-secret: generated one into this file (mode 0600); set --token-secret in production");
    Ok(secret.into_bytes())
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
