//! Import and export: a group in the contract's JSON form (`GET .../export`, `POST
//! /v1/groups/import`), its expenses and payments as CSV in Splitwise's layout (`GET
//! .../export/expenses.csv`), and a Splitwise CSV export into a new group (`POST
//! /v1/groups/import/splitwise`).
//!
//! Amounts in CSV cells are read as exact decimals (never floats). An import is one transaction:
//! the group, its owner, every record and one activity entry, or nothing. With `Prefer:
//! respond-async` an import is queued as a job instead ([`super::jobs`]) and answered 202.

use splitter_core::ErrorCode;
use std::collections::HashMap;

use std::sync::atomic::{AtomicI64, Ordering};

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use splitter_core::{wire, BalancesIn, Group, Totals};

use super::{Body, Shared};
use crate::auth::{self, Authed};
use crate::db::{self, GroupRow};
use crate::db::{GroupHead, StoredMember};
use crate::http::json_response;
use crate::http::{ApiError, ApiResult, Code};
use crate::idempotency::{self, Made};
use crate::records;
use crate::{splitwise, text};

fn name_and_me(query: &HashMap<String, String>, default: &str) -> ApiResult<(String, Option<String>)> {
    let name = query.get("name").cloned().unwrap_or_else(|| default.to_string());
    let name = text::clean(&name, &text::GROUP_NAME, "name")?;
    let me = query
        .get("me")
        .map(|m| text::clean(m, &text::MEMBER_ID, "me"))
        .transpose()?;
    Ok((name, me))
}

/// Imports a group in the contract's input form into a new group the caller owns.
///
/// What `GET .../export` gives (or any contract input): members with names, rates,
/// `options.balances_in`, expenses and payments with their ids, which are kept, so the copy's
/// balances are the same to the cent. `name` and `me` (the caller's member) are query parameters.
/// The whole import is one transaction. With `Prefer: respond-async` it is queued as a job
/// instead: `202` with `Location: /v1/jobs/{id}`.
///
/// **Who:** any account.
///
/// **Idempotency:** with an `Idempotency-Key`, a retry gets the same group (or job), not a second
/// one.
///
/// **Errors:** `400 invalid_json`; `422` with the engine's code and the path in the body
/// (`expenses[3].split.shares.zoe`); `422 too_many_members`, `group_full` past the server's caps;
/// `413 payload_too_large` for a body over the size limit.
#[utoipa::path(post, path = "/v1/groups/import", tag = "import and export", security(("bearer" = [])),
    request_body(content = crate::apidoc::GroupInputDoc, description = "The contract's input group"),
    params(("name" = Option<String>, Query, description = "The new group's name (default: Imported)"),
           ("me" = Option<String>, Query, description = "The member id linked to the caller"),
           ("Prefer" = Option<String>, Header, description = "`respond-async`: queue the import as a job (202, `Location: /v1/jobs/{id}`)"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, description = "The new group", body = super::groups::GroupOut),
              (status = 202, description = "Queued as a job (with `Prefer: respond-async`)", body = super::jobs::JobOut),
              (status = 400, description = "Not JSON", body = crate::apidoc::ErrorBody),
              (status = 422, description = "Invalid (the core's code and a path in the body)", body = crate::apidoc::ErrorBody)))]
pub async fn import_json(
    State(state): State<Shared>,
    Authed(me): Authed,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    Body(body): Body,
) -> ApiResult<Response> {
    import_request(state, me, &uri, &headers, &query, body, Source::Json).await
}

/// Imports a Splitwise CSV export into a new group the caller owns.
///
/// Header `Date,Description,Category,Cost,Currency,<member>...`, one net column per member; a
/// `Total balance` line is skipped. Each row becomes an expense (or a payment, for `Payment`
/// rows), read as exact decimals. Several currencies make a group with `balances_in: each`.
/// `name` and `me` are query parameters. With `Prefer: respond-async` it is queued as a job
/// instead: `202` with `Location: /v1/jobs/{id}`.
///
/// **Who:** any account.
///
/// **Idempotency:** with an `Idempotency-Key`, a retry gets the same group (or job).
///
/// **Errors:** `422` with a code and the path `rows[LINE].column`: `invalid_amount` (`1e3`,
/// `12,50`), `split_mismatch` (a row's nets do not add up to zero), `invalid_input` (a malformed
/// file or header).
#[utoipa::path(post, path = "/v1/groups/import/splitwise", tag = "import and export", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "A Splitwise CSV export"),
    params(("name" = Option<String>, Query, description = "The new group's name (default: Splitwise)"),
           ("me" = Option<String>, Query, description = "The member (column) linked to the caller"),
           ("Prefer" = Option<String>, Header, description = "`respond-async`: queue the import as a job (202, `Location: /v1/jobs/{id}`)"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, description = "The new group", body = super::groups::GroupOut),
              (status = 202, description = "Queued as a job (with `Prefer: respond-async`)", body = super::jobs::JobOut),
              (status = 422, description = "Invalid: a code and a path `rows[LINE].column`", body = crate::apidoc::ErrorBody)))]
pub async fn import_splitwise(
    State(state): State<Shared>,
    Authed(me): Authed,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    Body(body): Body,
) -> ApiResult<Response> {
    import_request(state, me, &uri, &headers, &query, body, Source::Splitwise).await
}

/// An import request of either source: queued as a job with `Prefer: respond-async`, else run
/// now under its idempotency key.
async fn import_request(
    state: Shared,
    me: auth::Claims,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    body: axum::body::Bytes,
    source: Source,
) -> ApiResult<Response> {
    let default_name = match source {
        Source::Json => "Imported",
        Source::Splitwise => "Splitwise",
    };
    let (name, my_member) = name_and_me(query, default_name)?;
    let idem = idempotency::from_request(&me.account, headers, "POST", &path_and_query(uri), &body)?;
    if let Some(payload) = super::jobs::async_payload(headers, &body) {
        let me_member = my_member.as_deref();
        return super::jobs::enqueue(&state, &me, source, &name, me_member, payload, idem).await;
    }
    let st = state.clone();
    idempotency::run(&state, idem, |idem| async move {
        let finish = Finish::Request(idem);
        import_text(
            &st,
            &me.account,
            Some(&me),
            name,
            my_member,
            source,
            &body,
            finish,
            None,
        )
        .await
    })
    .await
}

/// The path and query of a request (two imports into differently named groups are different
/// requests for the idempotency key).
fn path_and_query(uri: &axum::http::Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string())
}

/// Exports the group in the contract's input form.
///
/// Every member (removed ones too, since old records name them), rates, `options.balances_in`,
/// and every live expense and payment with its id: `POST /v1/compute` takes it as it is, and
/// `POST /v1/groups/import` makes a copy.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found`.
#[utoipa::path(get, path = "/v1/groups/{group}/export", tag = "import and export", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "The contract's input group", body = crate::apidoc::GroupInputDoc),
              (status = 404, description = "No such group (or not a member)", body = crate::apidoc::ErrorBody)))]
pub async fn export_json(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid).await?;
    let snap = snapshot(&state, &gid).await?;
    let text = records::group_text(&snap.head, &snap.expenses, &snap.payments);
    let mut v: serde_json::Value = serde_json::from_str(&text).map_err(ApiError::internal)?;
    v["members"] = snap
        .head
        .members
        .iter()
        .map(|m| match &m.name {
            Some(n) => serde_json::json!({"id": m.id, "name": n}),
            None => serde_json::json!(m.id),
        })
        .collect();
    Ok(json_response(StatusCode::OK, v.to_string()))
}

/// The group's records for an export, from the replica when it has caught up.
async fn snapshot(state: &Shared, gid: &str) -> ApiResult<db::Snapshot> {
    let mut tx = state.store.begin_read_replica().await?;
    let snap = db::snapshot(&mut tx, gid).await?;
    db::commit(tx).await?;
    snap.ok_or_else(|| ApiError::not_found("group"))
}

/// Exports expenses and payments as CSV in Splitwise's layout.
///
/// `Date,Description,Category,Cost,Currency,<member>...`: each member's column is what the row did
/// to their balance, in the row's currency; payments have the category `Payment`. `POST
/// /v1/groups/import/splitwise` reads it back to the same balances. Cells a spreadsheet would run
/// as a formula are written with a leading `'`.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found`.
#[utoipa::path(get, path = "/v1/groups/{group}/export/expenses.csv", tag = "import and export", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv"),
              (status = 404, description = "No such group (or not a member)", body = crate::apidoc::ErrorBody)))]
pub async fn export_csv(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
) -> ApiResult<Response> {
    auth::access(&state, &me, &gid).await?;
    let snap = snapshot(&state, &gid).await?;
    let text = records::group_text(&snap.head, &snap.expenses, &snap.payments);
    let group = wire::group_from_json(&text).map_err(ApiError::internal)?;
    let report = super::reports::balances_of(&state, &me.account, group.clone())
        .await?
        .map_err(ApiError::internal)?;
    let csv = splitwise::write(&group, &report).map_err(ApiError::internal)?;
    let mut r = (StatusCode::OK, csv).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"expenses.csv\""),
    );
    Ok(r)
}

/// The largest record number an imported id may carry and still move the group's counter (`e12`
/// makes the next new expense `e13`); an id past it (`e9223372036854775807`) is kept as it is and
/// moves nothing, so the counter never nears its end.
const MAX_IMPORTED_SEQ: i64 = 1_000_000_000_000;

/// What an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The contract's input group (JSON).
    Json,
    /// A Splitwise CSV export.
    Splitwise,
}

impl Source {
    /// Its name in the activity log and in jobs.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Json => "json",
            Source::Splitwise => "splitwise",
        }
    }

    /// The source a job names.
    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "json" => Some(Source::Json),
            "splitwise" => Some(Source::Splitwise),
            _ => None,
        }
    }
}

/// How an import's transaction ends: with the request's idempotency record, or by completing
/// its job (only while `owner` holds the job's lease).
pub enum Finish {
    /// A request's import.
    Request(Option<idempotency::Idem>),
    /// A job's import.
    Job {
        /// The job's id.
        id: String,
        /// The worker holding its lease.
        owner: String,
    },
}

/// Reads a JSON import's group.
fn read_import(source: Source, body: &[u8]) -> ApiResult<Group> {
    debug_assert_eq!(source, Source::Json);
    let json = records::parse_body(body)?;
    wire::group_from_value(&json).map_err(|e| ApiError::from_core(e, ""))
}

/// Reads and imports `body` as `source` says (errors of a Splitwise file at `rows[LINE]`).
#[allow(clippy::too_many_arguments)]
pub async fn import_text(
    state: &Shared,
    account: &str,
    session: Option<&auth::Claims>,
    name: String,
    my_member: Option<String>,
    source: Source,
    body: &[u8],
    finish: Finish,
    progress: Option<&AtomicI64>,
) -> ApiResult<Made> {
    match source {
        Source::Json => {
            let group = read_import(source, body)?;
            import_group(
                state, account, session, name, my_member, group, source, finish, progress,
            )
            .await
        }
        Source::Splitwise => {
            let mut parsed = splitwise::parse(body).map_err(|e| ApiError::from_core(e, ""))?;
            let group = std::mem::take(&mut parsed.group);
            let at_row = |mut e: ApiError| {
                e.path = parsed.row_path(&e.path);
                e
            };
            import_group(
                state, account, session, name, my_member, group, source, finish, progress,
            )
            .await
            .map_err(at_row)
        }
    }
}

/// Imports `group` as a new group owned by `account`: checked as new records would be, then
/// written in one transaction that ends as `finish` says. `session` (a request's) must still be
/// live; `progress` counts the records checked (a job's status shows it).
#[allow(clippy::too_many_arguments)]
async fn import_group(
    state: &Shared,
    account: &str,
    session: Option<&auth::Claims>,
    name: String,
    my_member: Option<String>,
    mut group: Group,
    source: Source,
    finish: Finish,
    progress: Option<&AtomicI64>,
) -> ApiResult<Made> {
    let count = || {
        if let Some(p) = progress {
            p.fetch_add(1, Ordering::Relaxed);
        }
    };
    records::check_members(&mut group)?;
    let cost = group.cost();
    if i64::try_from(cost.share_rows).unwrap_or(i64::MAX) > records::MAX_GROUP_SHARE_ROWS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::GroupFull,
            "expenses",
            format!(
                "the expenses hold {} shares; this server keeps at most {} per group",
                cost.share_rows,
                records::MAX_GROUP_SHARE_ROWS
            ),
        ));
    }
    super::reports::balances_of(state, account, group.clone())
        .await?
        .map_err(|e| ApiError::from_core(e, ""))?;
    if let Some(m) = &my_member {
        if !group.members.iter().any(|x| &x.id == m) {
            return Err(ApiError::invalid_input("me", "'me' must be one of the members"));
        }
    }
    let members: Vec<StoredMember> = group
        .members
        .iter()
        .map(|m| StoredMember {
            id: m.id.clone(),
            name: m.name.clone(),
            removed: false,
        })
        .collect();
    let balances_in = match group.options.balances_in {
        BalancesIn::Each => "each",
        _ => "group",
    }
    .to_string();
    let rates = super::groups::rates_text(&group.rates);
    let head = GroupHead {
        currency: group.currency.clone(),
        rates: db::rates_pairs(&rates),
        members: members.clone(),
        balances_in: balances_in.clone(),
    };
    // Payments without an id get one; every record is then checked as a new one would be.
    let mut n = 0i64;
    let mut max_seq = 0i64;
    for (i, p) in group.payments.iter_mut().enumerate() {
        if p.id.is_none() {
            p.id = Some(format!("p{}", group.expenses.len() + i + 1));
        }
    }
    let expenses = checked_records(
        std::mem::take(&mut group.expenses),
        "expenses",
        &mut n,
        &mut max_seq,
        |e| e.id.clone(),
        |mut e, id| {
            count();
            e.id = id.to_string();
            records::check_typed_expense(&head, e)
        },
    )?;
    let payments = checked_records(
        std::mem::take(&mut group.payments),
        "payments",
        &mut n,
        &mut max_seq,
        |p| p.id.clone().unwrap_or_default(),
        |mut p, id| {
            count();
            p.id = Some(id.to_string());
            records::check_typed_payment(&head, &p)
        },
    )?;
    // What the records add up to: the new group's kept totals.
    let mut totals = Totals::default();
    for t in expenses
        .iter()
        .map(|r| &r.2 .1)
        .chain(payments.iter().map(|r| &r.2 .1))
    {
        totals.add(t).map_err(|e| ApiError::from_core(e, ""))?;
    }
    let now = state.now();
    let row = GroupRow {
        id: uuid::Uuid::new_v4().simple().to_string(),
        name,
        currency: group.currency.clone(),
        rates,
        version: 1,
        seq: n.max(max_seq),
        created_at: now,
        balances_in,
        share_rows: expenses.iter().map(|(_, _, (e, _))| e.parts).sum(),
    };
    if let Some(me) = session {
        if !auth::session_live(&state.store, me).await? {
            return Err(auth::revoked());
        }
    }
    let source = source.as_str();
    let made = Made::new(StatusCode::CREATED, super::groups::group_body(&row, &members));
    db::retrying!(async {
        let mut tx = state.store.begin_write().await?;
        db::insert_group(&mut tx, &row, &members).await?;
        let live = session.map(|me| me.session.as_str());
        if !db::grant(
            &mut tx,
            &row.id,
            account,
            "owner",
            my_member.as_deref(),
            now,
            live,
        )
        .await?
        {
            return Err(auth::revoked());
        }
        let dup = |e: db::DbError, what: &str, id: &str| {
            if e.is_unique_violation() {
                ApiError::conflict(ErrorCode::DuplicateId, what, format!("'{id}' appears twice"))
            } else {
                e.into()
            }
        };
        for (seq, id, (e, _)) in &expenses {
            db::insert_expense(&mut tx, &row.id, *seq, id, e)
                .await
                .map_err(|err| dup(err, "expenses", id))?;
        }
        for (seq, id, (p, _)) in &payments {
            db::insert_payment(&mut tx, &row.id, *seq, id, p)
                .await
                .map_err(|err| dup(err, "payments", id))?;
        }
        let summary =
            serde_json::json!({"source": source, "expenses": expenses.len(), "payments": payments.len()})
                .to_string();
        db::totals::replace(&mut tx, &row.id, &totals).await?;
        db::log(
            &mut tx,
            db::Change {
                group: &row.id,
                version: 1,
                account,
                action: "group.import",
                target: &row.id,
                before: None,
                after: Some(&summary),
                at: now,
            },
        )
        .await?;
        match &finish {
            Finish::Request(idem) => idempotency::record(&mut tx, idem.as_ref(), &made, now).await?,
            Finish::Job { id, owner } => {
                let records = i64::try_from(expenses.len() + payments.len()).unwrap_or(i64::MAX);
                if !db::jobs::finish(&mut tx, id, owner, &made.body, records, now).await? {
                    return Err(super::jobs::lease_lost());
                }
            }
        }
        db::commit(tx).await?;
        Ok::<_, ApiError>(())
    })?;
    Ok(made)
}

/// The number of an id the server would assign (`e12` with prefix `e`: 12), else 0 (also for
/// numbers past [`MAX_IMPORTED_SEQ`]).
fn numbered(id: &str, prefix: char) -> i64 {
    id.strip_prefix(prefix)
        .filter(|d| !d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<i64>().ok())
        .filter(|n| *n <= MAX_IMPORTED_SEQ)
        .unwrap_or(0)
}

/// The records of an imported group (under `key`), each with its id cleaned and then checked as
/// a new one would be (an error's path placed inside the import), numbered on from `n`;
/// `max_seq` is raised to the largest server-style id seen.
fn checked_records<R, T>(
    records: Vec<R>,
    key: &str,
    n: &mut i64,
    max_seq: &mut i64,
    id_of: impl Fn(&R) -> String,
    check: impl Fn(R, &str) -> ApiResult<T>,
) -> ApiResult<Vec<(i64, String, T)>> {
    let mut out = Vec::with_capacity(records.len());
    for (i, r) in records.into_iter().enumerate() {
        let id = text::clean(&id_of(&r), &text::RECORD_ID, &format!("{key}[{i}].id"))?;
        let checked = check(r, &id).map_err(|mut err| {
            err.path = prefixed(&format!("{key}[{i}]"), &err.path);
            err
        })?;
        *n += 1;
        *max_seq = (*max_seq).max(numbered(&id, 'e')).max(numbered(&id, 'p'));
        out.push((*n, id, checked));
    }
    Ok(out)
}

fn prefixed(prefix: &str, path: &str) -> String {
    if path.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}.{path}")
    }
}
