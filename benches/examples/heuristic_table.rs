//! Transfers of `minimal` above the exact limit against the best known answer and the lower bound
//! max(debtors, creditors), and against `greedy`, on three families: planted zero-sum groups of 3
//! to 6 (best known: members minus groups planted), round-number balances (units of 5.00) and
//! random balances (up to 10^10 minor units, where no subset but the whole adds up to zero: best
//! known n - 1). Prints a markdown table for benches/README.md.
//!
//! ```sh
//! cargo run --release -p splitter-benches --example heuristic_table
//! ```
use std::time::Instant;

use splitter_benches::balances::{planted, round, sparse};
use splitter_core::settle::{greedy, lower_bound, minimal, DEFAULT_EXACT_LIMIT};

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
            let t = Instant::now();
            let m = minimal(&v, DEFAULT_EXACT_LIMIT);
            let took = t.elapsed();
            let g = greedy(&v).moves.len();
            let best = known.map_or_else(|| "-".to_string(), |k| k.min(m.moves.len()).to_string());
            println!(
                "| {name} | {n} | {} | {took:.1?} | {g} | {best} | {} |",
                m.moves.len(),
                lower_bound(&v)
            );
        }
    }
}
