#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! Settlement benchmarks (issue 3): the exact `minimal` against the plain subset DP, and the
//! heuristic above the exact limit against greedy, in one run. Before timing, it prints the table
//! of transfer counts (deterministic) that benches/README.md quotes.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use splitter_benches::balances::{baseline_fewest, round, sparse};
use splitter_core::settle::{greedy, lower_bound, minimal, DEFAULT_EXACT_LIMIT};

const EXACT_SIZES: [usize; 4] = [16, 20, 22, 24];
const LARGE_SIZES: [usize; 4] = [40, 100, 1_000, 100_000];

fn counts_table() {
    println!("\nexact: n, minimal transfers, baseline transfers (sparse and round balances)");
    for n in EXACT_SIZES {
        for (kind, v) in [("sparse", sparse(n, 7)), ("round", round(n, 7))] {
            let ours = minimal(&v, DEFAULT_EXACT_LIMIT);
            let base = baseline_fewest(&v);
            assert!(ours.optimal, "n = {n} within the limit is proven");
            assert_eq!(ours.moves.len(), base, "minimal equals the baseline's optimum");
            if kind == "sparse" {
                assert_eq!(base, n - 1, "sparse balances have no zero-sum shortcut");
            }
            println!("  {n:>6} {kind:<6} {:>6} {base:>6}", ours.moves.len());
        }
    }
    println!("\nheuristic: members, minimal, greedy, lower bound, minimal/greedy, minimal/bound");
    for n in LARGE_SIZES {
        let v = round(n, 11);
        let (m, g, lb) = (
            minimal(&v, DEFAULT_EXACT_LIMIT).moves.len(),
            greedy(&v).moves.len(),
            lower_bound(&v),
        );
        let ratio = |a: usize, b: usize| format!("{}.{:03}", a * 1000 / b / 1000, a * 1000 / b % 1000);
        println!(
            "  {n:>7} {m:>7} {g:>7} {lb:>7} {:>7} {:>7}",
            ratio(m, g),
            ratio(m, lb)
        );
    }
    println!();
}

fn exact(c: &mut Criterion) {
    counts_table();
    let mut group = c.benchmark_group("exact");
    group.sample_size(10);
    for n in EXACT_SIZES {
        let sparse_v = sparse(n, 7);
        let round_v = round(n, 7);
        group.bench_with_input(BenchmarkId::new("minimal_sparse", n), &sparse_v, |b, v| {
            b.iter(|| minimal(black_box(v), DEFAULT_EXACT_LIMIT))
        });
        group.bench_with_input(BenchmarkId::new("baseline_sparse", n), &sparse_v, |b, v| {
            b.iter(|| baseline_fewest(black_box(v)))
        });
        group.bench_with_input(BenchmarkId::new("minimal_round", n), &round_v, |b, v| {
            b.iter(|| minimal(black_box(v), DEFAULT_EXACT_LIMIT))
        });
    }
    group.finish();
}

fn heuristic(c: &mut Criterion) {
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    for n in LARGE_SIZES {
        let v = round(n, 11);
        group.bench_with_input(BenchmarkId::new("minimal", n), &v, |b, v| {
            b.iter(|| minimal(black_box(v), DEFAULT_EXACT_LIMIT))
        });
        group.bench_with_input(BenchmarkId::new("greedy", n), &v, |b, v| {
            b.iter(|| greedy(black_box(v)))
        });
    }
    group.finish();
}

criterion_group!(benches, exact, heuristic);
criterion_main!(benches);
