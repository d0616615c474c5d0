#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! Settlement benchmarks (issue 3): the exact `minimal` against the plain subset DP, and the
//! heuristic above the exact limit against greedy, in one run. Before timing, it prints the table
//! of transfer counts (deterministic) that benches/README.md quotes.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use splitter_benches::balances::{baseline_fewest, round, sparse};
use splitter_benches::SplitMix64;
use splitter_core::settle::{greedy, lower_bound, minimal, DEFAULT_EXACT_LIMIT};
use splitter_core::{Decimal, Expense, Group, Member, PaidBy, Part, SettleMethod, Split};

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

/// `total` minor units cut into `k` random positive parts (`total >= k`).
fn random_parts(rng: &mut SplitMix64, total: i128, k: usize) -> Vec<i128> {
    let weights: Vec<i128> = (0..k).map(|_| 1 + i128::from(rng.below(1_000))).collect();
    let sum: i128 = weights.iter().sum();
    let spare = total - i128::try_from(k).unwrap_or(0);
    let mut parts: Vec<i128> = weights.iter().map(|w| 1 + spare * w / sum).collect();
    let left = total - parts.iter().sum::<i128>();
    for p in parts.iter_mut().take(usize::try_from(left).unwrap_or(0)) {
        *p += 1;
    }
    parts
}

/// One expense of `total` cents (a prime, so that almost no debt is a whole cent) among `members`
/// x `payers` under `pairwise`. Disjoint: `members` sharers split it equally and `payers` others
/// paid random amounts. Overlapping (the hardest shape): the same `members` each paid a random
/// amount and owe a random part, so every pair nets two debts.
fn pairwise_group(members: usize, payers: usize, overlap: bool, total: i128) -> Group {
    let mut rng = SplitMix64::new(0x9A12_3015_E000_0001);
    let n = if overlap { members } else { members + payers };
    let ids: Vec<String> = (0..n).map(|i| format!("m{i:05}")).collect();
    let cents = |c: i128| Decimal::from_i128_with_scale(c, 2);
    let payer_ids = if overlap { &ids[..] } else { &ids[members..] };
    let paid_by = PaidBy::Several(
        payer_ids
            .iter()
            .zip(random_parts(&mut rng, total, payers))
            .map(|(id, c)| Part::new(id.clone(), cents(c)))
            .collect(),
    );
    let split = if overlap {
        Split::Exact {
            amounts: ids
                .iter()
                .zip(random_parts(&mut rng, total, members))
                .map(|(id, c)| Part::new(id.clone(), cents(c)))
                .collect(),
        }
    } else {
        Split::Equal {
            members: Some(ids[..members].to_vec()),
        }
    };
    let mut group = Group {
        currency: "EUR".into(),
        members: ids.iter().map(|id| Member::new(id.clone())).collect(),
        expenses: vec![Expense::new("x", cents(total), paid_by, split)],
        ..Group::default()
    };
    group.options.settle = SettleMethod::Pairwise;
    group
}

/// Issue 13: `pairwise` on one expense of members x payers, up to the cap (1,000 x 1,000 =
/// `MAX_PAIRWISE_CELLS`), through `compute` (so the report's transfers are built too). Totals
/// are primes: 5 n^2 cents and up for the disjoint shape (every debt about 5 cents, almost none
/// whole), 10^12 + 39 cents for the overlapping one, and 10^20 + 39 cents (past 64 bits: the
/// slow exact division) once. `greedy` on the same expense shows what `compute` costs without
/// the transfers; `disjoint_whole` (every debt exactly one cent: nothing to round) what it costs
/// with as many transfers as `disjoint` but without the rounding.
fn pairwise(c: &mut Criterion) {
    let mut group = c.benchmark_group("pairwise");
    group.sample_size(10);
    let cases: [(&str, usize, bool, i128); 9] = [
        ("disjoint", 200, false, 200_003),
        ("disjoint", 1_000, false, 5_000_011),
        ("disjoint", 500, false, 1_250_003),
        ("overlap", 200, true, 1_000_000_000_039),
        ("overlap", 500, true, 1_000_000_000_039),
        ("overlap", 1_000, true, 1_000_000_000_039),
        ("overlap_past_64_bits", 1_000, true, 100_000_000_000_000_000_039),
        ("disjoint_greedy", 1_000, false, 5_000_011),
        ("disjoint_whole", 1_000, false, 1_000_000),
    ];
    for (name, n, overlap, total) in cases {
        let mut g = pairwise_group(n, n, overlap, total);
        if name.ends_with("greedy") {
            g.options.settle = SettleMethod::Greedy;
        }
        if name.ends_with("whole") {
            // Every payer pays 10.00 of 10,000.00: each debt is exactly one cent, nothing to
            // round, and as many transfers as in "disjoint".
            let each = Decimal::from_i128_with_scale(total / n as i128, 2);
            if let PaidBy::Several(p) = &mut g.expenses[0].paid_by {
                p.iter_mut().for_each(|part| part.value = each);
            }
        }
        group.bench_with_input(BenchmarkId::new(name, n), &g, |b, g| {
            b.iter(|| splitter_core::compute(black_box(g)).expect("computes"))
        });
    }
    group.finish();
}

criterion_group!(benches, exact, heuristic, pairwise);
criterion_main!(benches);
