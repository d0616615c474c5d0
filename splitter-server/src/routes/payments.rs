//! Payments: `POST` (the server assigns ids), `GET` one, list (cursor pagination), `DELETE`.

use std::collections::HashMap;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use utoipa::ToSchema;

use super::{page, page_body, Body, Shared};
use crate::auth::{self, Authed};
use crate::db::{self, Table};
use crate::group_write::group_write;
use crate::http::{ApiError, ApiResult};
use crate::idempotency::{self, json_response, Made};
use crate::kept;
use crate::records;

/// A payment in the contract's form (without `id`): `from` paid `to` the `amount`.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"from": "ben", "to": "ana", "amount": "20.00", "date": "2024-03-06"}))]
#[allow(dead_code)]
pub struct PaymentInput {
    /// Who paid.
    from: String,
    /// Who received.
    to: String,
    /// How much (> 0).
    #[schema(value_type = crate::apidoc::Amount)]
    amount: String,
    /// ISO 4217 code; default the group's.
    #[schema(value_type = Option<crate::apidoc::CurrencyCode>)]
    currency: Option<String>,
    /// Own rate to the group currency.
    #[schema(value_type = Option<crate::apidoc::Amount>)]
    rate: Option<String>,
    /// `YYYY-MM-DD`.
    date: Option<String>,
}

/// A stored payment.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct PaymentOut {
    /// Assigned by the server (`p3`, ...).
    id: String,
    /// Who paid.
    from: String,
    /// Who received.
    to: String,
    /// How much.
    #[schema(value_type = crate::apidoc::Amount)]
    amount: String,
    /// ISO 4217 code, when not the group's.
    currency: Option<String>,
    /// Own rate.
    #[schema(value_type = Option<crate::apidoc::Amount>)]
    rate: Option<String>,
    /// `YYYY-MM-DD`.
    date: Option<String>,
}

/// A page of payments.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct PaymentList {
    /// The payments, oldest first.
    payments: Vec<PaymentOut>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// Records a payment: money one member handed another.
///
/// `from` paid `to` the `amount` (optional `currency`, `rate`, `date`); it raises `from`'s balance
/// and lowers `to`'s. The server numbers it (`p3`).
///
/// **Who:** any account with access to the group.
///
/// **Idempotency:** with an `Idempotency-Key`, a retry gets the same payment, not a second one.
///
/// **Errors:** `400 invalid_json`; `404 not_found`; `422` with the engine's code and path:
/// `invalid_amount` (not a decimal, or not positive), `too_precise`, `unknown_member`,
/// `missing_rate`; `422 idempotency_key_reused`.
#[utoipa::path(post, path = "/v1/groups/{group}/payments", tag = "payments", request_body = PaymentInput, security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, description = "Created", body = PaymentOut),
              (status = 400, description = "Not JSON", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid", body = crate::apidoc::ErrorBody)))]
pub async fn create(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    let idem = idempotency::from_request(&me.account, &headers, "POST", uri.path(), &body)?;
    let json = records::parse_body(&body)?;
    let now = state.now();
    group_write!(&state, &me, &gid, idem, 1, |tx, lock| {
        let (_, head) = db::head(tx, &gid)
            .await?
            .ok_or_else(|| ApiError::not_found("group"))?;
        let id = format!("p{}", lock.seq);
        let (checked, totals) = records::check_payment(&head, json.clone(), &id)?;
        db::insert_payment(tx, &gid, lock.seq, &id, &checked).await?;
        kept::apply(tx, &gid, Some(&totals), None).await?;
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "payment.create",
                target: &id,
                before: None,
                after: Some(&checked.body),
                at: now,
            },
        )
        .await?;
        Made::new(StatusCode::CREATED, checked.body)
    })
}

/// Lists live payments, oldest first, a page at a time.
///
/// `limit` (1-500, default 50); pass `next_cursor` as `cursor` for the next page.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `400 invalid_input` for a bad cursor or limit; `404 not_found`.
#[utoipa::path(get, path = "/v1/groups/{group}/payments", tag = "payments", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("cursor" = Option<String>, Query, description = "From a previous page's next_cursor"),
           ("limit" = Option<i64>, Query, description = "1 to 500 (default 50)", minimum = 1, maximum = 500)),
    responses((status = 200, description = "A page", body = PaymentList),
              (status = 400, description = "Bad parameter", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group", body = crate::apidoc::ErrorBody)))]
pub async fn list(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (after, limit) = page(&query)?;
    auth::access(&state, &me, &gid).await?;
    let rows = db::list_payments(&state.store.pool, &gid, after, limit).await?;
    Ok(json_response(StatusCode::OK, page_body("payments", rows, limit)))
}

/// Reads one payment.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found` for no such group or live payment.
#[utoipa::path(get, path = "/v1/groups/{group}/payments/{payment}", tag = "payments", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("payment" = String, Path, description = "Payment id")),
    responses((status = 200, description = "The payment", body = PaymentOut),
              (status = 404, description = "No such group or payment", body = crate::apidoc::ErrorBody)))]
pub async fn get(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, pid)): Path<(String, String)>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid).await?;
    let mut conn = state.store.acquire().await?;
    let row = db::record(&mut conn, Table::Payments, &gid, &pid)
        .await?
        .filter(|r| !r.deleted)
        .ok_or_else(|| ApiError::not_found("payment"))?;
    Ok(json_response(StatusCode::OK, row.body))
}

/// Deletes a payment.
///
/// The kept balances drop its part.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found` for no such group or live payment.
#[utoipa::path(delete, path = "/v1/groups/{group}/payments/{payment}", tag = "payments", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("payment" = String, Path, description = "Payment id")),
    responses((status = 204, description = "Deleted"),
              (status = 404, description = "No such group or payment", body = crate::apidoc::ErrorBody)))]
pub async fn delete(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, pid)): Path<(String, String)>,
) -> ApiResult<Response> {
    let now = state.now();
    group_write!(&state, &me, &gid, None, 0, |tx, lock| {
        let row = db::record(tx, Table::Payments, &gid, &pid)
            .await?
            .filter(|r| !r.deleted)
            .ok_or_else(|| ApiError::not_found("payment"))?;
        let before = kept::of_stored(tx, &gid, Table::Payments, &row.body).await?;
        db::set_deleted(tx, Table::Payments, &gid, row.seq, true).await?;
        kept::apply(tx, &gid, None, Some(&before)).await?;
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "payment.delete",
                target: &pid,
                before: Some(&row.body),
                after: None,
                at: now,
            },
        )
        .await?;
        Made::new(StatusCode::NO_CONTENT, String::new())
    })
}
