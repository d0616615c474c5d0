//! Writes the N-expense benchmark group as contract JSON to a file and prints the median time of
//! `compute` on it in Rust, for comparisons with the bindings in the same run:
//! `group_file N PATH [plain]` (`plain`: [`splitter_benches::plain_group`] instead of
//! [`splitter_benches::group`]) prints `rust_ms <median>` (typed `compute`), then
//! `rust_json_ms <median>` (`compute_json` on the file's text: reading, computing, writing).
use std::time::Instant;

/// The median of 7 runs of `f`, in nanoseconds.
fn median_nanos(mut f: impl FnMut()) -> u128 {
    let mut nanos: Vec<u128> = (0..7)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_nanos()
        })
        .collect();
    nanos.sort_unstable();
    nanos[nanos.len() / 2]
}

/// Milliseconds with three decimals, from nanoseconds.
fn ms(nanos: u128) -> String {
    format!("{}.{:03}", nanos / 1_000_000, (nanos / 1_000) % 1_000)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let path = args.next().unwrap_or_else(|| "group.json".into());
    let group = match args.next().as_deref() {
        Some("plain") => splitter_benches::plain_group(n, 1),
        _ => splitter_benches::group(n, 1),
    };
    let text = splitter_core::wire::group_to_json(&group);
    std::fs::write(&path, &text).expect("writable path");
    let typed = median_nanos(|| drop(splitter_core::compute(&group).expect("the benchmark group computes")));
    println!("rust_ms {}", ms(typed));
    let json =
        median_nanos(|| drop(splitter_core::compute_json(&text).expect("the benchmark group computes")));
    println!("rust_json_ms {}", ms(json));
}
