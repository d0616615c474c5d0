//! `minimal`: the fewest transfers.
//!
//! The fewest transfers for n non-zero balances is n - k, where k is the largest number of
//! disjoint groups of balances that each add up to zero (each group settles among itself with
//! one transfer fewer than its size). Steps:
//!
//! 1. Safe reductions: zeros are dropped, and a debt of x facing a credit of exactly x is a group
//!    of its own in some optimum, so such pairs are settled directly.
//! 2. Up to `exact_limit` balances left: the exact multiset search of [`super::search`]; should
//!    it exceed its step budget (adversarial inputs with very many zero-sum subsets), the plain
//!    subset DP finishes the proof, so the result is always proven within the limit.
//! 3. Above the limit: zero-sum triples found within a fixed budget, then the exact search if
//!    what is left fits the limit, else greedy; and if plain greedy does better on this input,
//!    plain greedy. So it never uses more transfers than greedy. `optimal` is then true only if
//!    the count meets the lower bound.

use std::collections::HashMap;

// The safety net lives beside the search it backs (a child module: its only caller is here).
#[path = "chains.rs"]
mod chains;

use super::greedy::greedy_moves;
use super::search::GiveUp;
use super::{lower_bound, search, Move, Settlement};
use crate::cancel::Cancel;

/// Steps the multiset search may take before the level-set DP of `chains` takes over (about 10
/// ms of work; the DP's worst, at 24 balances, is a few tens of milliseconds).
const SEARCH_BUDGET: u64 = 1 << 18;

/// Lookups the triple finder may make above the exact limit (about 10 ms of work).
const TRIPLE_BUDGET: usize = 1 << 20;

/// Above the exact limit, what the small groups leave is cut into groups smallest first (the
/// exact search's enumeration, without its backtracking) when it is at most this many balances
/// (its states are 64-bit), within this budget (tens of milliseconds).
const LARGE_SEARCH_MEMBERS: usize = 36;
const LARGE_SEARCH_BUDGET: u64 = 1 << 20;

/// The most subset sums the small-group finder lists at once: pairs of about 1,000 balances
/// (32 bytes each: 16 MiB), triples of about 115.
const PAIR_SUMS: usize = 1 << 19;
const TRIPLE_SUMS: usize = 1 << 18;

/// When triples are too many to list, groups of 5 and 6 are looked for by scans of the pair sums
/// instead, when there are at most this many pairs (about 360 members), within this many steps
/// (about 10 ms).
const SCAN_PAIRS: usize = 1 << 16;
const PAIR_SCAN_BUDGET: usize = 1 << 20;

/// The fewest transfers, proven optimal when at most `exact_limit` balances are left after the
/// safe reductions.
///
/// `nets` are in minor units and must add up to zero; their positions are the tie-break order.
/// `exact_limit` should be at most [`super::MAX_EXACT_LIMIT`] (the exact search's memory grows
/// as 2^`exact_limit`); [`super::DEFAULT_EXACT_LIMIT`] is the usual choice. Above the limit the
/// answer is never worse than [`super::greedy`] and `optimal` is true only when the count meets
/// [`super::lower_bound`].
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
    // Never cancelled, so always Some; greedy is the harmless answer to the impossible.
    minimal_until(nets, exact_limit, Cancel::never()).unwrap_or_else(|| super::greedy(nets))
}

/// [`minimal`], stopping with `None` once `cancel` is raised.
pub(crate) fn minimal_until(nets: &[i128], exact_limit: usize, cancel: Cancel<'_>) -> Option<Settlement> {
    let (mut moves, rest) = match_pairs(nets);
    if rest.len() <= exact_limit {
        for g in exact_groups(nets, &rest, cancel)? {
            moves.extend(greedy_moves(nets, &g));
        }
        return Some(Settlement { moves, optimal: true });
    }
    // Above the limit: the smallest zero-sum groups first (triples, then groups of 4, 5 and 6
    // found as two halves with opposite sums, within list budgets), then what is left: exact
    // within the limit; above it (up to 36), cut smallest group first by the exact search's
    // enumeration; beyond, greedy.
    let (mut small, mut left) = match_triples(nets, &rest);
    let mut scanned = false;
    for (a, b) in [(2, 2), (3, 3), (2, 3)] {
        let mut found = match_by_halves(nets, &left, a, b);
        if found.is_none() && a + b > 4 && !scanned {
            // Too many members to list every triple's sum: groups of 5 and 6 as two pairs and
            // one or two single balances instead (both kinds at once).
            scanned = true;
            found = match_pairs_with_singles(nets, &left);
        }
        if let Some((found, rest_of)) = found {
            small.extend(found);
            left = rest_of;
        }
    }
    for g in &small {
        moves.extend(greedy_moves(nets, g));
    }
    if left.len() <= exact_limit {
        for g in exact_groups(nets, &left, cancel)? {
            moves.extend(greedy_moves(nets, &g));
        }
    } else if left.len() <= LARGE_SEARCH_MEMBERS {
        let values: Vec<i128> = left.iter().map(|i| nets[*i]).collect();
        match search::smallest_first_groups(&values, LARGE_SEARCH_BUDGET, cancel) {
            Ok(groups) => {
                let mut found = Vec::new();
                for g in groups {
                    let g: Vec<usize> = g.into_iter().map(|k| left[k]).collect();
                    found.extend(greedy_moves(nets, &g));
                }
                let plain = greedy_moves(nets, &left);
                moves.extend(if found.len() <= plain.len() { found } else { plain });
            }
            Err(GiveUp::Cancelled) => return None,
            Err(GiveUp::Budget) => moves.extend(greedy_moves(nets, &left)),
        }
    } else {
        moves.extend(greedy_moves(nets, &left));
    }
    let plain = greedy_moves(nets, &(0..nets.len()).collect::<Vec<_>>());
    if plain.len() < moves.len() {
        moves = plain;
    }
    let optimal = moves.len() == lower_bound(nets);
    Some(Settlement { moves, optimal })
}

/// The optimal zero-sum groups of the positions `among` (which add up to zero); `None` once
/// `cancel` is raised.
fn exact_groups(nets: &[i128], among: &[usize], cancel: Cancel<'_>) -> Option<Vec<Vec<usize>>> {
    let values: Vec<i128> = among.iter().map(|i| nets[*i]).collect();
    let groups = match search::zero_sum_groups(&values, SEARCH_BUDGET, cancel) {
        Ok(groups) => groups,
        Err(GiveUp::Budget) if values.len() >= 6 => chains::zero_sum_groups(&values, cancel)?,
        Err(GiveUp::Budget) => subset_dp(&values, cancel)?,
        Err(GiveUp::Cancelled) => return None,
    };
    Some(
        groups
            .into_iter()
            .map(|g| g.into_iter().map(|k| among[k]).collect())
            .collect(),
    )
}

/// Pairs every debt with a credit of exactly the same size (lowest positions first); returns
/// those transfers and the positions left.
fn match_pairs(nets: &[i128]) -> (Vec<Move>, Vec<usize>) {
    // Creditors by value, each list highest position first so that `pop` takes the lowest.
    // (The map type of `match_triples`: one copy of its code in the WebAssembly module.)
    let mut creditors: HashMap<i128, Vec<usize>> = HashMap::new();
    for (i, n) in nets.iter().enumerate().rev() {
        if *n > 0 {
            creditors.entry(*n).or_default().push(i);
        }
    }
    let mut moves = Vec::new();
    let mut paired = vec![false; nets.len()];
    for (i, n) in nets.iter().enumerate() {
        if *n < 0 {
            if let Some(to) = creditors.get_mut(&-n).and_then(Vec::pop) {
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

/// Zero-sum triples (one balance equal and opposite to two others), found greedily within a
/// fixed number of lookups; returns the triples and the positions left. Not a safe reduction,
/// hence used only above the exact limit.
fn match_triples(nets: &[i128], among: &[usize]) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut by_value: HashMap<i128, Vec<usize>> = HashMap::new();
    for &i in among {
        by_value.entry(nets[i]).or_default().push(i);
    }
    for list in by_value.values_mut() {
        list.reverse(); // pop() takes the lowest position first
    }
    // Distinct values of each sign, smallest magnitude first.
    let mut distinct: Vec<i128> = by_value.keys().copied().collect();
    distinct.sort_unstable_by_key(|v| (v.abs(), *v));
    let mut used = vec![false; nets.len()];
    let mut triples = Vec::new();
    let mut lookups = 0;
    'outer: for &i in among {
        let big = nets[i];
        if used[i] {
            continue;
        }
        // Two values of the other sign adding up to -big: a + b = -big with |a| <= |b|.
        for &a in distinct.iter().filter(|a| a.signum() == -big.signum()) {
            if lookups >= TRIPLE_BUDGET || 2 * a.abs() > big.abs() {
                continue 'outer;
            }
            lookups += 1;
            let b = -big - a;
            let available = |v: i128, by_value: &HashMap<i128, Vec<usize>>, used: &[bool]| {
                by_value
                    .get(&v)
                    .map_or(0, |l| l.iter().filter(|k| !used[**k]).count())
            };
            let need_two = a == b;
            let enough = if need_two {
                available(a, &by_value, &used) >= 2
            } else {
                available(a, &by_value, &used) >= 1 && available(b, &by_value, &used) >= 1
            };
            if enough {
                used[i] = true;
                let x = take(&mut by_value, &mut used, a);
                let y = take(&mut by_value, &mut used, b);
                let mut t = vec![i, x, y];
                t.sort_unstable();
                triples.push(t);
                continue 'outer;
            }
        }
    }
    let left = among.iter().copied().filter(|i| !used[*i]).collect();
    (triples, left)
}

/// The sums of every `k`-subset (`k` at most 3) of `among`'s positions (as indices into `among`),
/// sorted by sum; `None` when there would be more than `limit`.
fn subset_sums(nets: &[i128], among: &[usize], k: usize, limit: usize) -> Option<Vec<(i128, [u32; 3])>> {
    let m = among.len();
    let count = match k {
        2 => m.checked_mul(m.saturating_sub(1))? / 2,
        3 => {
            m.checked_mul(m.saturating_sub(1))?
                .checked_mul(m.saturating_sub(2))?
                / 6
        }
        _ => return None,
    };
    if count > limit {
        return None;
    }
    let idx = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let v = |i: usize| nets[among[i]];
    let mut out = Vec::with_capacity(count);
    for a in 0..m {
        for b in a + 1..m {
            if k == 2 {
                out.push((v(a) + v(b), [idx(a), idx(b), u32::MAX]));
                continue;
            }
            for c in b + 1..m {
                out.push((v(a) + v(b) + v(c), [idx(a), idx(b), idx(c)]));
            }
        }
    }
    out.sort_unstable();
    Some(out)
}

/// Zero-sum groups of `small + big` members (`small` and `big` each 2 or 3: quadruples as two
/// pairs, quintuples as a pair and a triple, sextuples as two triples) among `among`, found
/// greedily: every `small`- and `big`-subset's sum is listed and sorted once (each list at most
/// [`PAIR_SUMS`] or [`TRIPLE_SUMS`] long), then each small subset, in order, looks for a disjoint unused big one
/// with the opposite sum. Returns the groups and the positions left. Not a safe reduction, hence
/// used only above the exact limit.
fn match_by_halves(
    nets: &[i128],
    among: &[usize],
    small: usize,
    big: usize,
) -> Option<(Vec<Vec<usize>>, Vec<usize>)> {
    let limit = |k: usize| if k == 2 { PAIR_SUMS } else { TRIPLE_SUMS };
    let smalls = subset_sums(nets, among, small, limit(small))?;
    let bigs = if big == small {
        None
    } else {
        Some(subset_sums(nets, among, big, limit(big))?)
    };
    let bigs = bigs.as_ref().unwrap_or(&smalls);
    let members = |e: &(i128, [u32; 3])| e.1.into_iter().filter(|i| *i != u32::MAX).map(|i| i as usize);
    let mut used = vec![false; among.len()];
    let mut groups = Vec::new();
    for e in &smalls {
        if members(e).any(|i| used[i]) {
            continue;
        }
        let start = bigs.partition_point(|p| p.0 < -e.0);
        let partner = bigs[start..]
            .iter()
            .take_while(|p| p.0 == -e.0)
            .find(|p| members(p).all(|i| !used[i] && members(e).all(|j| j != i)));
        if let Some(p) = partner {
            let mut g: Vec<usize> = members(e).chain(members(p)).collect();
            for i in &g {
                used[*i] = true;
            }
            for i in g.iter_mut() {
                *i = among[*i];
            }
            g.sort_unstable();
            groups.push(g);
        }
    }
    let left = (0..among.len()).filter(|i| !used[*i]).map(|i| among[i]).collect();
    Some((groups, left))
}

/// Zero-sum groups of two pairs and one single balance, then of two pairs and two, among
/// `among`, found without listing triples (for when that list would be too long, above about 115
/// members): for each single (then each two singles), in order, a scan from both ends of the
/// sorted pair sums for two disjoint unused pairs that add up to the opposite; at most
/// [`PAIR_SCAN_BUDGET`] steps for each of the two kinds. `None` (nothing tried) when there are
/// more than [`SCAN_PAIRS`] pairs (a few hundred members: the scans could not cover them). Returns the groups and the positions left.
/// Not a safe reduction (above the exact limit only).
fn match_pairs_with_singles(nets: &[i128], among: &[usize]) -> Option<(Vec<Vec<usize>>, Vec<usize>)> {
    let pairs = subset_sums(nets, among, 2, SCAN_PAIRS)?;
    let m = among.len();
    let mut used = vec![false; m];
    let mut groups = Vec::new();
    // One single first (m scans: groups of 5), then two (m^2 / 2 scans: groups of 6), each
    // within its own budget. A single is written as the same position twice.
    for pass in 0..2 {
        let mut steps = 0usize;
        for c in 0..m {
            for f in if pass == 0 { c..c + 1 } else { c + 1..m } {
                if steps > PAIR_SCAN_BUDGET || used[c] || used[f] {
                    continue;
                }
                let target = -nets[among[c]] - if pass == 0 { 0 } else { nets[among[f]] };
                if let Some((x, y)) = scan(&pairs, target, &used, [c, f], &mut steps) {
                    let mut g: Vec<usize> = [c, f, x[0], x[1], y[0], y[1]].into_iter().collect();
                    g.sort_unstable();
                    g.dedup(); // a single's two entries
                    for i in g.iter_mut() {
                        used[*i] = true;
                        *i = among[*i];
                    }
                    groups.push(g);
                }
            }
        }
    }
    let left = (0..m).filter(|i| !used[*i]).map(|i| among[i]).collect();
    Some((groups, left))
}

/// Two disjoint pairs of `pairs` (sorted sums of pairs of positions) that are unused, apart from
/// `not`, and add up to `target`, found by a scan from both ends; `steps` counts the work and the
/// scan stops past [`PAIR_SCAN_BUDGET`].
fn scan(
    pairs: &[(i128, [u32; 3])],
    target: i128,
    used: &[bool],
    not: [usize; 2],
    steps: &mut usize,
) -> Option<([usize; 2], [usize; 2])> {
    let of = |e: &(i128, [u32; 3])| [e.1[0] as usize, e.1[1] as usize];
    let free = |x: [usize; 2]| x.iter().all(|i| !used[*i] && !not.contains(i));
    let (mut lo, mut hi) = (0, pairs.len().checked_sub(1)?);
    while lo < hi {
        *steps += 1;
        if *steps > PAIR_SCAN_BUDGET {
            return None;
        }
        let sum = pairs[lo].0 + pairs[hi].0;
        if sum < target {
            lo += 1;
        } else if sum > target {
            hi -= 1;
        } else {
            // Equal: look through the two runs of equal sums for a disjoint, unused couple.
            let lo_end = lo + pairs[lo..].iter().take_while(|p| p.0 == pairs[lo].0).count();
            let hi_start = hi + 1
                - pairs[..=hi]
                    .iter()
                    .rev()
                    .take_while(|p| p.0 == pairs[hi].0)
                    .count();
            for a in lo..lo_end {
                for b in hi_start.max(a + 1)..=hi {
                    *steps += 1;
                    let (x, y) = (of(&pairs[a]), of(&pairs[b]));
                    if free(x) && free(y) && x.iter().all(|i| !y.contains(i)) {
                        return Some((x, y));
                    }
                }
            }
            if lo_end > hi_start {
                return None; // the runs met
            }
            lo = lo_end;
            hi = hi_start - 1;
        }
    }
    None
}

/// The lowest unused position holding `v` (one is known to be there), now used.
fn take(by_value: &mut HashMap<i128, Vec<usize>>, used: &mut [bool], v: i128) -> usize {
    let list = by_value.get_mut(&v).expect("availability was checked");
    while let Some(k) = list.pop() {
        if !used[k] {
            used[k] = true;
            return k;
        }
    }
    unreachable!("availability was checked")
}

/// The plain subset DP: best[S] = [sum(S) = 0] + max over i in S of best[S - i]. O(n 2^n) time,
/// one byte per subset (2^24 subsets: 16 MiB): a subset's sum is added up in the same pass over
/// its members that reads its sub-subsets, not stored. Exact for any input; the search's safety
/// net. `None` once `cancel` is raised (read every 2^16 subsets).
fn subset_dp(values: &[i128], cancel: Cancel<'_>) -> Option<Vec<Vec<usize>>> {
    let n = values.len();
    let size = 1usize << n;
    let sum_of = |mask: usize| -> i128 {
        let mut sum = 0;
        let mut rest = mask;
        while rest != 0 {
            sum += values[rest.trailing_zeros() as usize];
            rest &= rest - 1;
        }
        sum
    };
    let mut best = vec![0u8; size];
    for mask in 1..size {
        if mask & 0xffff == 0 && cancel.raised() {
            return None;
        }
        let mut b = 0;
        let mut sum = 0;
        let mut rest = mask;
        while rest != 0 {
            let low = rest.trailing_zeros() as usize;
            b = b.max(best[mask ^ (1 << low)]);
            sum += values[low];
            rest &= rest - 1;
        }
        best[mask] = b + u8::from(sum == 0);
    }
    // Walk back from the full set; the members removed between two zero-sum sets form a group.
    let mut groups = Vec::new();
    let mut current = Vec::new();
    let mut mask = size - 1;
    while mask != 0 {
        let zero = sum_of(mask) == 0;
        if zero && !current.is_empty() {
            groups.push(std::mem::take(&mut current));
        }
        let z = u8::from(zero);
        let i = (0..n)
            .find(|i| mask & (1 << i) != 0 && best[mask ^ (1 << i)] + z == best[mask])
            .unwrap_or_else(|| mask.trailing_zeros() as usize);
        current.push(i);
        mask ^= 1 << i;
    }
    groups.push(current);
    Some(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group_count(values: &[i128]) -> usize {
        let groups = search::zero_sum_groups(values, u64::MAX, Cancel::never()).expect("no budget limit");
        let mut seen: Vec<usize> = groups.iter().flatten().copied().collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..values.len()).collect::<Vec<_>>(), "a partition");
        for g in &groups {
            assert_eq!(g.iter().map(|i| values[*i]).sum::<i128>(), 0, "zero-sum group");
        }
        groups.len()
    }

    #[test]
    fn search_agrees_with_the_dp() {
        // A deterministic spread of inputs, dense and sparse, with repeats.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for case in 0..300 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = 2 + (x % 13) as usize;
            let range = [3i128, 7, 20, 1000][case % 4];
            let mut values: Vec<i128> = (0..n - 1)
                .map(|k| {
                    let r = x.rotate_left(k as u32 * 5) as i128;
                    (r % range) - range / 2
                })
                .filter(|v| *v != 0)
                .collect();
            let sum: i128 = values.iter().sum();
            if sum != 0 {
                values.push(-sum);
            }
            if values.is_empty() {
                continue;
            }
            let dp = subset_dp(&values, Cancel::never()).expect("never cancelled");
            assert_eq!(group_count(&values), dp.len(), "{values:?}");
        }
    }

    #[test]
    fn a_tiny_budget_gives_up_and_the_dp_finishes() {
        let values = [5, 5, 5, -3, -3, -3, -3, -3];
        assert_eq!(
            search::zero_sum_groups(&values, 1, Cancel::never()),
            Err(GiveUp::Budget)
        );
        assert_eq!(subset_dp(&values, Cancel::never()).map(|g| g.len()), Some(1));
        let nets = [-10, -3, -3, 6, 5, 5];
        let groups = exact_groups(&nets, &(0..6).collect::<Vec<_>>(), Cancel::never());
        assert_eq!(groups.map(|g| g.len()), Some(2));
    }

    /// 24 distinct small balances with many zero-sum subsets: the search exceeds its budget and
    /// the DP finishes; a raised flag stops both, and no settlement comes back.
    #[test]
    fn a_raised_flag_stops_the_search_and_the_dp() {
        let hard: [i128; 24] = [
            13, 39, 25, 41, 10, 51, 24, 7, 40, 31, 3, 17, -11, -26, -16, -20, -2, -9, -15, -18, -57, -45,
            -46, -36,
        ];
        let flag = std::sync::atomic::AtomicBool::new(true);
        assert_eq!(minimal_until(&hard, 24, Cancel::new(&flag)), None);
        assert_eq!(subset_dp(&hard, Cancel::new(&flag)), None);
        assert_eq!(
            search::zero_sum_groups(&hard, u64::MAX, Cancel::new(&flag)),
            Err(GiveUp::Cancelled)
        );
        let s = minimal_until(&hard, 24, Cancel::never()).expect("never cancelled");
        assert!(s.optimal);
        assert_eq!(s.moves.len(), 17);
    }

    #[test]
    fn groups_of_five_are_found_where_triples_are_too_many_to_list() {
        // 30 groups of 5 (150 balances: 551,300 triples, more than the list holds), with values
        // up to 2^40 so that no other subset adds up to zero.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            i128::from(x >> 24) + 1
        };
        let nets: Vec<i128> = (0..30)
            .flat_map(|_| {
                let g = [next(), -next(), next(), -next()];
                let last = -g.iter().sum::<i128>();
                g.into_iter().chain([last]).collect::<Vec<_>>()
            })
            .collect();
        let s = minimal(&nets, super::super::DEFAULT_EXACT_LIMIT);
        assert!(super::super::tests::settles(&nets, &s.moves));
        assert_eq!(s.moves.len(), 150 - 30);
    }

    #[test]
    fn triples_are_found_above_the_limit() {
        // 30 copies of {-5, 2, 3}: greedy does poorly; triples settle each with 2 transfers.
        let nets: Vec<i128> = (0..30).flat_map(|_| [-5, 2, 3]).collect();
        let s = minimal(&nets, 0);
        assert_eq!(s.moves.len(), 60);
        assert!(s.moves.len() <= super::super::greedy(&nets).moves.len());
    }
}
