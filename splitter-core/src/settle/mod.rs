//! Settlement: from net balances to suggested transfers.
//!
//! Every function here works on a list of nets (`paid - owed`, in minor units, adding up to zero)
//! whose positions are the tie-break order: the caller lists members in a canonical order (by id)
//! so that the result does not depend on the order the input lists them in.
//!
//! Every method moves money only from members who owe (negative net) to members who are owed
//! (positive net), so the total amount moved is always the minimum possible: the sum of what the
//! debtors owe.
//!
//! [`crate::compute`] calls these for each currency of a group; they are public for a caller
//! that has balances of its own. The amounts of a [`crate::Report`] carry exactly their
//! currency's decimals, so a balance's mantissa is its net in minor units.
//!
//! # Example
//! ```
//! use splitter_core::settle::{minimal, DEFAULT_EXACT_LIMIT};
//! use splitter_core::{compute, Decimal, Expense, Group, Member, PaidBy, Split};
//!
//! let group = Group {
//!     currency: "EUR".into(),
//!     members: vec![Member::new("ana"), Member::new("ben"), Member::new("cy")],
//!     expenses: vec![Expense::new("e1", Decimal::new(9000, 2), PaidBy::One("ana".into()),
//!                                 Split::Equal { members: None })],
//!     ..Group::default()
//! };
//! let report = compute(&group)?;
//! let nets: Vec<i128> = report.balances.iter().map(|b| b.net.mantissa()).collect();
//! assert_eq!(nets, [6000, -3000, -3000]); // in cents
//! let s = minimal(&nets, DEFAULT_EXACT_LIMIT);
//! let moves: Vec<(usize, usize, i128)> = s.moves.iter().map(|m| (m.from, m.to, m.amount)).collect();
//! assert_eq!(moves, [(1, 0, 3000), (2, 0, 3000)]);
//! # Ok::<(), splitter_core::Error>(())
//! ```

mod exact;
mod greedy;
mod pairwise;
mod search;

pub use exact::minimal;
pub(crate) use exact::minimal_until;
pub use greedy::greedy;
pub use pairwise::MAX_CELLS as MAX_PAIRWISE_CELLS;
pub(crate) use pairwise::{pairwise, Failure as PairwiseFailure};

/// The default `exact_limit`: up to this many non-zero balances (after safe reductions),
/// `minimal` proves its count optimal. At 24 the worst case (the search giving up and the subset
/// DP finishing) stays under 1 s and 300 MB on a 2-core machine; typical groups take microseconds.
/// It is what [`Options::exact_limit`](crate::Options::exact_limit) `None` means.
///
/// # Example
/// ```
/// use splitter_core::settle::{minimal, DEFAULT_EXACT_LIMIT};
///
/// let nets = [-10, -3, -3, 6, 5, 5];
/// // With no exact search the same 4 transfers are found, but not proven the fewest.
/// assert!(!minimal(&nets, 0).optimal);
/// assert!(minimal(&nets, DEFAULT_EXACT_LIMIT).optimal);
/// ```
pub const DEFAULT_EXACT_LIMIT: usize = 24;

/// The largest `exact_limit` accepted: the subset DP that backs the search needs 17 bytes per
/// subset, 2^24 subsets at 24. A group asking for more is refused with `invalid_option`;
/// [`minimal`] itself does not check its argument, so keep it within this bound.
///
/// # Example
/// ```
/// use splitter_core::settle::MAX_EXACT_LIMIT;
/// use splitter_core::{compute, ErrorCode, Group, Member, Options};
///
/// let mut group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana")],
///     options: Options { exact_limit: Some(MAX_EXACT_LIMIT), ..Options::default() },
///     ..Group::default()
/// };
/// assert!(compute(&group).is_ok());
/// group.options.exact_limit = Some(MAX_EXACT_LIMIT + 1);
/// assert_eq!(compute(&group).unwrap_err().code, ErrorCode::InvalidOption);
/// ```
pub const MAX_EXACT_LIMIT: usize = 24;

/// A transfer between two positions of a list of nets: `from` pays `to` the `amount` (> 0).
/// Paying it adds `amount` to the net at `from` and takes it from the net at `to`.
///
/// # Example
/// ```
/// use splitter_core::settle::greedy;
///
/// let mut nets = [-700, 400, 300];
/// for m in greedy(&nets).moves {
///     nets[m.from] += m.amount;
///     nets[m.to] -= m.amount;
/// }
/// assert_eq!(nets, [0, 0, 0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Move {
    /// The payer's position.
    pub from: usize,
    /// The receiver's position.
    pub to: usize,
    /// Minor units, > 0.
    pub amount: i128,
}

/// Suggested transfers and whether their number is proven to be the minimum. (The `Default`
/// value, no moves and `optimal` false, is only a starting point.)
///
/// # Example
/// ```
/// use splitter_core::settle::{minimal, Move, DEFAULT_EXACT_LIMIT};
///
/// // A debt facing a credit of the same size is settled directly.
/// let s = minimal(&[-5, 5, -3, 3], DEFAULT_EXACT_LIMIT);
/// assert_eq!(s.moves, [Move { from: 0, to: 1, amount: 5 }, Move { from: 2, to: 3, amount: 3 }]);
/// assert!(s.optimal);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settlement {
    /// The transfers.
    pub moves: Vec<Move>,
    /// True when no settlement with fewer transfers exists.
    pub optimal: bool,
}

/// A lower bound on the number of transfers: each group of balances that settles among itself
/// needs at least one debtor and one creditor, so there are at most min(debtors, creditors)
/// groups, and at least n - min(...) = max(debtors, creditors) transfers. Zeros do not count.
///
/// # Example
/// ```
/// use splitter_core::settle::{lower_bound, minimal, DEFAULT_EXACT_LIMIT};
///
/// let nets = [-10, -3, -3, 6, 5, 5, 0];
/// assert_eq!(lower_bound(&nets), 3);
/// // The bound is not always reached: here the fewest is 4.
/// assert_eq!(minimal(&nets, DEFAULT_EXACT_LIMIT).moves.len(), 4);
/// ```
pub fn lower_bound(nets: &[i128]) -> usize {
    let debtors = nets.iter().filter(|n| **n < 0).count();
    let creditors = nets.iter().filter(|n| **n > 0).count();
    debtors.max(creditors)
}

/// The earlier suggestions still to be paid, when the balances changed only by paying some of
/// them; `None` otherwise. `nets` is left as it is: the unpaid ones settle it exactly.
///
/// `previous` lists every earlier suggestion, paid or not. Had none been paid, `nets` plus the
/// effect of the whole list would be zero; so `nets` plus that effect is exactly the effect of
/// the paid ones.
/// Suggestions form a forest (a settlement never needs a cycle), and in a forest the subset with a
/// given effect is unique and found by peeling leaves: a leaf's transfer was paid exactly when
/// the leaf still lacks its amount.
///
/// The answer is `None` as well when the list is not a forest (a cycle, or two transfers for one
/// pair), when the balances changed some other way (new expenses, say), or when an unpaid
/// suggestion would not go from a member who owes (negative net) to one who is owed (positive
/// net): passing money through a debtor moves more than the debts add up to. The unpaid part of a
/// real earlier `minimal` or `greedy` settlement always passes: its payers only ever paid, so
/// one with a transfer left still owes, and likewise its receivers are still owed.
pub(crate) fn unpaid(nets: &[i128], previous: &[Move]) -> Option<Vec<Move>> {
    if previous.iter().any(|m| m.amount <= 0 || m.from == m.to) {
        return None;
    }
    // d: what the paid transfers must add up to for each member.
    let mut d = nets.to_vec();
    let mut degree = vec![0usize; nets.len()];
    let mut touching: Vec<Vec<usize>> = vec![Vec::new(); nets.len()];
    for (k, m) in previous.iter().enumerate() {
        d[m.from] = d[m.from].checked_add(m.amount)?;
        d[m.to] = d[m.to].checked_sub(m.amount)?;
        degree[m.from] += 1;
        degree[m.to] += 1;
        touching[m.from].push(k);
        touching[m.to].push(k);
    }
    let mut decided = vec![false; previous.len()];
    let mut paid = vec![false; previous.len()];
    let mut leaves: Vec<usize> = (0..nets.len()).filter(|i| degree[*i] == 1).collect();
    while let Some(leaf) = leaves.pop() {
        let Some(&k) = touching[leaf].iter().find(|k| !decided[**k]) else {
            continue;
        };
        let m = previous[k];
        // Paying m adds its amount to the payer's balance and takes it from the receiver's.
        let effect = if leaf == m.from { m.amount } else { -m.amount };
        if d[leaf] == effect {
            paid[k] = true;
            d[m.from] -= m.amount;
            d[m.to] += m.amount;
        } else if d[leaf] != 0 {
            return None;
        }
        decided[k] = true;
        for end in [m.from, m.to] {
            degree[end] -= 1;
            if degree[end] == 1 {
                leaves.push(end);
            }
        }
    }
    if decided.iter().any(|x| !x) || d.iter().any(|x| *x != 0) {
        return None; // a cycle, or the balances changed some other way
    }
    let unpaid: Vec<Move> = previous
        .iter()
        .zip(&paid)
        .filter(|(_, p)| !**p)
        .map(|(m, _)| *m)
        .collect();
    // Only from a debtor to a creditor. The unpaid transfers settle `nets` exactly, so each one
    // then also fits: its payer owes, and its receiver is owed, at least its amount.
    if unpaid.iter().any(|m| nets[m.from] >= 0 || nets[m.to] <= 0) {
        return None;
    }
    Some(unpaid)
}

/// Keeps, in order, each earlier suggestion that still fits: its payer still owes and its
/// receiver is still owed at least its amount, after the suggestions kept before it. The kept
/// ones are applied to `nets`, which then holds what is left to settle.
///
/// A kept suggestion therefore always goes from a member who owes to one who is owed, and never
/// beyond what either has left, so the total moved stays the sum of the debts. Two kept
/// suggestions may name the same pair; [`merge`] joins them.
pub(crate) fn keep_previous(nets: &mut [i128], previous: &[Move]) -> Vec<Move> {
    previous
        .iter()
        .copied()
        .filter(|m| {
            let fits = m.amount > 0 && m.from != m.to && nets[m.from] <= -m.amount && nets[m.to] >= m.amount;
            if fits {
                nets[m.from] += m.amount;
                nets[m.to] -= m.amount;
            }
            fits
        })
        .collect()
}

/// Joins the transfers that name the same (payer, receiver) pair into one, their amounts added,
/// at the place of the first; the order is otherwise kept.
pub(crate) fn merge(moves: Vec<Move>) -> Vec<Move> {
    let mut order: Vec<usize> = (0..moves.len()).collect();
    order.sort_by_key(|k| (moves[*k].from, moves[*k].to, *k));
    let mut out = moves.clone();
    let mut gone = vec![false; moves.len()];
    let mut first: Option<usize> = None;
    for k in order {
        match first {
            Some(f) if moves[f].from == moves[k].from && moves[f].to == moves[k].to => {
                out[f].amount += moves[k].amount;
                gone[k] = true;
            }
            _ => first = Some(k),
        }
    }
    out.into_iter()
        .zip(gone)
        .filter(|(_, g)| !g)
        .map(|(m, _)| m)
        .collect()
}

/// The balances that `moves` settle exactly: those of the members when the moves were
/// suggested, if they are a settlement. `None` on overflow.
pub(crate) fn settled_by(len: usize, moves: &[Move]) -> Option<Vec<i128>> {
    let mut nets = vec![0i128; len];
    for m in moves {
        nets[m.from] = nets[m.from].checked_sub(m.amount)?;
        nets[m.to] = nets[m.to].checked_add(m.amount)?;
    }
    Some(nets)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies the moves as payments and checks that everyone ends at zero.
    pub(crate) fn settles(nets: &[i128], moves: &[Move]) -> bool {
        let mut left = nets.to_vec();
        for m in moves {
            if m.amount <= 0 {
                return false;
            }
            left[m.from] += m.amount;
            left[m.to] -= m.amount;
        }
        left.iter().all(|x| *x == 0)
    }

    #[test]
    fn greedy_counterexample_is_beaten() {
        // Debtors 10, 3, 3; creditors 6, 5, 5: greedy needs 5, the optimum is 4.
        let nets = [-1000, -300, -300, 600, 500, 500];
        let g = greedy(&nets);
        assert!(settles(&nets, &g.moves));
        assert_eq!(g.moves.len(), 5);
        let m = minimal(&nets, DEFAULT_EXACT_LIMIT);
        assert!(settles(&nets, &m.moves));
        assert_eq!(m.moves.len(), 4);
        assert!(m.optimal);
    }

    #[test]
    fn the_paid_suggestions_are_told_apart_from_the_unpaid() {
        // a -10, e -5, b +10, c +5 settled by a->b 5, a->c 5, e->b 5; then a->b is paid. Fitting
        // in order would keep a->b (a still owes 5, b is still owed 5); peeling the forest finds
        // that a->b is the paid one.
        let (a, b, c, e) = (0, 1, 2, 3);
        let previous = [
            Move {
                from: a,
                to: b,
                amount: 5,
            },
            Move {
                from: a,
                to: c,
                amount: 5,
            },
            Move {
                from: e,
                to: b,
                amount: 5,
            },
        ];
        let mut nets = vec![-5, 5, 5, -5];
        assert_eq!(unpaid(&nets, &previous), Some(vec![previous[1], previous[2]]));
        // Fitting in order would have kept the paid one (and then nothing else).
        assert_eq!(keep_previous(&mut nets, &previous), vec![previous[0]]);
        assert_eq!(nets, vec![0, 0, 5, -5]);
    }

    #[test]
    fn the_unpaid_are_not_kept_when_they_pass_money_through_a_debtor() {
        // Issue 13, item 5: a +6, b -3, c -3 with c->b 3 then b->a 6. The list settles the
        // balances exactly, but b owes and would receive: 9 would move instead of 6.
        let (a, b, c) = (0, 1, 2);
        let previous = [
            Move {
                from: c,
                to: b,
                amount: 3,
            },
            Move {
                from: b,
                to: a,
                amount: 6,
            },
        ];
        let mut nets = vec![6, -3, -3];
        assert_eq!(unpaid(&nets, &previous), None);
        // Neither fits either: b is no creditor, and b owes 3, not 6.
        assert_eq!(keep_previous(&mut nets, &previous), vec![]);
        assert_eq!(nets, vec![6, -3, -3]);
    }

    #[test]
    fn two_transfers_for_one_pair_are_joined() {
        let m = |from, to, amount| Move { from, to, amount };
        assert_eq!(
            merge(vec![m(1, 0, 2), m(2, 0, 2), m(1, 0, 3), m(2, 1, 1)]),
            vec![m(1, 0, 5), m(2, 0, 2), m(2, 1, 1)]
        );
        assert_eq!(settled_by(3, &[m(1, 0, 5), m(2, 0, 2)]), Some(vec![7, -5, -2]));
    }

    #[test]
    fn previous_suggestions_that_fit_are_kept() {
        let mut nets = vec![-500, 200, 300];
        let prev = [
            Move {
                from: 0,
                to: 2,
                amount: 300,
            },
            Move {
                from: 0,
                to: 1,
                amount: 999,
            },
        ];
        let kept = keep_previous(&mut nets, &prev);
        assert_eq!(kept, vec![prev[0]]);
        assert_eq!(nets, vec![-200, 200, 0]);
    }
}
