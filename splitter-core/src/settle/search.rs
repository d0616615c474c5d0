//! The exact search behind `minimal`: the largest number of disjoint groups of balances that
//! each add up to zero.
//!
//! Equal balances are interchangeable, so the search works on a multiset: *classes* of equal
//! values with a count each, and a state is how many of each class are left. From a state it
//! picks one class that must be in some group (the first one left), enumerates every zero-sum
//! group containing it by meet-in-the-middle over the classes (half the classes' combinations are
//! listed and sorted by sum, the other half's looked up), and recurses on what is left, with:
//! - memoization of states;
//! - the bound min(debtors left, creditors left) on the groups still possible, which both prunes
//!   candidates and stops a state as soon as one candidate reaches it;
//! - smaller groups tried first (they leave more to split).
//!
//! On balances with no zero-sum shortcut (the common case for real money), the first state's
//! enumeration finds only the whole set and the answer is proven at once.

use std::collections::HashMap;

use crate::cancel::Cancel;

/// A multiset state: the count left of class i is `(state >> offset[i]) & mask[i]`.
type State = u64;

/// The most combinations one half of one state's enumeration may list (32 MiB).
const HALF: u64 = 1 << 20;
/// The most states remembered (about 40 MiB).
const MEMO: usize = 1 << 20;

struct Classes {
    value: Vec<i128>,
    count: Vec<u32>,
    offset: Vec<u32>,
    /// Members of each class, as positions in the caller's list.
    members: Vec<Vec<usize>>,
    /// Every class has one member: a state is then a plain bitmask.
    single: bool,
}

impl Classes {
    fn left(&self, s: State, i: usize) -> u32 {
        let width = bits(self.count[i]);
        ((s >> self.offset[i]) & ((1u64 << width) - 1)) as u32
    }

    /// True when multiset `big` holds multiset `small` (among the classes `live`).
    fn holds(&self, big: State, small: State, live: &[usize]) -> bool {
        if self.single {
            return small & !big == 0;
        }
        live.iter().all(|i| self.left(small, *i) <= self.left(big, *i))
    }

    /// min(debtors left, creditors left): at most that many groups can still be made.
    fn bound(&self, s: State) -> u32 {
        let (mut pos, mut neg) = (0, 0);
        for i in 0..self.value.len() {
            let c = self.left(s, i);
            if self.value[i] > 0 {
                pos += c;
            } else {
                neg += c;
            }
        }
        pos.min(neg)
    }
}

fn bits(count: u32) -> u32 {
    32 - count.leading_zeros()
}

/// One half's combinations: (sum, state delta, size).
fn combinations(cl: &Classes, s: State, classes: &[usize]) -> Vec<(i128, State, u32)> {
    let mut out = vec![(0i128, 0u64, 0u32)];
    for &i in classes {
        let left = cl.left(s, i);
        let mut next = Vec::with_capacity(out.len() * (left as usize + 1));
        for &(sum, delta, size) in &out {
            for t in 0..=left {
                next.push((
                    sum + cl.value[i] * i128::from(t),
                    delta + (u64::from(t) << cl.offset[i]),
                    size + t,
                ));
            }
        }
        out = next;
    }
    out
}

struct Search<'c> {
    cl: &'c Classes,
    /// Best number of groups of a state, and the group taken first to reach it.
    memo: HashMap<State, (u32, State)>,
    /// States whose enumeration would be too large: the search gives up (the caller falls back).
    budget: u64,
    /// Read at every state; once raised, the search gives up.
    cancel: Cancel<'c>,
    /// Take each state's smallest group and go on, without trying the others: a heuristic (no
    /// proof of the optimum) whose work is one enumeration per group found.
    first_only: bool,
}

/// Why the search found no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// It would take more steps than its budget.
    Budget,
    /// The caller raised the cancel flag.
    Cancelled,
}

impl Search<'_> {
    fn best(&mut self, s: State) -> Option<u32> {
        if s == 0 {
            return Some(0);
        }
        if let Some(&(k, _)) = self.memo.get(&s) {
            return Some(k);
        }
        if self.cancel.raised() {
            return None;
        }
        let cl = self.cl;
        let live: Vec<usize> = (0..cl.value.len()).filter(|i| cl.left(s, *i) > 0).collect();
        let pivot = live[0];
        let (a, b) = live.split_at(live.len().div_ceil(2));
        let cost = |half: &[usize]| {
            half.iter()
                .map(|i| u64::from(cl.left(s, *i)) + 1)
                .product::<u64>()
        };
        let (ca, cb) = (cost(a), cost(b));
        let work = ca + cb;
        // Memory stays bounded whatever the budget: at most HALF entries per half (32 bytes
        // each) and MEMO remembered states; past either, the caller's DP (1 byte per subset)
        // takes over.
        if work > self.budget || ca > HALF || cb > HALF || self.memo.len() >= MEMO {
            return None;
        }
        self.budget -= work;
        let mut left_half = combinations(cl, s, a);
        left_half.sort_unstable_by_key(|c| c.0);
        let right_half = combinations(cl, s, b);
        let pivot_mask = ((1u64 << bits(cl.count[pivot])) - 1) << cl.offset[pivot];
        // Every zero-sum group with at least one of the pivot class.
        let mut groups: Vec<(u32, State)> = Vec::new();
        for &(sum, delta, size) in &right_half {
            let start = left_half.partition_point(|c| c.0 < -sum);
            for &(lsum, ldelta, lsize) in &left_half[start..] {
                if lsum != -sum {
                    break;
                }
                if ldelta & pivot_mask != 0 {
                    groups.push((size + lsize, delta + ldelta));
                }
            }
        }
        groups.sort_unstable();
        // Only minimal groups: an optimal partition has no group holding a smaller zero-sum
        // group (cutting it would make one more group), and a group that holds one holds one
        // with the pivot too (the smaller group, or what is left of it), listed before it
        // (smallest first). So a group holding a group kept earlier is skipped.
        // (Taking only the smallest, it is minimal already.) A check is a few instructions, an
        // eighth of a step of the budget.
        let mut kept: Vec<State> = Vec::new();
        for (_, g) in groups {
            if self.first_only {
                kept.push(g);
                break;
            }
            let checks = u64::try_from(kept.len() / 8).unwrap_or(u64::MAX);
            if checks > self.budget {
                return None;
            }
            self.budget -= checks;
            if !kept.iter().any(|k| cl.holds(g, *k, &live)) {
                kept.push(g);
            }
        }
        let bound = cl.bound(s);
        let mut best = (0u32, s);
        for g in kept {
            let rest = s - g;
            if cl.bound(rest) < best.0 {
                continue;
            }
            let k = 1 + self.best(rest)?;
            if k > best.0 {
                best = (k, g);
                if k == bound {
                    break;
                }
            }
        }
        self.memo.insert(s, best);
        Some(best.0)
    }
}

/// The most zero-sum groups `values` (all non-zero, adding up to zero) can be cut into, as lists
/// of positions; gives up if the search would take more than `budget` steps (about one step per
/// combination listed) or when `cancel` is raised.
pub(crate) fn zero_sum_groups(
    values: &[i128],
    budget: u64,
    cancel: Cancel<'_>,
) -> Result<Vec<Vec<usize>>, GiveUp> {
    run(values, budget, cancel, false)
}

/// Zero-sum groups of `values` (all non-zero, adding up to zero) found by taking, again and again,
/// the smallest group with the first of what is left: not proven the most, but each group found
/// costs one enumeration, and on balances made of disjoint groups with few other zero-sum
/// subsets it finds them. Gives up as [`zero_sum_groups`] does.
pub(crate) fn smallest_first_groups(
    values: &[i128],
    budget: u64,
    cancel: Cancel<'_>,
) -> Result<Vec<Vec<usize>>, GiveUp> {
    run(values, budget, cancel, true)
}

fn run(
    values: &[i128],
    budget: u64,
    cancel: Cancel<'_>,
    first_only: bool,
) -> Result<Vec<Vec<usize>>, GiveUp> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    // Classes of equal values, largest magnitude first (they have the fewest groups).
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|x, y| {
        values[*y]
            .abs()
            .cmp(&values[*x].abs())
            .then(values[*x].cmp(&values[*y]))
            .then(x.cmp(y))
    });
    let mut cl = Classes {
        value: Vec::new(),
        count: Vec::new(),
        offset: Vec::new(),
        members: Vec::new(),
        single: false,
    };
    for i in order {
        if let (Some(&v), Some(c), Some(m)) = (cl.value.last(), cl.count.last_mut(), cl.members.last_mut()) {
            if v == values[i] {
                *c += 1;
                m.push(i);
                continue;
            }
        }
        cl.value.push(values[i]);
        cl.count.push(1);
        cl.members.push(vec![i]);
    }
    let mut at = 0;
    let mut full: State = 0;
    for c in &cl.count {
        cl.offset.push(at);
        full |= u64::from(*c) << at;
        at += bits(*c);
    }
    if at > 64 {
        return Err(GiveUp::Budget);
    }
    cl.single = cl.count.iter().all(|c| *c == 1);
    let mut search = Search {
        cl: &cl,
        memo: HashMap::new(),
        budget,
        cancel,
        first_only,
    };
    if search.best(full).is_none() {
        return Err(if cancel.raised() {
            GiveUp::Cancelled
        } else {
            GiveUp::Budget
        });
    }
    // Walk the memo: each state's chosen group, then what is left.
    let mut taken = vec![0usize; cl.value.len()];
    let mut groups = Vec::new();
    let mut s = full;
    while s != 0 {
        let (_, g) = *search.memo.get(&s).ok_or(GiveUp::Budget)?;
        let mut group = Vec::new();
        for (i, next) in taken.iter_mut().enumerate() {
            for _ in 0..cl.left(g, i) {
                group.push(cl.members[i][*next]);
                *next += 1;
            }
        }
        group.sort_unstable();
        groups.push(group);
        s -= g;
    }
    groups.sort();
    Ok(groups)
}
