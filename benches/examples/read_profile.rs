//! Reads a group's JSON file (default: the 100,000-expense benchmark group written by
//! `group_file`) into the typed group 10 times, to run under `perf`:
//! `read_profile [PATH]`; with `WHOLE=1` in the environment, `compute_json` 10 times instead.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "group.json".into());
    let text = std::fs::read_to_string(&path).expect("a readable group file");
    let doc = splitter_core::Document::new(&text).expect("scans");
    if std::env::var_os("WHOLE").is_some() {
        for _ in 0..10 {
            drop(splitter_core::compute_json(&text));
        }
        return;
    }
    for _ in 0..10 {
        drop(splitter_core::wire::group_from_value(&doc.root()));
    }
}
