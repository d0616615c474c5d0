//! Transfers of `minimal` above the exact limit against the best known answer and the lower bound
//! max(debtors, creditors), and against `greedy`, on three families: planted zero-sum groups of 3
//! to 6 (best known: members minus groups planted), round-number balances (units of 5.00) and
//! random balances (up to 10^10 minor units, where no subset but the whole adds up to zero: best
//! known n - 1). Times are the least of 5 runs. Then the planted family on 8 seeds, `minimal`
//! against the planted count, so that one lucky seed does not stand for the family. Prints
//! markdown tables for benches/README.md.
//!
//! ```sh
//! cargo run --release -p splitter-benches --example heuristic_table
//! ```
use std::time::{Duration, Instant};

use splitter_benches::balances::{planted, round, sparse};
use splitter_core::settle::{greedy, lower_bound, minimal, Settlement, DEFAULT_EXACT_LIMIT};

/// `minimal` on `v`, and the least of 5 timings.
fn timed(v: &[i128]) -> (Settlement, Duration) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..5 {
        let t = Instant::now();
        let m = minimal(v, DEFAULT_EXACT_LIMIT);
        best = best.min(t.elapsed());
        out = Some(m);
    }
    (out.expect("five runs"), best)
}

fn main() {
    println!("| family | members | minimal | time | greedy | best known | lower bound |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for n in [60usize, 200, 1_000, 100_000] {
        let (p, groups) = planted(n, 3);
        let families: [(&str, Vec<i128>, Option<usize>); 3] = [
            ("planted", p, Some(n - groups)),
            ("round", round(n, 3), None),
            ("random", sparse(n, 3), Some(n - 1)),
        ];
        for (name, v, known) in families {
            let (m, took) = timed(&v);
            let g = greedy(&v).moves.len();
            let best = known.map_or_else(|| "-".to_string(), |k| k.min(m.moves.len()).to_string());
            println!(
                "| {name} | {n} | {} | {took:.1?} | {g} | {best} | {} |",
                m.moves.len(),
                lower_bound(&v)
            );
        }
    }
    println!();
    println!("| members | `minimal` / planted count, seeds 1 to 8 | sum over the seeds |");
    println!("|---:|---|---:|");
    for n in [60usize, 200, 1_000] {
        let (mut cells, mut sum_m, mut sum_p) = (Vec::new(), 0, 0);
        for seed in 1..=8 {
            let (v, groups) = planted(n, seed);
            let m = minimal(&v, DEFAULT_EXACT_LIMIT).moves.len();
            cells.push(format!("{m}/{}", n - groups));
            sum_m += m;
            sum_p += n - groups;
        }
        println!("| {n} | {} | {sum_m}/{sum_p} |", cells.join(" "));
    }
}
