//! Runs every case of `testdata/` through the JSON entry point and the typed API.

use std::path::PathBuf;

use serde_json::Value;

fn cases() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("testdata/ exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("readable case");
            let case: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((path.file_name().unwrap().to_string_lossy().into_owned(), case));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn input_text(case: &Value) -> String {
    match (&case["input"], &case["input_text"]) {
        (Value::Null, Value::String(t)) => t.clone(),
        (v, Value::Null) if !v.is_null() => serde_json::to_string(v).unwrap(),
        _ => panic!("a case has exactly one of input and input_text"),
    }
}

#[test]
fn every_case_gives_exactly_the_expected_result() {
    let cases = cases();
    assert!(
        cases.len() >= 60,
        "the corpus has {} cases, fewer than 60",
        cases.len()
    );
    let mut failures = Vec::new();
    for (name, case) in &cases {
        let got = splitter_core::compute_json(&input_text(case));
        match (got, &case["output"], &case["error"]) {
            (Ok(text), expected, Value::Null) if !expected.is_null() => {
                let got: Value = serde_json::from_str(&text).unwrap();
                if &got != expected {
                    failures.push(format!(
                        "{name}: output differs\n  got:      {got}\n  expected: {expected}"
                    ));
                }
            }
            (Err(e), Value::Null, expected) if !expected.is_null() => {
                if e.code.as_str() != expected["code"] || e.path != expected["path"] {
                    failures.push(format!(
                        "{name}: got error {} at '{}' ({}), expected {} at {}",
                        e.code, e.path, e.message, expected["code"], expected["path"]
                    ));
                } else if let Some(message) = expected["message"].as_str() {
                    // The text people read, where the case fixes it: every face shows exactly it.
                    if e.to_string() != message {
                        failures.push(format!("{name}: message\n  got:      {e}\n  expected: {message}"));
                    }
                }
            }
            (Ok(text), _, expected) => {
                failures.push(format!("{name}: expected error {expected}, got {text}"))
            }
            (Err(e), _, _) => failures.push(format!(
                "{name}: unexpected error {} at '{}': {}",
                e.code, e.path, e.message
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every error of the corpus reads `code at path: message` (or `code: message` for the input as
/// a whole), in the error's display and in the contract's error object alike; and the cases that
/// fix the text cover the kinds people meet most: a typo, a missing field, a place deep in a big
/// group, the whole input.
#[test]
fn every_error_reads_code_path_and_message() {
    let mut fixed = Vec::new();
    for (name, case) in cases() {
        let Err(e) = splitter_core::compute_json(&input_text(&case)) else {
            continue;
        };
        let text = e.to_string();
        let want = if e.path.is_empty() {
            format!("{}: {}", e.code, e.message)
        } else {
            format!("{} at {}: {}", e.code, e.path, e.message)
        };
        assert_eq!(text, want, "{name}");
        let object: Value = serde_json::from_str(&splitter_core::wire::error_to_json(&e)).unwrap();
        assert_eq!(object["error"]["message"], text, "{name}");
        assert_eq!(object["error"]["code"], e.code.as_str(), "{name}");
        assert_eq!(object["error"]["path"], e.path, "{name}");
        if case["error"]["message"].is_string() {
            fixed.push(name);
        }
    }
    for kind in [
        "did_you_mean",
        "unknown_field_before_missing",
        "missing",
        "big_group",
        "invalid_json",
    ] {
        assert!(
            fixed.iter().any(|n| n.contains(kind)),
            "no case fixes the message of a '{kind}' error: {fixed:?}"
        );
    }
}

#[test]
fn corpus_covers_every_error_code() {
    let cases = cases();
    for code in splitter_core::ErrorCode::ALL {
        assert!(
            cases.iter().any(|(_, c)| c["error"]["code"] == code.as_str()),
            "no testdata case expects error code {code}"
        );
    }
}

/// `compute_json` reads its text in one pass when it can ([`splitter_core::wire::quick_group`]),
/// and lazily otherwise ([`splitter_core::Document`]); the bindings and the server read a
/// [`splitter_core::Json`] tree. The lazy and the tree reader must give the same group or the same
/// error, on every case and on every case damaged: cut short, a byte changed, a character
/// escaped, keys reordered and spaced out. The one-pass reader must give that same group or
/// decline, and it must answer (not decline) on the well-formed cases.
#[test]
fn the_three_readers_agree() {
    use splitter_core::{wire, Document, Json};
    let read_lazy = |t: &str| Document::new(t).and_then(|d| wire::group_from_value(&d.root()));
    let read_tree = |t: &str| Json::parse(t).and_then(|v| wire::group_from_value(&v));
    let mut texts = Vec::new();
    let mut whole = Vec::new();
    for (_, case) in cases() {
        let text = input_text(&case);
        // Keys sorted (serde_json's map), so in another order than the case's.
        let pretty = serde_json::from_str::<Value>(&text)
            .map(|v| serde_json::to_string_pretty(&v).unwrap())
            .unwrap_or_default();
        let escaped = text
            .replacen("\"a", "\"\\u0061", 3)
            .replacen("e\"", "\\u0065\"", 3);
        let step = (text.len() / 40).max(1);
        for at in (0..text.len())
            .step_by(step)
            .filter(|i| text.is_char_boundary(*i))
        {
            texts.push(text[..at].to_string());
            for b in [
                "}", "]", ",", "\"", "\\", "0", " ", "{", "[", "\u{1}", "null", "1e2",
            ] {
                let mut damaged = text.clone();
                let end = (at + 1..=text.len())
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap_or(at);
                damaged.replace_range(at..end, b);
                texts.push(damaged);
            }
        }
        whole.extend([text.clone(), pretty.clone(), escaped.clone()]);
        texts.extend([text, pretty, escaped]);
    }
    let mut differ = Vec::new();
    let mut quick_differ = Vec::new();
    for t in &texts {
        let lazy = read_lazy(t);
        if lazy != read_tree(t) {
            differ.push(t.clone());
        }
        if let Some(group) = wire::quick_group(t, wire::Reading::Exact) {
            if lazy.as_ref() != Ok(&group) {
                quick_differ.push(t.clone());
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} texts read differently; first: {}",
        differ.len(),
        texts.len(),
        differ[0]
    );
    assert!(
        quick_differ.is_empty(),
        "{} of {} texts read differently in one pass; first: {}",
        quick_differ.len(),
        texts.len(),
        quick_differ[0]
    );
    // Every well-formed case the one-pass reader is meant for: no null, no previous transfers.
    let meant: Vec<&String> = whole
        .iter()
        .filter(|t| read_lazy(t).is_ok() && !t.contains("null") && !t.contains("\"previous\""))
        .collect();
    let declined: Vec<&&String> = meant
        .iter()
        .filter(|t| wire::quick_group(t, wire::Reading::Exact).is_none())
        .collect();
    assert!(meant.len() >= 300, "only {} well-formed texts", meant.len());
    assert!(
        declined.is_empty(),
        "the one-pass reader declined {} of {} well-formed texts; first: {}",
        declined.len(),
        meant.len(),
        declined[0]
    );
}
