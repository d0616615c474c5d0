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
use sqlx::Row;
use utoipa::ToSchema;

use super::{fields, text_field, unprocessable, Body, Shared};
use crate::auth::{self, Authed};
use crate::db;
use crate::db::StoredMember;
use crate::http::json_response;
use crate::http::{ApiError, ApiResult, Code};
use crate::records;
use crate::text;

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
    /// Unix seconds.
    pub expires_at: i64,
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

/// Makes an invite.
#[utoipa::path(post, path = "/v1/groups/{group}/invites", tag = "invites", request_body = InviteIn,
    security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 201, description = "Created (with its code)", body = InviteOut),
              (status = 404, description = "No such group (or not a member)", body = crate::openapi::ErrorBody),
              (status = 422, description = "Invalid", body = crate::openapi::ErrorBody)))]
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
        expires_at: now + ttl,
        revoked: false,
    };
    sqlx::query(
        "INSERT INTO invites (id, group_id, code_hash, member_id, created_by, created_at, expires_at, revoked) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
    )
    .bind(&out.id)
    .bind(&gid)
    .bind(auth::sha256_hex(&code))
    .bind(out.member.clone())
    .bind(&me.account)
    .bind(now)
    .bind(out.expires_at)
    .execute(&state.store.pool)
    .await?;
    Ok(json_response(
        StatusCode::CREATED,
        serde_json::to_string(&out).unwrap_or_default(),
    ))
}

/// Lists a group's invites (without codes).
#[utoipa::path(get, path = "/v1/groups/{group}/invites", tag = "invites", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "The invites", body = InviteList),
              (status = 404, description = "No such group (or not a member)", body = crate::openapi::ErrorBody)))]
pub async fn list(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid).await?;
    let rows = sqlx::query(
        "SELECT id, member_id, expires_at, revoked FROM invites WHERE group_id = ? ORDER BY created_at DESC, id",
    )
    .bind(&gid)
    .fetch_all(&state.store.pool)
    .await?;
    let invites = rows
        .iter()
        .map(|r| {
            Ok(InviteOut {
                id: db::text(r, 0)?,
                code: None,
                group: gid.clone(),
                member: db::opt_text(r, 1)?,
                expires_at: r.try_get(2)?,
                revoked: r.try_get::<i64, _>(3)? != 0,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&InviteList { invites }).unwrap_or_default(),
    ))
}

/// Revokes an invite (owner only).
#[utoipa::path(delete, path = "/v1/groups/{group}/invites/{invite}", tag = "invites", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("invite" = String, Path, description = "Invite id")),
    responses((status = 204, description = "Revoked"),
              (status = 403, description = "Only the owner revokes invites", body = crate::openapi::ErrorBody),
              (status = 404, description = "No such group or invite", body = crate::openapi::ErrorBody)))]
pub async fn revoke(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path((gid, iid)): Path<(String, String)>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid)
        .await?
        .require_owner("revoke invites")?;
    let done = sqlx::query("UPDATE invites SET revoked = 1 WHERE id = ? AND group_id = ?")
        .bind(&iid)
        .bind(&gid)
        .execute(&state.store.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::not_found("invite"));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Joins the invite's group: the account becomes a member (linked to the invite's member, or to
/// the one it names, which is added when it does not exist).
#[utoipa::path(post, path = "/v1/invites/{code}/accept", tag = "invites", request_body = AcceptIn,
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The invite code")),
    responses((status = 200, description = "Joined: the group", body = super::groups::GroupOut),
              (status = 404, description = "No such invite", body = crate::openapi::ErrorBody),
              (status = 409, description = "Already a member (already_member), or the member is linked to another account (member_taken)", body = crate::openapi::ErrorBody),
              (status = 410, description = "Expired or revoked (invite_expired, invite_revoked)", body = crate::openapi::ErrorBody),
              (status = 422, description = "No member chosen for an invite that names none, or an id that is invalid or looks like another member's", body = crate::openapi::ErrorBody)))]
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
    let row = sqlx::query("SELECT group_id, member_id, expires_at, revoked FROM invites WHERE code_hash = ?")
        .bind(auth::sha256_hex(&code))
        .fetch_optional(&state.store.pool)
        .await?
        .ok_or_else(|| ApiError::not_found("invite"))?;
    let gid = db::text(&row, 0)?;
    if row.try_get::<i64, _>(3)? != 0 {
        return Err(ApiError::new(
            StatusCode::GONE,
            Code::InviteRevoked,
            "",
            "this invite was revoked",
        ));
    }
    let now = state.now();
    if now >= row.try_get::<i64, _>(2)? {
        return Err(ApiError::new(
            StatusCode::GONE,
            Code::InviteExpired,
            "",
            "this invite has expired",
        ));
    }
    let member = db::opt_text(&row, 1)?.or(asked).ok_or_else(|| {
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
        let already = sqlx::query("SELECT 1 FROM group_access WHERE group_id = ? AND account_id = ?")
            .bind(&gid)
            .bind(&me.account)
            .fetch_optional(&mut *tx)
            .await?;
        if already.is_some() {
            return Err(ApiError::conflict(
                Code::AlreadyMember,
                "",
                "this account is already a member of the group",
            ));
        }
        let members = db::members(&mut tx, &gid).await?;
        let linked = sqlx::query("SELECT 1 FROM group_access WHERE group_id = ? AND member_id = ?")
            .bind(&gid)
            .bind(&member)
            .fetch_optional(&mut *tx)
            .await?;
        if linked.is_some() {
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
        db::grant(&mut tx, &gid, &me.account, "member", Some(&member), now).await?;
        let (row, head) = db::head(&mut tx, &gid)
            .await?
            .ok_or_else(|| ApiError::not_found("invite"))?;
        tx.commit().await?;
        Ok::<_, ApiError>(super::groups::group_body(&row, &head.members))
    })?;
    Ok(json_response(StatusCode::OK, body))
}
