//! Import and export: a group in the contract's JSON form (`GET .../export`, `POST
//! /v1/groups/import`), its expenses and payments as CSV in Splitwise's layout (`GET
//! .../export/expenses.csv`), and a Splitwise CSV export into a new group (`POST
//! /v1/groups/import/splitwise`).
//!
//! Amounts in CSV cells are read as exact decimals (never floats). An import is one transaction:
//! the group, its owner, every record and one activity entry, or nothing.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use splitter_core::{wire, BalancesIn, Decimal, Group, Json, PaidBy};

use super::{Body, Shared};
use crate::auth::{self, Authed};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::json_response;
use crate::records::{self, GroupHead, StoredMember};
use crate::store::{self, GroupRow};
use crate::text;

/// The largest record number an imported id may carry and still move the group's counter (`e12`
/// makes the next new expense `e13`); an id past it (`e9223372036854775807`) is kept as it is and
/// moves nothing, so the counter never nears its end.
const MAX_IMPORTED_SEQ: i64 = 1_000_000_000_000;

fn name_and_me(query: &HashMap<String, String>, default: &str) -> ApiResult<(String, Option<String>)> {
    let name = query.get("name").cloned().unwrap_or_else(|| default.to_string());
    let name = text::clean(&name, &text::GROUP_NAME, "name")?;
    let me = query
        .get("me")
        .map(|m| text::clean(m, &text::MEMBER_ID, "me"))
        .transpose()?;
    Ok((name, me))
}

/// Imports a group given in the contract's input form (what `GET .../export` gives): a new group
/// owned by the caller, with the same ids, so the same balances to the cent.
#[utoipa::path(post, path = "/v1/groups/import", tag = "import and export", security(("bearer" = [])),
    request_body(content = crate::openapi::GroupInputDoc, description = "The contract's input group"),
    params(("name" = Option<String>, Query, description = "The new group's name (default: Imported)"),
           ("me" = Option<String>, Query, description = "The member id linked to the caller")),
    responses((status = 201, description = "The new group", body = super::groups::GroupOut),
              (status = 400, description = "Not JSON", body = crate::openapi::ErrorBody),
              (status = 422, description = "Invalid (the core's code and a path in the body)", body = crate::openapi::ErrorBody)))]
pub async fn import_json(
    State(state): State<Shared>,
    Authed(me): Authed,
    Query(query): Query<HashMap<String, String>>,
    Body(body): Body,
) -> ApiResult<Response> {
    let (name, my_member) = name_and_me(&query, "Imported")?;
    let json = records::parse_body(&body)?;
    let group = wire::group_from_value(&json).map_err(|e| ApiError::from_core(e, ""))?;
    import_group(&state, &me, name, my_member, group, "json").await
}

/// Imports a Splitwise CSV export (`Date,Description,Category,Cost,Currency,<member>...`, one net
/// column per member; a `Total balance` line is skipped) into a new group owned by the caller.
#[utoipa::path(post, path = "/v1/groups/import/splitwise", tag = "import and export", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "A Splitwise CSV export"),
    params(("name" = Option<String>, Query, description = "The new group's name (default: Splitwise)"),
           ("me" = Option<String>, Query, description = "The member (column) linked to the caller")),
    responses((status = 201, description = "The new group", body = super::groups::GroupOut),
              (status = 422, description = "Invalid: a code and a path `rows[LINE].column`", body = crate::openapi::ErrorBody)))]
pub async fn import_splitwise(
    State(state): State<Shared>,
    Authed(me): Authed,
    Query(query): Query<HashMap<String, String>>,
    Body(body): Body,
) -> ApiResult<Response> {
    let (name, my_member) = name_and_me(&query, "Splitwise")?;
    let parsed = splitwise::parse(&body)?;
    let lines = parsed.lines;
    let map = move |p: &str| splitwise::row_path(p, &lines);
    let group = wire::group_from_value(&parsed.json).map_err(|e| {
        let mut e = ApiError::from_core(e, "");
        e.path = map(&e.path);
        e
    })?;
    import_group(&state, &me, name, my_member, group, "splitwise")
        .await
        .map_err(|mut e| {
            e.path = map(&e.path);
            e
        })
}

async fn import_group(
    state: &Shared,
    me: &auth::Claims,
    name: String,
    my_member: Option<String>,
    mut group: Group,
    source: &str,
) -> ApiResult<Response> {
    let account = me.account.as_str();
    records::check_members(&mut group)?;
    let cost = group.cost();
    if i64::try_from(cost.share_rows).unwrap_or(i64::MAX) > records::MAX_GROUP_SHARE_ROWS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "group_full",
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
        rates: store::rates_pairs(&rates),
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
    let canonical: serde_json::Value =
        serde_json::from_str(&wire::group_to_json(&group)).map_err(ApiError::internal)?;
    let expenses = checked_records(&canonical, "expenses", &mut n, &mut max_seq, |body, id| {
        records::check_expense(&head, body, id)
    })?;
    let payments = checked_records(&canonical, "payments", &mut n, &mut max_seq, |body, id| {
        records::check_payment(&head, body, id)
    })?;
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
        share_rows: expenses.iter().map(|(_, _, e)| e.parts).sum(),
    };
    if !auth::session_live(&state.store, me).await? {
        return Err(auth::revoked());
    }
    store::retrying!(async {
        let mut tx = state.store.begin_write().await?;
        store::insert_group(&mut tx, &row, &members).await?;
        store::grant(&mut tx, &row.id, account, "owner", my_member.as_deref(), now).await?;
        let dup = |e: ApiError, what: &str, id: &str| {
            if e.status.is_server_error() && !e.retry {
                ApiError::conflict("duplicate_id", what, format!("'{id}' appears twice"))
            } else {
                e
            }
        };
        for (seq, id, e) in &expenses {
            store::insert_expense(&mut tx, &row.id, *seq, id, e)
                .await
                .map_err(|err| dup(err, "expenses", id))?;
        }
        for (seq, id, p) in &payments {
            store::insert_payment(&mut tx, &row.id, *seq, id, p)
                .await
                .map_err(|err| dup(err, "payments", id))?;
        }
        let summary =
            serde_json::json!({"source": source, "expenses": expenses.len(), "payments": payments.len()})
                .to_string();
        store::log(
            &mut tx,
            store::Change {
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
        tx.commit().await?;
        Ok::<_, ApiError>(())
    })?;
    Ok(json_response(
        StatusCode::CREATED,
        super::groups::group_body(&row, &members),
    ))
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

/// The records under `key` of an imported group, each checked as a new one would be (an error's
/// path placed inside the import) and numbered on from `n`; `max_seq` is raised to the largest
/// server-style id seen.
fn checked_records<T>(
    canonical: &serde_json::Value,
    key: &str,
    n: &mut i64,
    max_seq: &mut i64,
    check: impl Fn(Json, &str) -> ApiResult<T>,
) -> ApiResult<Vec<(i64, String, T)>> {
    let mut out = Vec::new();
    for (i, r) in canonical[key].as_array().into_iter().flatten().enumerate() {
        let (id, body) = without_id(r)?;
        let id = text::clean(&id, &text::RECORD_ID, &format!("{key}[{i}].id"))?;
        let checked = check(body, &id).map_err(|mut err| {
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

/// A canonical record's id and the rest of it as the core's JSON.
fn without_id(v: &serde_json::Value) -> ApiResult<(String, Json)> {
    let mut obj = v.as_object().cloned().unwrap_or_default();
    let id = match obj.remove("id") {
        Some(serde_json::Value::String(s)) => s,
        _ => return Err(ApiError::internal("canonical record without id")),
    };
    let text = serde_json::Value::Object(obj).to_string();
    Ok((id, Json::parse(&text).map_err(ApiError::internal)?))
}

/// Exports the group in the contract's input form: every member (removed ones too, since old
/// records name them), rates, `options.balances_in`, every live expense and payment with its id.
/// `POST /v1/compute` takes it as it is, and `POST /v1/groups/import` makes a copy.
#[utoipa::path(get, path = "/v1/groups/{group}/export", tag = "import and export", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "The contract's input group", body = crate::openapi::GroupInputDoc),
              (status = 404, description = "No such group (or not a member)", body = crate::openapi::ErrorBody)))]
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

async fn snapshot(state: &Shared, gid: &str) -> ApiResult<store::Snapshot> {
    let mut tx = state.store.pool.begin().await?;
    let snap = store::snapshot(&mut tx, gid).await?;
    tx.commit().await?;
    snap.ok_or_else(|| ApiError::not_found("group"))
}

/// Exports expenses and payments as CSV in Splitwise's layout (`Date,Description,Category,Cost,
/// Currency,<member>...`; each member's column is what the row did to their balance, in the row's
/// currency; payments have the category `Payment`), which `POST /v1/groups/import/splitwise`
/// reads back.
#[utoipa::path(get, path = "/v1/groups/{group}/export/expenses.csv", tag = "import and export", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv"),
              (status = 404, description = "No such group (or not a member)", body = crate::openapi::ErrorBody)))]
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
    let csv = splitwise::write(&group, &report)?;
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

/// Splitwise's CSV layout, read and written.
pub mod splitwise {
    use super::*;

    /// A parsed export: the contract's group as JSON and, per record, its line in the file.
    #[derive(Debug)]
    pub struct Parsed {
        /// The group (`expenses` then `payments`).
        pub json: Json,
        /// `(expense lines, payment lines)`.
        pub lines: (Vec<u64>, Vec<u64>),
    }

    fn bad(code: &'static str, path: String, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, path, message)
    }

    fn is_zero(d: &Decimal) -> bool {
        d.is_zero()
    }

    /// An exact decimal from a cell (`""` is zero); never a float.
    fn amount(cell: &str, path: String) -> ApiResult<Decimal> {
        let c = cell.trim();
        if c.is_empty() {
            return Ok(Decimal::ZERO);
        }
        let ok = c.len() <= 40
            && c.bytes()
                .enumerate()
                .all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && (b == b'-' || b == b'+')));
        if !ok {
            return Err(bad(
                "invalid_amount",
                path,
                format!("'{c}' is not a decimal amount"),
            ));
        }
        Decimal::from_str_exact(c)
            .map_err(|_| bad("invalid_amount", path, format!("'{c}' is not a decimal amount")))
    }

    fn s(v: &str) -> Json {
        Json::String(v.to_string())
    }

    /// Whether a spreadsheet would read a text cell starting with `c` as a formula.
    fn triggers_formula(c: char) -> bool {
        matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
    }

    /// A text cell made safe to open in a spreadsheet (no formula injection): a cell a
    /// spreadsheet would read as a formula gets a leading `'`, and so does a cell that already
    /// starts with `'` followed by such a character or another `'`, so that [`unguard`] gives
    /// back exactly what was written.
    pub fn guard(text: &str) -> String {
        let mut chars = text.chars();
        let needs = match (chars.next(), chars.next()) {
            (Some(c), _) if triggers_formula(c) => true,
            (Some('\''), Some(c)) => c == '\'' || triggers_formula(c),
            _ => false,
        };
        if needs {
            format!("'{text}")
        } else {
            text.to_string()
        }
    }

    /// A row's cell as written: the text columns (date, description, category, currency)
    /// [`guard`]ed, the numbers as they are.
    fn text_guard(column: usize, cell: &str) -> String {
        if matches!(column, 0 | 1 | 2 | 4) {
            guard(cell)
        } else {
            cell.to_string()
        }
    }

    /// The text a [`guard`]ed cell stood for.
    pub fn unguard(cell: &str) -> &str {
        match cell.strip_prefix('\'') {
            Some(rest) if rest.starts_with(|c: char| c == '\'' || triggers_formula(c)) => rest,
            _ => cell,
        }
    }

    /// The line (1-based) where a quoted cell opens that the file never closes, if any: the CSV
    /// reader would take the rest of the file as that one cell.
    pub fn unclosed_quote(body: &[u8]) -> Option<u64> {
        let (mut line, mut opened_at) = (1u64, None);
        let mut at_cell_start = true;
        let mut i = 0;
        while i < body.len() {
            let b = body[i];
            match opened_at {
                Some(_) if b == b'"' && body.get(i + 1) == Some(&b'"') => i += 1, // an escaped quote
                Some(_) if b == b'"' => opened_at = None,
                None if b == b'"' && at_cell_start => opened_at = Some(line),
                _ => {}
            }
            if b == b'\n' {
                line += 1;
            }
            at_cell_start = opened_at.is_none() && matches!(b, b',' | b'\n' | b'\r');
            i += 1;
        }
        opened_at
    }

    /// Reads a Splitwise export.
    pub fn parse(body: &[u8]) -> ApiResult<Parsed> {
        if let Some(line) = unclosed_quote(body) {
            return Err(bad(
                "invalid_input",
                format!("rows[{line}]"),
                "a quoted cell opens on this line and is never closed",
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let mut header: Option<Vec<String>> = None;
        let mut expenses = Vec::new();
        let mut payments = Vec::new();
        let mut lines = (Vec::new(), Vec::new());
        let mut currencies: Vec<String> = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                bad("invalid_input", format!("rows[{line}]"), format!("not CSV: {e}"))
            })?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let cells: Vec<&str> = rec.iter().collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let Some(h) = &header else {
                let want = ["date", "description", "category", "cost", "currency"];
                let names: Vec<String> = cells
                    .iter()
                    .map(|c| unguard(c.trim().trim_start_matches('\u{feff}')).to_string())
                    .collect();
                if names.len() < 6 || !names.iter().zip(want).all(|(n, w)| n.eq_ignore_ascii_case(w)) {
                    return Err(bad(
                        "invalid_input",
                        format!("rows[{line}]"),
                        "the first line must be Date,Description,Category,Cost,Currency,<member>...",
                    ));
                }
                header = Some(names);
                continue;
            };
            let cell = |i: usize| unguard(cells.get(i).copied().unwrap_or("").trim());
            let at = |col: &str| format!("rows[{line}].{col}");
            if cell(1).eq_ignore_ascii_case("total balance") {
                continue;
            }
            if cells.len() != h.len() {
                return Err(bad(
                    "invalid_input",
                    format!("rows[{line}]"),
                    format!("{} cells where the header has {}", cells.len(), h.len()),
                ));
            }
            let cost = amount(cell(3), at("Cost"))?;
            let currency = cell(4).to_string();
            let mut nets = Vec::new();
            let mut sum = Decimal::ZERO;
            for (j, m) in h.iter().enumerate().skip(5) {
                let v = amount(cell(j), at(m))?;
                sum = sum
                    .checked_add(v)
                    .ok_or_else(|| bad("overflow", at(m), "too large"))?;
                nets.push((m.clone(), v));
            }
            if !is_zero(&sum) {
                return Err(bad(
                    "split_mismatch",
                    format!("rows[{line}]"),
                    format!("the member columns add up to {sum}, not 0"),
                ));
            }
            let nonzero: Vec<&(String, Decimal)> = nets.iter().filter(|(_, v)| !is_zero(v)).collect();
            if nonzero.is_empty() {
                // Changes no balance (someone paid only for themselves).
                continue;
            }
            if !currencies.contains(&currency) {
                currencies.push(currency.clone());
            }
            let mut common = Vec::new();
            if !cell(0).is_empty() {
                common.push(("date".to_string(), s(cell(0).get(..10).unwrap_or(cell(0)))));
            }
            let category = cell(2);
            let is_payment = category.eq_ignore_ascii_case("payment")
                && nonzero.len() == 2
                && nonzero[0].1 == -nonzero[1].1;
            if is_payment {
                let (from, to) = if nonzero[0].1.is_sign_positive() {
                    (nonzero[0], nonzero[1])
                } else {
                    (nonzero[1], nonzero[0])
                };
                let mut p = vec![
                    ("from".to_string(), s(&from.0)),
                    ("to".to_string(), s(&to.0)),
                    ("amount".to_string(), s(&from.1.to_string())),
                    ("currency".to_string(), s(&currency)),
                ];
                p.extend(common);
                payments.push(Json::Object(p));
                lines.1.push(line);
                continue;
            }
            let positives: Vec<&(String, Decimal)> = nonzero
                .iter()
                .copied()
                .filter(|(_, v)| v.is_sign_positive())
                .collect();
            let owed_by: Vec<(String, Decimal)> = nonzero
                .iter()
                .filter(|(_, v)| v.is_sign_negative())
                .map(|(m, v)| (m.clone(), -*v))
                .collect();
            let too_large = || {
                bad(
                    "overflow",
                    format!("rows[{line}]"),
                    "the amounts are too large to add up",
                )
            };
            let due = positives
                .iter()
                .try_fold(Decimal::ZERO, |sum, (_, v)| sum.checked_add(*v))
                .ok_or_else(too_large)?;
            let total = if cost >= due { cost } else { due };
            let extra = total.checked_sub(due).ok_or_else(too_large)?;
            let mut paid = Vec::new();
            for (i, (m, v)) in positives.iter().enumerate() {
                let p = if i == 0 {
                    v.checked_add(extra).ok_or_else(too_large)?
                } else {
                    *v
                };
                paid.push((m.clone(), s(&p.to_string())));
            }
            let mut owed = Vec::new();
            if !extra.is_zero() {
                owed.push((positives[0].0.clone(), s(&extra.to_string())));
            }
            owed.extend(owed_by.into_iter().map(|(m, v)| (m, s(&v.to_string()))));
            let paid_by = if paid.len() == 1 {
                s(&positives[0].0)
            } else {
                Json::Object(paid)
            };
            let id = format!("e{}", expenses.len() + 1);
            let mut e = vec![
                ("id".to_string(), s(&id)),
                ("amount".to_string(), s(&total.to_string())),
                ("currency".to_string(), s(&currency)),
                ("paid_by".to_string(), paid_by),
                (
                    "split".to_string(),
                    Json::Object(vec![
                        ("type".to_string(), s("exact")),
                        ("amounts".to_string(), Json::Object(owed)),
                    ]),
                ),
            ];
            if !cell(1).is_empty() {
                e.push(("description".to_string(), s(cell(1))));
            }
            if !category.is_empty() {
                e.push(("category".to_string(), s(category)));
            }
            e.extend(common);
            expenses.push(Json::Object(e));
            lines.0.push(line);
        }
        let Some(h) = header else {
            return Err(bad("invalid_input", String::new(), "an empty file"));
        };
        let members: Vec<Json> = h.iter().skip(5).map(|m| s(m)).collect();
        let currency = currencies.first().cloned().unwrap_or_else(|| "USD".into());
        let balances_in = if currencies.len() > 1 { "each" } else { "group" };
        let json = Json::Object(vec![
            ("currency".to_string(), s(&currency)),
            ("members".to_string(), Json::Array(members)),
            ("expenses".to_string(), Json::Array(expenses)),
            ("payments".to_string(), Json::Array(payments)),
            (
                "options".to_string(),
                Json::Object(vec![("balances_in".to_string(), s(balances_in))]),
            ),
        ]);
        Ok(Parsed { json, lines })
    }

    /// A contract path (`expenses[3].date`) as the CSV line it came from (`rows[7].date`).
    pub fn row_path(path: &str, lines: &(Vec<u64>, Vec<u64>)) -> String {
        for (key, list) in [("expenses[", &lines.0), ("payments[", &lines.1)] {
            if let Some(rest) = path.strip_prefix(key) {
                if let Some((n, tail)) = rest.split_once(']') {
                    if let Some(line) = n.parse::<usize>().ok().and_then(|i| list.get(i)) {
                        return format!("rows[{line}]{tail}");
                    }
                }
            }
        }
        path.to_string()
    }

    /// The group, with its computed report, as Splitwise CSV.
    pub fn write(group: &Group, report: &splitter_core::Report) -> ApiResult<String> {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let mut head = vec!["Date", "Description", "Category", "Cost", "Currency"];
        head.extend(group.members.iter().map(|m| m.id.as_str()));
        w.write_record(head.iter().map(|h| guard(h)))
            .map_err(ApiError::internal)?;
        let mut shares: HashMap<(&str, &str), Decimal> = HashMap::new();
        for sh in &report.shares {
            shares.insert((&sh.expense, &sh.member), sh.amount);
        }
        let zero = Decimal::ZERO;
        for e in &group.expenses {
            let currency = e.currency.clone().unwrap_or_else(|| group.currency.clone());
            let mut row = vec![
                e.date.clone().unwrap_or_default(),
                e.description.clone().unwrap_or_default(),
                e.category.clone().unwrap_or_default(),
                e.amount.to_string(),
                currency,
            ];
            for m in &group.members {
                let paid = match &e.paid_by {
                    PaidBy::One(p) if p == &m.id => e.amount,
                    PaidBy::One(_) => zero,
                    PaidBy::Several(list) => list
                        .iter()
                        .filter(|p| p.member == m.id)
                        .try_fold(zero, |sum, p| sum.checked_add(p.value))
                        .ok_or_else(|| ApiError::internal("a stored payer's amounts overflow"))?,
                };
                let share = shares
                    .get(&(e.id.as_str(), m.id.as_str()))
                    .copied()
                    .unwrap_or(zero);
                let net = paid
                    .checked_sub(share)
                    .ok_or_else(|| ApiError::internal("a stored expense's net overflows"))?;
                row.push(if net.is_zero() {
                    "0".into()
                } else {
                    net.to_string()
                });
            }
            w.write_record(row.iter().enumerate().map(|(i, c)| text_guard(i, c)))
                .map_err(ApiError::internal)?;
        }
        for p in &group.payments {
            let mut row = vec![
                p.date.clone().unwrap_or_default(),
                "Payment".to_string(),
                "Payment".to_string(),
                p.amount.to_string(),
                p.currency.clone().unwrap_or_else(|| group.currency.clone()),
            ];
            for m in &group.members {
                row.push(if m.id == p.from {
                    p.amount.to_string()
                } else if m.id == p.to {
                    (-p.amount).to_string()
                } else {
                    "0".into()
                });
            }
            w.write_record(row.iter().enumerate().map(|(i, c)| text_guard(i, c)))
                .map_err(ApiError::internal)?;
        }
        let bytes = w.into_inner().map_err(ApiError::internal)?;
        String::from_utf8(bytes).map_err(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::splitwise::{guard, unguard};
    use proptest::prelude::*;

    #[test]
    fn formulas_are_guarded() {
        for (text, written) in [
            ("=1+1", "'=1+1"),
            ("+tax", "'+tax"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("'plain", "'plain"),
            ("plain", "plain"),
            ("", ""),
        ] {
            assert_eq!(guard(text), written, "{text:?}");
            assert_eq!(unguard(written), text, "{written:?}");
        }
    }

    proptest! {
        /// Any text comes back exactly, and no guarded cell starts a formula.
        #[test]
        fn guard_round_trips(text in "['=+@\t\r-]{0,3}.{0,6}") {
            let written = guard(&text);
            prop_assert_eq!(unguard(&written), text.as_str());
            prop_assert!(!written.starts_with(['=', '+', '-', '@', '\t', '\r']));
        }
    }
}
