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
use crate::auth::{self, Authed};
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
    security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, description = "Added", body = MemberOut),
              (status = 404, description = "No such group", body = crate::openapi::ErrorBody),
              (status = 409, description = "Already a member", body = crate::openapi::ErrorBody),
              (status = 422, description = "Invalid", body = crate::openapi::ErrorBody)))]
pub async fn add(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    let st = state.clone();
    let idem = idempotency::for_group_post(&state, &me, &gid, &headers, uri.path(), &body).await?;
    let mut f = fields(records::parse_body(&body)?, &["id", "name"])?;
    let id = short_string(f.remove("id"), "id", true)?.unwrap_or_default();
    let name = short_string(f.remove("name"), "name", false)?;
    let pool = state.store.pool.clone();
    idempotency::run(&state, idem, |idem| async move {
        let mut tx = pool.begin().await?;
        let (version, _) = auth::lock_member(&st, &mut tx, &me, &gid, 0).await?;
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
        store::log(
            &mut tx,
            store::Change {
                group: &gid,
                version,
                account: &me.account,
                action: "member.add",
                target: &member.id,
                before: None,
                after: Some(&made.body),
            },
        )
        .await?;
        idempotency::record(&mut tx, idem.as_ref(), &made).await?;
        tx.commit().await?;
        Ok(made)
    })
    .await
}

/// Renames a member (the id never changes: records refer to it).
#[utoipa::path(patch, path = "/v1/groups/{group}/members/{member}", tag = "members", request_body = MemberPatch,
    security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("member" = String, Path, description = "Member id")),
    responses((status = 200, description = "Renamed", body = MemberOut),
              (status = 404, description = "No such group or member", body = crate::openapi::ErrorBody),
              (status = 422, description = "Invalid", body = crate::openapi::ErrorBody)))]
pub async fn rename(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, mid)): Path<(String, String)>,
    Body(body): Body,
) -> ApiResult<Response> {
    let st = state.clone();
    let mut f = fields(records::parse_body(&body)?, &["name"])?;
    let name = short_string(f.remove("name"), "name", false)?;
    let mut tx = state.store.pool.begin().await?;
    let (version, _) = auth::lock_member(&st, &mut tx, &me, &gid, 0).await?;
    let mut member = store::members(&mut tx, &gid)
        .await?
        .into_iter()
        .find(|m| m.id == mid && !m.removed)
        .ok_or_else(|| ApiError::not_found("member"))?;
    let before = member_body(&member);
    member.name = name;
    store::update_member(&mut tx, &gid, &member).await?;
    let after = member_body(&member);
    store::log(
        &mut tx,
        store::Change {
            group: &gid,
            version,
            account: &me.account,
            action: "member.rename",
            target: &member.id,
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(json_response(StatusCode::OK, member_body(&member)))
}

/// Removes a member whose balance is zero.
#[utoipa::path(delete, path = "/v1/groups/{group}/members/{member}", tag = "members",
    security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("member" = String, Path, description = "Member id")),
    responses((status = 204, description = "Removed"),
              (status = 403, description = "Only the owner removes members", body = crate::openapi::ErrorBody),
              (status = 404, description = "No such group or member", body = crate::openapi::ErrorBody),
              (status = 409, description = "The member's balance is not zero (code nonzero_balance)", body = crate::openapi::ErrorBody)))]
pub async fn remove(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, mid)): Path<(String, String)>,
) -> ApiResult<Response> {
    let access = auth::access(&state, &me, &gid).await?;
    access.require_owner("remove members")?;
    let st = state.clone();
    if access.member.as_deref() == Some(mid.as_str()) {
        return Err(ApiError::conflict(
            "owner_member",
            "",
            "the owner's own member cannot be removed",
        ));
    }
    let mut tx = state.store.pool.begin().await?;
    let (version, _) = auth::lock_member(&st, &mut tx, &me, &gid, 0).await?;
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
    let before = member_body(&member);
    member.removed = true;
    store::update_member(&mut tx, &gid, &member).await?;
    // The account linked to the member (if any) loses access to the group.
    sqlx::query("DELETE FROM group_access WHERE group_id = ? AND member_id = ? AND role <> 'owner'")
        .bind(&gid)
        .bind(&mid)
        .execute(&mut *tx)
        .await?;
    store::log(
        &mut tx,
        store::Change {
            group: &gid,
            version,
            account: &me.account,
            action: "member.remove",
            target: &mid,
            before: Some(&before),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
