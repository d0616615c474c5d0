//! Largest debtor pays largest creditor, again and again: what the peers do.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{lower_bound, Move, Settlement};

/// Settles by always matching the largest debtor with the largest creditor (ties: lower
/// position first). At most n - 1 transfers; `optimal` only when the count meets the lower bound.
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
