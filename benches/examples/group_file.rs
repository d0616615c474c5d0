//! Writes the N-expense benchmark group as contract JSON to a file and prints the median time of
//! `compute` on it in Rust, for comparisons with the bindings in the same run:
//! `group_file N PATH` prints `rust_ms <median>`.
fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let path = args.next().unwrap_or_else(|| "group.json".into());
    let group = splitter_benches::group(n, 1);
    std::fs::write(&path, splitter_core::wire::group_to_json(&group)).expect("writable path");
    let mut nanos: Vec<u128> = (0..7)
        .map(|_| {
            let t = std::time::Instant::now();
            drop(splitter_core::compute(&group).expect("the benchmark group computes"));
            t.elapsed().as_nanos()
        })
        .collect();
    nanos.sort_unstable();
    let median = nanos[nanos.len() / 2];
    println!("rust_ms {}.{:03}", median / 1_000_000, (median / 1_000) % 1_000);
}
