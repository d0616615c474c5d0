//! The engine's speed targets, measured in one run (issue 13), each the least of `RUNS` timings:
//!
//! - `payers_50k`: `compute` of one expense paid by 50,000 members (the same members sharing it);
//! - `compute_100k`: typed `compute` of the 100,000-expense benchmark group;
//! - `compute_json_100k`: `compute_json` on that group's JSON, and its parts: reading the text into
//!   the typed group (`read`), computing (`compute`) and writing the output (`write`).
//!
//! ```sh
//! cargo run --release -p splitter-benches --example speed
//! ```
use std::time::{Duration, Instant};

use splitter_core::{compute, compute_json, wire, Decimal, Expense, Group, Member, PaidBy, Part, Split};

// As in the CLI and the server.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 7;

/// The least of `RUNS` timings of `f`.
fn least(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Milliseconds with one decimal.
fn ms(d: Duration) -> String {
    let tenths = d.as_micros() / 100;
    format!("{}.{} ms", tenths / 10, tenths % 10)
}

/// One expense of 50,000.00 paid by 50,000 members, one euro each, shared equally.
fn many_payers(n: usize) -> Group {
    let members: Vec<Member> = (0..n).map(|i| Member::new(format!("m{i:05}"))).collect();
    let payers = members.iter().map(|m| Part::new(m.id.clone(), 1)).collect();
    Group {
        currency: "EUR".into(),
        expenses: vec![Expense::new(
            "e1",
            Decimal::from(n),
            PaidBy::Several(payers),
            Split::Equal { members: None },
        )],
        members,
        ..Group::default()
    }
}

fn main() {
    let payers = many_payers(50_000);
    println!("payers_50k        {}", ms(least(|| drop(compute(&payers)))));

    let group = splitter_benches::group(100_000, 1);
    println!("compute_100k      {}", ms(least(|| drop(compute(&group)))));

    let text = wire::group_to_json(&group);
    let whole = least(|| drop(compute_json(&text)));
    let read = least(|| drop(wire::group_from_json(&text)));
    let parse = least(|| drop(splitter_core::Json::parse(&text)));
    let tree = splitter_core::Json::parse(&text).expect("parses");
    let build = least(|| drop(wire::group_from_value(&tree)));
    let scan = least(|| drop(splitter_core::Document::new(&text)));
    let doc = splitter_core::Document::new(&text).expect("scans");
    let lazy = least(|| drop(wire::group_from_value(&doc.root())));
    println!(
        "  parse {} build {} scan {} lazy build {}",
        ms(parse),
        ms(build),
        ms(scan),
        ms(lazy)
    );
    let typed = wire::group_from_json(&text).expect("the benchmark group reads");
    let report = compute(&typed).expect("the benchmark group computes");
    let write = least(|| drop(wire::report_to_json(&report)));
    let out = wire::report_to_json(&report);
    println!(
        "compute_json_100k {} (read {}, write {}; {} MB in, {} MB out)",
        ms(whole),
        ms(read),
        ms(write),
        text.len() / 1_000_000,
        out.len() / 1_000_000
    );
}
