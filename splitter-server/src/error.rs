//! The server's one error type: the contract's error object (`{"error": {"code", "message",
//! "path"}}`) with an HTTP status. Bad input is always a 4xx with a stable code; only a failure
//! of the server's own machinery (the database unreachable) is a 5xx.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use splitter_core::ErrorCode;

/// An error answered to the client in the contract's error form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status (4xx for bad input, 5xx only when the server itself failed).
    pub status: StatusCode,
    /// The stable machine-readable code (the core's codes plus the server's own).
    pub code: &'static str,
    /// A readable explanation.
    pub message: String,
    /// Where in the request body (or which parameter) the problem is; empty for the whole.
    pub path: String,
    /// A database conflict that running the whole transaction again may cure (a deadlock, a busy
    /// SQLite): `store::retrying!` does so before answering `503`.
    pub retry: bool,
}

impl ApiError {
    /// A new error.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            path: path.into(),
            retry: false,
        }
    }

    /// `404 not_found`.
    pub fn not_found(what: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "",
            format!("{what} not found"),
        )
    }

    /// `400 invalid_input` for a malformed parameter or body field.
    pub fn invalid_input(path: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", path, message)
    }

    /// `409` with the given code (a state that forbids the change).
    pub fn conflict(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, code, path, message)
    }

    /// `500 internal` (or `503 unavailable` for a pool timeout): the server's own failure. The
    /// detail goes to the log, not to the client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
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
            code: e.code.as_str(),
            message: e.message,
            path,
            retry: false,
        }
    }

    /// The body: the contract's error object.
    pub fn body(&self) -> String {
        serde_json::json!({ "error": { "code": self.code, "message": self.message, "path": self.path } })
            .to_string()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match crate::store::trouble(&e) {
            crate::store::Trouble::Conflict => {
                tracing::info!(error = %e, "database conflict (retried)");
                let mut r = ApiError::unavailable("the database was busy with a conflicting change; retry");
                r.retry = true;
                r
            }
            crate::store::Trouble::Unavailable => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError::unavailable("the database is busy or unreachable; retry later")
            }
            crate::store::Trouble::Other => ApiError::internal(e),
        }
    }
}

impl ApiError {
    /// `503 unavailable` (with `Retry-After`): the database is unreachable, read-only, or busy.
    pub fn unavailable(message: &str) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "", message)
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
