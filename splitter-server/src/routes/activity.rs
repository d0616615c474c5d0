//! `GET /v1/groups/{group}/activity`: the group's activity log, newest first, paginated. Every
//! change to expenses, payments, members and the group's settings is written in the
//! transaction that makes it: who, when, the group version it made, before and after.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::Shared;
use crate::auth::{self, Authed};
use crate::db;
use crate::http::json_response;
use crate::http::{ApiError, ApiResult};
use crate::timestamp::Timestamp;

/// One entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct Entry {
    /// The entry's id (the cursor).
    pub id: String,
    /// The group version this change made.
    pub version: i64,
    /// When the change was made.
    pub at: Timestamp,
    /// The account that made the change.
    pub account: String,
    /// Its email (null if the account is gone).
    pub email: Option<String>,
    /// `expense.create`, `expense.update`, `expense.delete`, `expense.restore`,
    /// `payment.create`, `payment.delete`, `member.add`, `member.rename`, `member.remove`,
    /// `group.update`, `group.import`.
    pub action: String,
    /// The record or member id (the group id for group changes).
    pub target: String,
    /// The record before the change (`null` for a creation).
    #[schema(value_type = Option<Object>)]
    pub before: serde_json::Value,
    /// The record after the change (`null` for a deletion).
    #[schema(value_type = Option<Object>)]
    pub after: serde_json::Value,
}

/// A page of entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPage {
    /// Newest first.
    pub activity: Vec<Entry>,
    /// Pass as `cursor` for the next (older) page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A page's position, `VERSION.ID`: the group version and id of the last entry given.
fn parse_cursor(c: &str) -> Option<(i64, i64)> {
    let (v, i) = c.split_once('.')?;
    let (v, i) = (v.parse::<i64>().ok()?, i.parse::<i64>().ok()?);
    (v >= 0 && i >= 0).then_some((v, i))
}

/// The group's activity log, newest first, a page at a time.
///
/// One entry per change, written in the change's own transaction: who (`account`, `email`), when
/// (`at`), the group version it made, what (`action`: `expense.create`, `member.remove`,
/// `account.delete`, ...), on what (`target`), and the record before and after. `limit` (1-500,
/// default 50); pass `next_cursor` as `cursor` for older entries.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `400 invalid_input` for a bad cursor or limit; `404 not_found`.
#[utoipa::path(get, path = "/v1/groups/{group}/activity", tag = "activity", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("cursor" = Option<String>, Query, description = "From a previous page's next_cursor"),
           ("limit" = Option<i64>, Query, description = "1 to 500 (default 50)", minimum = 1, maximum = 500)),
    responses((status = 200, description = "A page", body = ActivityPage),
              (status = 400, description = "Bad parameter", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group (or not a member)", body = crate::apidoc::ErrorBody)))]
pub async fn list(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let mut limits = query.clone();
    let cursor = limits.remove("cursor");
    let (_, limit) = super::page(&limits)?;
    let before = match cursor {
        None => (i64::MAX, i64::MAX),
        Some(c) => parse_cursor(&c)
            .ok_or_else(|| ApiError::invalid_input("cursor", "not a cursor this server gave"))?,
    };
    auth::access(&state, &me, &gid).await?;
    let rows = db::activity::list(&state.store.pool, &gid, before, limit + 1).await?;
    let parse = |t: Option<String>| {
        t.and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let mut entries: Vec<Entry> = rows
        .into_iter()
        .map(|r| Entry {
            id: r.id.to_string(),
            version: r.version,
            at: Timestamp(r.at),
            account: r.account,
            email: r.email,
            action: r.action,
            target: r.target,
            before: parse(r.before),
            after: parse(r.after),
        })
        .collect();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next_cursor = if entries.len() > limit {
        entries.truncate(limit);
        entries.last().map(|e| format!("{}.{}", e.version, e.id))
    } else {
        None
    };
    let out = ActivityPage {
        activity: entries,
        next_cursor,
    };
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&out).map_err(ApiError::internal)?,
    ))
}
