//! `POST /v1/compute`: the contract's input in, its output out, nothing stored. The body is
//! byte for byte what [`splitter_core::compute_json`] returns, within the caller's
//! [`crate::budget::Budget`]: anonymous callers get the small one (64 KiB, 200 members,
//! 20,000 share rows, `exact_limit` at most and by default 16, 1 s), callers with an access token
//! the larger one. Past it: `413 over_budget`; the compute threads full: `429 busy`.
//!
//! Computing is a pure function, so an `Idempotency-Key` needs no stored response: a retry
//! computes the same answer again. The key is checked for its form and otherwise ignored.

use axum::extract::{Extension, OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use splitter_core::ErrorCode;
use splitter_core::{wire, Halt};

use super::{Body, Shared};
use crate::auth::Found;
use crate::budget::{self, Budget};
use crate::http::ClientAddr;
use crate::http::{ApiError, ApiResult};
use crate::idempotency::{self, json_response};

/// Computes a group given in the request, storing nothing.
///
/// The contract's input in, the engine's output out, byte for byte what `compute_json` gives:
/// balances, shares and the settlement. Within the caller's budget: anonymous, 64 KiB, 200
/// members, 20,000 share rows, `exact_limit` at most 16, 1 second; with an access token, 1 MiB,
/// 2,000 members, 200,000 share rows, `exact_limit` 24, 5 seconds. An `Idempotency-Key` is
/// accepted and needs nothing stored (a retry computes the same answer).
///
/// **Who:** anyone (a token raises the budget).
///
/// **Errors:** `400 invalid_json` for text that is not JSON; `422` with the engine's code and its
/// path in the input (`expenses[1].split.shares.zoe`); `413 over_budget` past the caller's budget,
/// `413 payload_too_large` past the body limit; `429 busy` when the compute threads are all
/// taken.
#[utoipa::path(post, path = "/v1/compute", tag = "compute",
    request_body(content = crate::apidoc::GroupInputDoc, description = "The contract's input group"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Accepted; a retry computes the same answer (nothing is stored)")),
    responses((status = 200, description = "The contract's output", body = crate::apidoc::ReportDoc),
              (status = 400, description = "Not JSON", body = crate::apidoc::ErrorBody),
              (status = 413, description = "Over the caller's budget (over_budget), or a body over the size limit (payload_too_large)", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid (the core's code and path)", body = crate::apidoc::ErrorBody),
              (status = 429, description = "Rate limited, or the compute threads are busy (busy)", body = crate::apidoc::ErrorBody)))]
pub async fn compute(
    State(state): State<Shared>,
    found: Option<Extension<Found>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    let (budget, client): (&'static Budget, String) = match found {
        Some(Extension(Found::Token(c))) => (&budget::ACCOUNT, format!("acct:{}", c.account)),
        _ => (&budget::ANONYMOUS, format!("addr:{addr}")),
    };
    idempotency::from_request("", &headers, "POST", uri.path(), &body)?;
    if body.len() > budget.body_bytes {
        return Err(budget::over(
            budget,
            "",
            format!("a body of {} bytes (at most {})", body.len(), budget.body_bytes),
        ));
    }
    let out = state
        .compute
        .run(&client, budget.time, move |cancel| -> ApiResult<String> {
            let text = std::str::from_utf8(&body).map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidJson,
                    "",
                    "the body is not UTF-8 text",
                )
            })?;
            let mut group = wire::group_from_json(text).map_err(|e| ApiError::from_core(e, ""))?;
            budget.fit(&mut group)?;
            match splitter_core::compute_cancellable(&group, cancel) {
                Ok(report) => Ok(wire::report_to_json(&report)),
                Err(Halt::Invalid(e)) => Err(ApiError::from_core(e, "")),
                Err(Halt::Cancelled) => Err(budget.refused(crate::cpu::Refused::OverTime)),
            }
        })
        .await
        .map_err(|r| budget.refused(r))??;
    Ok(json_response(StatusCode::OK, out))
}
