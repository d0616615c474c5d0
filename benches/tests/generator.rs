//! The generator must keep producing groups the engine accepts, with the mix it promises.

use splitter_benches::{group, group_json, SEED};
use splitter_core::{compute, compute_json, wire, PaidBy, Split};

#[test]
fn a_thousand_expenses_compute_through_both_paths() {
    let g = group(1_000, SEED);
    assert_eq!(g.expenses.len(), 1_000);
    let report = compute(&g).expect("the generated group computes");
    let nets: rust_decimal::Decimal = report.balances.iter().map(|b| b.net).sum();
    assert!(nets.is_zero());
    assert!(!report.transfers.is_empty());
    let out = compute_json(&group_json(1_000, SEED)).expect("the generated JSON computes");
    assert_eq!(
        out,
        wire::report_to_json(&report),
        "the JSON text is the same group"
    );
}

#[test]
fn the_mix_is_realistic() {
    let g = group(1_000, SEED);
    let kind = |s: &Split| match s {
        Split::Equal { .. } => 0,
        Split::Shares { .. } => 1,
        Split::Percent { .. } => 2,
        Split::Exact { .. } => 3,
        Split::Adjustment { .. } => 4,
        Split::Itemized { .. } => 5,
    };
    let mut kinds = [0usize; 6];
    for e in &g.expenses {
        kinds[kind(&e.split)] += 1;
    }
    assert!(kinds.iter().all(|k| *k >= 50), "split types {kinds:?}");
    let several = g
        .expenses
        .iter()
        .filter(|e| matches!(e.paid_by, PaidBy::Several(_)))
        .count();
    let refunds = g.expenses.iter().filter(|e| e.amount.is_sign_negative()).count();
    let usd = g.expenses.iter().filter(|e| e.currency.is_some()).count();
    assert!(
        several >= 50 && refunds >= 10 && usd >= 80,
        "{several} {refunds} {usd}"
    );
    assert_eq!(g.payments.len(), 50);
    assert!(g.members.len() == 12);
}
