//! Expenses: `POST` (the server assigns ids), `GET` one, list (cursor pagination; filters by
//! date range, category and member), `PUT` with `If-Match` (412 on a stale ETag), `DELETE`, and
//! `POST .../restore` to undo a delete.

use std::collections::HashMap;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use splitter_core::Json;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::{page, page_body, Body, Shared};
use crate::auth::{self, Authed, Lock};
use crate::db::{self, ExpenseFilter, Table};
use crate::group_write::group_write;
use crate::http::{ApiError, ApiResult, Code};
use crate::idempotency::{self, json_response, Made};
use crate::kept;
use crate::records;

/// An expense in the contract's form (without `id`, which the server assigns). Amounts are
/// decimal strings (`"12.30"`); JSON numbers are accepted too and read exactly from their text.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"amount": "84.30", "paid_by": "ana", "split": {"type": "shares", "shares": {"ana": "2", "ben": "1", "cy": "1"}}, "description": "Groceries", "date": "2024-03-01", "category": "food"}))]
#[allow(dead_code)]
pub struct ExpenseInput {
    /// The total (negative: money received for the group).
    #[schema(value_type = crate::apidoc::Amount)]
    amount: String,
    /// ISO 4217 code; default the group's.
    #[schema(value_type = Option<crate::apidoc::CurrencyCode>)]
    currency: Option<String>,
    /// This expense's own rate to the group currency.
    #[schema(value_type = Option<crate::apidoc::Amount>)]
    rate: Option<String>,
    /// A member id, or an object of member id to amount.
    #[schema(value_type = crate::apidoc::PaidBy)]
    paid_by: serde_json::Value,
    /// One of the contract's splits.
    #[schema(value_type = crate::apidoc::Split)]
    split: serde_json::Value,
    /// Free text (at most 500 characters; NFC, no invisible characters).
    #[schema(max_length = 500)]
    description: Option<String>,
    /// `YYYY-MM-DD`.
    date: Option<String>,
    /// Free text (at most 64 characters), filterable.
    #[schema(max_length = 64)]
    category: Option<String>,
}

/// A stored expense: the contract's expense form with its id, "every member" written out.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ExpenseOut {
    /// Assigned by the server (`e1`, `e2`, ...).
    id: String,
    /// The total.
    #[schema(value_type = crate::apidoc::Amount)]
    amount: String,
    /// ISO 4217 code, when not the group's.
    currency: Option<String>,
    /// Own rate.
    #[schema(value_type = Option<crate::apidoc::Amount>)]
    rate: Option<String>,
    /// Who paid.
    #[schema(value_type = crate::apidoc::PaidBy)]
    paid_by: serde_json::Value,
    /// How it is shared.
    #[schema(value_type = crate::apidoc::Split)]
    split: serde_json::Value,
    /// Free text.
    description: Option<String>,
    /// `YYYY-MM-DD`.
    date: Option<String>,
    /// Free text.
    category: Option<String>,
}

/// A page of expenses.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ExpenseList {
    /// The expenses, oldest first.
    expenses: Vec<ExpenseOut>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
}

/// Moves the group's share rows by `delta` (an expense added, changed, removed), refusing to go
/// past [`records::MAX_GROUP_SHARE_ROWS`] (`409 group_full`).
pub async fn count_share_rows(conn: &mut AnyConnection, gid: &str, lock: &Lock, delta: i64) -> ApiResult<()> {
    if delta > 0 && lock.share_rows.saturating_add(delta) > records::MAX_GROUP_SHARE_ROWS {
        return Err(ApiError::conflict(
            Code::GroupFull,
            "",
            format!(
                "the group's expenses hold {} shares, and this server keeps at most {} per group; start a new group",
                lock.share_rows,
                records::MAX_GROUP_SHARE_ROWS
            ),
        ));
    }
    Ok(db::add_share_rows(conn, gid, delta).await?)
}

/// Adds an expense.
///
/// The body is the contract's expense without `id` (the server numbers them: `e1`, `e2`, ...):
/// amount, optional currency and rate, who paid (`paid_by`: an id, or an object of amounts), how
/// it is split (equal, shares, percent, exact, adjustment, itemized), and optional description,
/// date and category. It is checked by the engine against the group as it is now (currency,
/// rates, current members) before anything is stored, and the kept balances move by its exact
/// part. The answer carries `ETag: "1"`.
///
/// **Who:** any account with access to the group.
///
/// **Idempotency:** with an `Idempotency-Key`, a retry gets the same expense, not a second one.
///
/// **Errors:** `400 invalid_json`; `404 not_found` for no such group; `422` with the engine's
/// code and a path in the body: `invalid_amount` (`amount`), `too_precise` (more decimals than
/// the currency has), `unknown_member` (`split.shares.zoe`), `split_mismatch` (parts that must
/// add up do not), `missing_rate`, `empty_split`, `duplicate_id`, `overflow`; `409 group_full`
/// past the server's cap of share rows; `422 idempotency_key_reused`.
#[utoipa::path(post, path = "/v1/groups/{group}/expenses", tag = "expenses", request_body = ExpenseInput, security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, description = "Created (ETag header set)", body = ExpenseOut),
              (status = 400, description = "Not JSON", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid (the core's code and a path in the body)", body = crate::apidoc::ErrorBody)))]
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
    let mut r = group_write!(&state, &me, &gid, idem, 1, |tx, lock| {
        let (_, head) = db::head(tx, &gid)
            .await?
            .ok_or_else(|| ApiError::not_found("group"))?;
        let id = format!("e{}", lock.seq);
        let (checked, totals) = records::check_expense(&head, json.clone(), &id)?;
        count_share_rows(tx, &gid, lock, checked.parts).await?;
        db::insert_expense(tx, &gid, lock.seq, &id, &checked).await?;
        kept::apply(tx, &gid, Some(&totals), None).await?;
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "expense.create",
                target: &id,
                before: None,
                after: Some(&checked.body),
                at: now,
            },
        )
        .await?;
        Made::new(StatusCode::CREATED, checked.body)
    })?;
    // A new expense is at revision 1 (a replay too: the response is the first one's).
    r.headers_mut()
        .insert(header::ETAG, HeaderValue::from_static("\"1\""));
    Ok(r)
}

/// Lists live expenses, oldest first, a page at a time.
///
/// Filters: `from` and `to` (dates, inclusive), `category`, `member` (expenses that name the
/// member as payer or in the split). `limit` (1-500, default 50); pass a page's `next_cursor` as
/// `cursor` for the next one (`null` on the last page).
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `400 invalid_input` for a bad date, cursor or limit (the parameter in `path`);
/// `404 not_found` for no such group.
#[utoipa::path(get, path = "/v1/groups/{group}/expenses", tag = "expenses", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("from" = Option<String>, Query, description = "Dated on or after (YYYY-MM-DD)", format = Date),
           ("to" = Option<String>, Query, description = "Dated on or before (YYYY-MM-DD)", format = Date),
           ("category" = Option<String>, Query, description = "Only this category"),
           ("member" = Option<String>, Query, description = "Only expenses naming this member"),
           ("cursor" = Option<String>, Query, description = "From a previous page's next_cursor"),
           ("limit" = Option<i64>, Query, description = "1 to 500 (default 50)", minimum = 1, maximum = 500)),
    responses((status = 200, description = "A page", body = ExpenseList),
              (status = 400, description = "Bad parameter", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group", body = crate::apidoc::ErrorBody)))]
pub async fn list(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (after, limit) = page(&query)?;
    let date = |k: &str| -> ApiResult<Option<String>> {
        match query.get(k) {
            None => Ok(None),
            Some(d) if is_date(d) => Ok(Some(d.clone())),
            Some(_) => Err(ApiError::invalid_input(k, "a date YYYY-MM-DD")),
        }
    };
    let filter = ExpenseFilter {
        from: date("from")?,
        to: date("to")?,
        category: query.get("category").cloned(),
        member: query.get("member").cloned(),
        after,
        limit,
    };
    auth::access(&state, &me, &gid).await?;
    let rows = db::list_expenses(&state.store.pool, &gid, &filter).await?;
    Ok(json_response(StatusCode::OK, page_body("expenses", rows, limit)))
}

fn is_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Reads one expense; `ETag` is its revision.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found` for no such group or expense, or a deleted one.
#[utoipa::path(get, path = "/v1/groups/{group}/expenses/{expense}", tag = "expenses", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("expense" = String, Path, description = "Expense id")),
    responses((status = 200, description = "The expense", body = ExpenseOut),
              (status = 404, description = "No such group or expense (or deleted)", body = crate::apidoc::ErrorBody)))]
pub async fn get(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, eid)): Path<(String, String)>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid).await?;
    let mut conn = state.store.acquire().await?;
    let row = db::record(&mut conn, Table::Expenses, &gid, &eid)
        .await?
        .filter(|r| !r.deleted)
        .ok_or_else(|| ApiError::not_found("expense"))?;
    let mut made = Made::new(StatusCode::OK, row.body);
    made.etag = Some(row.revision);
    Ok(axum::response::IntoResponse::into_response(made))
}

/// The `If-Match` check: 428 without it, 412 when it names another revision.
fn check_if_match(headers: &HeaderMap, revision: i64, required: bool) -> ApiResult<()> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        if required {
            return Err(ApiError::new(
                StatusCode::PRECONDITION_REQUIRED,
                Code::PreconditionRequired,
                "If-Match",
                "send If-Match with the ETag of the expense you are changing",
            ));
        }
        return Ok(());
    };
    let current = format!("\"{revision}\"");
    let matches = v.to_str().is_ok_and(|s| {
        s.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == current)
    });
    if matches {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            Code::PreconditionFailed,
            "If-Match",
            format!("the expense has changed: its ETag is now {current}"),
        ))
    }
}

/// Replaces an expense (the whole expense, without `id`).
///
/// Needs `If-Match` with the ETag read last (or `*`), so that two editors do not overwrite each
/// other unseen; the answer has the new ETag. Checked as a new expense is, against the group as it
/// is now; the kept balances move by the difference.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `428 precondition_required` without `If-Match`; `412 precondition_failed` when
/// the expense changed since that ETag; `404 not_found`; `422` with the engine's code and path,
/// as for a new expense.
#[utoipa::path(put, path = "/v1/groups/{group}/expenses/{expense}", tag = "expenses", request_body = ExpenseInput, security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("expense" = String, Path, description = "Expense id"),
           ("If-Match" = String, Header, description = "The ETag of the expense being replaced")),
    responses((status = 200, description = "Replaced (new ETag)", body = ExpenseOut),
              (status = 404, description = "No such group or expense", body = crate::apidoc::ErrorBody),
              (status = 412, description = "Stale ETag", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid", body = crate::apidoc::ErrorBody),
              (status = 428, description = "If-Match missing", body = crate::apidoc::ErrorBody)))]
pub async fn put(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, eid)): Path<(String, String)>,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    let json = records::parse_body(&body)?;
    let now = state.now();
    group_write!(&state, &me, &gid, None, 0, |tx, lock| {
        let row = db::record(tx, Table::Expenses, &gid, &eid)
            .await?
            .filter(|r| !r.deleted)
            .ok_or_else(|| ApiError::not_found("expense"))?;
        check_if_match(&headers, row.revision, true)?;
        let (_, head) = db::head(tx, &gid)
            .await?
            .ok_or_else(|| ApiError::not_found("group"))?;
        let (checked, totals) = records::check_expense(&head, json.clone(), &eid)?;
        let before = records::stored_totals(&head, Table::Expenses, &row.body)?;
        count_share_rows(tx, &gid, lock, checked.parts - row.parts).await?;
        db::replace_expense(tx, &gid, row.seq, &checked).await?;
        kept::apply(tx, &gid, Some(&totals), Some(&before)).await?;
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "expense.update",
                target: &eid,
                before: Some(&row.body),
                after: Some(&checked.body),
                at: now,
            },
        )
        .await?;
        let mut made = Made::new(StatusCode::OK, checked.body);
        made.etag = Some(row.revision + 1);
        made
    })
}

/// Deletes an expense (undo with `POST .../restore`).
///
/// `If-Match` is honoured when sent. The kept balances drop its part.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found` for no such group or live expense; `412 precondition_failed` for a
/// stale `If-Match`.
#[utoipa::path(delete, path = "/v1/groups/{group}/expenses/{expense}", tag = "expenses", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("expense" = String, Path, description = "Expense id")),
    responses((status = 204, description = "Deleted"),
              (status = 404, description = "No such group or expense", body = crate::apidoc::ErrorBody),
              (status = 412, description = "Stale ETag", body = crate::apidoc::ErrorBody)))]
pub async fn delete(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, eid)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let now = state.now();
    group_write!(&state, &me, &gid, None, 0, |tx, lock| {
        let row = db::record(tx, Table::Expenses, &gid, &eid)
            .await?
            .filter(|r| !r.deleted)
            .ok_or_else(|| ApiError::not_found("expense"))?;
        check_if_match(&headers, row.revision, false)?;
        let before = kept::of_stored(tx, &gid, Table::Expenses, &row.body).await?;
        db::set_deleted(tx, Table::Expenses, &gid, row.seq, true).await?;
        count_share_rows(tx, &gid, lock, -row.parts).await?;
        kept::apply(tx, &gid, None, Some(&before)).await?;
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "expense.delete",
                target: &eid,
                before: Some(&row.body),
                after: None,
                at: now,
            },
        )
        .await?;
        Made::new(StatusCode::NO_CONTENT, String::new())
    })
}

/// Restores a deleted expense.
///
/// It is checked again against the current members and rates, and comes back with its id.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found`; `409 not_deleted` for an expense that is not deleted; `422` with
/// the engine's code when it no longer computes (a member it names was removed).
#[utoipa::path(post, path = "/v1/groups/{group}/expenses/{expense}/restore", tag = "expenses", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("expense" = String, Path, description = "Expense id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, description = "Restored", body = ExpenseOut),
              (status = 404, description = "No such group or expense", body = crate::apidoc::ErrorBody),
              (status = 409, description = "Not deleted", body = crate::apidoc::ErrorBody),
              (status = 422, description = "No longer valid (a member was removed)", body = crate::apidoc::ErrorBody)))]
pub async fn restore(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, eid)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    let idem = idempotency::from_request(&me.account, &headers, "POST", uri.path(), &body)?;
    let now = state.now();
    group_write!(&state, &me, &gid, idem, 0, |tx, lock| {
        let row = db::record(tx, Table::Expenses, &gid, &eid)
            .await?
            .ok_or_else(|| ApiError::not_found("expense"))?;
        if !row.deleted {
            return Err(ApiError::conflict(
                Code::NotDeleted,
                "",
                format!("expense {eid} is not deleted"),
            ));
        }
        let (_, head) = db::head(tx, &gid)
            .await?
            .ok_or_else(|| ApiError::not_found("group"))?;
        let stored = Json::parse(&row.body).map_err(ApiError::internal)?;
        let Json::Object(pairs) = stored else {
            return Err(ApiError::internal("stored expense is not an object"));
        };
        let body = Json::Object(pairs.into_iter().filter(|(k, _)| k != "id").collect());
        let (_, totals) = records::check_expense(&head, body, &eid)?;
        count_share_rows(tx, &gid, lock, row.parts).await?;
        db::set_deleted(tx, Table::Expenses, &gid, row.seq, false).await?;
        kept::apply(tx, &gid, Some(&totals), None).await?;
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "expense.restore",
                target: &eid,
                before: None,
                after: Some(&row.body),
                at: now,
            },
        )
        .await?;
        Made::new(StatusCode::OK, row.body)
    })
}
