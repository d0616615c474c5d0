//! `GET /v1/groups/{group}/balances` and `GET /v1/groups/{group}/settlement?method=...`: the
//! core's report over the stored group, served from the cache.
//!
//! A read asks the database for the group's version (one primary-key lookup) and looks up
//! `splitter:report:{group}:{version}:{kind}`; on a miss it reads the group in one snapshot,
//! computes with [`splitter_core::compute`] (off the async workers) and caches under the version
//! it read. Since every write bumps the version in its transaction, no read ever sees numbers
//! older than the last committed write, from whichever instance.

use splitter_core::ErrorCode;
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use splitter_core::{wire, Balance, Decimal, SettleMethod, Transfer};
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
    #[schema(value_type = Vec<crate::openapi::BalanceRow>)]
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
    /// True when the number of transfers is proven minimal.
    optimal: bool,
    /// The contract's transfer rows.
    #[schema(value_type = Vec<crate::openapi::TransferRow>)]
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
    let snap = {
        let mut tx = state.store.begin_read().await?;
        let snap = db::snapshot(&mut tx, gid).await?;
        db::commit(tx).await?;
        snap.ok_or_else(|| ApiError::not_found("group"))?
    };
    let method = match kind {
        Kind::Balances => SettleMethod::Minimal,
        Kind::Settlement(m) => m,
    };
    let gid_owned = gid.to_string();
    let budget = &crate::budget::ACCOUNT;
    let (balances, settlement) = state
        .compute
        .run(client, budget.time, move |cancel| {
            compute(&gid_owned, &snap, method, cancel)
        })
        .await
        .map_err(|r| budget.refused(r))??;
    let version = balances.0;
    let balances: Arc<str> = balances.1.into();
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

type Computed = ((i64, String), String);

fn compute(
    gid: &str,
    snap: &db::Snapshot,
    method: SettleMethod,
    cancel: &std::sync::atomic::AtomicBool,
) -> ApiResult<Computed> {
    let text = records::group_text(&snap.head, &snap.expenses, &snap.payments);
    let mut group = wire::group_from_json(&text).map_err(ApiError::internal)?;
    group.options.settle = method;
    let report = match splitter_core::compute_cancellable(&group, cancel) {
        Ok(r) => r,
        Err(splitter_core::Halt::Cancelled) => {
            return Err(crate::budget::ACCOUNT.refused(crate::cpu::Refused::OverTime))
        }
        Err(splitter_core::Halt::Invalid(e)) => return Err(ApiError::internal(e)),
    };
    let removed: Vec<&str> = snap
        .head
        .members
        .iter()
        .filter(|m| m.removed)
        .map(|m| m.id.as_str())
        .collect();
    let balances = BalancesOut {
        group: gid,
        version: snap.group.version,
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
        version: snap.group.version,
        currency: &report.currency,
        settle: report.settle.as_str(),
        optimal: report.optimal,
        transfers: &report.transfers,
    };
    Ok((
        (
            snap.group.version,
            serde_json::to_string(&balances).map_err(ApiError::internal)?,
        ),
        serde_json::to_string(&settlement).map_err(ApiError::internal)?,
    ))
}

/// Each member's balance.
#[utoipa::path(get, path = "/v1/groups/{group}/balances", tag = "reports", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "Balances", body = BalancesOut),
              (status = 404, description = "No such group", body = crate::openapi::ErrorBody),
              (status = 413, description = "The computation ran past the account budget's time (over_budget)", body = crate::openapi::ErrorBody),
              (status = 429, description = "Rate limited, or the compute threads are busy (busy)", body = crate::openapi::ErrorBody)))]
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
#[utoipa::path(get, path = "/v1/groups/{group}/settlement", tag = "reports", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"),
           ("method" = Option<crate::openapi::Settle>, Query, description = "minimal (default), greedy or pairwise")),
    responses((status = 200, description = "Settlement", body = SettlementOut),
              (status = 400, description = "Unknown method", body = crate::openapi::ErrorBody),
              (status = 404, description = "No such group", body = crate::openapi::ErrorBody),
              (status = 413, description = "The computation ran past the account budget's time (over_budget)", body = crate::openapi::ErrorBody),
              (status = 429, description = "Rate limited, or the compute threads are busy (busy)", body = crate::openapi::ErrorBody)))]
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
