//! `minimal`: the fewest transfers.
//!
//! The fewest transfers for n non-zero balances is n - k, where k is the largest number of
//! disjoint groups of balances that each add up to zero (each group settles among itself with
//! one transfer fewer than its size). Safe reductions come first: zeros are dropped, and a debt
//! of x facing a credit of exactly x is always a group of its own in some optimum. What is left
//! is solved exactly by a subset search when it has at most `exact_limit` balances; above that,
//! greedy settles it and `optimal` is true only if the count meets the lower bound.

use std::collections::{BTreeMap, VecDeque};

use super::greedy::greedy_moves;
use super::{lower_bound, Move, Settlement};

/// The fewest transfers, proven optimal when at most `exact_limit` balances are left after the
/// safe reductions.
///
/// # Example
/// ```
/// use splitter_core::settle::{minimal, DEFAULT_EXACT_LIMIT};
/// // Debtors 10, 3, 3 and creditors 6, 5, 5: greedy needs 5 transfers, the optimum is 4.
/// let s = minimal(&[-10, -3, -3, 6, 5, 5], DEFAULT_EXACT_LIMIT);
/// assert_eq!(s.moves.len(), 4);
/// assert!(s.optimal);
/// ```
pub fn minimal(nets: &[i128], exact_limit: usize) -> Settlement {
    let (mut moves, rest) = match_pairs(nets);
    let groups = if rest.len() <= exact_limit {
        zero_sum_groups(nets, &rest)
    } else {
        None
    };
    let optimal = match groups {
        Some(groups) => {
            for g in groups {
                moves.extend(greedy_moves(nets, &g));
            }
            true
        }
        None => {
            moves.extend(greedy_moves(nets, &rest));
            moves.len() == lower_bound(nets)
        }
    };
    Settlement { moves, optimal }
}

/// Pairs every debt with a credit of exactly the same size (lowest positions first); returns
/// those transfers and the positions left.
fn match_pairs(nets: &[i128]) -> (Vec<Move>, Vec<usize>) {
    let mut creditors: BTreeMap<i128, VecDeque<usize>> = BTreeMap::new();
    for (i, n) in nets.iter().enumerate() {
        if *n > 0 {
            creditors.entry(*n).or_default().push_back(i);
        }
    }
    let mut moves = Vec::new();
    let mut paired = vec![false; nets.len()];
    for (i, n) in nets.iter().enumerate() {
        if *n < 0 {
            if let Some(to) = creditors.get_mut(&-n).and_then(VecDeque::pop_front) {
                moves.push(Move {
                    from: i,
                    to,
                    amount: -n,
                });
                paired[i] = true;
                paired[to] = true;
            }
        }
    }
    let rest = (0..nets.len()).filter(|i| nets[*i] != 0 && !paired[*i]).collect();
    (moves, rest)
}

/// The most zero-sum groups the positions `among` can be cut into, by dynamic programming over
/// subsets: best[S] = [sum(S) = 0] + max over i in S of best[S - i]. `None` if a subset sum
/// does not fit in 64 bits (the caller then falls back to greedy).
fn zero_sum_groups(nets: &[i128], among: &[usize]) -> Option<Vec<Vec<usize>>> {
    let n = among.len();
    if n == 0 {
        return Some(Vec::new());
    }
    let values: Vec<i64> = among
        .iter()
        .map(|i| i64::try_from(nets[*i]).ok())
        .collect::<Option<_>>()?;
    let total_abs: i128 = values.iter().map(|v| i128::from(*v).abs()).sum();
    if total_abs > i128::from(i64::MAX) {
        return None;
    }
    let size = 1usize << n;
    let mut sums = vec![0i64; size];
    let mut best = vec![0u8; size];
    for mask in 1..size {
        let low = mask.trailing_zeros() as usize;
        sums[mask] = sums[mask & (mask - 1)] + values[low];
        let mut b = 0;
        let mut rest = mask;
        while rest != 0 {
            let bit = rest & rest.wrapping_neg();
            b = b.max(best[mask ^ bit]);
            rest ^= bit;
        }
        best[mask] = b + u8::from(sums[mask] == 0);
    }
    // Walk back from the full set; the members removed between two zero-sum sets form a group.
    let mut groups = Vec::new();
    let mut current = Vec::new();
    let mut mask = size - 1;
    while mask != 0 {
        if sums[mask] == 0 && !current.is_empty() {
            groups.push(std::mem::take(&mut current));
        }
        let z = u8::from(sums[mask] == 0);
        let i = (0..n)
            .find(|i| mask & (1 << i) != 0 && best[mask ^ (1 << i)] + z == best[mask])
            .unwrap_or_else(|| mask.trailing_zeros() as usize);
        current.push(among[i]);
        mask ^= 1 << i;
    }
    groups.push(current);
    Some(groups)
}
