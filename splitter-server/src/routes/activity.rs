//! `GET /v1/groups/{group}/activity`: the group's activity log, newest first, paginated. Every
//! change to expenses, payments, members and the group's settings is written in the
//! transaction that makes it: who, when, the group version it made, before and after.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use super::Shared;
use crate::auth::{self, Authed};
use crate::db;
use crate::http::json_response;
use crate::http::{ApiError, ApiResult};

/// One entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct Entry {
    /// The entry's id (the cursor).
    pub id: String,
    /// The group version this change made.
    pub version: i64,
    /// Unix seconds.
    pub at: i64,
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

/// The group's activity, newest first.
#[utoipa::path(get, path = "/v1/groups/{group}/activity", tag = "activity", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("cursor" = Option<String>, Query, description = "From a previous page's next_cursor"),
           ("limit" = Option<i64>, Query, description = "1 to 500 (default 50)", minimum = 1, maximum = 500)),
    responses((status = 200, description = "A page", body = ActivityPage),
              (status = 400, description = "Bad parameter", body = crate::openapi::ErrorBody),
              (status = 404, description = "No such group (or not a member)", body = crate::openapi::ErrorBody)))]
pub async fn list(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (before, limit) = super::page(&query)?;
    auth::access(&state, &me, &gid).await?;
    let before = if query.contains_key("cursor") {
        before
    } else {
        i64::MAX
    };
    let rows = sqlx::query(
        "SELECT a.id, a.version, a.at, a.account_id, c.email, a.action, a.target, a.before_json, a.after_json \
         FROM activity a LEFT JOIN accounts c ON c.id = a.account_id \
         WHERE a.group_id = ? AND a.id < ? ORDER BY a.id DESC LIMIT ?",
    )
    .bind(&gid)
    .bind(before)
    .bind(limit + 1)
    .fetch_all(&state.store.pool)
    .await?;
    let parse = |t: Option<String>| {
        t.and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let mut entries = rows
        .iter()
        .map(|r| {
            Ok(Entry {
                id: r.try_get::<i64, _>(0)?.to_string(),
                version: r.try_get(1)?,
                at: r.try_get(2)?,
                account: db::text(r, 3)?,
                email: db::opt_text(r, 4)?,
                action: db::text(r, 5)?,
                target: db::text(r, 6)?,
                before: parse(db::opt_text(r, 7)?),
                after: parse(db::opt_text(r, 8)?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next_cursor = if entries.len() > limit {
        entries.truncate(limit);
        entries.last().map(|e| e.id.clone())
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
