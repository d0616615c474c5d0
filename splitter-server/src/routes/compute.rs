//! `POST /v1/compute`: the contract's input in, its output out, nothing stored. The body is
//! byte for byte what [`splitter_core::compute_json`] returns.

use axum::extract::{Extension, OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{Body, Shared};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Made};

/// Computes a group given in the request (the contract's input) and returns the contract's output.
#[utoipa::path(post, path = "/v1/compute", tag = "compute",
    request_body(content = crate::openapi::GroupInputDoc, description = "The contract's input group"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, description = "The contract's output", body = crate::openapi::ReportDoc),
              (status = 400, description = "Not JSON", body = crate::openapi::ErrorBody),
              (status = 422, description = "Invalid (the core's code and path)", body = crate::openapi::ErrorBody)))]
pub async fn compute(
    State(state): State<Shared>,
    req_claims: Option<Extension<crate::auth::Found>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    // Public: keys of anonymous callers share the empty scope; a caller with a token has its own.
    let scope = match req_claims {
        Some(Extension(crate::auth::Found::Token(c))) => c.account,
        _ => String::new(),
    };
    let idem = idempotency::from_request(&scope, &headers, "POST", uri.path(), &body)?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "",
            "the body is not UTF-8 text",
        )
    })?;
    let pool = state.store.pool.clone();
    idempotency::run(&state, idem, |idem| async move {
        let out = tokio::task::spawn_blocking(move || splitter_core::compute_json(&text))
            .await
            .map_err(ApiError::internal)?
            .map_err(|e| ApiError::from_core(e, ""))?;
        let made = Made {
            status: StatusCode::OK,
            body: out,
        };
        if idem.is_some() {
            let mut conn = pool.acquire().await?;
            idempotency::record(&mut conn, idem.as_ref(), &made).await?;
        }
        Ok(made)
    })
    .await
}
