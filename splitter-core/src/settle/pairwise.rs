//! `pairwise`: no simplification. Who owes whom follows who paid for whom, netted per pair on a
//! debt graph (petgraph).
//!
//! With one payer, each member owes the payer their part. With several payers, each member's
//! part is owed to the payers pro rata to what they paid: the exact amount part x paid / total
//! is rounded to its floor or ceiling so that every member's debts add up to their part and every
//! payer's claims add up to what they paid (a small matrix rounding, solved as a bipartite
//! matching). A payment `from -> to` counts as `to` owing `from`.

use std::hash::{BuildHasherDefault, DefaultHasher};

use petgraph::graphmap::GraphMap;
use petgraph::Directed;

use super::Move;
use crate::cancel::Cancel;
use crate::ledger::Entry;

/// Why pairwise debts could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A debt past 128 bits.
    Overflow,
    /// An expense whose members × payers exceed [`MAX_CELLS`].
    TooLarge,
    /// The caller raised the cancel flag.
    Cancelled,
}
use Failure::Overflow;

/// The most member × payer debts one expense may create under `pairwise` (each member owes each
/// payer a part): beyond that the debts themselves would not fit in memory.
pub const MAX_CELLS: usize = 4_000_000;

/// Who owes whom: an edge a -> b weighs what a owes b. Always netted: at most one direction per
/// pair. Nodes are member positions; the hasher has fixed keys (no randomness from the OS).
type DebtGraph = GraphMap<usize, i128, Directed, BuildHasherDefault<DefaultHasher>>;

/// Records that `debtor` owes `creditor` `amount` more (a negative amount: the other way),
/// netting it against what `creditor` already owes `debtor`.
fn owe(g: &mut DebtGraph, debtor: usize, creditor: usize, amount: i128) -> Result<(), Failure> {
    if amount < 0 {
        return owe(g, creditor, debtor, amount.checked_neg().ok_or(Overflow)?);
    }
    if debtor == creditor || amount == 0 {
        return Ok(());
    }
    let mut amount = amount;
    if let Some(back) = g.edge_weight_mut(creditor, debtor) {
        if *back > amount {
            *back -= amount;
            return Ok(());
        }
        amount -= *back;
        g.remove_edge(creditor, debtor);
    }
    if amount > 0 {
        match g.edge_weight_mut(debtor, creditor) {
            Some(w) => *w = w.checked_add(amount).ok_or(Overflow)?,
            None => {
                g.add_edge(debtor, creditor, amount);
            }
        }
    }
    Ok(())
}

/// The netted pairwise debts of `entries`. `rank[i]` is member i's canonical position, used to
/// order rows and columns so that the rounding does not depend on input order.
pub(crate) fn pairwise<'e>(
    entries: impl Iterator<Item = &'e Entry>,
    rank: &[usize],
    cancel: Cancel<'_>,
) -> Result<Vec<Move>, Failure> {
    let mut g = DebtGraph::with_capacity(rank.len(), 0);
    for e in entries {
        if cancel.raised() {
            return Err(Failure::Cancelled);
        }
        if let [(payer, _)] = e.paid.as_slice() {
            for (member, part) in &e.owed {
                owe(&mut g, *member, *payer, *part)?;
            }
            continue;
        }
        if e.owed.len().saturating_mul(e.paid.len()) > MAX_CELLS {
            return Err(Failure::TooLarge);
        }
        let mut rows = e.owed.clone();
        let mut cols = e.paid.clone();
        rows.sort_by_key(|(m, _)| rank[*m]);
        cols.sort_by_key(|(m, _)| rank[*m]);
        let matrix = round_matrix(
            &rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            &cols.iter().map(|c| c.1).collect::<Vec<_>>(),
            cancel,
        )?;
        for (r, row) in rows.iter().zip(matrix) {
            for (c, amount) in cols.iter().zip(row) {
                owe(&mut g, r.0, c.0, amount)?;
            }
        }
    }
    let mut moves: Vec<Move> = g
        .all_edges()
        .map(|(from, to, amount)| Move {
            from,
            to,
            amount: *amount,
        })
        .collect();
    moves.sort_by_key(|m| (rank[m.from], rank[m.to]));
    Ok(moves)
}

/// Rounds the matrix rows[j] * cols[i] / total (where rows and cols both add up to total != 0)
/// to integers, each the floor or ceiling of its exact value, with exact row and column sums.
fn round_matrix(rows: &[i128], cols: &[i128], cancel: Cancel<'_>) -> Result<Vec<Vec<i128>>, Failure> {
    let total: i128 = rows
        .iter()
        .try_fold(0i128, |s, r| s.checked_add(*r))
        .ok_or(Overflow)?;
    if total == 0 {
        return Ok(vec![vec![0; cols.len()]; rows.len()]);
    }
    if total < 0 {
        let neg = |v: &[i128]| v.iter().map(|x| -x).collect::<Vec<_>>();
        let m = round_matrix(&neg(rows), &neg(cols), cancel)?;
        return Ok(m
            .into_iter()
            .map(|r| r.into_iter().map(|x| -x).collect())
            .collect());
    }
    let mut floor = vec![vec![0i128; cols.len()]; rows.len()];
    let mut rem = vec![vec![0i128; cols.len()]; rows.len()];
    for (j, r) in rows.iter().enumerate() {
        for (i, c) in cols.iter().enumerate() {
            let n = r.checked_mul(*c).ok_or(Overflow)?;
            floor[j][i] = n.div_euclid(total);
            rem[j][i] = n.rem_euclid(total);
        }
    }
    // Each row and column is short of its sum by a whole number of units (< its length): hand
    // them out as a bipartite b-matching over the cells with a remainder, largest remainders
    // tried first. A solution exists because rem / total is a fractional one.
    let need_row: Vec<usize> = rows
        .iter()
        .zip(&floor)
        .map(|(r, f)| usize::try_from(r - f.iter().sum::<i128>()).unwrap_or(0))
        .collect();
    let mut spare_col: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| usize::try_from(c - floor.iter().map(|f| f[i]).sum::<i128>()).unwrap_or(0))
        .collect();
    let prefs: Vec<Vec<usize>> = rem
        .iter()
        .map(|r| {
            let mut cols: Vec<usize> = (0..r.len()).filter(|i| r[*i] > 0).collect();
            cols.sort_by(|a, b| r[*b].cmp(&r[*a]).then(a.cmp(b)));
            cols
        })
        .collect();
    let mut taken = vec![vec![false; cols.len()]; rows.len()];
    for (j, need) in need_row.iter().enumerate() {
        for _ in 0..*need {
            if cancel.raised() {
                return Err(Failure::Cancelled);
            }
            let mut seen = vec![false; cols.len()];
            augment(j, &prefs, &mut taken, &mut spare_col, &mut seen);
        }
    }
    for (j, row) in floor.iter_mut().enumerate() {
        for (i, cell) in row.iter_mut().enumerate() {
            *cell += i128::from(taken[j][i]);
        }
    }
    Ok(floor)
}

/// Kuhn's augmenting path for one more unit of row `j`.
fn augment(
    j: usize,
    prefs: &[Vec<usize>],
    taken: &mut [Vec<bool>],
    spare: &mut [usize],
    seen: &mut [bool],
) -> bool {
    for &i in &prefs[j] {
        if taken[j][i] || seen[i] {
            continue;
        }
        seen[i] = true;
        if spare[i] > 0 {
            spare[i] -= 1;
            taken[j][i] = true;
            return true;
        }
        for k in 0..taken.len() {
            if taken[k][i] && augment(k, prefs, taken, spare, seen) {
                // k moved to another column; j takes k's place in column i.
                taken[k][i] = false;
                taken[j][i] = true;
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_rounding_keeps_both_sums() {
        let rows = [3334, 3333, 3333];
        let cols = [7001, 2999];
        let m = round_matrix(&rows, &cols, Cancel::never()).unwrap();
        for (j, r) in rows.iter().enumerate() {
            assert_eq!(m[j].iter().sum::<i128>(), *r);
        }
        for (i, c) in cols.iter().enumerate() {
            assert_eq!(m.iter().map(|r| r[i]).sum::<i128>(), *c);
        }
    }
}
