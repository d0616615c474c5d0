//! The exact search's safety net: the most zero-sum groups a set of balances can be cut into,
//! for any input, as the longest chain of zero-sum subsets, computed one level at a time on
//! bitsets of all 2^n subsets.
//!
//! `best[S]`, the most zero-sum groups inside `S`, is the length of the longest chain
//! `S1 ⊂ S2 ⊂ ... ⊆ S` of nonempty zero-sum sets (the groups are the differences). Its level
//! sets `U_v = {S : best[S] >= v}` are up-sets, and
//!
//! > `U_v = up(Z ∩ step(U_{v-1}))`, with `U_0` every set,
//!
//! where `Z` holds the zero-sum sets, `step(X)` the sets that lose one element into `X`, and
//! `up(X)` every superset of a set of `X`. (A set `S ∈ Z` with `S - i ∈ U_{v-1}` has a chain of
//! `v`; a set with a chain of `v` contains its top `S`, which is in `Z` and, taking `i` in `S`
//! but not in the chain's next set, in `step(U_{v-1})`.) `step` and `up` are one pass per element
//! over the bitset, word by word (64 subsets at a time: shifts within a word for the first six
//! elements, whole words beyond), so a level costs about 2·n·2^(n-6) word operations and the
//! answer `k` needs `k + 1` levels: at 24 balances, tens of milliseconds and 2 MiB per level,
//! where the plain `O(n·2^n)` DP over bytes takes about a second and 16 MiB.

use crate::cancel::Cancel;

/// Bits of a word whose position has bit `i` set (`i < 6`).
const HAS_BIT: [u64; 6] = [
    0xAAAA_AAAA_AAAA_AAAA,
    0xCCCC_CCCC_CCCC_CCCC,
    0xF0F0_F0F0_F0F0_F0F0,
    0xFF00_FF00_FF00_FF00,
    0xFFFF_0000_FFFF_0000,
    0xFFFF_FFFF_0000_0000,
];

/// The zero-sum subsets of `values` (at least 6 of them) as a bitset: bit `s & 63` of word
/// `s >> 6` is set when subset `s` (bit `i` of `s`: `values[i]` is in it) adds up to zero.
fn zero_sets(values: &[i128]) -> Vec<u64> {
    let n = values.len();
    let words = 1usize << (n - 6);
    // The sums of the 64 subsets of the first six values, and which of them give each sum.
    let mut low: Vec<(i128, u64)> = Vec::with_capacity(64);
    for j in 0..64usize {
        let s: i128 = (0..6).filter(|b| j & (1 << b) != 0).map(|b| values[b]).sum();
        match low.iter_mut().find(|(v, _)| *v == s) {
            Some((_, m)) => *m |= 1 << j,
            None => low.push((s, 1 << j)),
        }
    }
    low.sort_unstable_by_key(|(v, _)| *v);
    // The sum of each subset of the other values, added up from the subset without its lowest.
    let mut high = vec![0i128; words];
    let mut z = vec![0u64; words];
    for w in 0..words {
        if w > 0 {
            high[w] = high[w & (w - 1)] + values[6 + w.trailing_zeros() as usize];
        }
        if let Ok(k) = low.binary_search_by_key(&-high[w], |(v, _)| *v) {
            z[w] = low[k].1;
        }
    }
    z
}

/// `y |= step(x)`: the sets that lose one element into `x`.
fn spread(x: &[u64], y: &mut [u64], n: usize) {
    for (i, has) in HAS_BIT.iter().enumerate() {
        let sh = 1u32 << i;
        for (yw, xw) in y.iter_mut().zip(x) {
            *yw |= (xw << sh) & has;
        }
    }
    for i in 6..n {
        let s = 1usize << (i - 6);
        if s < 8 {
            // Short runs: one pass over every word, the partner word masked in when it counts.
            for (w, yw) in y.iter_mut().enumerate() {
                let with = u64::from(w & s != 0).wrapping_neg();
                *yw |= x[w ^ s] & with;
            }
        } else {
            for block in (0..x.len()).step_by(2 * s) {
                let (from, to) = (&x[block..block + s], block + s);
                for (yw, xw) in y[to..to + s].iter_mut().zip(from) {
                    *yw |= xw;
                }
            }
        }
    }
}

/// `step(x)` into `y` (cleared first).
fn step(x: &[u64], y: &mut Vec<u64>, n: usize) {
    y.clear();
    y.resize(x.len(), 0);
    spread(x, y, n);
}

/// `up(x)`, in place: every superset of a set of `x`.
fn up(x: &mut [u64], n: usize) {
    for (i, has) in HAS_BIT.iter().enumerate() {
        let sh = 1u32 << i;
        for xw in x.iter_mut() {
            *xw |= (*xw << sh) & has;
        }
    }
    for i in 6..n {
        let s = 1usize << (i - 6);
        if s < 8 {
            for w in 0..x.len() {
                let with = u64::from(w & s != 0).wrapping_neg();
                x[w] |= x[w ^ s] & with;
            }
        } else {
            for block in (0..x.len()).step_by(2 * s) {
                let (lower, upper) = x[block..block + 2 * s].split_at_mut(s);
                for (u, l) in upper.iter_mut().zip(lower.iter()) {
                    *u |= *l;
                }
            }
        }
    }
}

fn has(x: &[u64], s: usize) -> bool {
    x[s >> 6] & (1 << (s & 63)) != 0
}

/// The most zero-sum groups `values` (all non-zero, at least 6, at most 30 of them, adding up
/// to zero) can be cut into, as lists of positions; `None` once `cancel` is raised (read at
/// every level).
pub(crate) fn zero_sum_groups(values: &[i128], cancel: Cancel<'_>) -> Option<Vec<Vec<usize>>> {
    let n = values.len();
    debug_assert!((6..=30).contains(&n));
    let full = (1usize << n) - 1;
    let z = zero_sets(values);
    // levels[v - 1] = U_v.
    let mut levels: Vec<Vec<u64>> = Vec::new();
    loop {
        if cancel.raised() {
            return None;
        }
        let mut next = Vec::new();
        match levels.last() {
            Some(prev) => step(prev, &mut next, n),
            // step(U_0): every nonempty set.
            None => {
                next = vec![u64::MAX; z.len()];
                next[0] &= !1;
            }
        }
        for (nw, zw) in next.iter_mut().zip(&z) {
            *nw &= zw;
        }
        up(&mut next, n);
        if !has(&next, full) {
            break;
        }
        levels.push(next);
    }
    // Walk down from the whole set: at level v, a set that is itself the top of a chain of v
    // (zero-sum, and one element away from level v-1) is recorded; any other set sheds an
    // element and stays at level v.
    let mut tops = Vec::new();
    let mut s = full;
    let mut v = levels.len();
    while v > 0 {
        let below = |t: usize| v == 1 || has(&levels[v - 2], t);
        let drop = (0..n).find(|i| s & (1 << i) != 0 && below(s & !(1 << i)));
        match drop {
            Some(i) if has(&z, s) => {
                tops.push(s);
                if v == 1 {
                    break;
                }
                s &= !(1 << i);
                v -= 1;
            }
            _ => {
                let i = (0..n).find(|i| s & (1 << i) != 0 && has(&levels[v - 1], s & !(1 << i)))?;
                s &= !(1 << i);
            }
        }
    }
    // tops: S_k ⊃ S_{k-1} ⊃ ... ⊃ S_1; the groups are the differences.
    let mut groups = Vec::with_capacity(tops.len());
    for (k, top) in tops.iter().enumerate() {
        let inner = tops.get(k + 1).copied().unwrap_or(0);
        groups.push((0..n).filter(|i| (top & !inner) & (1 << i) != 0).collect());
    }
    groups.sort();
    Some(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain DP over bytes, for comparison.
    fn plain(values: &[i128]) -> usize {
        let n = values.len();
        let mut best = vec![0u8; 1 << n];
        for mask in 1usize..1 << n {
            let sum: i128 = (0..n).filter(|i| mask & (1 << i) != 0).map(|i| values[i]).sum();
            let b = (0..n)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| best[mask ^ (1 << i)])
                .max()
                .unwrap_or(0);
            best[mask] = b + u8::from(sum == 0);
        }
        usize::from(best[(1 << n) - 1])
    }

    #[test]
    fn agrees_with_the_plain_dp_and_gives_zero_sum_partitions() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for case in 0..400 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = 6 + (x % 9) as usize;
            let range = [4i128, 9, 30, 1000][case % 4];
            let mut values: Vec<i128> = (0..n - 1)
                .map(|k| {
                    let r = i128::from(x.rotate_left(k as u32 * 7) % 10_000);
                    let v = r % range + 1;
                    if (x >> k) & 1 == 0 {
                        v
                    } else {
                        -v
                    }
                })
                .collect();
            let sum: i128 = values.iter().sum();
            if sum == 0 {
                continue;
            }
            values.push(-sum);
            let groups = zero_sum_groups(&values, Cancel::never()).expect("never cancelled");
            assert_eq!(groups.len(), plain(&values), "{values:?}");
            let mut seen: Vec<usize> = groups.iter().flatten().copied().collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "a partition: {values:?}");
            for g in &groups {
                assert!(!g.is_empty());
                assert_eq!(g.iter().map(|i| values[*i]).sum::<i128>(), 0, "{values:?}");
            }
        }
    }
}
