//! Groups and their members: `groups`, `members`.

use sqlx::{AnyConnection, Row};

use super::{opt_text, text, Result};

/// A member as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMember {
    /// The id expenses refer to.
    pub id: String,
    /// The display name.
    pub name: Option<String>,
    /// Removed members stay in the computation (old expenses name them) but take no new part.
    pub removed: bool,
}

/// What a record is checked against: the group's currency, rates and members.
#[derive(Debug, Clone)]
pub struct GroupHead {
    /// ISO 4217 code.
    pub currency: String,
    /// Rates as decimal strings, `("USD", "0.92")`.
    pub rates: Vec<(String, String)>,
    /// Every member, removed ones included, in order.
    pub members: Vec<StoredMember>,
    /// `group` or `each` (the contract's `options.balances_in`).
    pub balances_in: String,
}

/// A group's row.
#[derive(Debug, Clone)]
pub struct GroupRow {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Rates as a JSON object of decimal strings.
    pub rates: String,
    /// Bumped by every write.
    pub version: i64,
    /// Last record number handed out.
    pub seq: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// `group` or `each` (the contract's `options.balances_in`).
    pub balances_in: String,
    /// Share rows its live expenses hold.
    pub share_rows: i64,
}

/// A group as listed for an account with access to it.
#[derive(Debug, Clone)]
pub struct GroupListRow {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// ISO 4217 code.
    pub currency: String,
    /// The account's stored role (`owner` or `member`).
    pub role: String,
    /// The member the account is linked to, if any.
    pub member: Option<String>,
    /// Whether the group's totals are kept (see [`super::totals`]).
    pub totals_kept: bool,
    /// The member's kept totals in the group, `(currency, paid, owed)` in minor units, by
    /// currency: a row only where the member paid or owes anything.
    pub totals: Vec<(String, i128, i128)>,
}

/// Everything needed to compute a group, read in one snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The group's row.
    pub group: GroupRow,
    /// Currency, rates and members.
    pub head: GroupHead,
    /// Live expenses' canonical JSON, in order.
    pub expenses: Vec<String>,
    /// Live payments' canonical JSON, in order.
    pub payments: Vec<String>,
}

/// Bumps the group's version (and its record counter by `take`), locking the group for the rest
/// of the transaction. Returns the new `(version, seq)`, or `None` if there is no such group.
pub async fn lock_group(conn: &mut AnyConnection, gid: &str, take: i64) -> Result<Option<(i64, i64)>> {
    let done = sqlx::query("UPDATE `groups` SET version = version + 1, seq = seq + ? WHERE id = ?")
        .bind(take)
        .bind(gid)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    let row = sqlx::query("SELECT version, seq FROM `groups` WHERE id = ?")
        .bind(gid)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some((row.try_get(0)?, row.try_get(1)?)))
}

/// The group's row.
pub async fn group_row(conn: &mut AnyConnection, gid: &str) -> Result<Option<GroupRow>> {
    let row = sqlx::query(
        "SELECT id, name, currency, rates, version, seq, created_at, balances_in, share_rows FROM `groups` WHERE id = ?",
    )
    .bind(gid)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(GroupRow {
            id: r.try_get(0)?,
            name: r.try_get(1)?,
            currency: r.try_get(2)?,
            rates: text(&r, 3)?,
            version: r.try_get(4)?,
            seq: r.try_get(5)?,
            created_at: r.try_get(6)?,
            balances_in: text(&r, 7)?,
            share_rows: r.try_get(8)?,
        })
    })
    .transpose()
}

/// Every member of the group (removed ones too), in order.
pub async fn members(conn: &mut AnyConnection, gid: &str) -> Result<Vec<StoredMember>> {
    let rows =
        sqlx::query("SELECT member_id, name, removed FROM members WHERE group_id = ? ORDER BY position")
            .bind(gid)
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|r| {
            Ok(StoredMember {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                removed: r.try_get::<i64, _>(2)? != 0,
            })
        })
        .collect()
}

/// Rates text (a JSON object of strings) as pairs.
pub fn rates_pairs(text: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text) {
        Ok(map) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The group's head (currency, rates, members).
pub async fn head(conn: &mut AnyConnection, gid: &str) -> Result<Option<(GroupRow, GroupHead)>> {
    let Some(group) = group_row(conn, gid).await? else {
        return Ok(None);
    };
    let members = members(conn, gid).await?;
    let head = GroupHead {
        currency: group.currency.clone(),
        rates: rates_pairs(&group.rates),
        members,
        balances_in: group.balances_in.clone(),
    };
    Ok(Some((group, head)))
}

/// Everything needed to compute the group, read on `conn` (inside a transaction for a
/// consistent snapshot).
pub async fn snapshot(conn: &mut AnyConnection, gid: &str) -> Result<Option<Snapshot>> {
    let Some((group, head)) = head(conn, gid).await? else {
        return Ok(None);
    };
    let expenses = bodies(
        conn,
        "SELECT body FROM expenses WHERE group_id = ? AND deleted = 0 ORDER BY seq",
        gid,
    )
    .await?;
    let payments = bodies(
        conn,
        "SELECT body FROM payments WHERE group_id = ? AND deleted = 0 ORDER BY seq",
        gid,
    )
    .await?;
    Ok(Some(Snapshot {
        group,
        head,
        expenses,
        payments,
    }))
}

async fn bodies(conn: &mut AnyConnection, query: &str, gid: &str) -> Result<Vec<String>> {
    let rows = sqlx::query(query).bind(gid).fetch_all(&mut *conn).await?;
    rows.into_iter().map(|r| Ok(text(&r, 0)?)).collect()
}

/// Adds `delta` to the group's share rows (the caller holds the group's lock).
pub async fn add_share_rows(conn: &mut AnyConnection, gid: &str, delta: i64) -> Result<()> {
    if delta != 0 {
        sqlx::query("UPDATE `groups` SET share_rows = share_rows + ? WHERE id = ?")
            .bind(delta)
            .bind(gid)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts a new group with its members.
pub async fn insert_group(conn: &mut AnyConnection, row: &GroupRow, members: &[StoredMember]) -> Result<()> {
    sqlx::query("INSERT INTO `groups` (id, name, currency, rates, version, seq, created_at, balances_in, share_rows, totals_kept) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")
    .bind(&row.id)
    .bind(&row.name)
    .bind(&row.currency)
    .bind(&row.rates)
    .bind(row.version)
    .bind(row.seq)
    .bind(row.created_at)
    .bind(&row.balances_in)
    .bind(row.share_rows)
    .execute(&mut *conn)
    .await?;
    for (i, m) in members.iter().enumerate() {
        insert_member(conn, &row.id, m, i64::try_from(i).unwrap_or(i64::MAX)).await?;
    }
    Ok(())
}

/// Inserts one member at `position`.
pub async fn insert_member(
    conn: &mut AnyConnection,
    gid: &str,
    m: &StoredMember,
    position: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO members (group_id, member_id, name, position, removed) VALUES (?, ?, ?, ?, 0)")
        .bind(gid)
        .bind(&m.id)
        .bind(m.name.clone())
        .bind(position)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets a member's name and removed flag.
pub async fn update_member(conn: &mut AnyConnection, gid: &str, m: &StoredMember) -> Result<()> {
    sqlx::query("UPDATE members SET name = ?, removed = ? WHERE group_id = ? AND member_id = ?")
        .bind(m.name.clone())
        .bind(i64::from(m.removed))
        .bind(gid)
        .bind(&m.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets the group's name and rates.
pub async fn update_group(conn: &mut AnyConnection, gid: &str, name: &str, rates: &str) -> Result<()> {
    sqlx::query("UPDATE `groups` SET name = ?, rates = ? WHERE id = ?")
        .bind(name)
        .bind(rates)
        .bind(gid)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The groups the account has access to, newest first, with its role and member in each and
/// that member's kept totals (one query: the access rows, their groups and, by
/// `totals_by_member`, the member's rows of the totals).
pub async fn list_for_account(conn: &mut AnyConnection, account: &str) -> Result<Vec<GroupListRow>> {
    let rows = sqlx::query(
        "SELECT g.id, g.name, g.currency, a.role, a.member_id, g.totals_kept, t.currency, t.paid, t.owed \
         FROM group_access a JOIN `groups` g ON g.id = a.group_id \
         LEFT JOIN totals t ON t.group_id = a.group_id AND t.member_id = a.member_id \
         WHERE a.account_id = ? ORDER BY g.created_at DESC, g.id, t.currency",
    )
    .bind(account)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<GroupListRow> = Vec::new();
    for r in &rows {
        let id = text(r, 0)?;
        if out.last().is_none_or(|g| g.id != id) {
            out.push(GroupListRow {
                id,
                name: text(r, 1)?,
                currency: text(r, 2)?,
                role: text(r, 3)?,
                member: opt_text(r, 4)?,
                totals_kept: r.try_get::<i64, _>(5)? == 1,
                totals: Vec::new(),
            });
        }
        if let Some(currency) = opt_text(r, 6)? {
            let minor = |i: usize| -> Result<i128> {
                text(r, i)?
                    .parse::<i128>()
                    .map_err(|_| super::DbError(sqlx::Error::Decode("totals: not an integer".into())))
            };
            let (paid, owed) = (minor(7)?, minor(8)?);
            if let Some(g) = out.last_mut() {
                g.totals.push((currency, paid, owed));
            }
        }
    }
    Ok(out)
}

/// The tables that hold a group's rows, children before the group (foreign keys).
const GROUP_TABLES: [&str; 9] = [
    "expense_members",
    "expenses",
    "payments",
    "members",
    "totals",
    "totals_buckets",
    "activity",
    "invites",
    "group_access",
];

/// Deletes the group and every row of it: records, members, kept totals, activity, invites and
/// every account's access.
pub async fn delete(conn: &mut AnyConnection, gid: &str) -> Result<()> {
    for table in GROUP_TABLES {
        sqlx::query(&format!("DELETE FROM {table} WHERE group_id = ?"))
            .bind(gid)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM `groups` WHERE id = ?")
        .bind(gid)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
