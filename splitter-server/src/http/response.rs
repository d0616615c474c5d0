//! Responses.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A JSON response.
pub fn json_response(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    let mut r = (status, body.into()).into_response();
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
