//! Who has access to a group: `GET /v1/groups/{group}/access` lists the accounts (each linked to
//! a member, with its role), and `DELETE /v1/groups/{group}/access/{account}` takes an account's
//! access away: the owner may remove anyone but itself, and any account may leave. The member it
//! was linked to stays (records name it) and can be linked again through a new invite.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::Shared;
use crate::auth::{self, Authed, Role};
use crate::db;
use crate::group_write::group_write;
use crate::http::{ApiError, ApiResult, Code};
use crate::idempotency::{json_response, Made};
use crate::timestamp::Timestamp;

/// An account with access to a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessOut {
    /// The account's id.
    pub account: String,
    /// `owner` or `member`.
    pub role: &'static str,
    /// The member it is linked to.
    pub member: Option<String>,
    /// When it got access.
    pub since: Timestamp,
}

/// The accounts with access to a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessList {
    /// Oldest first.
    pub access: Vec<AccessOut>,
}

/// Lists the accounts with access to the group, oldest first.
///
/// Each with its role, the member it is linked to, and since when.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found`.
#[utoipa::path(get, path = "/v1/groups/{group}/access", tag = "invites", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "The accounts with access", body = AccessList),
              (status = 404, description = "No such group (or not a member)", body = crate::apidoc::ErrorBody)))]
pub async fn list(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid).await?;
    let mut conn = state.store.acquire().await?;
    let access = db::access::list(&mut conn, &gid)
        .await?
        .into_iter()
        .map(|r| AccessOut {
            account: r.account,
            role: Role::parse(&r.role).as_str(),
            member: r.member,
            since: Timestamp(r.created_at),
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&AccessList { access }).map_err(ApiError::internal)?,
    ))
}

/// Takes an account's access to the group away.
///
/// The member it was linked to stays (records name it) and can be linked again with a new invite.
///
/// **Who:** the owner, for any other account; any account, for itself (leaving the group).
///
/// **Errors:** `403 forbidden` for a member removing someone else; `404 not_found` for no such
/// group, or an account without access; `409 owner_member` for the owner leaving its own group
/// (delete the group instead).
#[utoipa::path(delete, path = "/v1/groups/{group}/access/{account}", tag = "invites", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("account" = String, Path, description = "Account id")),
    responses((status = 204, description = "Removed"),
              (status = 403, description = "Only the owner removes other accounts", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group, or the account has no access", body = crate::apidoc::ErrorBody),
              (status = 409, description = "The owner cannot leave its own group (owner_member)", body = crate::apidoc::ErrorBody)))]
pub async fn remove(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, account)): Path<(String, String)>,
) -> ApiResult<Response> {
    let now = state.now();
    group_write!(&state, &me, &gid, None, 0, |tx, lock| {
        if account == me.account {
            if lock.role == Role::Owner {
                return Err(ApiError::conflict(
                    Code::OwnerMember,
                    "",
                    "the owner cannot leave its own group",
                ));
            }
        } else {
            lock.require_owner("remove other accounts")?;
        }
        let member = db::access::linked_member(tx, &gid, &account)
            .await?
            .ok_or_else(|| ApiError::not_found("account with access"))?;
        db::access::revoke(tx, &gid, &account).await?;
        let before = serde_json::json!({"account": account, "member": member}).to_string();
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "access.remove",
                target: &account,
                before: Some(&before),
                after: None,
                at: now,
            },
        )
        .await?;
        Made::new(StatusCode::NO_CONTENT, String::new())
    })
}
