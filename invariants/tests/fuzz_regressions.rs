//! Replays every input saved under `fuzz/regressions/compute_json/` through `compute_json` with the
//! fuzz targets' own checker ([`splitter_invariants::check_compute_json`]): none may panic, and
//! on success every invariant of the contract must hold exactly. Plain `cargo test` so guards
//! what the fuzzer once found, without the fuzzer's nightly flags.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions/compute_json")
}

#[test]
fn every_saved_fuzz_input_replays_cleanly() {
    let dir = dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the fuzz regressions folder {} is missing: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries.map(|e| e.expect("a readable entry").path()).collect();
    files.retain(|p| p.is_file());
    files.sort();
    assert!(!files.is_empty(), "no regression inputs in {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(path).expect("a readable file");
        let Ok(input) = String::from_utf8(bytes) else {
            continue; // the target only feeds UTF-8 text to the engine
        };
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| {
            splitter_invariants::check_compute_json(&input)
        })) {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{name}: {msg}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fuzz regressions fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// The checker catches what it is there to catch: an output whose nets do not add up.
#[test]
fn a_broken_output_is_caught() {
    let input = r#"{"currency": "EUR", "members": ["a", "b"],
        "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "a", "split": {"type": "equal"}}]}"#;
    let group = splitter_core::wire::group_from_json(input).unwrap();
    let good = splitter_core::compute_json(input).unwrap();
    assert_eq!(splitter_invariants::check_report(&group, &good), Ok(()));
    let bad = good.replacen("\"-5.00\"", "\"-5.01\"", 1);
    assert_ne!(bad, good);
    assert!(splitter_invariants::check_report(&group, &bad).is_err());
}
