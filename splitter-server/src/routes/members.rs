//! Members: add (`POST /v1/groups/{group}/members`), rename (`PATCH .../members/{member}`),
//! remove (`DELETE .../members/{member}`, refused while the member's balance is not zero).
//!
//! A removed member stays in the computation (old expenses name them; their balance is zero)
//! but takes no part in new records and is no longer listed. Adding the id again brings them back.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use splitter_core::{wire, Decimal};
use utoipa::ToSchema;

use super::groups::MemberOut;
use super::{fields, short_string, Body, Shared};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, json_response, Made};
use crate::records::{self, StoredMember};
use crate::store;

/// A member to add.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct NewMember {
    /// The id (1 to 255 bytes) that expenses refer to.
    id: String,
    /// A display name.
    name: Option<String>,
}

/// A member's new display name (`null` clears it).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct MemberPatch {
    /// The display name.
    name: Option<String>,
}

fn member_body(m: &StoredMember) -> String {
    serde_json::to_string(&MemberOut {
        id: m.id.clone(),
        name: m.name.clone(),
    })
    .unwrap_or_default()
}

/// Adds a member (or brings a removed one back).
#[utoipa::path(post, path = "/v1/groups/{group}/members", tag = "members", request_body = NewMember,
    params(("group" = String, Path, description = "Group id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, description = "Added", body = MemberOut),
              (status = 404, description = "No such group", body = crate::openapi::ErrorBody),
              (status = 409, description = "Already a member", body = crate::openapi::ErrorBody),
              (status = 422, description = "Invalid", body = crate::openapi::ErrorBody)))]
pub async fn add(
    State(state): State<Shared>,
    Path(gid): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    let idem = idempotency::from_request(&headers, "POST", uri.path(), &body)?;
    let mut f = fields(records::parse_body(&body)?, &["id", "name"])?;
    let id = short_string(f.remove("id"), "id", true)?.unwrap_or_default();
    let name = short_string(f.remove("name"), "name", false)?;
    let pool = state.store.pool.clone();
    idempotency::run(&state.store.pool, idem, |idem| async move {
        let mut tx = pool.begin().await?;
        store::lock_group(&mut tx, &gid, 0)
            .await?
            .ok_or_else(|| ApiError::not_found("group"))?;
        let members = store::members(&mut tx, &gid).await?;
        let member = StoredMember {
            id: id.clone(),
            name,
            removed: false,
        };
        match members.iter().find(|m| m.id == id) {
            Some(m) if !m.removed => {
                return Err(ApiError::conflict(
                    "duplicate_id",
                    "id",
                    format!("'{id}' is already a member"),
                ))
            }
            Some(_) => store::update_member(&mut tx, &gid, &member).await?,
            None => {
                let position = i64::try_from(members.len()).unwrap_or(i64::MAX);
                store::insert_member(&mut tx, &gid, &member, position).await?
            }
        }
        let made = Made {
            status: StatusCode::CREATED,
            body: member_body(&member),
        };
        idempotency::record(&mut tx, idem.as_ref(), &made).await?;
        tx.commit().await?;
        Ok(made)
    })
    .await
}

/// Renames a member (the id never changes: records refer to it).
#[utoipa::path(patch, path = "/v1/groups/{group}/members/{member}", tag = "members", request_body = MemberPatch,
    params(("group" = String, Path, description = "Group id"), ("member" = String, Path, description = "Member id")),
    responses((status = 200, description = "Renamed", body = MemberOut),
              (status = 404, description = "No such group or member", body = crate::openapi::ErrorBody),
              (status = 422, description = "Invalid", body = crate::openapi::ErrorBody)))]
pub async fn rename(
    State(state): State<Shared>,
    Path((gid, mid)): Path<(String, String)>,
    Body(body): Body,
) -> ApiResult<Response> {
    let mut f = fields(records::parse_body(&body)?, &["name"])?;
    let name = short_string(f.remove("name"), "name", false)?;
    let mut tx = state.store.pool.begin().await?;
    store::lock_group(&mut tx, &gid, 0)
        .await?
        .ok_or_else(|| ApiError::not_found("group"))?;
    let mut member = store::members(&mut tx, &gid)
        .await?
        .into_iter()
        .find(|m| m.id == mid && !m.removed)
        .ok_or_else(|| ApiError::not_found("member"))?;
    member.name = name;
    store::update_member(&mut tx, &gid, &member).await?;
    tx.commit().await?;
    Ok(json_response(StatusCode::OK, member_body(&member)))
}

/// Removes a member whose balance is zero.
#[utoipa::path(delete, path = "/v1/groups/{group}/members/{member}", tag = "members",
    params(("group" = String, Path, description = "Group id"), ("member" = String, Path, description = "Member id")),
    responses((status = 204, description = "Removed"),
              (status = 404, description = "No such group or member", body = crate::openapi::ErrorBody),
              (status = 409, description = "The member's balance is not zero (code nonzero_balance)", body = crate::openapi::ErrorBody)))]
pub async fn remove(
    State(state): State<Shared>,
    Path((gid, mid)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut tx = state.store.pool.begin().await?;
    store::lock_group(&mut tx, &gid, 0)
        .await?
        .ok_or_else(|| ApiError::not_found("group"))?;
    let snap = store::snapshot(&mut tx, &gid)
        .await?
        .ok_or_else(|| ApiError::not_found("group"))?;
    let mut member = snap
        .head
        .members
        .iter()
        .find(|m| m.id == mid && !m.removed)
        .cloned()
        .ok_or_else(|| ApiError::not_found("member"))?;
    let text = records::group_text(&snap.head, &snap.expenses, &snap.payments);
    let report = wire::group_from_json(&text)
        .and_then(|g| splitter_core::compute(&g))
        .map_err(ApiError::internal)?;
    if let Some(b) = report
        .balances
        .iter()
        .find(|b| b.member == mid && b.net != Decimal::ZERO)
    {
        return Err(ApiError::conflict(
            "nonzero_balance",
            "",
            format!(
                "'{mid}' has a balance of {} {}; settle it first",
                b.net, b.currency
            ),
        ));
    }
    member.removed = true;
    store::update_member(&mut tx, &gid, &member).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
