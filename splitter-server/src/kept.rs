//! Balances kept one write at a time (the core's [`Totals`] in `db::totals`): every write adds
//! its record's totals or takes them away in its own transaction, so that balances and the
//! settlement are read in time proportional to the members, whatever the number of records; a
//! rate change computes the group's totals again; [`verify`] checks kept totals against a
//! computation from the records.

use splitter_core::{wire, Totals};
use sqlx::AnyConnection;

use crate::db::{self, Table};
use crate::http::{ApiError, ApiResult};
use crate::records;

/// Adds `add` (a new or changed record's totals) to the group's kept totals and takes `take`
/// (a deleted or replaced record's) away. Nothing happens for a group whose totals are not kept
/// yet (made before they were): its first read computes them. The caller holds the group's lock.
///
/// # Errors
/// `422 overflow` when a member's totals would pass the range of exact amounts (the record is
/// refused and the transaction rolled back).
pub async fn apply(
    conn: &mut AnyConnection,
    gid: &str,
    add: Option<&Totals>,
    take: Option<&Totals>,
) -> ApiResult<()> {
    let Some(mut kept) = db::totals::load(conn, gid).await? else {
        return Ok(());
    };
    if let Some(t) = take {
        kept.subtract(t).map_err(|e| ApiError::from_core(e, ""))?;
    }
    if let Some(a) = add {
        kept.add(a).map_err(|e| ApiError::from_core(e, ""))?;
    }
    let touched: Vec<&Totals> = [add, take].into_iter().flatten().collect();
    Ok(db::totals::write(conn, gid, &kept, &touched).await?)
}

/// The group's totals computed from its stored records, read on `conn` (in a transaction: one
/// snapshot), with the version they are for; `None` for no such group.
pub async fn recompute(conn: &mut AnyConnection, gid: &str) -> ApiResult<Option<(i64, Totals)>> {
    let Some(snap) = db::snapshot(conn, gid).await? else {
        return Ok(None);
    };
    let text = records::group_text(&snap.head, &snap.expenses, &snap.payments);
    let group = wire::group_from_json(&text).map_err(ApiError::internal)?;
    let totals = Totals::of_group(&group).map_err(ApiError::internal)?;
    Ok(Some((snap.group.version, totals)))
}

/// What [`verify`] found for one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The group.
    pub group: String,
    /// The version checked.
    pub version: i64,
    /// Whether the kept totals equal the totals computed from the records, to the minor unit.
    pub agrees: bool,
    /// The kept totals.
    pub kept: Totals,
    /// The totals computed from the records.
    pub computed: Totals,
}

/// Checks the kept totals of one group against a computation from its records, in one
/// snapshot; `None` when the group does not exist or keeps no totals.
pub async fn verify(store: &db::Store, gid: &str) -> ApiResult<Option<Verdict>> {
    let mut tx = store.begin_read().await?;
    let Some(kept) = db::totals::load(&mut tx, gid).await? else {
        return Ok(None);
    };
    let Some((version, computed)) = recompute(&mut tx, gid).await? else {
        return Ok(None);
    };
    db::commit(tx).await?;
    Ok(Some(Verdict {
        group: gid.to_string(),
        version,
        agrees: kept == computed,
        kept,
        computed,
    }))
}

/// [`verify`] on every group that keeps totals.
pub async fn verify_all(store: &db::Store) -> ApiResult<Vec<Verdict>> {
    let ids = {
        let mut conn = store.acquire().await?;
        db::totals::kept_groups(&mut conn).await?
    };
    let mut out = Vec::with_capacity(ids.len());
    for gid in ids {
        if let Some(v) = verify(store, &gid).await? {
            out.push(v);
        }
    }
    Ok(out)
}

/// What a stored record adds to the group's balances (read again from its canonical text).
pub async fn of_stored(conn: &mut AnyConnection, gid: &str, table: Table, body: &str) -> ApiResult<Totals> {
    let (_, head) = db::head(conn, gid)
        .await?
        .ok_or_else(|| ApiError::not_found("group"))?;
    records::stored_totals(&head, table, body)
}
