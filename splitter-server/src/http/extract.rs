//! Extractors and readers of request bodies, whose refusals are in the contract's error form.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use splitter_core::{ErrorCode, Json};

use super::error::{ApiError, Code};

/// How long a request body may take to arrive: what the state the router runs with tells
/// [`Body`] (the application's state implements it from its configuration).
pub trait BodyTimeout {
    /// The body read timeout.
    fn body_timeout(&self) -> std::time::Duration;
}

/// A request body as bytes; too large a body is `413 payload_too_large`, one that does not
/// arrive within `--body-timeout-ms` `408 request_timeout`, an unreadable one `400
/// invalid_input`, all in the contract's error form.
#[derive(Debug)]
pub struct Body(pub Bytes);

impl<S: BodyTimeout + Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let read = tokio::time::timeout(state.body_timeout(), Bytes::from_request(req, state)).await;
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
            let hint = match splitter_core::did_you_mean(&k, known.iter().copied()) {
                Some(near) => format!("did you mean '{near}'? The fields here are"),
                None => "remove it, or use one of".to_string(),
            };
            let shown: String = k.chars().take(40).collect();
            return Err(unprocessable(
                ErrorCode::InvalidInput,
                &k,
                &format!("unknown field '{shown}'; {hint} {}", known.join(", ")),
            ));
        }
        if out.contains_key(&k) {
            return Err(unprocessable(
                ErrorCode::DuplicateId,
                &k,
                "this key appears twice; give it once",
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

/// The client's address (the peer, or the right-most untrusted `X-Forwarded-For` entry behind
/// trusted proxies), left by the router's guard as a request extension for handlers that count
/// per client.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);
