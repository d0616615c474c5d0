//! Shared code of the fuzz targets: the invariant checker ([`check`]) and the structured group
//! builder ([`gen`]). Typed groups are written as contract JSON by the core's
//! `wire::group_to_json`.

/// The invariant checker, shared with the regression tests (crate `splitter-invariants`).
pub use splitter_invariants as check;
pub mod gen;

use std::collections::BTreeMap;

use splitter_core::{compute, compute_json, wire, Group, Report};

/// Computes a typed group and checks, on success, every invariant of [`check::check_report`],
/// plus two properties of the contract:
/// - the typed API and the JSON entry point agree: the same group written as contract JSON gives
///   byte for byte the same output (or both fail);
/// - listing the members in another order (reversed) changes no share, no balance and no transfer.
///
/// Panics with a description of the group on any violation.
pub fn check_group(group: &Group) {
    let typed = compute(group);
    let text = wire::group_to_json(group);
    let via_json = compute_json(&text);
    match (&typed, &via_json) {
        (Ok(r), Ok(out)) => {
            assert_eq!(
                &wire::report_to_json(r),
                out,
                "typed and JSON outputs differ\ninput: {text}"
            );
        }
        (Err(_), Err(_)) => return,
        (Ok(_), Err(e)) => panic!("the typed API accepts, compute_json refuses: {e:?}\ninput: {text}"),
        (Err(e), Ok(_)) => panic!("compute_json accepts, the typed API refuses: {e:?}\ninput: {text}"),
    }
    let (Ok(report), Ok(out)) = (typed, via_json) else {
        return;
    };
    if let Err(e) = check::check_report(group, &out) {
        panic!("invariant broken: {e}\ninput: {text}\noutput: {out}");
    }

    let mut reversed = group.clone();
    reversed.members.reverse();
    match compute(&reversed) {
        Ok(other) => {
            if let Err(e) = same_up_to_member_order(&report, &other) {
                panic!("reversing the members changed the result: {e}\ninput: {text}");
            }
        }
        Err(e) => panic!("reversing the members makes the group fail: {e:?}\ninput: {text}"),
    }
}

type Key = (String, String);

fn same_up_to_member_order(a: &Report, b: &Report) -> Result<(), String> {
    let balances = |r: &Report| -> BTreeMap<Key, String> {
        r.balances
            .iter()
            .map(|x| {
                (
                    (x.member.clone(), x.currency.clone()),
                    format!("{} {} {}", x.paid, x.owed, x.net),
                )
            })
            .collect()
    };
    let shares = |r: &Report| -> BTreeMap<Key, String> {
        r.shares
            .iter()
            .map(|x| {
                (
                    (x.expense.to_string(), x.member.to_string()),
                    format!("{} {:?}", x.amount, x.group_amount),
                )
            })
            .collect()
    };
    if balances(a) != balances(b) {
        return Err(format!("balances {:?} vs {:?}", balances(a), balances(b)));
    }
    if shares(a) != shares(b) {
        return Err(format!("shares {:?} vs {:?}", shares(a), shares(b)));
    }
    if a.transfers != b.transfers || a.optimal != b.optimal {
        return Err(format!(
            "transfers {:?} ({}) vs {:?} ({})",
            a.transfers, a.optimal, b.transfers, b.optimal
        ));
    }
    Ok(())
}
