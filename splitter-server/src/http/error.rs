//! The server's one error type: the contract's error object (`{"error": {"code", "message",
//! "path"}}`) with an HTTP status. Bad input is always a 4xx with a stable code; only a failure
//! of the server's own machinery (the database unreachable) is a 5xx.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use splitter_core::ErrorCode;

use crate::db::{DbError, Trouble};

/// Every error code the server answers with: the core's (bad input to the engine) and the
/// server's own, one place for all of them. Clients match on the text ([`Code::as_str`]), which
/// never changes for a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// One of the core's codes (`invalid_input`, `invalid_amount`, `duplicate_id`, ...).
    Core(ErrorCode),
    /// `not_found`: The resource does not exist, or the caller may not see it.
    NotFound,
    /// `forbidden`: The caller may see the resource but not change it this way.
    Forbidden,
    /// `invalid_credentials`: A wrong email or password.
    InvalidCredentials,
    /// `invalid_token`: A token that is malformed, forged or for something else.
    InvalidToken,
    /// `token_expired`: An access or refresh token past its lifetime.
    TokenExpired,
    /// `refresh_reused`: A refresh token used twice: its session is revoked.
    RefreshReused,
    /// `session_revoked`: The token's session was logged out or revoked.
    SessionRevoked,
    /// `email_taken`: An account with this email exists.
    EmailTaken,
    /// `weak_password`: A password too short or too common.
    WeakPassword,
    /// `invalid_text`: Text with control, bidi or zero-width characters, or blank.
    InvalidText,
    /// `mixed_script`: Text mixing scripts in a way that imitates other text.
    MixedScript,
    /// `confusable_id`: An id that looks like another id of the group.
    ConfusableId,
    /// `too_long`: Text longer than its field allows.
    TooLong,
    /// `owner_member`: The change would leave the group without its owner's member, or remove the owner.
    OwnerMember,
    /// `member_taken`: The member is already linked to another account.
    MemberTaken,
    /// `already_member`: The account already belongs to the group.
    AlreadyMember,
    /// `nonzero_balance`: A member with a balance cannot be removed.
    NonzeroBalance,
    /// `not_deleted`: Only a deleted record can be restored.
    NotDeleted,
    /// `group_full`: The group holds as many members or shares as the server keeps.
    GroupFull,
    /// `too_many_members`: More members than a group may have.
    TooManyMembers,
    /// `invite_expired`: The invite is past its lifetime.
    InviteExpired,
    /// `invite_revoked`: The invite was revoked or used up.
    InviteRevoked,
    /// `idempotency_key_reused`: An Idempotency-Key sent again with a different request.
    IdempotencyKeyReused,
    /// `precondition_required`: A change without If-Match.
    PreconditionRequired,
    /// `precondition_failed`: If-Match names an older version.
    PreconditionFailed,
    /// `payload_too_large`: A body larger than the server reads.
    PayloadTooLarge,
    /// `over_budget`: A computation larger than the caller's budget.
    OverBudget,
    /// `busy`: Every worker for this kind of work is taken; retry.
    Busy,
    /// `rate_limited`: Too many requests; retry after the time given.
    RateLimited,
    /// `request_timeout`: The request took longer than its deadline.
    RequestTimeout,
    /// `too_many_connections`: Too many open connections; retry.
    TooManyConnections,
    /// `unavailable`: The database is unreachable, read-only or busy; retry.
    Unavailable,
    /// `unauthorized`: No access token was sent.
    Unauthorized,
    /// `method_not_allowed`: The path exists, but not with this method.
    MethodNotAllowed,
    /// `unsupported_media_type`: A body of a type the route does not read.
    UnsupportedMediaType,
    /// `idempotency_race`: A concurrent request with the same Idempotency-Key won (retried inside the server before any answer).
    IdempotencyRace,
    /// `internal`: The server's own failure (details in its log).
    Internal,
}

impl Code {
    /// The server's own codes (the core's are [`ErrorCode::ALL`]).
    pub const SERVER: [Code; 37] = [
        Code::NotFound,
        Code::Forbidden,
        Code::InvalidCredentials,
        Code::InvalidToken,
        Code::TokenExpired,
        Code::RefreshReused,
        Code::SessionRevoked,
        Code::EmailTaken,
        Code::WeakPassword,
        Code::InvalidText,
        Code::MixedScript,
        Code::ConfusableId,
        Code::TooLong,
        Code::OwnerMember,
        Code::MemberTaken,
        Code::AlreadyMember,
        Code::NonzeroBalance,
        Code::NotDeleted,
        Code::GroupFull,
        Code::TooManyMembers,
        Code::InviteExpired,
        Code::InviteRevoked,
        Code::IdempotencyKeyReused,
        Code::PreconditionRequired,
        Code::PreconditionFailed,
        Code::PayloadTooLarge,
        Code::OverBudget,
        Code::Busy,
        Code::RateLimited,
        Code::RequestTimeout,
        Code::TooManyConnections,
        Code::Unavailable,
        Code::Unauthorized,
        Code::MethodNotAllowed,
        Code::UnsupportedMediaType,
        Code::IdempotencyRace,
        Code::Internal,
    ];

    /// The code as clients see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Core(c) => c.as_str(),
            Code::NotFound => "not_found",
            Code::Forbidden => "forbidden",
            Code::InvalidCredentials => "invalid_credentials",
            Code::InvalidToken => "invalid_token",
            Code::TokenExpired => "token_expired",
            Code::RefreshReused => "refresh_reused",
            Code::SessionRevoked => "session_revoked",
            Code::EmailTaken => "email_taken",
            Code::WeakPassword => "weak_password",
            Code::InvalidText => "invalid_text",
            Code::MixedScript => "mixed_script",
            Code::ConfusableId => "confusable_id",
            Code::TooLong => "too_long",
            Code::OwnerMember => "owner_member",
            Code::MemberTaken => "member_taken",
            Code::AlreadyMember => "already_member",
            Code::NonzeroBalance => "nonzero_balance",
            Code::NotDeleted => "not_deleted",
            Code::GroupFull => "group_full",
            Code::TooManyMembers => "too_many_members",
            Code::InviteExpired => "invite_expired",
            Code::InviteRevoked => "invite_revoked",
            Code::IdempotencyKeyReused => "idempotency_key_reused",
            Code::PreconditionRequired => "precondition_required",
            Code::PreconditionFailed => "precondition_failed",
            Code::PayloadTooLarge => "payload_too_large",
            Code::OverBudget => "over_budget",
            Code::Busy => "busy",
            Code::RateLimited => "rate_limited",
            Code::RequestTimeout => "request_timeout",
            Code::TooManyConnections => "too_many_connections",
            Code::Unavailable => "unavailable",
            Code::Unauthorized => "unauthorized",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::IdempotencyRace => "idempotency_race",
            Code::Internal => "internal",
        }
    }
}

impl From<ErrorCode> for Code {
    fn from(c: ErrorCode) -> Self {
        Code::Core(c)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// An error answered to the client in the contract's error form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status (4xx for bad input, 5xx only when the server itself failed).
    pub status: StatusCode,
    /// The stable machine-readable code (the core's codes plus the server's own).
    pub code: Code,
    /// A readable explanation: what is wrong and what to do (the body's `message` puts the
    /// code and the path in front, see [`ApiError::text`]).
    pub message: String,
    /// Where in the request body (or which parameter) the problem is; empty for the whole.
    pub path: String,
    /// A database conflict that running the whole transaction again may cure (a deadlock, a busy
    /// SQLite): `db::retrying!` does so before answering `503`.
    pub retry: bool,
}

impl ApiError {
    /// A new error.
    pub fn new(
        status: StatusCode,
        code: impl Into<Code>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            path: path.into(),
            retry: false,
        }
    }

    /// `404 not_found`.
    pub fn not_found(what: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            Code::NotFound,
            "",
            format!("{what} not found"),
        )
    }

    /// `400 invalid_input` for a malformed parameter or body field.
    pub fn invalid_input(path: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidInput, path, message)
    }

    /// `409` with the given code (a state that forbids the change).
    pub fn conflict(code: impl Into<Code>, path: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, code, path, message)
    }

    /// `500 internal` (or `503 unavailable` for a pool timeout): the server's own failure. The
    /// detail goes to the log, not to the client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::Internal,
            "",
            "internal server error",
        )
    }

    /// The core's error, with its path moved under `prefix` removed (a path inside the request
    /// body instead of inside the group the server built around it).
    pub fn from_core(e: splitter_core::Error, strip: &str) -> Self {
        let path = if e.path == strip {
            String::new()
        } else if let Some(rest) = e.path.strip_prefix(strip).and_then(|r| r.strip_prefix('.')) {
            rest.to_string()
        } else {
            e.path
        };
        let status = match e.code {
            ErrorCode::InvalidJson => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError {
            status,
            code: Code::Core(e.code),
            message: e.message,
            path,
            retry: false,
        }
    }

    /// The text people read, the same in every face of Splitter: `code at path: message`
    /// (`code: message` without a path), made by the core's [`splitter_core::error_text`].
    pub fn text(&self) -> String {
        splitter_core::error_text(self.code.as_str(), &self.path, &self.message)
    }

    /// The body: the contract's error object, its `message` the [`ApiError::text`].
    pub fn body(&self) -> String {
        serde_json::json!({ "error": { "code": self.code.as_str(), "message": self.text(), "path": self.path } })
            .to_string()
    }
}

impl From<DbError> for ApiError {
    /// A database failure as the client sees it: a conflict a retry may cure is retried by the
    /// write path (`retry`) and otherwise answered `503`, like a database that cannot serve now;
    /// anything else is the server's own failure (`500`, the detail in the log).
    fn from(e: DbError) -> Self {
        match e.trouble() {
            Trouble::Conflict => {
                tracing::info!(error = %e, "database conflict (retried up to 6 times, then 503)");
                let mut r = ApiError::unavailable("the database was busy with a conflicting change; retry");
                r.retry = true;
                r
            }
            Trouble::Unavailable => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError::unavailable("the database is busy or unreachable; retry later")
            }
            Trouble::Other => ApiError::internal(e),
        }
    }
}

impl ApiError {
    /// `503 unavailable` (with `Retry-After`): the database is unreachable, read-only, or busy.
    pub fn unavailable(message: &str) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, Code::Unavailable, "", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, self.body()).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if self.status == StatusCode::TOO_MANY_REQUESTS || self.status == StatusCode::SERVICE_UNAVAILABLE {
            // Busy or briefly unavailable: a second is the usual wait (rate limits set their own).
            r.headers_mut()
                .entry(header::RETRY_AFTER)
                .or_insert(HeaderValue::from_static("1"));
        }
        r
    }
}

/// Shorthand for handlers.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code reads as its own snake_case text, and no server code reuses a core code's.
    #[test]
    fn codes_are_distinct_snake_case() {
        let mut seen = std::collections::HashSet::new();
        let core = ErrorCode::ALL.iter().map(|c| Code::Core(*c));
        for code in core.chain(Code::SERVER) {
            let text = code.as_str();
            assert!(
                !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{text}"
            );
            assert!(seen.insert(text), "{text} twice");
            assert_eq!(code, text);
        }
    }

    #[test]
    fn the_body_is_the_contract_error_object() {
        let e = ApiError::new(StatusCode::CONFLICT, Code::EmailTaken, "email", "taken");
        assert_eq!(
            e.body(),
            r#"{"error":{"code":"email_taken","message":"email_taken at email: taken","path":"email"}}"#
        );
        let whole = ApiError::not_found("group");
        assert_eq!(
            whole.body(),
            r#"{"error":{"code":"not_found","message":"not_found: group not found","path":""}}"#
        );
    }

    /// The core's errors read as in every other face, with the path as the request names it.
    #[test]
    fn a_core_error_reads_as_the_cores_text() {
        let e = splitter_core::compute_json(
            r#"{"currency": "EUR", "members": ["ana"], "expenses":
            [{"id": "e1", "amout": "5.00", "paid_by": "ana", "split": {"type": "equal"}}]}"#,
        )
        .unwrap_err();
        let text = e.to_string();
        let api = ApiError::from_core(e, "");
        assert_eq!(api.text(), text);
        let body: serde_json::Value = serde_json::from_str(&api.body()).unwrap();
        assert_eq!(body["error"]["message"], text);
        // Under a prefix the path is the request body's, and so is the text's.
        let e = splitter_core::Error::new(ErrorCode::TooPrecise, "expenses[0].amount", "too fine");
        assert_eq!(
            ApiError::from_core(e, "expenses[0]").text(),
            "too_precise at amount: too fine"
        );
    }
}
