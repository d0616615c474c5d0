//! Net balances for the settlement benchmarks, and the baseline they are measured against.

use crate::SplitMix64;

/// `n` random balances with no zero-sum shortcut: values up to 10^10 minor units (so that no
/// proper subset adds up to zero, checked by the baseline in the benchmark), adding up to zero.
pub fn sparse(n: usize, seed: u64) -> Vec<i128> {
    balanced(n, seed, 10_000_000_000)
}

/// `n` random balances in round units of 5.00 between -100.00 and 100.00: many zero-sum
/// subsets, the hard case for an exact search and the common one in real groups.
pub fn round(n: usize, seed: u64) -> Vec<i128> {
    let mut rng = SplitMix64::new(seed);
    let mut v: Vec<i128> = (0..n - 1)
        .map(|_| {
            let units = i128::from(rng.range(1, 20)) * 500;
            if rng.chance(1, 2) {
                units
            } else {
                -units
            }
        })
        .collect();
    let sum: i128 = v.iter().sum();
    v.push(-sum);
    v
}

/// `n` balances made of disjoint zero-sum groups of 3 to 6 members, shuffled, and the number of
/// groups planted. Values are random up to 10^6 minor units (one of each group being minus the
/// others' sum), so almost surely no other subset adds up to zero and the fewest transfers is
/// `n` minus the groups planted: the best known answer, a settlement must find the groups.
pub fn planted(n: usize, seed: u64) -> (Vec<i128>, usize) {
    let mut rng = SplitMix64::new(seed);
    let mut v: Vec<i128> = Vec::with_capacity(n);
    let mut groups = 0;
    while v.len() < n {
        let left = n - v.len();
        let k = if left <= 6 {
            left
        } else {
            usize::try_from(rng.range(3, 6)).unwrap_or(3).min(left - 3)
        };
        loop {
            let mut g: Vec<i128> = (0..k - 1)
                .map(|j| {
                    let x = i128::from(rng.range(1, 1_000_000));
                    // Both signs in every group: the first positive, the second negative.
                    match j {
                        0 => x,
                        1 => -x,
                        _ if rng.chance(1, 2) => x,
                        _ => -x,
                    }
                })
                .collect();
            let last = -g.iter().sum::<i128>();
            if last != 0 {
                g.push(last);
                v.extend(g);
                break;
            }
        }
        groups += 1;
    }
    // Shuffle (Fisher-Yates), so groups are not neighbours.
    for i in (1..v.len()).rev() {
        let j = usize::try_from(rng.below(u64::try_from(i + 1).unwrap_or(1))).unwrap_or(0);
        v.swap(i, j);
    }
    (v, groups)
}

fn balanced(n: usize, seed: u64, range: i64) -> Vec<i128> {
    let mut rng = SplitMix64::new(seed);
    let mut v: Vec<i128> = (0..n - 1)
        .map(|k| {
            let x = i128::from(rng.range(range / 10, range));
            if k % 2 == 0 {
                x
            } else {
                -x
            }
        })
        .collect();
    let sum: i128 = v.iter().sum();
    v.push(-sum);
    v
}

/// The baseline: the plain O(n 2^n) subset DP, `best[S] = [sum(S) = 0] + max over i in S of
/// best[S - i]`, returning the fewest transfers `n - best[all]`. The same algorithm a careful
/// implementation would write first; 64-bit sums like the C reference in the issue.
pub fn baseline_fewest(values: &[i128]) -> usize {
    let v: Vec<i64> = values
        .iter()
        .map(|x| i64::try_from(*x).unwrap_or(i64::MAX))
        .collect();
    let n = v.len();
    let size = 1usize << n;
    let mut sums = vec![0i64; size];
    let mut best = vec![0u8; size];
    for mask in 1..size {
        let low = mask.trailing_zeros() as usize;
        sums[mask] = sums[mask & (mask - 1)].wrapping_add(v[low]);
        let mut b = 0;
        let mut rest = mask;
        while rest != 0 {
            let bit = rest & rest.wrapping_neg();
            b = b.max(best[mask ^ bit]);
            rest ^= bit;
        }
        best[mask] = b + u8::from(sums[mask] == 0);
    }
    n - usize::from(best[size - 1])
}
