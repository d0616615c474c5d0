//! The engine's entry points: a [`Group`] in, a [`Report`] out.

use std::sync::atomic::AtomicBool;

use crate::cancel::{Cancel, Halt};
use crate::error::{ErrorCode, Path, Result};
use crate::json::Json;
use crate::ledger::{self, Ledger};
use crate::model::{Group, SettleMethod};
use crate::money;
use crate::report::{Balance, Report, Transfer};
use crate::settle::{self, Move, Settlement, DEFAULT_EXACT_LIMIT};
use crate::wire;

/// Computes balances, shares and the suggested settlement of a group.
///
/// # Example
/// ```
/// use rust_decimal::Decimal;
/// use splitter_core::{compute, Expense, Group, Member, PaidBy, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben"), Member::new("cy")],
///     expenses: vec![Expense::new("e1", Decimal::new(9000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// assert_eq!(report.balances[0].net.to_string(), "60.00");
/// assert_eq!(report.transfers.len(), 2);
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn compute(group: &Group) -> Result<Report> {
    run(group, Cancel::never()).map_err(|h| match h {
        Halt::Invalid(e) => e,
        // No flag, so never cancelled; the error is only what the types ask for.
        Halt::Cancelled => Path::Root.err(ErrorCode::InvalidOption, "cancelled"),
    })
}

/// [`compute`], stopped when `cancel` is raised: for a caller that enforces a deadline (keeping
/// the clock itself; the core has none). The long loops read the flag now and then, so a raised
/// flag stops the work within milliseconds; the answer is then [`Halt::Cancelled`], never a
/// partial report.
///
/// # Example
/// ```
/// use std::sync::atomic::AtomicBool;
/// use splitter_core::{compute_cancellable, Decimal, Expense, Group, Halt, Member, PaidBy, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![Expense::new("e1", Decimal::new(1000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     ..Group::default()
/// };
/// let running = AtomicBool::new(false);
/// assert_eq!(compute_cancellable(&group, &running)?.transfers.len(), 1);
/// let raised = AtomicBool::new(true);
/// assert_eq!(compute_cancellable(&group, &raised).unwrap_err(), Halt::Cancelled);
/// # Ok::<(), Halt>(())
/// ```
pub fn compute_cancellable(group: &Group, cancel: &AtomicBool) -> std::result::Result<Report, Halt> {
    run(group, Cancel::new(cancel))
}

fn run(group: &Group, cancel: Cancel<'_>) -> std::result::Result<Report, Halt> {
    if cancel.raised() {
        return Err(Halt::Cancelled);
    }
    let ledger = Ledger::build(group)?;
    if cancel.raised() {
        return Err(Halt::Cancelled);
    }
    let root = Path::Root;
    let n = ledger.roster.len();

    // Canonical order: members by id, so that listing them differently changes nothing.
    let mut canon: Vec<usize> = (0..n).collect();
    canon.sort_by(|a, b| ledger.roster.id(*a).cmp(ledger.roster.id(*b)));
    let mut rank = vec![0; n];
    for (r, i) in canon.iter().enumerate() {
        rank[*i] = r;
    }

    let previous = previous_moves(group, &ledger)?;
    let limit = group.options.exact_limit.unwrap_or(DEFAULT_EXACT_LIMIT);
    let mut balances = Vec::new();
    let mut transfers = Vec::new();
    let mut optimal = true;
    for (b, cur) in ledger.buckets.iter().enumerate() {
        let nets = ledger.nets(b)?;
        let canon_nets: Vec<i128> = canon.iter().map(|i| nets[*i]).collect();
        let settlement = match group.options.settle {
            SettleMethod::Pairwise => {
                let moves = settle::pairwise(ledger.entries.iter().filter(|e| e.bucket == b), &rank, cancel).map_err(|f| match f {
                    settle::PairwiseFailure::Cancelled => Halt::Cancelled,
                    settle::PairwiseFailure::Overflow => root.err(ErrorCode::Overflow, "pairwise debts overflow").into(),
                    settle::PairwiseFailure::TooLarge => root.field("options").field("settle").err(
                        ErrorCode::InvalidOption,
                        format!(
                            "pairwise would make one expense's members owe its payers more than {} separate debts; use minimal or greedy",
                            settle::MAX_PAIRWISE_CELLS
                        ),
                    ).into(),
                })?;
                let optimal = moves.len() == settle::lower_bound(&canon_nets);
                Settlement { moves, optimal }
            }
            method => {
                let prev: Vec<Move> = previous
                    .iter()
                    .filter(|(pb, _)| *pb == b)
                    .map(|(_, m)| Move {
                        from: rank[m.from],
                        to: rank[m.to],
                        amount: m.amount,
                    })
                    .collect();
                let s =
                    settle_with_previous(&canon_nets, method, limit, &prev, cancel).ok_or(Halt::Cancelled)?;
                let moves = s
                    .moves
                    .iter()
                    .map(|m| Move {
                        from: canon[m.from],
                        to: canon[m.to],
                        ..*m
                    })
                    .collect();
                Settlement {
                    moves,
                    optimal: s.optimal,
                }
            }
        };
        optimal &= settlement.optimal;
        let mut moves = settlement.moves;
        moves.sort_by(|x, y| {
            let id = |i| ledger.roster.id(i);
            id(x.from)
                .cmp(id(y.from))
                .then(id(x.to).cmp(id(y.to)))
                .then(x.amount.cmp(&y.amount))
        });
        for m in moves {
            transfers.push(Transfer {
                from: ledger.roster.id(m.from).to_string(),
                to: ledger.roster.id(m.to).to_string(),
                amount: money::to_decimal(m.amount, *cur, &root)?,
                currency: cur.code().to_string(),
            });
        }
    }
    for i in 0..n {
        for (b, cur) in ledger.buckets.iter().enumerate() {
            let (paid, owed) = (ledger.paid[b][i], ledger.owed[b][i]);
            balances.push(Balance {
                member: ledger.roster.id(i).to_string(),
                currency: cur.code().to_string(),
                paid: money::to_decimal(paid, *cur, &root)?,
                owed: money::to_decimal(owed, *cur, &root)?,
                net: money::to_decimal(paid - owed, *cur, &root)?,
            });
        }
    }
    Ok(Report {
        currency: ledger.group_currency.code().to_string(),
        balances,
        shares: ledger.shares,
        transfers,
        settle: group.options.settle,
        optimal,
    })
}

/// Settles `nets` (canonical order) with `method`, keeping the earlier suggestions that still fit;
/// `None` once `cancel` is raised.
fn settle_with_previous(
    nets: &[i128],
    method: SettleMethod,
    limit: usize,
    previous: &[Move],
    cancel: Cancel<'_>,
) -> Option<Settlement> {
    let run = |nets: &[i128]| match method {
        SettleMethod::Greedy => Some(settle::greedy(nets)),
        _ => settle::minimal_until(nets, limit, cancel),
    };
    let fresh = run(nets)?;
    if previous.is_empty() {
        return Some(fresh);
    }
    let mut rest = nets.to_vec();
    let mut moves = settle::keep_previous(&mut rest, previous);
    if moves.is_empty() {
        return Some(fresh);
    }
    let tail = run(&rest)?;
    // Balances that changed only by paying some earlier suggestions are settled by the rest of
    // them: those come back unchanged, as the contract promises. Otherwise (new expenses, say),
    // a fresh settlement with fewer transfers wins.
    let only_repaid = tail.moves.is_empty();
    moves.extend(tail.moves);
    if !only_repaid && method == SettleMethod::Minimal && fresh.moves.len() < moves.len() {
        return Some(fresh);
    }
    let optimal =
        (fresh.optimal && moves.len() <= fresh.moves.len()) || moves.len() == settle::lower_bound(nets);
    Some(Settlement { moves, optimal })
}

/// The `previous` option as moves between member positions, with their bucket; validated.
fn previous_moves(group: &Group, ledger: &Ledger) -> Result<Vec<(usize, Move)>> {
    let pp = Path::Root.field("options");
    let pp = pp.field("previous");
    let mut out = Vec::new();
    for (k, t) in group.options.previous.iter().enumerate() {
        let p = pp.index(k);
        let from = ledger
            .roster
            .find(&t.from, &p.field("from"), || "a previous transfer is from".into())?;
        let to = ledger
            .roster
            .find(&t.to, &p.field("to"), || "a previous transfer is to".into())?;
        let cur = ledger::currency(&t.currency, &p.field("currency"))?;
        let amount = money::to_minor(t.amount, cur, &p.field("amount"))?;
        if amount <= 0 {
            return Err(p
                .field("amount")
                .err(ErrorCode::InvalidAmount, "a transfer must be positive"));
        }
        // A transfer in a currency that is not kept any more simply no longer fits.
        if let Some(b) = ledger.buckets.iter().position(|c| *c == cur) {
            out.push((b, Move { from, to, amount }));
        }
    }
    Ok(out)
}

/// Reads the contract's JSON input, computes, and writes the contract's JSON output (compact,
/// the canonical form every face returns byte for byte).
///
/// # Example
/// ```
/// let out = splitter_core::compute_json(r#"{"currency": "JPY", "members": ["a", "b"],
///     "expenses": [{"id": "x", "amount": "1001", "paid_by": "a", "split": {"type": "equal"}}]}"#)?;
/// assert!(out.contains(r#""transfers":[{"from":"b","to":"a","#));
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn compute_json(input: &str) -> Result<String> {
    let group = wire::group_from_json(input)?;
    compute(&group).map(|r| wire::report_to_json(&r))
}

/// Like [`compute_json`], from an already parsed value.
pub fn compute_value(input: &Json) -> Result<Report> {
    compute(&wire::group_from_value(input)?)
}
