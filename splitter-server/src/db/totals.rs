//! Balances kept one record at a time: `totals_buckets` (how many live records count in each
//! currency bucket of a group) and `totals` (each member's paid and owed in a bucket, in exact
//! minor units written as decimal text), with `groups.totals_kept` saying whether a group's
//! rows are kept (groups made before these tables are not, until their first read).
//!
//! The rows are the core's [`Totals`] in its normal form: a bucket row only while it has
//! records, a member row only while its paid or owed is not zero.

use splitter_core::{BucketTotals, MemberTotals, Totals};
use sqlx::{AnyConnection, Row};

use super::{text, DbError, Result};

/// A stored amount that is not the decimal text of an integer: the row was not written by
/// this module.
fn corrupt(what: &str) -> DbError {
    DbError(sqlx::Error::Decode(
        format!("totals: {what} is not an integer").into(),
    ))
}

/// The group's kept totals, or `None` when the group has none kept (or does not exist).
pub async fn load(conn: &mut AnyConnection, gid: &str) -> Result<Option<Totals>> {
    let kept = sqlx::query("SELECT totals_kept FROM `groups` WHERE id = ?")
        .bind(gid)
        .fetch_optional(&mut *conn)
        .await?;
    match kept.map(|r| r.try_get::<i64, _>(0)).transpose()? {
        Some(1) => {}
        _ => return Ok(None),
    }
    let buckets =
        sqlx::query("SELECT currency, records FROM totals_buckets WHERE group_id = ? ORDER BY currency")
            .bind(gid)
            .fetch_all(&mut *conn)
            .await?;
    let mut totals = Totals::default();
    for r in buckets {
        let records: i64 = r.try_get(1)?;
        totals.buckets.push(BucketTotals {
            currency: text(&r, 0)?,
            records: u64::try_from(records).map_err(|_| corrupt("a record count"))?,
            members: Vec::new(),
        });
    }
    let rows = sqlx::query("SELECT currency, member_id, paid, owed FROM totals WHERE group_id = ?")
        .bind(gid)
        .fetch_all(&mut *conn)
        .await?;
    for r in rows {
        let currency = text(&r, 0)?;
        let bucket = totals
            .buckets
            .iter_mut()
            .find(|b| b.currency == currency)
            .ok_or_else(|| corrupt("a member row outside its bucket"))?;
        let amount = |i: usize, what: &str| -> Result<i128> {
            text(&r, i)?.parse::<i128>().map_err(|_| corrupt(what))
        };
        bucket.members.push(MemberTotals {
            member: text(&r, 1)?,
            paid: amount(2, "paid")?,
            owed: amount(3, "owed")?,
        });
    }
    // The core's normal form: members in id order (byte order, as the core sorts them).
    for b in &mut totals.buckets {
        b.members.sort_by(|x, y| x.member.cmp(&y.member));
    }
    Ok(Some(totals))
}

/// Writes `kept` (the group's totals after a change) for the buckets and members that
/// `touched` name (the totals of the records added and taken away): each of those rows is
/// written again, or deleted when `kept` no longer has it. Rows they do not name have not
/// changed. The caller holds the group's lock.
pub async fn write(conn: &mut AnyConnection, gid: &str, kept: &Totals, touched: &[&Totals]) -> Result<()> {
    for t in touched.iter().flat_map(|t| &t.buckets) {
        let bucket = kept.buckets.iter().find(|b| b.currency == t.currency);
        sqlx::query("DELETE FROM totals_buckets WHERE group_id = ? AND currency = ?")
            .bind(gid)
            .bind(&t.currency)
            .execute(&mut *conn)
            .await?;
        if let Some(b) = bucket {
            insert_bucket(conn, gid, b).await?;
        }
        for m in &t.members {
            sqlx::query("DELETE FROM totals WHERE group_id = ? AND currency = ? AND member_id = ?")
                .bind(gid)
                .bind(&t.currency)
                .bind(&m.member)
                .execute(&mut *conn)
                .await?;
            if let Some(now) = bucket.and_then(|b| b.members.iter().find(|x| x.member == m.member)) {
                insert_member(conn, gid, &t.currency, now).await?;
            }
        }
    }
    Ok(())
}

/// Replaces every kept row of the group by `totals` and marks its totals kept (a new group, an
/// import, a rate change, or a group's first read).
pub async fn replace(conn: &mut AnyConnection, gid: &str, totals: &Totals) -> Result<()> {
    sqlx::query("DELETE FROM totals WHERE group_id = ?")
        .bind(gid)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM totals_buckets WHERE group_id = ?")
        .bind(gid)
        .execute(&mut *conn)
        .await?;
    for b in &totals.buckets {
        insert_bucket(conn, gid, b).await?;
        for m in &b.members {
            insert_member(conn, gid, &b.currency, m).await?;
        }
    }
    sqlx::query("UPDATE `groups` SET totals_kept = 1 WHERE id = ?")
        .bind(gid)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes the group's lock if its version is still `version` and its totals are not kept yet:
/// then the caller may [`replace`] them with totals computed at that version. `false` when a
/// write came first (or another reader kept them).
pub async fn claim_unkept(conn: &mut AnyConnection, gid: &str, version: i64) -> Result<bool> {
    let done =
        sqlx::query("UPDATE `groups` SET totals_kept = 1 WHERE id = ? AND version = ? AND totals_kept = 0")
            .bind(gid)
            .bind(version)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The ids of every group whose totals are kept (for `verify`).
pub async fn kept_groups(conn: &mut AnyConnection) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT id FROM `groups` WHERE totals_kept = 1 ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(text(r, 0)?)).collect()
}

async fn insert_bucket(conn: &mut AnyConnection, gid: &str, b: &BucketTotals) -> Result<()> {
    sqlx::query("INSERT INTO totals_buckets (group_id, currency, records) VALUES (?, ?, ?)")
        .bind(gid)
        .bind(&b.currency)
        .bind(i64::try_from(b.records).unwrap_or(i64::MAX))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_member(conn: &mut AnyConnection, gid: &str, currency: &str, m: &MemberTotals) -> Result<()> {
    sqlx::query("INSERT INTO totals (group_id, currency, member_id, paid, owed) VALUES (?, ?, ?, ?, ?)")
        .bind(gid)
        .bind(currency)
        .bind(&m.member)
        .bind(m.paid.to_string())
        .bind(m.owed.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
