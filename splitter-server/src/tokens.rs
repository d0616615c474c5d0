//! Access and refresh tokens: HMAC-SHA256-signed access tokens checked without the database, the
//! token secret's source and strength, and random refresh tokens stored only as SHA-256.
//!
//! An access token is `base64url(payload).base64url(HMAC-SHA256(secret, payload))` with the
//! payload `v1.{account}.{session}.{expiry unix seconds}`.

use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::http::{ApiError, Code};

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
