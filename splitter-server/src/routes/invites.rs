//! Invites: any member makes one (`POST /v1/groups/{group}/invites`, optionally naming the member
//! the new account will be), members list them, the owner revokes them, and an account joins with
//! the code (`POST /v1/invites/{code}/accept`). Codes are stored only as SHA-256 and expire.
//!
//! Every account that joins is linked to a member: the invite's, or one it chooses when the
//! invite names none (an existing member not yet linked, or a new member id). So everyone with
//! access is a listed member, and the owner sees and removes them (`routes::access`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use splitter_core::ErrorCode;
use splitter_core::Json;
use utoipa::ToSchema;

use super::{fields, text_field, unprocessable, Body, Shared};
use crate::auth::{self, Authed};
use crate::db;
use crate::db::StoredMember;
use crate::http::json_response;
use crate::http::{ApiError, ApiResult, Code};
use crate::records;
use crate::text;
use crate::timestamp::Timestamp;

/// Default lifetime of an invite: 7 days.
pub const DEFAULT_TTL: i64 = 7 * 24 * 3600;
/// Longest lifetime of an invite: 30 days.
pub const MAX_TTL: i64 = 30 * 24 * 3600;

/// A new invite.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct InviteIn {
    /// Seconds until it expires (60 to 2592000; default 604800, 7 days).
    expires_in: Option<i64>,
    /// The member the joining account becomes (an existing member not yet linked to an account,
    /// or a new member id); left out, each joiner chooses one when accepting.
    #[schema(max_length = 64)]
    member: Option<String>,
}

/// An invite (the code only in the answer to its creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteOut {
    /// Its id (to revoke it).
    pub id: String,
    /// The code to give to the person invited (shown once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The group.
    pub group: String,
    /// The member the joiner becomes, if set.
    pub member: Option<String>,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Revoked by the owner.
    pub revoked: bool,
}

/// A group's invites.
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteList {
    /// Newest first.
    pub invites: Vec<InviteOut>,
}

/// Accepting an invite.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct AcceptIn {
    /// Which member to become, required when the invite does not say: an existing member not
    /// yet linked to an account, or a new member id.
    #[schema(max_length = 64)]
    member: Option<String>,
    /// A display name, when a new member is made.
    #[schema(max_length = 100)]
    name: Option<String>,
}

/// Makes an invite to the group; its code is shown only here.
///
/// Give the code to the person invited, who joins with `POST /v1/invites/{code}/accept` from their
/// own account. `member` names the member they become (an existing one not yet linked to an
/// account, or a new id); left out, each joiner chooses. `expires_in`: 60 seconds to 30 days
/// (default 7 days). The code is stored only as a hash.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found`; `422 invalid_input` for `expires_in` out of range; `422
/// invalid_text`, `confusable_id`, `too_long` for the member id.
#[utoipa::path(post, path = "/v1/groups/{group}/invites", tag = "invites", request_body = InviteIn,
    security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 201, description = "Created (with its code)", body = InviteOut),
              (status = 404, description = "No such group (or not a member)", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid", body = crate::apidoc::ErrorBody)))]
pub async fn create(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    Body(body): Body,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid).await?;
    let json = if body.iter().all(u8::is_ascii_whitespace) {
        Json::Object(Vec::new())
    } else {
        records::parse_body(&body)?
    };
    let mut f = fields(json, &["expires_in", "member"])?;
    let ttl = match f.remove("expires_in") {
        None => DEFAULT_TTL,
        Some(Json::Number(n)) => n
            .parse::<i64>()
            .ok()
            .filter(|t| (60..=MAX_TTL).contains(t))
            .ok_or_else(|| {
                unprocessable(
                    ErrorCode::InvalidInput,
                    "expires_in",
                    "whole seconds from 60 to 2592000",
                )
            })?,
        Some(_) => {
            return Err(unprocessable(
                ErrorCode::InvalidInput,
                "expires_in",
                "whole seconds from 60 to 2592000",
            ))
        }
    };
    let member = text_field(f.remove("member"), "member", &text::MEMBER_ID, false)?;
    let code = auth::random_token().map_err(ApiError::internal)?;
    let now = state.now();
    let out = InviteOut {
        id: uuid::Uuid::new_v4().simple().to_string(),
        code: Some(code.clone()),
        group: gid.clone(),
        member,
        expires_at: Timestamp(now + ttl),
        revoked: false,
    };
    let invite = db::invites::NewInvite {
        id: &out.id,
        group: &gid,
        code_hash: &auth::sha256_hex(&code),
        member: out.member.as_deref(),
        created_by: &me.account,
        created_at: now,
        expires_at: out.expires_at.0,
    };
    if !db::invites::insert(&state.store.pool, invite).await? {
        return Err(ApiError::not_found("group"));
    }
    Ok(json_response(
        StatusCode::CREATED,
        serde_json::to_string(&out).unwrap_or_default(),
    ))
}

/// Lists the group's invites, newest first (without their codes).
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found`.
#[utoipa::path(get, path = "/v1/groups/{group}/invites", tag = "invites", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "The invites", body = InviteList),
              (status = 404, description = "No such group (or not a member)", body = crate::apidoc::ErrorBody)))]
pub async fn list(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid).await?;
    let invites = db::invites::list(&state.store.pool, &gid)
        .await?
        .into_iter()
        .map(|r| InviteOut {
            id: r.id,
            code: None,
            group: gid.clone(),
            member: r.member,
            expires_at: Timestamp(r.expires_at),
            revoked: r.revoked,
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&InviteList { invites }).unwrap_or_default(),
    ))
}

/// Revokes an invite: its code stops working.
///
/// **Who:** the group's owner only.
///
/// **Errors:** `403 forbidden` for a member who is not the owner; `404 not_found` for no such
/// group or invite.
#[utoipa::path(delete, path = "/v1/groups/{group}/invites/{invite}", tag = "invites", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("invite" = String, Path, description = "Invite id")),
    responses((status = 204, description = "Revoked"),
              (status = 403, description = "Only the owner revokes invites", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group or invite", body = crate::apidoc::ErrorBody)))]
pub async fn revoke(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, iid)): Path<(String, String)>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid)
        .await?
        .require_owner("revoke invites")?;
    if !db::invites::revoke(&state.store.pool, &iid, &gid).await? {
        return Err(ApiError::not_found("invite"));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Joins a group with an invite code.
///
/// The caller's account gets access as a member, linked to the invite's member, or, when the
/// invite names none, to the member chosen here: an existing member not yet linked to an account,
/// or a new id (added, with `name`). Answers the group.
///
/// **Who:** any account with the code.
///
/// **Errors:** `404 not_found` for an unknown code (or its group deleted); `410 invite_expired`,
/// `410 invite_revoked`; `409 already_member` for an account that has access already; `409
/// member_taken` for a member linked to another account; `422 invalid_input` when the invite
/// names no member and none is chosen; `422 confusable_id`, `invalid_text` for a new id.
#[utoipa::path(post, path = "/v1/invites/{code}/accept", tag = "invites", request_body = AcceptIn,
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The invite code")),
    responses((status = 200, description = "Joined: the group", body = super::groups::GroupOut),
              (status = 404, description = "No such invite", body = crate::apidoc::ErrorBody),
              (status = 409, description = "Already a member (already_member), or the member is linked to another account (member_taken)", body = crate::apidoc::ErrorBody),
              (status = 410, description = "Expired or revoked (invite_expired, invite_revoked)", body = crate::apidoc::ErrorBody),
              (status = 422, description = "No member chosen for an invite that names none, or an id that is invalid or looks like another member's", body = crate::apidoc::ErrorBody)))]
pub async fn accept(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(code): Path<String>,
    Body(body): Body,
) -> ApiResult<Response> {
    if !auth::session_live(&state.store, &me).await? {
        return Err(auth::revoked());
    }
    let json = if body.iter().all(u8::is_ascii_whitespace) {
        Json::Object(Vec::new())
    } else {
        records::parse_body(&body)?
    };
    let mut f = fields(json, &["member", "name"])?;
    let asked = text_field(f.remove("member"), "member", &text::MEMBER_ID, false)?;
    let name = text_field(f.remove("name"), "name", &text::MEMBER_NAME, false)?;
    if code.len() > 128 {
        return Err(ApiError::not_found("invite"));
    }
    let invite = db::invites::by_code(&state.store.pool, &auth::sha256_hex(&code))
        .await?
        .ok_or_else(|| ApiError::not_found("invite"))?;
    let gid = invite.group;
    if invite.revoked {
        return Err(ApiError::new(
            StatusCode::GONE,
            Code::InviteRevoked,
            "",
            "this invite was revoked",
        ));
    }
    let now = state.now();
    if now >= invite.expires_at {
        return Err(ApiError::new(
            StatusCode::GONE,
            Code::InviteExpired,
            "",
            "this invite has expired",
        ));
    }
    let member = invite.member.or(asked).ok_or_else(|| {
        unprocessable(
            ErrorCode::InvalidInput,
            "member",
            "this invite names no member: choose one, an existing member not yet linked to an account or a new member id",
        )
    })?;
    let body = db::retrying!(async {
        let mut tx = state.store.begin_write().await?;
        let (version, _) = db::lock_group(&mut tx, &gid, 0)
            .await?
            .ok_or_else(|| ApiError::not_found("invite"))?;
        if db::access::has_account(&mut tx, &gid, &me.account).await? {
            return Err(ApiError::conflict(
                Code::AlreadyMember,
                "",
                "this account is already a member of the group",
            ));
        }
        let members = db::members(&mut tx, &gid).await?;
        if db::access::member_linked(&mut tx, &gid, &member).await? {
            return Err(ApiError::conflict(
                Code::MemberTaken,
                "member",
                "this member is linked to another account",
            ));
        }
        let new = StoredMember {
            id: member.clone(),
            name: name.clone(),
            removed: false,
        };
        let changed = match members.iter().find(|x| x.id == member) {
            Some(x) if !x.removed => false,
            Some(_) => {
                db::update_member(&mut tx, &gid, &new).await?;
                true
            }
            None => {
                super::members::check_new_member(&members, &member, "member")?;
                let position = i64::try_from(members.len()).unwrap_or(i64::MAX);
                db::insert_member(&mut tx, &gid, &new, position).await?;
                true
            }
        };
        if changed {
            let after = serde_json::json!({"id": member, "name": name}).to_string();
            db::log(
                &mut tx,
                db::Change {
                    group: &gid,
                    version,
                    account: &me.account,
                    action: "member.add",
                    target: &member,
                    before: None,
                    after: Some(&after),
                    at: now,
                },
            )
            .await?;
        }
        if !db::grant(
            &mut tx,
            &gid,
            &me.account,
            "member",
            Some(&member),
            now,
            Some(&me.session),
        )
        .await?
        {
            return Err(auth::revoked());
        }
        let (row, head) = db::head(&mut tx, &gid)
            .await?
            .ok_or_else(|| ApiError::not_found("invite"))?;
        db::commit(tx).await?;
        Ok::<_, ApiError>(super::groups::group_body(&row, &head.members))
    })?;
    Ok(json_response(StatusCode::OK, body))
}
