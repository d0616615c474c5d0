//! Extractors and readers of request bodies, whose refusals are in the contract's error form.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use splitter_core::{ErrorCode, Json};

use super::error::{ApiError, Code};
use crate::state::Shared;

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
