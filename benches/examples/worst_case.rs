//! Looks for the slowest input of `minimal` at the default exact limit: many random balances of
//! several shapes (dense small units, round units, mixed magnitudes, repeated values), each timed;
//! prints the slowest. Run under `/usr/bin/time -v` to see the peak memory.
use std::time::{Duration, Instant};

use splitter_benches::SplitMix64;
use splitter_core::settle::{minimal, DEFAULT_EXACT_LIMIT};

fn family(kind: u64, n: usize, rng: &mut SplitMix64) -> Vec<i128> {
    let mut v: Vec<i128> = (0..n - 1)
        .map(|k| {
            let sign = if rng.chance(1, 2) { 1 } else { -1 };
            let x: i64 = match kind {
                0 => rng.range(1, 4),                                    // units of 1..3
                1 => rng.range(1, 9),                                    // 1..8
                2 => rng.range(1, 30),                                   // 1..29
                3 => rng.range(1, 200),                                  // 1..199
                4 => [1, 2, 3, 5, 8, 13, 21, 34][rng.below(8) as usize], // few distinct
                _ => 1 << (k % 12),                                      // powers of two
            };
            i128::from(sign * x)
        })
        .collect();
    let sum: i128 = v.iter().sum();
    v.push(-sum);
    v
}

fn main() {
    let n = DEFAULT_EXACT_LIMIT;
    let mut rng = SplitMix64::new(42);
    let mut worst = (Duration::ZERO, Vec::new());
    for kind in 0..6 {
        let mut family_worst = Duration::ZERO;
        for _ in 0..200 {
            let v = family(kind, n, &mut rng);
            let t = Instant::now();
            let s = minimal(&v, DEFAULT_EXACT_LIMIT);
            let dt = t.elapsed();
            assert!(s.optimal);
            family_worst = family_worst.max(dt);
            if dt > worst.0 {
                worst = (dt, v);
            }
        }
        println!("family {kind}: slowest of 200 at n = {n}: {family_worst:?}");
    }
    println!("slowest overall: {:?} for {:?}", worst.0, worst.1);
}
