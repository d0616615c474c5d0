//! Expenses and payments: `expenses`, `expense_members`, `payments`.

use sqlx::{AnyConnection, AnyPool, Row};

use super::{text, Result};

/// An expense ready to store.
#[derive(Debug, Clone)]
pub struct ExpenseRecord {
    /// The canonical JSON text of the expense (with its id): the record, stored once.
    pub body: String,
    /// Its date, if any.
    pub date: Option<String>,
    /// Its category, if any.
    pub category: Option<String>,
    /// Every member it names (payers and sharers), for the member filter.
    pub members: Vec<String>,
    /// The share rows it holds.
    pub parts: i64,
}

/// A payment ready to store.
#[derive(Debug, Clone)]
pub struct PaymentRecord {
    /// The canonical JSON text of the payment (with its id): the record, stored once.
    pub body: String,
    /// Who paid.
    pub from: String,
    /// Who received.
    pub to: String,
}

/// A stored expense or payment.
#[derive(Debug, Clone)]
pub struct RecordRow {
    /// Its number within the group (the pagination cursor).
    pub seq: i64,
    /// The canonical JSON.
    pub body: String,
    /// Bumped by every change (the ETag); payments are never changed, so 1.
    pub revision: i64,
    /// Soft-deleted (undo brings it back).
    pub deleted: bool,
    /// Share rows it holds (expenses; 0 for payments).
    pub parts: i64,
}

/// One expense or payment by id (deleted ones too).
pub async fn record(
    conn: &mut AnyConnection,
    table: Table,
    gid: &str,
    id: &str,
) -> Result<Option<RecordRow>> {
    let q = match table {
        Table::Expenses => {
            "SELECT seq, body, revision, deleted, parts FROM expenses WHERE group_id = ? AND id = ?"
        }
        Table::Payments => "SELECT seq, body, 1, deleted, 0 FROM payments WHERE group_id = ? AND id = ?",
    };
    let row = sqlx::query(q)
        .bind(gid)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| {
        Ok(RecordRow {
            seq: r.try_get(0)?,
            body: text(&r, 1)?,
            revision: r.try_get(2)?,
            deleted: r.try_get::<i64, _>(3)? != 0,
            parts: r.try_get(4)?,
        })
    })
    .transpose()
}

/// Which record table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `expenses`
    Expenses,
    /// `payments`
    Payments,
}

/// Filters of the expense list.
#[derive(Debug, Clone, Default)]
pub struct ExpenseFilter {
    /// Only expenses dated on or after this day.
    pub from: Option<String>,
    /// Only expenses dated on or before this day.
    pub to: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only expenses naming this member (as payer or sharer).
    pub member: Option<String>,
    /// Only after this record number (the cursor).
    pub after: i64,
    /// At most this many.
    pub limit: i64,
}

/// A page of live expenses (one more than `limit` if there is a next page).
pub async fn list_expenses(pool: &AnyPool, gid: &str, f: &ExpenseFilter) -> Result<Vec<RecordRow>> {
    let mut q =
        String::from("SELECT seq, body, revision, deleted FROM expenses WHERE group_id = ? AND deleted = 0");
    if f.from.is_some() {
        q.push_str(" AND date >= ?");
    }
    if f.to.is_some() {
        q.push_str(" AND date <= ?");
    }
    if f.category.is_some() {
        q.push_str(" AND category = ?");
    }
    if f.member.is_some() {
        q.push_str(" AND seq IN (SELECT seq FROM expense_members WHERE group_id = ? AND member_id = ?)");
    }
    q.push_str(" AND seq > ? ORDER BY seq LIMIT ?");
    let mut query = sqlx::query(&q).bind(gid);
    for v in [&f.from, &f.to, &f.category].into_iter().flatten() {
        query = query.bind(v.clone());
    }
    if let Some(m) = &f.member {
        query = query.bind(gid).bind(m.clone());
    }
    let rows = query.bind(f.after).bind(f.limit + 1).fetch_all(pool).await?;
    rows.into_iter()
        .map(|r| {
            Ok(RecordRow {
                seq: r.try_get(0)?,
                body: text(&r, 1)?,
                revision: r.try_get(2)?,
                deleted: false,
                parts: 0,
            })
        })
        .collect()
}

/// A page of live payments.
pub async fn list_payments(pool: &AnyPool, gid: &str, after: i64, limit: i64) -> Result<Vec<RecordRow>> {
    let rows = sqlx::query(
        "SELECT seq, body FROM payments WHERE group_id = ? AND deleted = 0 AND seq > ? ORDER BY seq LIMIT ?",
    )
    .bind(gid)
    .bind(after)
    .bind(limit + 1)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(RecordRow {
                seq: r.try_get(0)?,
                body: text(&r, 1)?,
                revision: 1,
                deleted: false,
                parts: 0,
            })
        })
        .collect()
}

/// Inserts a checked expense under record number `seq`.
pub async fn insert_expense(
    conn: &mut AnyConnection,
    gid: &str,
    seq: i64,
    id: &str,
    e: &ExpenseRecord,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO expenses (group_id, seq, id, revision, deleted, date, category, body, parts) \
         VALUES (?, ?, ?, 1, 0, ?, ?, ?, ?)",
    )
    .bind(gid)
    .bind(seq)
    .bind(id)
    .bind(e.date.clone())
    .bind(e.category.clone())
    .bind(&e.body)
    .bind(e.parts)
    .execute(&mut *conn)
    .await?;
    set_expense_members(conn, gid, seq, &e.members).await
}

/// Replaces a stored expense's content, bumping its revision.
pub async fn replace_expense(conn: &mut AnyConnection, gid: &str, seq: i64, e: &ExpenseRecord) -> Result<()> {
    sqlx::query(
        "UPDATE expenses SET revision = revision + 1, date = ?, category = ?, body = ?, parts = ? \
         WHERE group_id = ? AND seq = ?",
    )
    .bind(e.date.clone())
    .bind(e.category.clone())
    .bind(&e.body)
    .bind(e.parts)
    .bind(gid)
    .bind(seq)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM expense_members WHERE group_id = ? AND seq = ?")
        .bind(gid)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    set_expense_members(conn, gid, seq, &e.members).await
}

async fn set_expense_members(
    conn: &mut AnyConnection,
    gid: &str,
    seq: i64,
    members: &[String],
) -> Result<()> {
    for m in members {
        sqlx::query("INSERT INTO expense_members (group_id, seq, member_id) VALUES (?, ?, ?)")
            .bind(gid)
            .bind(seq)
            .bind(m)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Marks a record deleted (or live again), bumping an expense's revision.
pub async fn set_deleted(
    conn: &mut AnyConnection,
    table: Table,
    gid: &str,
    seq: i64,
    deleted: bool,
) -> Result<()> {
    let q = match table {
        Table::Expenses => {
            "UPDATE expenses SET deleted = ?, revision = revision + 1 WHERE group_id = ? AND seq = ?"
        }
        Table::Payments => "UPDATE payments SET deleted = ? WHERE group_id = ? AND seq = ?",
    };
    sqlx::query(q)
        .bind(i64::from(deleted))
        .bind(gid)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Inserts a checked payment under record number `seq`.
pub async fn insert_payment(
    conn: &mut AnyConnection,
    gid: &str,
    seq: i64,
    id: &str,
    p: &PaymentRecord,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO payments (group_id, seq, id, deleted, from_member, to_member, body) \
         VALUES (?, ?, ?, 0, ?, ?, ?)",
    )
    .bind(gid)
    .bind(seq)
    .bind(id)
    .bind(&p.from)
    .bind(&p.to)
    .bind(&p.body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
