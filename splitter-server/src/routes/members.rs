//! Members: add (`POST /v1/groups/{group}/members`), rename (`PATCH .../members/{member}`),
//! remove (`DELETE .../members/{member}`, refused while the member's balance is not zero).
//!
//! A removed member stays in the computation (old expenses name them; their balance is zero)
//! but takes no part in new records and is no longer listed. Adding the id again brings them back.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use splitter_core::ErrorCode;
use splitter_core::{wire, Decimal};
use utoipa::ToSchema;

use super::groups::MemberOut;
use super::{fields, text_field, Body, Shared};
use crate::auth::Authed;
use crate::db;
use crate::db::StoredMember;
use crate::group_write::group_write;
use crate::http::{ApiError, ApiResult, Code};
use crate::idempotency::{self, Made};
use crate::records;
use crate::text;

/// A member to add.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct NewMember {
    /// The id that expenses refer to: 1 to 64 characters, one script, no invisible characters or
    /// edge spaces, not like another member's id.
    #[schema(min_length = 1, max_length = 64)]
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

/// Adds a member, or brings a removed one back.
///
/// The id is what expenses refer to and never changes; `name` is a display name. A removed
/// member added again comes back with its old records.
///
/// **Who:** any account with access to the group.
///
/// **Idempotency:** with an `Idempotency-Key`, a retry gets the first answer again.
///
/// **Errors:** `404 not_found` for no such group (or no access); `409 duplicate_id` for a current
/// member's id; `422 too_many_members` past the server's cap of members; `422 confusable_id` for an
/// id
/// that looks like another member's, `invalid_text`, `mixed_script`, `too_long`.
#[utoipa::path(post, path = "/v1/groups/{group}/members", tag = "members", request_body = NewMember,
    security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, description = "Added", body = MemberOut),
              (status = 404, description = "No such group", body = crate::apidoc::ErrorBody),
              (status = 409, description = "Already a member", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid", body = crate::apidoc::ErrorBody)))]
pub async fn add(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    let idem = idempotency::from_request(&me.account, &headers, "POST", uri.path(), &body)?;
    let mut f = fields(records::parse_body(&body)?, &["id", "name"])?;
    let id = text_field(f.remove("id"), "id", &text::MEMBER_ID, true)?.unwrap_or_default();
    let name = text_field(f.remove("name"), "name", &text::MEMBER_NAME, false)?;
    let now = state.now();
    group_write!(&state, &me, &gid, idem, 0, |tx, lock| {
        let members = db::members(tx, &gid).await?;
        let member = StoredMember {
            id: id.clone(),
            name: name.clone(),
            removed: false,
        };
        match members.iter().find(|m| m.id == id) {
            Some(m) if !m.removed => {
                return Err(ApiError::conflict(
                    ErrorCode::DuplicateId,
                    "id",
                    format!("'{id}' is already a member"),
                ))
            }
            Some(_) => db::update_member(tx, &gid, &member).await?,
            None => {
                check_new_member(&members, &id, "id")?;
                let position = i64::try_from(members.len()).unwrap_or(i64::MAX);
                db::insert_member(tx, &gid, &member, position).await?
            }
        }
        let made = Made::new(StatusCode::CREATED, member_body(&member));
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "member.add",
                target: &member.id,
                before: None,
                after: Some(&made.body),
                at: now,
            },
        )
        .await?;
        made
    })
}

/// A new member id beside the group's `members`: within the member cap, and not like any of
/// them (`confusable_id`).
pub fn check_new_member(members: &[StoredMember], id: &str, path: &str) -> ApiResult<()> {
    if members.len() >= records::MAX_GROUP_MEMBERS {
        return Err(records::too_many_members());
    }
    let key = records::confusable_key(id);
    if let Some(other) = members.iter().find(|m| records::confusable_key(&m.id) == key) {
        return Err(records::confusable(path, id, &other.id));
    }
    Ok(())
}

/// Renames a member (its display name; the id never changes).
///
/// `{"name": null}` clears the name.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found` for no such group or current member; `422 invalid_text`,
/// `mixed_script`, `too_long` for the name.
#[utoipa::path(patch, path = "/v1/groups/{group}/members/{member}", tag = "members", request_body = MemberPatch,
    security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("member" = String, Path, description = "Member id")),
    responses((status = 200, description = "Renamed", body = MemberOut),
              (status = 404, description = "No such group or member", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid", body = crate::apidoc::ErrorBody)))]
pub async fn rename(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, mid)): Path<(String, String)>,
    Body(body): Body,
) -> ApiResult<Response> {
    let mut f = fields(records::parse_body(&body)?, &["name"])?;
    let name = text_field(f.remove("name"), "name", &text::MEMBER_NAME, false)?;
    let now = state.now();
    group_write!(&state, &me, &gid, None, 0, |tx, lock| {
        let mut member = db::members(tx, &gid)
            .await?
            .into_iter()
            .find(|m| m.id == mid && !m.removed)
            .ok_or_else(|| ApiError::not_found("member"))?;
        let before = member_body(&member);
        member.name = name.clone();
        db::update_member(tx, &gid, &member).await?;
        let after = member_body(&member);
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "member.rename",
                target: &member.id,
                before: Some(&before),
                after: Some(&after),
                at: now,
            },
        )
        .await?;
        Made::new(StatusCode::OK, after)
    })
}

/// Removes a member whose balance is zero.
///
/// The member stays in the group's computation (old records name it) but is no longer listed and
/// takes no part in new records; the account linked to it, if any, loses its access. Adding the
/// id again brings it back.
///
/// **Who:** the group's owner only.
///
/// **Errors:** `403 forbidden` for a member who is not the owner; `404 not_found` for no such
/// group or member; `409 nonzero_balance` while the member owes or is owed anything (settle
/// first); `409 owner_member` for the owner's own member.
#[utoipa::path(delete, path = "/v1/groups/{group}/members/{member}", tag = "members",
    security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("member" = String, Path, description = "Member id")),
    responses((status = 204, description = "Removed"),
              (status = 403, description = "Only the owner removes members", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group or member", body = crate::apidoc::ErrorBody),
              (status = 409, description = "The member's balance is not zero (code nonzero_balance)", body = crate::apidoc::ErrorBody)))]
pub async fn remove(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, mid)): Path<(String, String)>,
) -> ApiResult<Response> {
    let now = state.now();
    group_write!(&state, &me, &gid, None, 0, |tx, lock| {
        lock.require_owner("remove members")?;
        if lock.member.as_deref() == Some(mid.as_str()) {
            return Err(ApiError::conflict(
                Code::OwnerMember,
                "",
                "the owner's own member cannot be removed",
            ));
        }
        let snap = db::snapshot(tx, &gid)
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
        let group = wire::group_from_json(&text).map_err(ApiError::internal)?;
        let report = super::reports::balances_of(&state, &me.account, group)
            .await?
            .map_err(ApiError::internal)?;
        if let Some(b) = report
            .balances
            .iter()
            .find(|b| b.member == mid && b.net != Decimal::ZERO)
        {
            return Err(ApiError::conflict(
                Code::NonzeroBalance,
                "",
                format!(
                    "'{mid}' has a balance of {} {}; settle it first",
                    b.net, b.currency
                ),
            ));
        }
        let before = member_body(&member);
        member.removed = true;
        db::update_member(tx, &gid, &member).await?;
        // The account linked to the member (if any) loses access to the group.
        db::access::revoke_member(tx, &gid, &mid).await?;
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "member.remove",
                target: &mid,
                before: Some(&before),
                after: None,
                at: now,
            },
        )
        .await?;
        Made::new(StatusCode::NO_CONTENT, String::new())
    })
}
