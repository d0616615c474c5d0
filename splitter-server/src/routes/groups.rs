//! `POST /v1/groups`, `GET`/`PATCH /v1/groups/{group}`.

use splitter_core::ErrorCode;
use std::collections::BTreeMap;

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use splitter_core::{wire, Json};
use utoipa::ToSchema;

use super::{fields, text_field, unprocessable, Body, Shared};
use crate::auth::{self, Authed};
use crate::db::StoredMember;
use crate::db::{self, GroupRow};
use crate::group_write::group_write;
use crate::http::{ApiError, ApiResult};
use crate::idempotency::{self, json_response, Made};
use crate::records;
use crate::text;
use crate::timestamp::Timestamp;

/// The `balances_in` field: `group` (default) or `each`.
pub fn balances_in(v: Option<Json>) -> ApiResult<String> {
    match v {
        None => Ok("group".into()),
        Some(Json::String(s)) if s == "group" || s == "each" => Ok(s),
        Some(_) => Err(unprocessable(
            ErrorCode::InvalidOption,
            "balances_in",
            "balances_in is \"group\" or \"each\"",
        )),
    }
}

/// Name and rates as the activity log records them.
fn settings_json(row: &GroupRow) -> String {
    serde_json::json!({
        "name": row.name,
        "rates": serde_json::from_str::<serde_json::Value>(&row.rates).unwrap_or_default(),
    })
    .to_string()
}

async fn snapshot_head(conn: &mut sqlx::AnyConnection, gid: &str) -> ApiResult<GroupRow> {
    db::group_row(conn, gid)
        .await?
        .ok_or_else(|| ApiError::not_found("group"))
}

/// Lists the caller's groups, with what it is owed or owes in each.
///
/// Newest first. Each group says the caller's role (`owner` or `member`), the member it is linked
/// to, and that member's `net`: what it is owed (positive) or owes (negative) in the group's
/// currency, exactly the `net` of its row in `GET /v1/groups/{group}/balances`, read from the
/// balances the server keeps (no computation per request). `nets` has one row per currency for a
/// group whose balances are kept per currency (`balances_in: each`). Both are `null`/empty for an
/// account linked to no member, and for a group made before balances were kept, until its
/// balances are first read.
///
/// **Who:** any account; it sees only the groups it has access to.
///
/// **Errors:** only the common `401` and `429`.
#[utoipa::path(get, path = "/v1/groups", tag = "groups", security(("bearer" = [])),
    responses((status = 200, description = "The caller's groups", body = GroupListOut),
              (status = 401, description = "No valid token", body = crate::apidoc::ErrorBody)))]
pub async fn list(State(state): State<Shared>, Authed(me): Authed) -> ApiResult<Response> {
    if !auth::session_live(&state.store, &me).await? {
        return Err(auth::revoked());
    }
    // From the replica when it has caught up (a group just made is in it).
    let mut tx = state.store.begin_read_replica().await?;
    let rows = db::groups::list_for_account(&mut tx, &me.account).await?;
    db::commit(tx).await?;
    let groups = rows.into_iter().map(summary).collect::<ApiResult<Vec<_>>>()?;
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&GroupListOut { groups }).map_err(ApiError::internal)?,
    ))
}

/// A listed group with the caller's nets, from its member's kept totals: the group's currency
/// first (zero when the member has no record in it), then every other currency the member has
/// paid or owes in, by code. None without a member or kept totals.
fn summary(r: db::groups::GroupListRow) -> ApiResult<GroupSummary> {
    let mut nets = Vec::new();
    if r.member.is_some() && r.totals_kept {
        let of_group = r.totals.iter().find(|t| t.0 == r.currency);
        let zero = (r.currency.clone(), 0, 0);
        for (currency, paid, owed) in
            std::iter::once(of_group.unwrap_or(&zero)).chain(r.totals.iter().filter(|t| t.0 != r.currency))
        {
            let exponent = splitter_core::Currency::find(currency)
                .ok_or_else(|| ApiError::internal(format!("kept totals in {currency}")))?
                .exponent();
            let net = paid
                .checked_sub(*owed)
                .and_then(|n| splitter_core::Decimal::try_from_i128_with_scale(n, exponent).ok())
                .ok_or_else(|| ApiError::internal("a kept net out of range"))?;
            nets.push(NetOut {
                currency: currency.clone(),
                net: net.to_string(),
            });
        }
    }
    Ok(GroupSummary {
        net: nets.first().map(|n| n.net.clone()),
        nets,
        id: r.id,
        name: r.name,
        currency: r.currency,
        role: r.role,
        member: r.member,
    })
}

/// A new group.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"name": "Lisbon trip", "currency": "EUR", "members": ["ana", "ben", {"id": "cy", "name": "Cy Park"}], "rates": {"USD": "0.92"}, "me": "ana"}))]
#[allow(dead_code)]
pub struct GroupInput {
    /// A display name (1 to 100 characters).
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    /// ISO 4217 code of the group's currency.
    #[schema(value_type = crate::apidoc::CurrencyCode)]
    currency: String,
    /// Member ids, or objects `{"id", "name"}`, each id once.
    #[schema(min_items = 1)]
    members: Vec<crate::apidoc::MemberInput>,
    /// `{"USD": "0.92"}`: 1 USD = 0.92 in the group's currency.
    rates: Option<BTreeMap<String, String>>,
    /// `group` (default: everything converted into the group's currency) or `each` (balances
    /// and settlement kept per currency).
    #[schema(value_type = Option<crate::apidoc::BalancesIn>)]
    balances_in: Option<String>,
    /// The member id that is the creator (linked to the creator's account).
    me: Option<String>,
}

/// Changes to a group: name and rates (the currency cannot change under stored expenses).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct GroupPatch {
    /// A new display name.
    name: Option<String>,
    /// New rates (replacing the old ones); refused if a stored expense would lack its rate.
    rates: Option<BTreeMap<String, String>>,
}

/// A group.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupOut {
    /// Its id (assigned by the server).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Rates to the group's currency, as decimal strings.
    pub rates: BTreeMap<String, String>,
    /// Current members, in order (removed members are not listed).
    pub members: Vec<MemberOut>,
    /// Bumped by every change to the group or its records.
    pub version: i64,
    /// When it was made.
    pub created_at: Timestamp,
    /// `group` or `each`.
    pub balances_in: String,
}

/// A group as listed for its member.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupSummary {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// ISO 4217 code.
    pub currency: String,
    /// `owner` or `member`.
    pub role: String,
    /// The member this account is linked to, if any.
    pub member: Option<String>,
    /// What that member is owed (positive) or owes (negative) in the group's currency, exactly:
    /// the `net` of its row in `GET .../balances`. `null` when the account is linked to no
    /// member, or for a group made before balances were kept until its balances are first read.
    #[schema(value_type = Option<crate::apidoc::Amount>)]
    pub net: Option<String>,
    /// The member's net per currency: the group's currency first (the same as `net`), then, in a
    /// group whose balances are kept per currency (`balances_in: each`), every other currency
    /// the member has paid or owes in, by code. Empty when `net` is `null`.
    pub nets: Vec<NetOut>,
}

/// What a member is owed (positive) or owes (negative) in one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetOut {
    /// ISO 4217 code.
    pub currency: String,
    /// Paid minus owed, with exactly the currency's decimals.
    #[schema(value_type = crate::apidoc::Amount)]
    pub net: String,
}

/// The caller's groups.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupListOut {
    /// Newest first.
    pub groups: Vec<GroupSummary>,
}

/// A member.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    /// The id expenses refer to.
    pub id: String,
    /// The display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The group as its JSON body.
pub fn group_body(row: &GroupRow, members: &[StoredMember]) -> String {
    let out = GroupOut {
        id: row.id.clone(),
        name: row.name.clone(),
        currency: row.currency.clone(),
        rates: db::rates_pairs(&row.rates).into_iter().collect(),
        members: members
            .iter()
            .filter(|m| !m.removed)
            .map(|m| MemberOut {
                id: m.id.clone(),
                name: m.name.clone(),
            })
            .collect(),
        version: row.version,
        created_at: Timestamp(row.created_at),
        balances_in: row.balances_in.clone(),
    };
    serde_json::to_string(&out).unwrap_or_default()
}

/// Rates as stored: a JSON object of decimal strings, in the core's canonical form.
pub fn rates_text(rates: &[(String, splitter_core::Decimal)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = rates
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.to_string())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// Creates a group; the caller owns it.
///
/// The group has a currency (ISO 4217), its members (ids, or `{id, name}`), optional rates to the
/// group's currency and `balances_in` (`group`: everything converted into the group's currency;
/// `each`: balances and settlement per currency). `me` links the caller to one of the members.
///
/// **Who:** any account.
///
/// **Idempotency:** with an `Idempotency-Key`, a retry gets the same group (`201`,
/// `Idempotent-Replayed: true`), not a second one.
///
/// **Errors:** `400 invalid_json` for a body that is not JSON; `422` with the engine's code and a
/// path in the body: `unknown_currency` (`currency`), `duplicate_id` (`members`), `invalid_amount`
/// (`rates.USD`), `unknown_member` (`me` not among the members); `422 invalid_text`,
/// `mixed_script`, `confusable_id`, `too_long` for names and ids, `too_many_members` past the
/// server's cap; `422 idempotency_key_reused` for a key sent before with another request.
#[utoipa::path(post, path = "/v1/groups", tag = "groups", request_body = GroupInput,
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, description = "Created; the caller is its owner", body = GroupOut),
              (status = 401, description = "No valid token", body = crate::apidoc::ErrorBody),
              (status = 400, description = "Not JSON", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid", body = crate::apidoc::ErrorBody)))]
pub async fn create(
    State(state): State<Shared>,
    Authed(me): Authed,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    let idem = idempotency::from_request(&me.account, &headers, "POST", uri.path(), &body)?;
    let mut f = fields(
        records::parse_body(&body)?,
        &["name", "currency", "members", "rates", "balances_in", "me"],
    )?;
    let balances_in = balances_in(f.remove("balances_in"))?;
    let my_member = text_field(f.remove("me"), "me", &text::MEMBER_ID, false)?;
    let name = text_field(f.remove("name"), "name", &text::GROUP_NAME, true)?.unwrap_or_default();
    let currency = match f.remove("currency") {
        Some(Json::String(c)) => c,
        Some(other) => {
            return Err(unprocessable(
                ErrorCode::InvalidInput,
                "currency",
                &format!("expected a string, not {}", other.kind()),
            ))
        }
        None => return Err(unprocessable(ErrorCode::InvalidInput, "currency", "required")),
    };
    let members_json = f
        .remove("members")
        .ok_or_else(|| unprocessable(ErrorCode::InvalidInput, "members", "required"))?;
    let group = records::check_group(&currency, members_json, f.remove("rates"))?;
    let members: Vec<StoredMember> = group
        .members
        .iter()
        .map(|m| StoredMember {
            id: m.id.clone(),
            name: m.name.clone(),
            removed: false,
        })
        .collect();
    if let Some(m) = &my_member {
        if !members.iter().any(|x| &x.id == m) {
            return Err(unprocessable(
                ErrorCode::UnknownMember,
                "me",
                "'me' must be one of the members",
            ));
        }
    }
    let row = GroupRow {
        id: uuid::Uuid::new_v4().simple().to_string(),
        name,
        currency: group.currency.clone(),
        rates: rates_text(&group.rates),
        version: 1,
        seq: 0,
        created_at: state.now(),
        balances_in,
        share_rows: 0,
    };
    if !auth::session_live(&state.store, &me).await? {
        return Err(auth::revoked());
    }
    let now = state.now();
    let st = state.clone();
    idempotency::run(&state, idem, |idem| async move {
        db::retrying!(async {
            let mut tx = st.store.begin_write().await?;
            db::insert_group(&mut tx, &row, &members).await?;
            let live = Some(me.session.as_str());
            if !db::grant(
                &mut tx,
                &row.id,
                &me.account,
                "owner",
                my_member.as_deref(),
                now,
                live,
            )
            .await?
            {
                return Err(auth::revoked());
            }
            let made = Made::new(StatusCode::CREATED, group_body(&row, &members));
            idempotency::record(&mut tx, idem.as_ref(), &made, now).await?;
            db::commit(tx).await?;
            Ok::<_, ApiError>(made)
        })
    })
    .await
}

/// Reads a group: name, currency, rates, current members, version.
///
/// **Who:** any account with access to the group (owner or member).
///
/// **Errors:** `404 not_found` for a group that does not exist or that the caller has no access
/// to (the same answer, so existence does not leak).
#[utoipa::path(get, path = "/v1/groups/{group}", tag = "groups", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "The group", body = GroupOut),
              (status = 401, description = "No valid token", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group (or not a member)", body = crate::apidoc::ErrorBody)))]
pub async fn get(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid).await?;
    let mut conn = state.store.acquire().await?;
    let (row, head) = db::head(&mut conn, &gid)
        .await?
        .ok_or_else(|| ApiError::not_found("group"))?;
    Ok(json_response(StatusCode::OK, group_body(&row, &head.members)))
}

/// Renames a group or changes its rates.
///
/// `rates` replaces every rate; it is refused when a stored record would lack its rate or no
/// longer compute, and the kept balances are computed again with the new rates. The currency
/// never changes (stored records are in it).
///
/// **Who:** any member may change the rates; only the owner renames the group.
///
/// **Errors:** `403 forbidden` for a rename by a member who is not the owner; `404 not_found`
/// for no such group (or no access); `422` with the engine's code at `rates` when a stored record
/// would not compute with the new rates (`missing_rate`, ...), or for an invalid name.
#[utoipa::path(patch, path = "/v1/groups/{group}", tag = "groups", request_body = GroupPatch,
    security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "The changed group", body = GroupOut),
              (status = 401, description = "No valid token", body = crate::apidoc::ErrorBody),
              (status = 403, description = "Renaming needs the owner", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid", body = crate::apidoc::ErrorBody)))]
pub async fn patch(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    Body(body): Body,
) -> ApiResult<Response> {
    let mut f = fields(records::parse_body(&body)?, &["name", "rates"])?;
    let name = text_field(f.remove("name"), "name", &text::GROUP_NAME, false)?;
    let rates = f.remove("rates");
    let now = state.now();
    group_write!(&state, &me, &gid, None, 0, |tx, lock| {
        if name.is_some() {
            lock.require_owner("rename the group")?;
        }
        let before = settings_json(&snapshot_head(tx, &gid).await?);
        let mut snap = db::snapshot(tx, &gid)
            .await?
            .ok_or_else(|| ApiError::not_found("group"))?;
        if let Some(rates) = rates.clone() {
            let ids = snap
                .head
                .members
                .iter()
                .map(|m| Json::String(m.id.clone()))
                .collect();
            let checked = records::check_group(&snap.group.currency, Json::Array(ids), Some(rates))?;
            snap.group.rates = rates_text(&checked.rates);
            snap.head.rates = db::rates_pairs(&snap.group.rates);
            // Every stored record must still compute with the new rates, and what they add up
            // to changes with them: the kept totals are computed again.
            let text = records::group_text(&snap.head, &snap.expenses, &snap.payments);
            let outcome = match wire::group_from_json(&text) {
                Ok(g) => super::reports::totals_of(&state, &me.account, g).await?,
                Err(e) => Err(e),
            };
            match outcome {
                Ok(totals) => db::totals::replace(tx, &gid, &totals).await?,
                Err(e) => {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        e.code,
                        "rates",
                        format!("the stored records would not compute ({}: {})", e.path, e.message),
                    ))
                }
            }
        }
        if let Some(n) = &name {
            snap.group.name = n.clone();
        }
        db::update_group(tx, &gid, &snap.group.name, &snap.group.rates).await?;
        snap.group.version = lock.version;
        let after = settings_json(&snap.group);
        db::log(
            tx,
            db::Change {
                group: &gid,
                version: lock.version,
                account: &me.account,
                action: "group.update",
                target: &gid,
                before: Some(&before),
                after: Some(&after),
                at: now,
            },
        )
        .await?;
        Made::new(StatusCode::OK, group_body(&snap.group, &snap.head.members))
    })
}

/// Deletes a group, for everyone.
///
/// Removes the group and everything in it, at once and for good: its expenses (deleted ones
/// too), payments, members, kept balances, activity log and invites (their codes stop working),
/// and every account's access to it. Other groups, and the accounts themselves, are untouched;
/// an import job that made the group still names it, and the group is then `404`.
///
/// **Who:** the group's owner only.
///
/// **Idempotency:** with an `Idempotency-Key`, a retry after the group is gone gets the first
/// answer again (`204`, `Idempotent-Replayed: true`) instead of `404`.
///
/// **Errors:** `403 forbidden` for a member who is not the owner; `404 not_found` for a group
/// that does not exist or that the caller has no access to (the same answer, so existence does
/// not leak), and for a group already deleted; `422 idempotency_key_reused` for a key sent
/// before with another request.
#[utoipa::path(delete, path = "/v1/groups/{group}", tag = "groups", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 204, description = "Deleted, with everything in it"),
              (status = 403, description = "Not the owner (forbidden)", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group (or not a member)", body = crate::apidoc::ErrorBody),
              (status = 422, description = "The Idempotency-Key was used for another request (idempotency_key_reused)", body = crate::apidoc::ErrorBody)))]
pub async fn delete(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let idem = idempotency::with_cutoff(
        &state,
        idempotency::from_request(&me.account, &headers, "DELETE", uri.path(), b"")?,
    );
    // A retry of a deletion that took effect finds no group: the first answer is replayed.
    let replay = |stored: Option<idempotency::Stored>| match (stored, &idem) {
        (Some(s), Some(i)) => Some(idempotency::replay(i, s)),
        _ => None,
    };
    if let Some(r) = replay(idempotency::stored(&state, idem.as_ref()).await?) {
        return r;
    }
    let done = group_write!(&state, &me, &gid, idem.clone(), 0, |tx, lock| {
        lock.require_owner("delete the group")?;
        crate::deletion::group(tx, &gid).await?;
        Made::new(StatusCode::NO_CONTENT, String::new())
    });
    match done {
        // A concurrent retry with the same key may have deleted it while this one waited.
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            replay(idempotency::stored(&state, idem.as_ref()).await?).unwrap_or(Err(e))
        }
        other => other,
    }
}
