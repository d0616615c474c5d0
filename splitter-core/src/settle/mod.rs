//! Settlement: from net balances to suggested transfers.
//!
//! Every function here works on a list of nets (`paid - owed`, in minor units, adding up to zero)
//! whose positions are the tie-break order: the caller lists members in a canonical order (by id)
//! so that the result does not depend on the order the input lists them in.
//!
//! Every method moves money only from members who owe (negative net) to members who are owed
//! (positive net), so the total amount moved is always the minimum possible: the sum of what the
//! debtors owe.

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
pub const DEFAULT_EXACT_LIMIT: usize = 24;

/// The largest `exact_limit` accepted: the subset DP that backs the search needs 17 bytes per
/// subset, 2^24 subsets at 24.
pub const MAX_EXACT_LIMIT: usize = 24;

/// A transfer between two positions of a list of nets: `from` pays `to` the `amount` (> 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Move {
    /// The payer's position.
    pub from: usize,
    /// The receiver's position.
    pub to: usize,
    /// Minor units, > 0.
    pub amount: i128,
}

/// Suggested transfers and whether their number is proven to be the minimum.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settlement {
    /// The transfers.
    pub moves: Vec<Move>,
    /// True when no settlement with fewer transfers exists.
    pub optimal: bool,
}

/// A lower bound on the number of transfers: each group of balances that settles among itself
/// needs at least one debtor and one creditor, so there are at most min(debtors, creditors)
/// groups, and at least n - min(...) = max(debtors, creditors) transfers.
pub fn lower_bound(nets: &[i128]) -> usize {
    let debtors = nets.iter().filter(|n| **n < 0).count();
    let creditors = nets.iter().filter(|n| **n > 0).count();
    debtors.max(creditors)
}

/// Keeps the earlier suggestions that are still to be paid; they are applied to `nets`, which
/// then holds what is left to settle.
///
/// `previous` lists every earlier suggestion, paid or not. If the balances changed only by paying
/// some of them, the paid ones are exactly a subset whose effect equals what `nets` lacks for the
/// whole list to settle it; suggestions form a forest, where that subset is unique and found by
/// peeling leaves. Failing that (a cycle, or balances that changed some other way), each
/// suggestion is kept, in order, if its payer still owes and its receiver is still owed at least
/// its amount.
pub(crate) fn keep_previous(nets: &mut [i128], previous: &[Move]) -> Vec<Move> {
    let kept = match unpaid(nets, previous) {
        Some(unpaid) => unpaid,
        None => previous
            .iter()
            .copied()
            .filter(|m| {
                let fits =
                    m.amount > 0 && m.from != m.to && nets[m.from] <= -m.amount && nets[m.to] >= m.amount;
                if fits {
                    nets[m.from] += m.amount;
                    nets[m.to] -= m.amount;
                }
                fits
            })
            .collect(),
    };
    kept
}

/// The suggestions not yet paid, applied to `nets`, when the balances differ from what the whole
/// list settles by exactly some of its transfers forming a forest; `None` otherwise.
fn unpaid(nets: &mut [i128], previous: &[Move]) -> Option<Vec<Move>> {
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
    for m in &unpaid {
        nets[m.from] += m.amount;
        nets[m.to] -= m.amount;
    }
    Some(unpaid)
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
        let kept = keep_previous(&mut nets, &previous);
        assert_eq!(kept, vec![previous[1], previous[2]]);
        assert_eq!(nets, vec![0, 0, 0, 0]);
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
