//! Criterion benchmarks of the whole engine on generated groups of 1,000, 10,000 and 100,000
//! expenses (12 members, 6 per expense, every split type, settle `minimal`): the typed API
//! (`compute`) and the JSON entry point (`compute_json`, parsing and writing included).
//!
//! Run with `cargo bench -p splitter-benches --bench ledger`.
//!
//! The allocator is mimalloc, as in the CLI and the server: the engine's time on 100,000
//! expenses is largely its allocations (the 580,000 share rows), which the system allocator
//! serves about 1.5x slower on this workload (see `benches/README.md`).

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput};
use splitter_benches::{group, group_json, SEED};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn configure<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sampling_mode(SamplingMode::Flat);
    g
}

fn typed(c: &mut Criterion) {
    let mut g = configure(c, "compute");
    for n in SIZES {
        let group = group(n, SEED);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &group, |b, group| {
            b.iter(|| splitter_core::compute(black_box(group)).expect("computes"));
        });
    }
    g.finish();
}

fn json(c: &mut Criterion) {
    let mut g = configure(c, "compute_json");
    for n in SIZES {
        let text = group_json(n, SEED);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| splitter_core::compute_json(black_box(text)).expect("computes"));
        });
    }
    g.finish();
}

/// `criterion_group!` writes an undocumented `pub fn`; kept in a private module so that the
/// workspace's `missing_docs` lint has nothing to say about it.
mod group {
    use super::{json, typed};
    criterion::criterion_group!(benches, typed, json);
}

criterion_main!(group::benches);
