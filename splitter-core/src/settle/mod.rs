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

/// Keeps the earlier suggestions that still fit, in their order: each one whose payer still owes
/// at least its amount and whose receiver is still owed at least as much. They are applied to
/// `nets`, which then holds what is left to settle.
pub(crate) fn keep_previous(nets: &mut [i128], previous: &[Move]) -> Vec<Move> {
    let mut kept = Vec::new();
    for m in previous {
        let fits = m.amount > 0 && m.from != m.to && nets[m.from] <= -m.amount && nets[m.to] >= m.amount;
        if fits {
            nets[m.from] += m.amount;
            nets[m.to] -= m.amount;
            kept.push(*m);
        }
    }
    kept
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
