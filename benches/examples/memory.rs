//! Resident memory at each stage of reading, computing and writing a group file, as the CLI does
//! it (mimalloc, the text dropped once the group is read, the output streamed):
//! `memory PATH` (a file from `group_file`). Prints the process's resident and peak memory
//! (`VmRSS`, `VmHWM` from `/proc/self/status`) after each stage, and the size of the types that
//! make up most of it.
use splitter_core::{compute, wire, Document, Expense, Part, Share};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A field of `/proc/self/status` in MiB.
fn status_mib(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

fn stage(what: &str) {
    println!(
        "{what:28} resident {:4} MiB, peak {:4} MiB",
        status_mib("VmRSS:"),
        status_mib("VmHWM:")
    );
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "group.json".into());
    println!(
        "bytes: Expense {}, Part {}, Share {}",
        std::mem::size_of::<Expense>(),
        std::mem::size_of::<Part>(),
        std::mem::size_of::<Share>()
    );
    stage("start");
    let text = std::fs::read_to_string(&path).expect("a readable group file");
    stage("text read");
    let doc = Document::new(&text).expect("JSON");
    stage("syntax checked");
    let group = wire::group_from_value(&doc.root()).expect("a valid group");
    stage("group read");
    drop(doc);
    drop(text);
    stage("text dropped");
    let report = compute(&group).expect("the group computes");
    stage("computed");
    wire::write_report(&report, std::io::sink()).expect("a sink takes every write");
    stage("written");
}
