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
/// # Errors
/// An [`crate::Error`] with the contract's code and the path of the first problem found:
/// `invalid_input` (a wrong type, a missing or unknown field, a bad date, an unknown option
/// value), `invalid_amount` (an amount, rate, share or weight that is not a decimal, or a
/// float), `unknown_currency`, `missing_rate`, `unknown_member`, `duplicate_id` (a member,
/// expense or key named twice), `empty_split`, `split_mismatch`, `too_precise` (finer than the
/// currency's minor unit), `overflow` (past the range of exact amounts) or `invalid_option`.
/// The same codes as the JSON path, in the same order: the typed and the JSON callers get
/// one validation.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Group, Member, PaidBy, Split};
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
/// # Errors
/// [`Halt::Invalid`] with what [`compute`] would return; [`Halt::Cancelled`] once the flag is
/// seen raised.
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
    report(group, ledger, cancel)
}

/// The report of a built ledger: balances in member order, then the settlement of every bucket
/// by the group's method (the shares are the ledger's).
pub(crate) fn report(
    group: &Group,
    ledger: Ledger<'_>,
    cancel: Cancel<'_>,
) -> std::result::Result<Report, Halt> {
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
                    settle::PairwiseFailure::Overflow => root.err(ErrorCode::Overflow, "pairwise debts are past the range of exact amounts; use minimal or greedy").into(),
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

/// Settles `nets` (canonical order) with `method`, keeping the earlier suggestions `previous`
/// where they still serve; `None` once `cancel` is raised.
///
/// Whatever `previous` holds, the answer moves money only from members who owe to members who
/// are owed (so the total moved is the sum of the debts) and names each (payer, receiver) pair at
/// most once. In order:
///
/// 1. If the balances changed only by paying some of the earlier suggestions, the unpaid ones
///    come back unchanged (see [`settle::unpaid`]), provided they need no more transfers than a
///    fresh settlement by `method`, or the earlier list was no longer than `method`'s own
///    settlement of the balances it settles, i.e. it is (as good as) an earlier answer of this
///    method. Only then may the answer have more transfers than a fresh settlement: a heuristic
///    (`greedy`, `minimal` above `exact_limit`) can find fewer for what is left than it found
///    for the whole, and the contract promises that paying a suggestion does not reshuffle the
///    others.
/// 2. Otherwise each earlier suggestion that still fits is kept, in order (see
///    [`settle::keep_previous`]), what is left is settled by `method`, and transfers for one pair
///    are joined. If that needs more transfers than a fresh settlement, the fresh one wins.
///
/// `optimal` is true only when the count is proven minimal: no more than a proven `minimal`
/// settlement, or equal to the lower bound.
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
    if let Some(unpaid) = settle::unpaid(nets, previous) {
        let keep_unpaid = unpaid.len() <= fresh.moves.len()
            || match settle::settled_by(nets.len(), previous) {
                Some(before) => previous.len() <= run(&before)?.moves.len(),
                None => false,
            };
        if keep_unpaid {
            return Some(judged(nets, unpaid, &fresh));
        }
    }
    let mut rest = nets.to_vec();
    let mut moves = settle::keep_previous(&mut rest, previous);
    if moves.is_empty() {
        return Some(fresh);
    }
    moves.extend(run(&rest)?.moves);
    let moves = settle::merge(moves);
    if moves.len() > fresh.moves.len() {
        return Some(fresh);
    }
    Some(judged(nets, moves, &fresh))
}

/// `moves` settling `nets`, `optimal` when their count is proven minimal: no more than the
/// `fresh` settlement's if that one is proven, or the lower bound.
fn judged(nets: &[i128], moves: Vec<Move>, fresh: &Settlement) -> Settlement {
    let optimal =
        (fresh.optimal && moves.len() <= fresh.moves.len()) || moves.len() == settle::lower_bound(nets);
    Settlement { moves, optimal }
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
            return Err(p.field("amount").err(
                ErrorCode::InvalidAmount,
                "a previous transfer must be positive; give the amount as suggested, or leave it out",
            ));
        }
        // A transfer in a currency that is not kept any more simply no longer fits.
        if let Some(b) = ledger.buckets.iter().position(|c| *c == cur) {
            out.push((b, Move { from, to, amount }));
        }
    }
    Ok(out)
}

/// Reads the contract's JSON input, computes, and writes the contract's JSON output (compact,
/// the canonical form every face returns byte for byte). The input is read without building a
/// tree ([`crate::Document`]) and the output written by hand: about three times the speed of
/// reading into a tree and writing through `serde_json`.
///
/// # Errors
/// `invalid_json` (with the line and column) when the text is not JSON; otherwise what
/// [`compute`] returns, with the path into the input.
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

/// Like [`compute_json`], from an already parsed value, returning the typed report.
///
/// # Errors
/// What [`compute`] returns, with the path into the value.
///
/// # Example
/// ```
/// use splitter_core::{compute_value, Json};
/// let input = Json::parse(r#"{"currency": "EUR", "members": ["ana", "ben"],
///     "expenses": [{"id": "x", "amount": "5.00", "paid_by": "ana", "split": {"type": "equal"}}]}"#)?;
/// let report = compute_value(&input)?;
/// assert_eq!(report.transfers[0].amount.to_string(), "2.50");
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn compute_value(input: &Json) -> Result<Report> {
    compute(&wire::group_from_value(input)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(from: usize, to: usize, amount: i128) -> Move {
        Move { from, to, amount }
    }

    /// `settle_with_previous` with no flag, its transfers sorted.
    fn settled(nets: &[i128], method: SettleMethod, previous: &[Move]) -> (Vec<Move>, bool) {
        let s = settle_with_previous(nets, method, DEFAULT_EXACT_LIMIT, previous, Cancel::never())
            .expect("never cancelled");
        let mut moves = s.moves;
        moves.sort_by_key(|m| (m.from, m.to, m.amount));
        (moves, s.optimal)
    }

    #[test]
    fn greedy_with_previous_does_not_split_a_debt_in_two() {
        // Issue 13, item 4: a +7.00, b -5.00, c -2.00 with previous [b->a 2.00, c->a 2.00]. Both
        // fit; what is left is b->a 3.00, joined to b->a 2.00: the two transfers of plain greedy.
        let (a, b, c) = (0, 1, 2);
        let nets = [700, -500, -200];
        let previous = [m(b, a, 200), m(c, a, 200)];
        for method in [SettleMethod::Greedy, SettleMethod::Minimal] {
            assert_eq!(
                settled(&nets, method, &previous),
                (vec![m(b, a, 500), m(c, a, 200)], true),
                "{method:?}"
            );
        }
        assert_eq!(settle::greedy(&nets).moves.len(), 2);
    }

    #[test]
    fn previous_never_routes_money_through_a_debtor() {
        // Issue 13, item 5: a +6.00, b -3.00, c -3.00 with previous [c->b 3.00, b->a 6.00].
        let (a, b, c) = (0, 1, 2);
        let nets = [600, -300, -300];
        let previous = [m(c, b, 300), m(b, a, 600)];
        for method in [SettleMethod::Greedy, SettleMethod::Minimal] {
            assert_eq!(
                settled(&nets, method, &previous),
                (vec![m(b, a, 300), m(c, a, 300)], true),
                "{method:?}"
            );
        }
    }

    #[test]
    fn a_longer_list_that_settles_exactly_loses_to_a_fresh_settlement() {
        // a -10, e -5, b +10, c +5: a->b 5, a->c 5, e->b 5 settles it with nothing paid, but it
        // is no earlier answer of either method (both need 2), so the fresh settlement wins.
        let (a, b, c, e) = (0, 1, 2, 3);
        let nets = [-1000, 1000, 500, -500];
        let previous = [m(a, b, 500), m(a, c, 500), m(e, b, 500)];
        for method in [SettleMethod::Greedy, SettleMethod::Minimal] {
            assert_eq!(
                settled(&nets, method, &previous),
                (vec![m(a, b, 1000), m(e, c, 500)], true),
                "{method:?}"
            );
        }
    }

    #[test]
    fn the_unpaid_rest_of_an_earlier_answer_comes_back_even_when_fresh_needs_fewer() {
        // Greedy settles -3, +6, -4, -2, -2, -3, +8 with six transfers: 2->6 4, 0->1 3, 5->6 3,
        // 3->1 2, 4->1 1, 4->6 1. Once 5->6 3 is paid, greedy would settle what is left with four
        // (2->1 4, 0->6 3, 3->1 2, 4->6 2), but the five unpaid ones come back unchanged: the
        // contract's promise. Not proven minimal, so not optimal.
        let nets0 = [-3, 6, -4, -2, -2, -3, 8];
        let first = settle::greedy(&nets0).moves;
        let expected = [
            m(2, 6, 4),
            m(0, 1, 3),
            m(5, 6, 3),
            m(3, 1, 2),
            m(4, 1, 1),
            m(4, 6, 1),
        ];
        assert_eq!(first, expected);
        let nets = [-3, 6, -4, -2, -2, 0, 5];
        assert_eq!(settle::greedy(&nets).moves.len(), 4);
        let s = settle_with_previous(&nets, SettleMethod::Greedy, 0, &first, Cancel::never())
            .expect("never cancelled");
        let mut unpaid = first.clone();
        unpaid.remove(2);
        assert_eq!(
            s,
            Settlement {
                moves: unpaid,
                optimal: false
            }
        );
        // The same list is no earlier answer of minimal (which needs 5 for nets0), so minimal
        // settles afresh: 4 transfers, as few as the lower bound allows.
        let s = settle_with_previous(&nets, SettleMethod::Minimal, 24, &first, Cancel::never())
            .expect("never cancelled");
        assert_eq!(s.moves.len(), 4);
        assert!(s.optimal);
    }
}
