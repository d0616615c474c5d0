//! The HTTP routes, one module per resource, and what they share: the state, the body
//! extractor (whose refusals are in the contract's error form) and small readers of bodies and
//! query strings.

pub mod access;
pub mod accounts;
pub mod activity;
pub mod compute;
pub mod expenses;
pub mod groups;
pub mod invites;
pub mod members;
pub mod ops;
pub mod payments;
pub mod reports;
pub mod transfer;

use splitter_core::ErrorCode;
use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use splitter_core::Json;

use crate::error::{ApiError, Code};

pub use crate::state::{AppState, Shared};

/// A request body as bytes; too large a body is `413 payload_too_large`, one that does not
/// arrive within `--body-timeout-ms` `408 request_timeout`, an unreadable one `400
/// invalid_input`, all in the contract's error form.
#[derive(Debug)]
pub struct Body(pub Bytes);

impl FromRequest<Shared> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Shared) -> Result<Self, Self::Rejection> {
        let read = tokio::time::timeout(state.config.body_timeout(), Bytes::from_request(req, state)).await;
        let Ok(read) = read else {
            return Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                Code::RequestTimeout,
                "",
                "the request body did not arrive in time",
            ));
        };
        match read {
            Ok(b) => Ok(Body(b)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                Code::PayloadTooLarge,
                "",
                "the request body is larger than this server accepts",
            )),
            Err(e) => Err(ApiError::invalid_input("", e.body_text())),
        }
    }
}

/// The fields of an object body, each at most once and each among `known`.
pub fn fields(body: Json, known: &[&str]) -> Result<HashMap<String, Json>, ApiError> {
    let Json::Object(pairs) = body else {
        return Err(unprocessable(
            ErrorCode::InvalidInput,
            "",
            "the body must be a JSON object",
        ));
    };
    let mut out = HashMap::with_capacity(pairs.len());
    for (k, v) in pairs {
        if !known.contains(&k.as_str()) {
            return Err(unprocessable(
                ErrorCode::InvalidInput,
                &k,
                &format!("unknown field (expected one of: {})", known.join(", ")),
            ));
        }
        if out.contains_key(&k) {
            return Err(unprocessable(
                ErrorCode::DuplicateId,
                &k,
                "this key appears twice",
            ));
        }
        if !matches!(v, Json::Null) {
            out.insert(k, v);
        }
    }
    Ok(out)
}

/// A `422` with this code.
pub fn unprocessable(code: impl Into<Code>, path: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, path, message)
}

/// A text field, cleaned by the field's rules ([`crate::text::clean`]).
pub fn text_field(
    v: Option<Json>,
    path: &str,
    field: &crate::text::Field,
    required: bool,
) -> Result<Option<String>, ApiError> {
    match v {
        None if required => Err(unprocessable(ErrorCode::InvalidInput, path, "required")),
        None => Ok(None),
        Some(Json::String(s)) => crate::text::clean(&s, field, path).map(Some),
        Some(other) => Err(unprocessable(
            ErrorCode::InvalidInput,
            path,
            &format!("expected a string, not {}", other.kind()),
        )),
    }
}

/// The most bytes of records one page holds (a page stops early, with a cursor, past it).
pub const PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The `cursor` and `limit` query parameters: (after this record number, at most this many).
pub fn page(query: &HashMap<String, String>) -> Result<(i64, i64), ApiError> {
    let after = match query.get("cursor") {
        None => 0,
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::invalid_input("cursor", "not a cursor this server gave"))?,
    };
    let limit = match query.get("limit") {
        None => 50,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| ApiError::invalid_input("limit", "a whole number from 1 to 500"))?,
    };
    Ok((after, limit))
}

/// A page of records as `{"<key>": [...], "next_cursor": "12" | null}` (`rows` holds one more
/// than `limit` when there is a next page). A page ends early, with a cursor, once it holds
/// [`PAGE_BYTES`] (always at least one record).
pub fn page_body(key: &str, mut rows: Vec<crate::store::RecordRow>, limit: i64) -> String {
    let mut limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut bytes = 0;
    if let Some(fit) = rows.iter().position(|r| {
        bytes += r.body.len() + 1;
        bytes > PAGE_BYTES
    }) {
        limit = limit.min(fit.max(1));
    }
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.seq.to_string())
    } else {
        None
    };
    let mut s = String::with_capacity(64 + rows.iter().map(|r| r.body.len() + 1).sum::<usize>());
    s.push_str("{\"");
    s.push_str(key);
    s.push_str("\":[");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&r.body);
    }
    s.push_str("],\"next_cursor\":");
    match next {
        Some(n) => {
            s.push('"');
            s.push_str(&n);
            s.push('"');
        }
        None => s.push_str("null"),
    }
    s.push('}');
    s
}
