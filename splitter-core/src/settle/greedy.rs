//! Largest debtor pays largest creditor, again and again: what the peers do.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{lower_bound, Move, Settlement};

/// Settles by always matching the largest debtor with the largest creditor (ties: lower
/// position first). At most n - 1 transfers; `optimal` only when the count meets the lower bound.
///
/// `nets` are in minor units and must add up to zero. Time O(n log n); for the fewest transfers
/// use [`super::minimal`].
///
/// # Example
/// ```
/// use splitter_core::settle::{greedy, Move};
///
/// let s = greedy(&[-10, -3, -3, 6, 5, 5]);
/// // The largest debt (10) first goes to the largest credit (6), then to a 5.
/// assert_eq!(s.moves[..2], [Move { from: 0, to: 3, amount: 6 }, Move { from: 0, to: 4, amount: 4 }]);
/// assert_eq!(s.moves.len(), 5); // minimal needs 4
/// assert!(!s.optimal);
/// ```
pub fn greedy(nets: &[i128]) -> Settlement {
    let moves = greedy_moves(nets, &(0..nets.len()).collect::<Vec<_>>());
    let optimal = moves.len() == lower_bound(nets);
    Settlement { moves, optimal }
}

/// Greedy over the positions `among` only (which must add up to zero).
pub(crate) fn greedy_moves(nets: &[i128], among: &[usize]) -> Vec<Move> {
    let mut debtors = BinaryHeap::new();
    let mut creditors = BinaryHeap::new();
    for &i in among {
        match nets[i] {
            n if n < 0 => debtors.push((-n, Reverse(i))),
            n if n > 0 => creditors.push((n, Reverse(i))),
            _ => {}
        }
    }
    let mut moves = Vec::new();
    while let (Some((d, Reverse(from))), Some((c, Reverse(to)))) = (debtors.pop(), creditors.pop()) {
        let amount = d.min(c);
        moves.push(Move { from, to, amount });
        if d > amount {
            debtors.push((d - amount, Reverse(from)));
        }
        if c > amount {
            creditors.push((c - amount, Reverse(to)));
        }
    }
    moves
}
