//! `GET /v1/groups/{group}/balances` and `GET /v1/groups/{group}/settlement?method=...`: the
//! core's report over the stored group, served from the cache.
//!
//! A read asks the database for the group's version (one primary-key lookup) and looks up
//! `splitter:report:{group}:{version}:{kind}`; on a miss it reads, in one snapshot, the group's
//! kept totals (every write keeps them, see [`crate::kept`]) and builds the report from them with
//! [`splitter_core::report_of_totals`], in time proportional to the members; `pairwise` (which
//! needs who paid for whom) and a group whose totals are not kept yet are computed from every
//! record with [`splitter_core::compute`]. Either runs off the async workers, and the result is
//! cached under the version it read. Since every write bumps the version in its transaction, no read ever sees numbers
//! older than the last committed write, from whichever instance.

use splitter_core::ErrorCode;
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use splitter_core::{wire, Balance, Decimal, SettleMethod, Totals, Transfer};
use utoipa::ToSchema;

use super::Shared;
use crate::auth::{self, Authed};
use crate::db;
use crate::http::json_response;
use crate::http::{ApiError, ApiResult};
use crate::records;

/// Balances of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalancesOut<'a> {
    /// The group's id.
    group: &'a str,
    /// The group version these numbers are for.
    version: i64,
    /// The group's currency.
    currency: &'a str,
    /// One row per member, in the members' order (the contract's balance rows).
    #[schema(value_type = Vec<crate::apidoc::BalanceRow>)]
    balances: Vec<&'a Balance>,
}

/// The suggested settlement of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettlementOut<'a> {
    /// The group's id.
    group: &'a str,
    /// The group version these numbers are for.
    version: i64,
    /// The group's currency.
    currency: &'a str,
    /// `minimal`, `greedy` or `pairwise`.
    settle: &'static str,
    /// True when the number of transfers is proven to be the fewest possible, whatever the
    /// method: always for `minimal` within its exact limit; for `greedy` and `pairwise` only when
    /// their count meets the lower bound (the larger of the numbers of members who owe and who
    /// are owed). So `pairwise` says `false` whenever simplifying would save a transfer.
    optimal: bool,
    /// The contract's transfer rows.
    #[schema(value_type = Vec<crate::apidoc::TransferRow>)]
    transfers: &'a [Transfer],
}

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Balances.
    Balances,
    /// Settlement by this method.
    Settlement(SettleMethod),
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Balances => "balances",
            Kind::Settlement(m) => m.as_str(),
        }
    }
}

/// Where a report is computed from.
enum Source {
    /// The group's kept totals (balances and `minimal`/`greedy`): time grows with the members.
    Kept {
        row: db::GroupRow,
        head: db::GroupHead,
        totals: Totals,
    },
    /// Every stored record (`pairwise`, or a group whose totals are not kept yet: `kept` false,
    /// and the totals computed on the way are kept for the next read).
    Records { snap: db::Snapshot, kept: bool },
}

/// The report's JSON body at `version` (read with the access check), from the cache or computed
/// on the compute threads within the account budget's time, as `client`'s job.
pub async fn report(
    state: &Shared,
    client: &str,
    gid: &str,
    version: i64,
    kind: Kind,
) -> ApiResult<Arc<str>> {
    let key = |v: i64, k: Kind| format!("splitter:report:{gid}:{v}:{}", k.key());
    if let Some(hit) = state.cache.get(&key(version, kind)).await {
        return Ok(hit);
    }
    let method = match kind {
        Kind::Balances => SettleMethod::Minimal,
        Kind::Settlement(m) => m,
    };
    let source = {
        // A cache miss reads the records: from the replica when it has caught up.
        let mut tx = state.store.begin_read_replica().await?;
        let totals = match method {
            SettleMethod::Pairwise => None,
            _ => db::totals::load(&mut tx, gid).await?,
        };
        let source = match totals {
            Some(totals) => {
                let (row, head) = db::head(&mut tx, gid)
                    .await?
                    .ok_or_else(|| ApiError::not_found("group"))?;
                Source::Kept { row, head, totals }
            }
            None => Source::Records {
                snap: db::snapshot(&mut tx, gid)
                    .await?
                    .ok_or_else(|| ApiError::not_found("group"))?,
                kept: method == SettleMethod::Pairwise,
            },
        };
        db::commit(tx).await?;
        source
    };
    let gid_owned = gid.to_string();
    let budget = &crate::budget::ACCOUNT;
    let (computed, backfill) = state
        .compute
        .run(client, budget.time, move |cancel| {
            compute(&gid_owned, source, method, cancel)
        })
        .await
        .map_err(|r| budget.refused(r))??;
    let ((version, balances), settlement) = computed;
    if let Some(totals) = backfill {
        keep_from_now_on(state, gid, version, &totals).await;
    }
    let balances: Arc<str> = balances.into();
    let settlement: Arc<str> = settlement.into();
    // Balances do not depend on the method, so a miss fills both.
    state
        .cache
        .put(&key(version, Kind::Balances), balances.clone())
        .await;
    state
        .cache
        .put(&key(version, Kind::Settlement(method)), settlement.clone())
        .await;
    Ok(match kind {
        Kind::Balances => balances,
        Kind::Settlement(_) => settlement,
    })
}

/// Keeps the totals of a group that kept none (made before totals were kept), computed from
/// its records at `version`, unless a write came first (then the next read tries again). Best
/// effort: a failure only means the next read computes them again.
async fn keep_from_now_on(state: &Shared, gid: &str, version: i64, totals: &Totals) {
    let kept = async {
        let mut tx = state.store.begin_write().await?;
        if db::totals::claim_unkept(&mut tx, gid, version).await? {
            db::totals::replace(&mut tx, gid, totals).await?;
        }
        db::commit(tx).await
    };
    if let Err(e) = kept.await {
        tracing::info!(group = gid, error = %e, "totals not kept yet");
    }
}

type Computed = ((i64, String), String);

fn compute(
    gid: &str,
    source: Source,
    method: SettleMethod,
    cancel: &std::sync::atomic::AtomicBool,
) -> ApiResult<(Computed, Option<Totals>)> {
    let halted = |h: splitter_core::Halt| match h {
        splitter_core::Halt::Cancelled => crate::budget::ACCOUNT.refused(crate::cpu::Refused::OverTime),
        splitter_core::Halt::Invalid(e) => ApiError::internal(e),
    };
    match source {
        Source::Kept { row, head, totals } => {
            let mut group = head.core_group_all()?;
            group.options.settle = method;
            let report =
                splitter_core::report_of_totals_cancellable(&group, &totals, cancel).map_err(halted)?;
            Ok((bodies(gid, row.version, &head, &report)?, None))
        }
        Source::Records { snap, kept } => {
            let text = records::group_text(&snap.head, &snap.expenses, &snap.payments);
            let mut group = wire::group_from_json(&text).map_err(ApiError::internal)?;
            group.options.settle = method;
            let report = splitter_core::compute_cancellable(&group, cancel).map_err(halted)?;
            let backfill = if kept {
                None
            } else {
                Some(Totals::of_group(&group).map_err(ApiError::internal)?)
            };
            Ok((bodies(gid, snap.group.version, &snap.head, &report)?, backfill))
        }
    }
}

/// The balances and settlement bodies of a report at `version`.
fn bodies(
    gid: &str,
    version: i64,
    head: &db::GroupHead,
    report: &splitter_core::Report,
) -> ApiResult<Computed> {
    let removed: Vec<&str> = head
        .members
        .iter()
        .filter(|m| m.removed)
        .map(|m| m.id.as_str())
        .collect();
    let balances = BalancesOut {
        group: gid,
        version,
        currency: &report.currency,
        // A removed member's row is left out while it is zero (it always is, unless a later
        // edit of an old expense moved it).
        balances: report
            .balances
            .iter()
            .filter(|b| !(removed.contains(&b.member.as_str()) && b.net == Decimal::ZERO))
            .collect(),
    };
    let settlement = SettlementOut {
        group: gid,
        version,
        currency: &report.currency,
        settle: report.settle.as_str(),
        optimal: report.optimal,
        transfers: &report.transfers,
    };
    Ok((
        (
            version,
            serde_json::to_string(&balances).map_err(ApiError::internal)?,
        ),
        serde_json::to_string(&settlement).map_err(ApiError::internal)?,
    ))
}

/// Each member's balance: paid, owed and net, exactly.
///
/// The contract's balance rows (one per member, or per member and currency with `balances_in:
/// each`), for the group's `version`: served from the balances the server keeps, and cached
/// under that version, so it costs the same for 10 expenses as for 100,000 and is never older
/// than the last write. Nets add up to exactly zero.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `404 not_found`; `413 over_budget` when computing ran past the account's time
/// budget; `429 busy` when the compute threads are all taken (retry after `Retry-After`).
#[utoipa::path(get, path = "/v1/groups/{group}/balances", tag = "reports", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "Balances", body = BalancesOut),
              (status = 404, description = "No such group", body = crate::apidoc::ErrorBody),
              (status = 413, description = "The computation ran past the account budget's time (over_budget)", body = crate::apidoc::ErrorBody),
              (status = 429, description = "Rate limited, or the compute threads are busy (busy)", body = crate::apidoc::ErrorBody)))]
pub async fn balances(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
) -> ApiResult<Response> {
    let access = auth::access(&state, &me, &gid).await?;
    let body = report(&state, &me.account, &gid, access.version, Kind::Balances).await?;
    Ok(json_response(StatusCode::OK, body.to_string()))
}

/// The suggested transfers that settle everyone to exactly zero.
///
/// `method`: `minimal` (default: the fewest transfers, proven for up to 24 non-zero balances
/// after its safe reductions), `greedy` (largest debtor pays largest creditor), or `pairwise` (no simplification:
/// what each member owes each other member from who paid for whom, netted per pair). `optimal` is
/// true when the number of transfers is proven to be the fewest possible, whatever the method:
/// always for `minimal` within its limit; for `greedy` and `pairwise` only when their count meets
/// the lower bound (the larger of the numbers of members who owe and who are owed), as it does
/// when nothing is owed or one member paid for everyone. Recording every transfer as a payment
/// brings every balance to zero.
///
/// **Who:** any account with access to the group.
///
/// **Errors:** `400 invalid_option` for an unknown `method`; `404 not_found`; `413 over_budget`
/// when computing ran past the account's time budget (`pairwise` on a very large group); `429
/// busy` when the compute threads are all taken.
#[utoipa::path(get, path = "/v1/groups/{group}/settlement", tag = "reports", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("method" = Option<crate::apidoc::Settle>, Query, description = "minimal (default), greedy or pairwise")),
    responses((status = 200, description = "Settlement", body = SettlementOut),
              (status = 400, description = "Unknown method", body = crate::apidoc::ErrorBody),
              (status = 404, description = "No such group", body = crate::apidoc::ErrorBody),
              (status = 413, description = "The computation ran past the account budget's time (over_budget)", body = crate::apidoc::ErrorBody),
              (status = 429, description = "Rate limited, or the compute threads are busy (busy)", body = crate::apidoc::ErrorBody)))]
pub async fn settlement(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(gid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let access = auth::access(&state, &me, &gid).await?;
    let method = match query.get("method") {
        None => SettleMethod::Minimal,
        Some(m) => m.parse::<SettleMethod>().map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidOption,
                "method",
                format!("method: {e}"),
            )
        })?,
    };
    let body = report(
        &state,
        &me.account,
        &gid,
        access.version,
        Kind::Settlement(method),
    )
    .await?;
    Ok(json_response(StatusCode::OK, body.to_string()))
}

/// The core's report over `group` with a greedy settlement (what checks need: balances and
/// shares, in time linear in the group), on the compute threads within the account budget, as
/// `client`'s job. The outer error is the pool's (`429 busy`, `413 over_budget`); the inner one
/// the core's, for the caller to place.
pub async fn balances_of(
    state: &Shared,
    client: &str,
    mut group: splitter_core::Group,
) -> ApiResult<Result<splitter_core::Report, splitter_core::Error>> {
    group.options.settle = SettleMethod::Greedy;
    let budget = &crate::budget::ACCOUNT;
    let out = state
        .compute
        .run(client, budget.time, move |cancel| {
            splitter_core::compute_cancellable(&group, cancel)
        })
        .await
        .map_err(|r| budget.refused(r))?;
    match out {
        Ok(r) => Ok(Ok(r)),
        Err(splitter_core::Halt::Invalid(e)) => Ok(Err(e)),
        Err(splitter_core::Halt::Cancelled) => Err(budget.refused(crate::cpu::Refused::OverTime)),
    }
}

/// What the records of `group` add up to ([`Totals::of_group`], which also checks them), on the
/// compute threads within the account budget, as `client`'s job. The outer error is the pool's;
/// the inner one the core's.
pub async fn totals_of(
    state: &Shared,
    client: &str,
    group: splitter_core::Group,
) -> ApiResult<Result<Totals, splitter_core::Error>> {
    let budget = &crate::budget::ACCOUNT;
    state
        .compute
        .run(client, budget.time, move |_| Totals::of_group(&group))
        .await
        .map_err(|r| budget.refused(r))
}
