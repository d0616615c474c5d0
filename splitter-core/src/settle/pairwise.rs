//! `pairwise`: no simplification. Who owes whom follows who paid for whom, netted per pair.
//!
//! With one payer, each member owes the payer their part. A payment `from -> to` counts as `to`
//! owing `from`. With several payers, member i owes payer j exactly `part_i x paid_j / total`;
//! within the expense the two debts of a pair (a member can share and pay) are netted exactly,
//! and only then rounded: each netted debt becomes the floor or the ceiling of its exact value
//! (so a pair whose exact net is whole, zero in particular, gets exactly that) while every
//! member's debts in the expense still add up to exactly what they paid minus their part.
//!
//! That rounding is a flow rounding. The fractional parts of one expense's netted debts share the
//! denominator `total`, so they are integers in `0..total` (remainders), and at every member they
//! add up (with signs) to a multiple of `total`. Cycle cancelling makes them all 0 or `total`:
//! around a cycle of debts with a remainder, push the smaller of the two amounts (one per
//! direction) that make one of its debts whole; every member's sum is kept and at least one debt
//! is settled. When no cycle is left, the debts with a remainder form a forest, and a forest has
//! none: a leaf would have a single remainder strictly between 0 and `total` adding up to a
//! multiple of `total`. [`Rounding::round`] finds the cycles block by block, then in what is
//! left; [`Forest::reduce`] is the walk that finds them. Members are taken in canonical order
//! (`rank`) and every choice is fixed, so the input's order changes nothing.
//!
//! The rounded debts of all expenses and payments are then added up per pair and netted. Across
//! expenses nothing is rounded any more: each expense's debts are whole minor units already.

use std::ops::{Add, Sub};

use super::Move;
use crate::cancel::Cancel;
use crate::ledger::Entry;

/// Why pairwise debts could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A debt past 128 bits (or an expense total past 96 bits, which valid input never has).
    Overflow,
    /// An expense whose members × payers exceed [`MAX_CELLS`].
    TooLarge,
    /// The caller raised the cancel flag.
    Cancelled,
}
use Failure::Overflow;

/// The most member × payer debts one expense may create under `pairwise` (each member owes each
/// payer a part), 1,000 x 1,000 say. Computing a group at the bound takes about a third of a
/// second (the `pairwise` benchmark of `benches/benches/settle.rs`); the bound is on memory and
/// output: the netted debts of one expense are held at once, about 40 bytes each, and each may
/// become a transfer of the report (at 4,000,000, a report of that many transfers took 1.2 s and
/// 750 MB to build).
///
/// # Example
/// ```
/// use splitter_core::settle::MAX_PAIRWISE_CELLS;
/// use splitter_core::{compute, Decimal, ErrorCode, Expense, Group, Member, Options, PaidBy, Part,
///                     SettleMethod, Split};
///
/// // 1,001 members share 20.00 that 1,000 of them paid: 1,001 x 1,000 debts.
/// let ids: Vec<String> = (0..1001).map(|i| format!("m{i}")).collect();
/// let payers = ids[..1000].iter().map(|id| Part::new(id.as_str(), Decimal::new(2, 2))).collect();
/// let group = Group {
///     currency: "EUR".into(),
///     members: ids.iter().map(Member::new).collect(),
///     expenses: vec![Expense::new("e1", Decimal::new(2000, 2), PaidBy::Several(payers),
///                                 Split::Equal { members: None })],
///     options: Options { settle: SettleMethod::Pairwise, ..Options::default() },
///     ..Group::default()
/// };
/// assert!(group.cost().pairwise_cells > MAX_PAIRWISE_CELLS);
/// let err = compute(&group).unwrap_err();
/// assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidOption, "options.settle"));
/// ```
pub const MAX_CELLS: usize = 1_000_000;

/// How often (in steps of the long loops) the cancel flag is read.
const CANCEL_EVERY: u32 = 1 << 14;

/// Counts the steps of the long loops, and reads the cancel flag every [`CANCEL_EVERY`] steps.
struct Steps<'c> {
    cancel: Cancel<'c>,
    count: u32,
}

impl Steps<'_> {
    fn tick(&mut self) -> Result<(), Failure> {
        self.count = self.count.wrapping_add(1);
        if self.count % CANCEL_EVERY == 0 && self.cancel.raised() {
            return Err(Failure::Cancelled);
        }
        Ok(())
    }
}

/// The netted pairwise debts of `entries`. `rank[i]` is member i's canonical position: members
/// are ordered by it before any rounding choice, so that the result does not depend on input
/// order. The transfers come out sorted by (`rank[from]`, `rank[to]`).
pub(crate) fn pairwise<'e>(
    entries: impl Iterator<Item = &'e Entry>,
    rank: &[usize],
    cancel: Cancel<'_>,
) -> Result<Vec<Move>, Failure> {
    let mut debts = Debts::default();
    let mut rounding = Rounding::default();
    for e in entries {
        if cancel.raised() {
            return Err(Failure::Cancelled);
        }
        if let [(payer, _)] = e.paid.as_slice() {
            for (member, part) in &e.owed {
                debts.owe(rank[*member], rank[*payer], *part)?;
            }
            continue;
        }
        if e.owed.len().saturating_mul(e.paid.len()) > MAX_CELLS {
            return Err(Failure::TooLarge);
        }
        rounding.expense(e, rank, cancel, &mut debts)?;
    }
    drop(rounding);
    debts.into_moves(rank)
}

/// Debts between members, by canonical rank, added up per pair: `lo` owes `hi` `amount` (a
/// negative amount: `hi` owes `lo`). Kept as a list that is sorted and merged whenever it has
/// doubled since the last merge, so its length stays within twice the number of distinct pairs
/// plus one expense's debts, and nothing is hashed.
#[derive(Default)]
struct Debts {
    list: Vec<Debt>,
    /// Merge again once the list is this long.
    merge_at: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Debt {
    lo: usize,
    hi: usize,
    amount: i128,
}

/// The list is not merged before it holds this many debts.
const MERGE_AT_LEAST: usize = 1 << 16;

impl Debts {
    /// Records that `debtor` owes `creditor` `amount` more (ranks; a negative amount: the other
    /// way round).
    fn owe(&mut self, debtor: usize, creditor: usize, amount: i128) -> Result<(), Failure> {
        if debtor == creditor || amount == 0 {
            return Ok(());
        }
        let debt = if debtor < creditor {
            Debt {
                lo: debtor,
                hi: creditor,
                amount,
            }
        } else {
            Debt {
                lo: creditor,
                hi: debtor,
                amount: amount.checked_neg().ok_or(Overflow)?,
            }
        };
        self.list.push(debt);
        self.merge_if_grown()
    }

    /// Merges if the list has doubled since the last merge.
    fn merge_if_grown(&mut self) -> Result<(), Failure> {
        if self.list.len() >= self.merge_at.max(MERGE_AT_LEAST) {
            self.merge()?;
        }
        Ok(())
    }

    /// Sorts by pair (not at all if sorted already, as one expense's debts are; stable, so that
    /// sorted runs merge in linear time), adds up each pair's amounts, and drops the pairs that
    /// come to zero.
    fn merge(&mut self) -> Result<(), Failure> {
        if !self.list.is_sorted_by_key(|d| (d.lo, d.hi)) {
            self.list.sort_by_key(|d| (d.lo, d.hi));
        }
        let mut kept: usize = 0;
        for k in 0..self.list.len() {
            let d = self.list[k];
            match kept.checked_sub(1) {
                Some(last) if (self.list[last].lo, self.list[last].hi) == (d.lo, d.hi) => {
                    let sum = self.list[last].amount.checked_add(d.amount).ok_or(Overflow)?;
                    self.list[last].amount = sum;
                    if sum == 0 {
                        kept = last;
                    }
                }
                _ => {
                    self.list[kept] = d;
                    kept += 1;
                }
            }
        }
        self.list.truncate(kept);
        self.merge_at = kept.saturating_mul(2);
        Ok(())
    }

    /// The netted debts as transfers between member positions, sorted by (`rank[from]`,
    /// `rank[to]`) without sorting again: each member's transfers to lower ranks (pairs where it
    /// is `hi`) come first, in the order of the merged list, then those to higher ranks.
    fn into_moves(mut self, rank: &[usize]) -> Result<Vec<Move>, Failure> {
        self.merge()?;
        let n = rank.len();
        let mut member = vec![0; n];
        for (i, r) in rank.iter().enumerate() {
            member[*r] = i;
        }
        // down[r]: where r's next transfer to a lower rank goes; up[r]: to a higher rank.
        let (mut down, mut up) = (vec![0usize; n + 1], vec![0usize; n]);
        for d in &self.list {
            if d.amount > 0 {
                up[d.lo] += 1;
            } else {
                down[d.hi + 1] += 1;
            }
        }
        for r in 0..n {
            // down[r + 1] counts r's transfers down; up[r] counts r's transfers up.
            let (ups, downs) = (up[r], down[r + 1]);
            up[r] = down[r] + downs;
            down[r + 1] = up[r] + ups;
        }
        // Now down[r] is where r's transfers begin (the downward ones first).
        let mut moves = vec![
            Move {
                from: 0,
                to: 0,
                amount: 0
            };
            self.list.len()
        ];
        for d in &self.list {
            let (from, to, at) = if d.amount > 0 {
                (d.lo, d.hi, &mut up[d.lo])
            } else {
                (d.hi, d.lo, &mut down[d.hi])
            };
            moves[*at] = Move {
                from: member[from],
                to: member[to],
                amount: d.amount.checked_abs().ok_or(Overflow)?,
            };
            *at += 1;
        }
        Ok(moves)
    }
}

/// Exact division by one expense's total `t` (`0 < t < 2^96`) of products of two remainders
/// (both `< t`): `a x b = q x t + r`, with 192-bit intermediates where they are needed.
#[derive(Debug, Clone, Copy, Default)]
struct Divisor {
    t: u128,
    /// `t <= 2^64`: products fit 128 bits and a per-factor reciprocal replaces the division.
    small: bool,
}

impl Divisor {
    fn new(t: u128) -> Divisor {
        Divisor {
            t,
            small: t <= 1 << 64,
        }
    }

    /// `floor(a x 2^64 / t)` for `a < t` when `t` is small (it is then `< 2^64`); 0 otherwise.
    fn reciprocal(self, a: u128) -> u128 {
        if self.small {
            (a << 64) / self.t
        } else {
            0
        }
    }

    /// `(a x b / t, a x b mod t)` for `a, b < t`; `ra` is [`Divisor::reciprocal`] of `a`.
    fn mul_div(self, a: u128, ra: u128, b: u128) -> (u128, u128) {
        if self.small {
            // a, b, ra < 2^64. ra x b / 2^64 is within one below a x b / t: ra > a 2^64 / t - 1
            // and b < 2^64.
            let n = a * b;
            let mut q = (ra * b) >> 64;
            let mut r = n - q * self.t;
            if r >= self.t {
                r -= self.t;
                q += 1;
            }
            (q, r)
        } else {
            wide_mul_div(a, b, self.t)
        }
    }
}

/// `(a x b / t, a x b mod t)` for `a, b < t <= 2^96`: the 192-bit product divided in 32-bit
/// digits (each partial remainder is `< t`, so shifted by 32 bits it still fits 128).
fn wide_mul_div(a: u128, b: u128, t: u128) -> (u128, u128) {
    const LOW: u128 = (1 << 64) - 1;
    let (a1, a0, b1, b0) = (a >> 64, a & LOW, b >> 64, b & LOW);
    let low = a0 * b0;
    // The product's bits from 64 on (under 2^128 because the product is under 2^192).
    let high = ((a1 * b1) << 64) + a1 * b0 + a0 * b1 + (low >> 64);
    let digits = [high >> 96, high >> 64, high >> 32, high, (low & LOW) >> 32, low];
    let (mut q, mut r) = (0u128, 0u128);
    for d in digits {
        let cur = (r << 32) | (d & 0xFFFF_FFFF);
        let qd = cur / t;
        r = cur - qd * t;
        q = (q << 32) | qd;
    }
    (q, r)
}

/// One member of a multi-payer expense: their part and what they paid, each split into a
/// multiple of the total and a remainder (`x = whole x total + rem`, `0 <= rem < total`).
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    rank: usize,
    part: i128,
    paid: i128,
    part_whole: i128,
    part_rem: u128,
    part_rem_reciprocal: u128,
    paid_whole: i128,
    paid_rem: u128,
}

/// Buffers for rounding one expense, reused across expenses.
#[derive(Default)]
struct Rounding {
    /// The expense's members (sharers and payers) in canonical order.
    nodes: Vec<Node>,
    /// Positions in `nodes` of those with a non-zero part, and of those who paid, ascending.
    sharers: Vec<u32>,
    payers: Vec<u32>,
    divisor: Divisor,
    /// Every pair's netted debt, sorted by ends: ends (positions in `nodes`, `a < b`, `a` owing
    /// `b`), the whole part (floor) of the exact debt, and the remainder, which cycle
    /// cancelling moves until it is 0 or the total (the debt is then the floor or the ceiling).
    ends: Vec<[u32; 2]>,
    floor: Vec<i128>,
    rem: Vec<u128>,
    /// `ends[first[a]..first[a + 1]]` are the debts whose first end is `a`; `cursor[a]` is how
    /// far the blocks have got through them.
    first: Vec<u32>,
    cursor: Vec<u32>,
    /// One subgraph at a time: its debts (indices into `ends`), their ends renumbered, their
    /// remainders (in 64 bits when the total fits).
    sub_debts: Vec<u32>,
    sub_ends: Vec<[u32; 2]>,
    sub_rem64: Vec<u64>,
    sub_rem128: Vec<u128>,
    forest: Forest,
}

impl Rounding {
    /// Rounds one expense with several payers and adds its debts to `debts`.
    fn expense(
        &mut self,
        e: &Entry,
        rank: &[usize],
        cancel: Cancel<'_>,
        debts: &mut Debts,
    ) -> Result<(), Failure> {
        let Some(negated) = self.load(e, rank)? else {
            return Ok(());
        };
        let mut steps = Steps { cancel, count: 0 };
        self.pairs(&mut steps)?;
        if u64::try_from(self.divisor.t).is_ok() {
            let mut rem = std::mem::take(&mut self.sub_rem64);
            let done = self.round(&mut rem, &mut steps);
            self.sub_rem64 = rem;
            done?;
        } else {
            let mut rem = std::mem::take(&mut self.sub_rem128);
            let done = self.round(&mut rem, &mut steps);
            self.sub_rem128 = rem;
            done?;
        }
        // In the order of `ends`, so already sorted by canonical ranks.
        debts.list.reserve(self.ends.len());
        for (k, [a, b]) in self.ends.iter().enumerate() {
            // Every remainder is now 0 or the total: the debt is its floor or its ceiling.
            debug_assert!(self.rem[k] == 0 || self.rem[k] == self.divisor.t);
            let amount = self.floor[k]
                .checked_add(i128::from(self.rem[k] != 0))
                .ok_or(Overflow)?;
            if amount != 0 {
                debts.list.push(Debt {
                    lo: self.nodes[*a as usize].rank,
                    hi: self.nodes[*b as usize].rank,
                    amount: if negated {
                        amount.checked_neg().ok_or(Overflow)?
                    } else {
                        amount
                    },
                });
            }
        }
        debts.merge_if_grown()
    }

    /// Reads the expense into `nodes` in canonical order, with the total made positive (the
    /// debts of the opposite expense are the opposite debts, and rounding commutes with that).
    /// Returns whether the total was negated, or `None` when nothing is owed.
    fn load(&mut self, e: &Entry, rank: &[usize]) -> Result<Option<bool>, Failure> {
        let mut total: i128 = 0;
        for (_, a) in &e.paid {
            total = total.checked_add(*a).ok_or(Overflow)?;
        }
        if total == 0 {
            // Only a converted expense can come to zero, and then every part and payer is zero.
            debug_assert!(e.owed.iter().chain(&e.paid).all(|(_, a)| *a == 0));
            return Ok(None);
        }
        let negated = total < 0;
        let t = total.unsigned_abs();
        if t >= 1 << 96 {
            return Err(Overflow);
        }
        let sign = |a: i128| {
            if negated {
                a.checked_neg().ok_or(Overflow)
            } else {
                Ok(a)
            }
        };
        self.nodes.clear();
        for (m, a) in &e.owed {
            self.nodes.push(Node {
                rank: rank[*m],
                part: sign(*a)?,
                ..Node::default()
            });
        }
        for (m, a) in &e.paid {
            self.nodes.push(Node {
                rank: rank[*m],
                paid: sign(*a)?,
                ..Node::default()
            });
        }
        self.nodes.sort_unstable_by_key(|n| n.rank);
        // A member who shares and pays appears twice: once is enough.
        self.nodes.dedup_by(|later, kept| {
            let same = later.rank == kept.rank;
            if same {
                kept.part += later.part;
                kept.paid += later.paid;
            }
            same
        });
        self.nodes.retain(|n| n.part != 0 || n.paid != 0);
        if u32::try_from(self.nodes.len()).is_err() {
            return Err(Failure::TooLarge);
        }
        debug_assert_eq!(
            self.nodes.iter().map(|n| n.part).sum::<i128>(),
            total.abs(),
            "parts add up to what was paid"
        );
        let total = total.abs();
        self.divisor = Divisor::new(t);
        self.sharers.clear();
        self.payers.clear();
        for (i, n) in self.nodes.iter_mut().enumerate() {
            let (i, d) = (i as u32, self.divisor);
            n.part_whole = n.part.div_euclid(total);
            n.part_rem = n.part.rem_euclid(total).unsigned_abs();
            n.part_rem_reciprocal = d.reciprocal(n.part_rem);
            n.paid_whole = n.paid.div_euclid(total);
            n.paid_rem = n.paid.rem_euclid(total).unsigned_abs();
            if n.part != 0 {
                self.sharers.push(i);
            }
            if n.paid != 0 {
                self.payers.push(i);
            }
        }
        Ok(Some(negated))
    }

    /// `part_i x paid_j / total` as (floor, remainder):
    /// `(w_i t + r_i)(w_j t + r_j) / t = w_i w_j t + w_i r_j + r_i w_j + r_i r_j / t`.
    fn cell(&self, i: usize, j: usize) -> Result<(i128, u128), Failure> {
        let (s, p) = (&self.nodes[i], &self.nodes[j]);
        let (q, r) = self
            .divisor
            .mul_div(s.part_rem, s.part_rem_reciprocal, p.paid_rem);
        // q < t < 2^96.
        let mut floor = q as i128;
        if s.part_whole != 0 || p.paid_whole != 0 {
            let t = self.divisor.t as i128;
            let terms = [
                s.part_whole
                    .checked_mul(p.paid_whole)
                    .and_then(|x| x.checked_mul(t)),
                s.part_whole.checked_mul(p.paid_rem as i128),
                (s.part_rem as i128).checked_mul(p.paid_whole),
            ];
            for x in terms {
                floor = floor.checked_add(x.ok_or(Overflow)?).ok_or(Overflow)?;
            }
        }
        Ok((floor, r))
    }

    /// Every pair's exact netted debt, `a` owing `b` (`a < b`), as floor and remainder, in
    /// `ends`, `floor` and `rem`, sorted by (a, b).
    fn pairs(&mut self, steps: &mut Steps<'_>) -> Result<(), Failure> {
        let t = self.divisor.t;
        let most = self.sharers.len().saturating_mul(self.payers.len());
        self.ends.clear();
        self.floor.clear();
        self.rem.clear();
        self.ends.reserve(most);
        self.floor.reserve(most);
        self.rem.reserve(most);
        for a in 0..self.nodes.len() {
            let (na, a32) = (self.nodes[a], a as u32);
            // b > a owes or is owed by a: a payer if a shares, a sharer if a paid.
            let after = |list: &[u32]| list.partition_point(|x| *x <= a32);
            let mut i = if na.part != 0 {
                after(&self.payers)
            } else {
                self.payers.len()
            };
            let mut j = if na.paid != 0 {
                after(&self.sharers)
            } else {
                self.sharers.len()
            };
            loop {
                let b = match (self.payers.get(i), self.sharers.get(j)) {
                    (None, None) => break,
                    (Some(p), Some(s)) if p == s => {
                        i += 1;
                        j += 1;
                        *p
                    }
                    (Some(p), Some(s)) if p < s => {
                        i += 1;
                        *p
                    }
                    (Some(p), None) => {
                        i += 1;
                        *p
                    }
                    (_, Some(s)) => {
                        j += 1;
                        *s
                    }
                };
                steps.tick()?;
                let nb = &self.nodes[b as usize];
                let (mut floor, mut rem) = (0i128, 0u128);
                if na.part != 0 && nb.paid != 0 {
                    (floor, rem) = self.cell(a, b as usize)?;
                }
                if nb.part != 0 && na.paid != 0 {
                    let (f, r) = self.cell(b as usize, a)?;
                    floor = floor.checked_sub(f).ok_or(Overflow)?;
                    if rem >= r {
                        rem -= r;
                    } else {
                        rem = rem + t - r;
                        floor = floor.checked_sub(1).ok_or(Overflow)?;
                    }
                }
                self.ends.push([a32, b]);
                self.floor.push(floor);
                self.rem.push(rem);
            }
        }
        Ok(())
    }

    /// Cycle cancelling on the debts with a remainder, until every remainder is 0 or the total.
    ///
    /// First block by block: the debts between BLOCK consecutive members and BLOCK others (up to
    /// BLOCK^2 debts, whose remainders and adjacency stay in the processor's cache) are reduced to
    /// a forest, which leaves at most 2 BLOCK - 1 of them with a remainder. Then the debts left,
    /// all together (a few per cent of a dense expense's): their forest is empty.
    ///
    /// Cost: O(debts + members) to list the blocks, and [`Forest::reduce`] on each block and on
    /// what is left.
    fn round<R: Rem>(&mut self, sub_rem: &mut Vec<R>, steps: &mut Steps<'_>) -> Result<(), Failure> {
        let n = self.nodes.len();
        let t = self.divisor.t;
        self.first.clear();
        self.first.resize(n + 1, 0);
        for [a, _] in &self.ends {
            self.first[*a as usize + 1] += 1;
        }
        for a in 0..n {
            self.first[a + 1] += self.first[a];
        }
        self.cursor.clear();
        self.cursor.extend_from_slice(&self.first[..n]);
        // The blocks' matrix, all zero (no debt) between blocks: each block clears its cells.
        sub_rem.clear();
        sub_rem.resize(SMALL * SMALL, R::ZERO);
        for lo in (0..n).step_by(BLOCK) {
            let rows = lo..(lo + BLOCK).min(n);
            // The next block of columns where one of these rows has a debt.
            let next_col = |r: &Rounding| {
                rows.clone()
                    .filter(|a| r.cursor[*a] < r.first[a + 1])
                    .map(|a| r.ends[r.cursor[a] as usize][1] as usize / BLOCK)
                    .min()
            };
            while let Some(col) = next_col(self) {
                let (col_lo, col_hi) = (col * BLOCK, (col + 1) * BLOCK);
                // Rows keep their place in the block; columns come after them, unless the two
                // ranges are the same.
                let at = |x: usize| {
                    if col_lo != lo && x >= col_lo {
                        BLOCK + x - col_lo
                    } else {
                        x - lo
                    }
                };
                self.sub_debts.clear();
                self.sub_ends.clear();
                for a in rows.clone() {
                    while self.cursor[a] < self.first[a + 1] {
                        let k = self.cursor[a] as usize;
                        let b = self.ends[k][1] as usize;
                        if b >= col_hi {
                            break;
                        }
                        self.cursor[a] += 1;
                        if self.rem[k] != 0 {
                            self.sub_debts.push(k as u32);
                            self.sub_ends.push([at(a) as u32, at(b) as u32]);
                        }
                    }
                }
                if self.sub_debts.len() >= 3 {
                    // The block's remainders as a matrix: debt [a, b] at a * SMALL + b.
                    for (k, [a, b]) in self.sub_debts.iter().zip(&self.sub_ends) {
                        sub_rem[*a as usize * SMALL + *b as usize] = R::narrow(self.rem[*k as usize]);
                    }
                    self.forest
                        .reduce(SMALL, true, &self.sub_ends, sub_rem, R::narrow(t), steps)?;
                    for (k, [a, b]) in self.sub_debts.iter().zip(&self.sub_ends) {
                        let cell = &mut sub_rem[*a as usize * SMALL + *b as usize];
                        self.rem[*k as usize] = cell.widen();
                        *cell = R::ZERO;
                    }
                }
            }
        }
        // All that is left, at once.
        self.sub_debts.clear();
        self.sub_ends.clear();
        sub_rem.clear();
        for (k, r) in self.rem.iter().enumerate() {
            if *r != 0 && *r != t {
                self.sub_debts.push(k as u32);
                self.sub_ends.push(self.ends[k]);
                sub_rem.push(R::narrow(*r));
            }
        }
        self.forest
            .reduce(n, false, &self.sub_ends, sub_rem, R::narrow(t), steps)?;
        for (k, r) in self.sub_debts.iter().zip(sub_rem.iter()) {
            self.rem[*k as usize] = r.widen();
        }
        Ok(())
    }
}

/// Members per block: a block's matrix of remainders and its adjacency take about 200 KB.
const BLOCK: usize = 64;

/// A remainder as cycle cancelling stores it: `u64` when the total fits (half the memory to go
/// through), `u128` otherwise.
trait Rem: Copy + Ord + Add<Output = Self> + Sub<Output = Self> {
    const ZERO: Self;
    /// From a `u128` that fits.
    fn narrow(x: u128) -> Self;
    fn widen(self) -> u128;
}

impl Rem for u64 {
    const ZERO: u64 = 0;
    fn narrow(x: u128) -> u64 {
        x as u64
    }
    fn widen(self) -> u128 {
        u128::from(self)
    }
}

impl Rem for u128 {
    const ZERO: u128 = 0;
    fn narrow(x: u128) -> u128 {
        x
    }
    fn widen(self) -> u128 {
        self
    }
}

/// "Not on the walk's path."
const NONE: u32 = u32::MAX;

/// Nodes in a block: BLOCK rows and BLOCK columns.
const SMALL: usize = 2 * BLOCK;

/// Cycle cancelling on one graph of debts with remainders, until those left form a forest.
#[derive(Default)]
struct Forest {
    /// Adjacency: `adj[start[u]..start[u + 1]]` are the debts at node u with their other end;
    /// `next[u]` is where the ones still to look at begin.
    start: Vec<u32>,
    adj: Vec<[u32; 2]>,
    next: Vec<u32>,
    /// The walk's path: nodes, each with the debt it was reached by, and each node's place on it
    /// (`NONE`: off the path).
    path: Vec<(u32, u32)>,
    place: Vec<u32>,
    /// Nodes left for good: every debt they still have is part of the forest.
    done: Vec<bool>,
}

impl Forest {
    /// Cancels cycles in the graph on nodes `0..n` whose debt k goes from `ends[k][0]` (who owes)
    /// to `ends[k][1]` (always the higher node), with remainder `rem[k]`, or, if `dense`,
    /// `rem[ends[k][0] * n + ends[k][1]]` (0 and `t`: whole, ignored), so that afterwards
    /// the debts with a remainder strictly between form a forest. Every node's sum of remainders
    /// (owed minus owing) is kept.
    ///
    /// A depth-first walk that keeps its path as a stack: from the node on top it takes a debt
    /// with a remainder that is not the one it came by and leads to no node left for good,
    /// preferring, when `dense`, one back to the node two or three before it on the path (a
    /// short cycle). If the debt leads to a new node, the walk goes on there; if to a node
    /// on the path, it closes a cycle, around which it pushes, in whichever direction needs
    /// less, the least amount that makes one of the cycle's debts whole (its remainder 0 or `t`);
    /// then it backs up to just before the first debt of its path that became whole. A node with
    /// nothing to take is left for good: its remaining debts lead to its parent and to nodes left
    /// before it (its subtree), so they form a forest.
    ///
    /// Cost: every cycle makes at least one debt whole, so there are fewer cycles than debts, and
    /// the walk takes O(debts + nodes + total length of the cycles) steps. A cycle is at most as
    /// long as the path; in a multi-payer expense every debt has a sharer at one end and a payer
    /// at the other, so the path has at most 2 min(sharers, payers) + 1 nodes (and 128 in a block).
    fn reduce<R: Rem>(
        &mut self,
        n: usize,
        dense: bool,
        ends: &[[u32; 2]],
        rem: &mut [R],
        t: R,
        steps: &mut Steps<'_>,
    ) -> Result<(), Failure> {
        self.start.clear();
        self.start.resize(n + 1, 0);
        for [a, b] in ends {
            self.start[*a as usize + 1] += 1;
            self.start[*b as usize + 1] += 1;
        }
        for u in 0..n {
            self.start[u + 1] += self.start[u];
        }
        self.next.clear();
        self.next.extend_from_slice(&self.start[..n]);
        self.adj.clear();
        self.adj.resize(ends.len() * 2, [0, 0]);
        for (k, [a, b]) in ends.iter().enumerate() {
            let id = if dense { *a as usize * n + *b as usize } else { k } as u32;
            for (u, w) in [(*a, *b), (*b, *a)] {
                self.adj[self.next[u as usize] as usize] = [id, w];
                self.next[u as usize] += 1;
            }
        }
        self.next.clear();
        self.next.extend_from_slice(&self.start[..n]);
        self.place.clear();
        self.place.resize(n, NONE);
        self.done.clear();
        self.done.resize(n, false);
        self.walk(n, dense, rem, t, steps)
    }

    /// The walk of [`Forest::reduce`] on its prepared graph.
    fn walk<R: Rem>(
        &mut self,
        n: usize,
        dense: bool,
        rem: &mut [R],
        t: R,
        steps: &mut Steps<'_>,
    ) -> Result<(), Failure> {
        let live = |r: R| r != R::ZERO && r != t;
        for s in 0..n as u32 {
            if self.done[s as usize] {
                continue;
            }
            self.path.clear();
            self.path.push((s, NONE));
            self.place[s as usize] = 0;
            while let Some(&(u, came)) = self.path.last() {
                steps.tick()?;
                // A debt back to the node two or three before u closes a short cycle.
                let len = self.path.len();
                let short = (3..=4).filter(|back| dense && len >= *back).find_map(|back| {
                    let x = self.path[len - back].0 as usize;
                    let k = (u as usize).min(x) * n + (u as usize).max(x);
                    live(rem[k]).then_some((len - back, k as u32))
                });
                let (at, k) = match short {
                    Some(found) => found,
                    None => {
                        let Some([k, w]) = self.take(u, came, rem, t) else {
                            self.place[u as usize] = NONE;
                            self.done[u as usize] = true;
                            self.path.pop();
                            continue;
                        };
                        let at = self.place[w as usize];
                        if at == NONE {
                            self.place[w as usize] = len as u32;
                            self.path.push((w, k));
                            continue;
                        }
                        (at as usize, k)
                    }
                };
                push_around(&self.path[at..], k, rem, t);
                // Back up to just before the first debt on the path that became whole.
                let cut = (at + 1..len)
                    .find(|p| !live(rem[self.path[*p].1 as usize]))
                    .unwrap_or(len);
                for &(v, _) in &self.path[cut..] {
                    self.place[v as usize] = NONE;
                }
                self.path.truncate(cut);
            }
        }
        Ok(())
    }

    /// The next debt (and its other end) for the walk at `u`, which came by `came`: one with a
    /// remainder, leading to a node not left for good. Those that are whole or lead to a node
    /// left for good are skipped for good; `came` is moved past them, so that it is not.
    fn take<R: Rem>(&mut self, u: u32, came: u32, rem: &[R], t: R) -> Option<[u32; 2]> {
        let u = u as usize;
        let end = self.start[u + 1] as usize;
        let mut i = self.next[u] as usize;
        let skip = |[k, w]: [u32; 2]| {
            let r = rem[k as usize];
            r == R::ZERO || r == t || self.done[w as usize]
        };
        let found = loop {
            if i == end {
                break None;
            }
            let e = self.adj[i];
            if skip(e) {
                i += 1;
            } else if e[0] != came {
                break Some(e);
            } else if i + 1 == end {
                break None;
            } else if skip(self.adj[i + 1]) {
                self.adj.swap(i, i + 1);
                i += 1;
            } else {
                break Some(self.adj[i + 1]);
            }
        };
        self.next[u] = i as u32;
        found
    }
}

/// Pushes around the cycle along `path` and back by debt `k` (from the path's top to its first
/// node) the least amount that makes one of its debts whole, in the direction where that amount
/// is smaller (the walk's direction on a tie). Every node's sum is kept: each node of the cycle
/// gets as much more (or less) by one of its two debts as it gives by the other.
fn push_around<R: Rem>(path: &[(u32, u32)], k: u32, rem: &mut [R], t: R) {
    // Leg p: from path[p] to the next node (from the top back to path[0]) by its debt, and
    // whether that is the debt's own direction (debts go from the lower node to the higher).
    let leg = |p: usize| match path.get(p + 1) {
        Some(&(next, debt)) => (debt as usize, path[p].0 < next),
        None => (k as usize, path[p].0 < path[0].0),
    };
    // Room to push forward (the walk's direction) and backward.
    let (mut fwd, mut bwd) = (t, t);
    for p in 0..path.len() {
        let (d, own) = leg(p);
        let r = rem[d];
        let (f, b) = if own { (t - r, r) } else { (r, t - r) };
        fwd = fwd.min(f);
        bwd = bwd.min(b);
    }
    let forward = fwd <= bwd;
    let delta = fwd.min(bwd);
    for p in 0..path.len() {
        let (d, own) = leg(p);
        if own == forward {
            rem[d] = rem[d] + delta;
        } else {
            rem[d] = rem[d] - delta;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(owed: &[(usize, i128)], paid: &[(usize, i128)]) -> Entry {
        Entry {
            bucket: 0,
            owed: owed.to_vec(),
            paid: paid.to_vec(),
        }
    }

    fn run(entries: &[Entry], n: usize) -> Vec<Move> {
        let rank: Vec<usize> = (0..n).collect();
        pairwise(entries.iter(), &rank, Cancel::never()).unwrap()
    }

    fn m(from: usize, to: usize, amount: i128) -> Move {
        Move { from, to, amount }
    }

    #[test]
    fn equal_payers_and_parts_owe_nothing() {
        // Issue 13: six members each pay 10.00 of a 60.00 bill split equally.
        let all: Vec<(usize, i128)> = (0..6).map(|i| (i, 1000)).collect();
        assert_eq!(run(&[entry(&all, &all)], 6), vec![]);
    }

    #[test]
    fn a_whole_net_is_kept_and_sums_hold() {
        // 100.00 paid 70/30 by ana and ben, split 33.33/33.33/33.34: ben -> ana is 1333.2 exactly,
        // cy -> ana 2333.8, cy -> ben 1000.2; the least push rounds each to its nearest.
        let moves = run(
            &[entry(&[(0, 3333), (1, 3333), (2, 3334)], &[(0, 7000), (1, 3000)])],
            3,
        );
        assert_eq!(moves, vec![m(1, 0, 1333), m(2, 0, 2334), m(2, 1, 1000)]);
    }

    #[test]
    fn a_refund_mirrors_the_expense() {
        let owed = [(0, 3333), (1, 3333), (2, 3334)];
        let paid = [(0, 7000), (1, 3000)];
        let neg = |v: &[(usize, i128)]| v.iter().map(|(i, a)| (*i, -a)).collect::<Vec<_>>();
        let moves = run(&[entry(&neg(&owed), &neg(&paid))], 3);
        assert_eq!(moves, vec![m(0, 1, 1333), m(0, 2, 2334), m(1, 2, 1000)]);
    }

    #[test]
    fn expenses_are_netted_across_and_payments_count() {
        // e1: 0 pays 30 for all three; e2: 1 pays 60 for all three; a payment 2 -> 0 of 10.
        let all = |x| [(0, x), (1, x), (2, x)];
        let moves = run(
            &[
                entry(&all(10), &[(0, 30)]),
                entry(&all(20), &[(1, 60)]),
                entry(&[(0, 10)], &[(2, 10)]),
            ],
            3,
        );
        assert_eq!(moves, vec![m(0, 1, 10), m(2, 1, 20)]);
    }

    #[test]
    fn order_is_canonical() {
        // The same expense with members listed in another order (and so at other positions)
        // gives the same debts between the same members.
        let owed = [(0, 101), (1, 203), (2, 307), (3, 389)];
        let paid = [(1, 500), (3, 500)];
        let a = run(&[entry(&owed, &paid)], 4);
        let perm = [2, 0, 3, 1]; // member i sits at position perm[i]
        let rank: Vec<usize> = (0..4)
            .map(|p| perm.iter().position(|x| *x == p).unwrap())
            .collect();
        let moved = |v: &[(usize, i128)]| v.iter().rev().map(|(i, x)| (perm[*i], *x)).collect::<Vec<_>>();
        let e = entry(&moved(&owed), &moved(&paid));
        let b = pairwise([e].iter(), &rank, Cancel::never()).unwrap();
        let back: Vec<Move> = a.iter().map(|x| m(perm[x.from], perm[x.to], x.amount)).collect();
        assert_eq!(b, back);
    }

    #[test]
    fn wide_division_is_exact() {
        // (t - 1)^2 = (t - 2) t + 1.
        let t: u128 = (1 << 96) - 3;
        assert_eq!(wide_mul_div(t - 1, t - 1, t), (t - 2, 1));
        let t: u128 = (1 << 64) + 13;
        // (t - 5)(t - 12) = t^2 - 17 t + 60 = (t - 17) t + 60.
        assert_eq!(wide_mul_div(t - 5, t - 12, t), (t - 17, 60));
        let small = Divisor::new(1 << 64);
        let a = (1u128 << 64) - 1;
        assert_eq!(small.mul_div(a, small.reciprocal(a), a), ((1 << 64) - 2, 1));
    }

    #[test]
    fn divisions_agree_with_each_other() {
        // The reciprocal path and the digit path against each other on totals up to 2^64.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..10_000 {
            let t = u128::from(next() >> (next() % 63)).max(2);
            let (a, b) = (u128::from(next()) % t, u128::from(next()) % t);
            let d = Divisor::new(t);
            let (q, r) = d.mul_div(a, d.reciprocal(a), b);
            assert_eq!((q, r), wide_mul_div(a, b, t));
            assert_eq!(q * t + r, a * b);
            assert!(r < t);
        }
    }

    #[test]
    fn cancelling_is_honoured() {
        use std::sync::atomic::AtomicBool;
        let raised = AtomicBool::new(true);
        let all: Vec<(usize, i128)> = (0..6).map(|i| (i, 1000 + i as i128)).collect();
        let rank: Vec<usize> = (0..6).collect();
        let e = entry(&all, &all);
        let r = pairwise([e].iter(), &rank, Cancel::new(&raised));
        assert_eq!(r, Err(Failure::Cancelled));
    }

    /// A random expense: `n` members, each sharing a random part and paying a random amount
    /// (some paying nothing), adding up to a total near `scale`.
    fn random_entry(next: &mut impl FnMut() -> u64, n: usize, scale: u64) -> Entry {
        let mut owed: Vec<(usize, i128)> = (0..n).map(|i| (i, i128::from(next() % scale))).collect();
        let mut paid: Vec<(usize, i128)> = Vec::new();
        for i in 0..n {
            if next() % 3 != 0 {
                paid.push((i, i128::from(next() % scale)));
            }
        }
        if paid.len() < 2 {
            paid = vec![(0, 1), (1, 2)];
        }
        let (so, sp) = (
            owed.iter().map(|x| x.1).sum::<i128>(),
            paid.iter().map(|x| x.1).sum::<i128>(),
        );
        if so < sp {
            owed[0].1 += sp - so;
        } else {
            paid[0].1 += so - sp;
        }
        entry(&owed, &paid)
    }

    #[test]
    fn buffers_reused_across_expenses_change_nothing() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let rank: Vec<usize> = (0..150).collect();
        let entries: Vec<Entry> = [(150, 1_000), (150, 1 << 40), (40, 97), (150, 1 << 62), (150, 10)]
            .iter()
            .map(|(n, scale)| random_entry(&mut next, *n, *scale))
            .collect();
        let mut reused = Rounding::default();
        for e in &entries {
            let (mut a, mut b) = (Debts::default(), Debts::default());
            reused.expense(e, &rank, Cancel::never(), &mut a).unwrap();
            Rounding::default()
                .expense(e, &rank, Cancel::never(), &mut b)
                .unwrap();
            assert_eq!(a.list, b.list);
            // And the expense's debts settle its members: paid - part for each.
            let mut left = vec![0i128; rank.len()];
            for (m, x) in &e.paid {
                left[*m] += x;
            }
            for (m, x) in &e.owed {
                left[*m] -= x;
            }
            for d in &a.list {
                left[d.lo] += d.amount;
                left[d.hi] -= d.amount;
            }
            assert!(left.iter().all(|x| *x == 0));
            // Each pair's debt is the floor or the ceiling of its exact net (products fit here).
            let t: i128 = e.paid.iter().map(|x| x.1).sum();
            if t.abs() < 1 << 60 {
                let (mut part, mut paid) = (vec![0i128; rank.len()], vec![0i128; rank.len()]);
                e.owed.iter().for_each(|(m, x)| part[*m] += x);
                e.paid.iter().for_each(|(m, x)| paid[*m] += x);
                let got: std::collections::BTreeMap<(usize, usize), i128> =
                    a.list.iter().map(|d| ((d.lo, d.hi), d.amount)).collect();
                for i in 0..rank.len() {
                    for j in i + 1..rank.len() {
                        let n = part[i] * paid[j] - part[j] * paid[i];
                        let (n, t) = if t < 0 { (-n, -t) } else { (n, t) };
                        let got = got.get(&(i, j)).copied().unwrap_or(0);
                        let lo = n.div_euclid(t);
                        assert!(
                            got == lo || (got == lo + 1 && n % t != 0),
                            "{i} -> {j}: {got} for {n}/{t}"
                        );
                    }
                }
            }
        }
    }
}
