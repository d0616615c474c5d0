//! What deleting a group or an account removes, and what it leaves to the others who share it.
//! Each runs inside its caller's write transaction, so it happens whole or not at all.
//!
//! - **A group** ([`group`], `DELETE /v1/groups/{group}`, its owner only): the group and
//!   everything in it, for everyone: expenses (deleted ones too), payments, members, the kept
//!   balances, the activity log, invites (their codes stop working) and every account's access.
//!   Nothing else: the accounts, their other groups, and import jobs (a finished job still names
//!   the group it made, which is then `404`).
//! - **An account** ([`account`], `DELETE /v1/account`, with its password): its sessions and
//!   refresh tokens (every token it holds stops working at once), its import jobs, its stored
//!   `Idempotency-Key` answers, its email (free to register again) and its password hash. In
//!   each group it has access to:
//!   - a group it owns with no other account: deleted as above;
//!   - a group it owns with other accounts: kept; the account with access longest (then by
//!     account id) becomes its owner;
//!   - any group: its access ends. Its member stays (records name it) as a name no account is
//!     linked to, which a new invite can link again. One activity entry,
//!     `account.delete`, records it (`before`: account, member and role; `after`: the new owner
//!     when ownership moved). The entries it wrote before stay, with its account id and no email.

use sqlx::AnyConnection;

use crate::db;
use crate::http::ApiResult;

/// Deletes the group and everything in it, for everyone. The caller holds the group's lock.
pub async fn group(conn: &mut AnyConnection, gid: &str) -> ApiResult<()> {
    db::groups::delete(conn, gid).await?;
    tracing::info!(group = gid, "group deleted");
    Ok(())
}

/// What happened to one group of a deleted account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It owned the group alone: the group is gone.
    Deleted,
    /// It owned the group: this account owns it now.
    OwnerNow(String),
    /// It was a member: its access ended.
    Left,
}

/// Deletes the account and ends its part in every group (see the module's list), at `now`;
/// returns what happened to each group, by id.
///
/// Its sessions go first: a request of the account that grants it access to a group checks its
/// session in the same statement ([`db::access::grant`]), so it either committed before this
/// reads the account's groups, or finds no session and grants nothing.
pub async fn account(conn: &mut AnyConnection, account: &str, now: i64) -> ApiResult<Vec<(String, Outcome)>> {
    db::accounts::end_sessions(conn, account).await?;
    db::jobs::delete_for_account(conn, account).await?;
    let mut outcomes = Vec::new();
    // In id order, so that two accounts deleted at once take the groups' locks in one order.
    for gid in db::access::groups_of(conn, account).await? {
        let Some((version, _)) = db::lock_group(conn, &gid, 0).await? else {
            continue;
        };
        let grants = db::access::list(conn, &gid).await?;
        let Some(mine) = grants.iter().find(|g| g.account == account) else {
            continue;
        };
        let heir = grants.iter().find(|g| g.account != account);
        let outcome = match (mine.role.as_str(), heir) {
            ("owner", None) => {
                group(conn, &gid).await?;
                outcomes.push((gid, Outcome::Deleted));
                continue;
            }
            ("owner", Some(heir)) => {
                db::access::set_role(conn, &gid, &heir.account, "owner").await?;
                Outcome::OwnerNow(heir.account.clone())
            }
            _ => Outcome::Left,
        };
        db::access::revoke(conn, &gid, account).await?;
        let before =
            serde_json::json!({"account": account, "member": mine.member, "role": mine.role}).to_string();
        let after = match &outcome {
            Outcome::OwnerNow(owner) => Some(serde_json::json!({ "owner": owner }).to_string()),
            _ => None,
        };
        db::log(
            conn,
            db::Change {
                group: &gid,
                version,
                account,
                action: "account.delete",
                target: account,
                before: Some(&before),
                after: after.as_deref(),
                at: now,
            },
        )
        .await?;
        outcomes.push((gid, outcome));
    }
    db::accounts::delete_account(conn, account).await?;
    tracing::info!(account, groups = outcomes.len(), "account deleted");
    Ok(outcomes)
}
