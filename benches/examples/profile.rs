//! Times `compute` on the 100,000-expense benchmark group 15 times (min and median), and can run
//! under a profiler: `perf record ./target/release/examples/profile`.
fn main() {
    let group = splitter_benches::group(100_000, 1);
    let mut times: Vec<std::time::Duration> = (0..15)
        .map(|_| {
            let t = std::time::Instant::now();
            let r = splitter_core::compute(&group).expect("the benchmark group computes");
            drop(r);
            t.elapsed()
        })
        .collect();
    times.sort();
    println!("compute 100000: min {:?}, median {:?}", times[0], times[7]);
}
