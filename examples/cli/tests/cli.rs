//! End-to-end tests of the `splitter` binary: they run the real executable on the example groups
//! in `examples/data/` and on bad input, and check its output, its messages and its exit status.
//!
//! Money is checked with exact decimals (`splitter_core::Decimal`, i.e. `rust_decimal`), never
//! with floats.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use splitter_core::{Decimal, Json};

/// Checks that the output `report` is consistent: the nets of each currency add up to zero, and
/// recording every transfer as a payment brings every balance to exactly zero. Returns the number
/// of non-zero balances.
fn assert_settles(name: &str, report: &Json) -> usize {
    let mut nets: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for b in items(get(report, "balances")) {
        let (paid, owed, net) = (
            amount(get(b, "paid")),
            amount(get(b, "owed")),
            amount(get(b, "net")),
        );
        assert_eq!(paid - owed, net, "{name}: net is paid - owed in {b:?}");
        let key = (
            text(get(b, "member")).to_string(),
            text(get(b, "currency")).to_string(),
        );
        assert!(
            nets.insert(key, net).is_none(),
            "{name}: one row per member and currency"
        );
    }
    let mut sums: BTreeMap<&str, Decimal> = BTreeMap::new();
    for ((_, cur), net) in &nets {
        *sums.entry(cur).or_default() += *net;
    }
    for (cur, sum) in sums {
        assert_eq!(sum, Decimal::ZERO, "{name}: {cur} nets add up to zero");
    }
    let nonzero = nets.values().filter(|n| !n.is_zero()).count();
    for t in items(get(report, "transfers")) {
        let a = amount(get(t, "amount"));
        assert!(a > Decimal::ZERO, "{name}: transfers are positive: {t:?}");
        let cur = text(get(t, "currency")).to_string();
        let from = (text(get(t, "from")).to_string(), cur.clone());
        let to = (text(get(t, "to")).to_string(), cur);
        // Paying raises the payer's balance and lowers the receiver's.
        *nets
            .get_mut(&from)
            .unwrap_or_else(|| panic!("{name}: payer {from:?} has a balance")) += a;
        *nets
            .get_mut(&to)
            .unwrap_or_else(|| panic!("{name}: receiver {to:?} has a balance")) -= a;
    }
    for (who, net) in &nets {
        assert_eq!(*net, Decimal::ZERO, "{name}: {who:?} is settled by the transfers");
    }
    nonzero
}

#[test]
fn spec_example_json_gives_the_spec_amounts() {
    let out = splitter(&["--json", &data("spec-example.json")], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).is_empty());
    let report = json(&stdout(&out));

    assert_eq!(text(get(&report, "currency")), "EUR");
    let balances: Vec<(&str, &str, &str, &str, &str)> = items(get(&report, "balances"))
        .iter()
        .map(|b| {
            let f = |k| text(get(b, k));
            (f("member"), f("currency"), f("paid"), f("owed"), f("net"))
        })
        .collect();
    assert_eq!(
        balances,
        [
            ("ana", "EUR", "90.00", "95.20", "-5.20"),
            ("ben", "EUR", "92.00", "57.60", "34.40"),
            ("cy", "EUR", "28.40", "57.60", "-29.20"),
        ]
    );
    let transfers: Vec<(&str, &str, &str, &str)> = items(get(&report, "transfers"))
        .iter()
        .map(|t| {
            let f = |k| text(get(t, k));
            (f("from"), f("to"), f("amount"), f("currency"))
        })
        .collect();
    assert_eq!(
        transfers,
        [("ana", "ben", "5.20", "EUR"), ("cy", "ben", "29.20", "EUR")]
    );
    // e2's shares are divisions of the one converted total, 110.40 EUR.
    let e2: Vec<(&str, &str, &str)> = items(get(&report, "shares"))
        .iter()
        .filter(|s| text(get(s, "expense")) == "e2")
        .map(|s| {
            (
                text(get(s, "member")),
                text(get(s, "amount")),
                text(get(s, "group_amount")),
            )
        })
        .collect();
    assert_eq!(
        e2,
        [
            ("ana", "60.00", "55.20"),
            ("ben", "30.00", "27.60"),
            ("cy", "30.00", "27.60")
        ]
    );
    assert_eq!(text(get(&report, "settle")), "minimal");
    assert_eq!(get(&report, "optimal"), &Json::Bool(true));
}

#[test]
fn json_output_is_the_cores_output() {
    for name in ["spec-example.json", "weekend-trip.json"] {
        let input = std::fs::read_to_string(data(name)).expect("example is readable");
        let core = splitter_core::compute_json(&input).expect("example computes");
        let out = splitter(&["--json", &data(name)], None);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            format!("{core}\n"),
            "{name}: --json is the core's text"
        );
        let pretty = splitter(&["--pretty", &data(name)], None);
        assert!(pretty.status.success(), "{name}: {}", stderr(&pretty));
        let pretty = stdout(&pretty);
        assert!(
            pretty.contains("\n  \"balances\": [\n"),
            "{name}: indented: {pretty}"
        );
        assert_eq!(
            json(&pretty),
            json(&core),
            "{name}: --pretty parses to the core's output"
        );
    }
}

#[test]
fn table_output_shows_balances_and_transfers() {
    let out = splitter(&[&data("spec-example.json")], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stdout(&out);
    // The transfers, their amounts right-aligned too.
    assert!(
        s.contains("\n  ana pays ben  5.20 EUR\n  cy pays ben  29.20 EUR\n"),
        "{s}"
    );
    assert!(s.contains("Settle method: minimal"), "{s}");
    assert!(s.contains("Optimal: yes"), "{s}");
    // The balances table: header, then one row per member with the amounts right-aligned.
    assert!(s.contains("  member  currency   paid   owed     net\n"), "{s}");
    assert!(s.contains("  ana     EUR       90.00  95.20   -5.20\n"), "{s}");
    assert!(s.contains("  cy      EUR       28.40  57.60  -29.20\n"), "{s}");
}

#[test]
fn table_output_uses_display_names() {
    let out = splitter(&[&data("weekend-trip.json")], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stdout(&out);
    assert!(s.contains("  Maya "), "{s}");
    assert!(s.contains("Tom pays Lea "), "{s}");
}

#[test]
fn reads_standard_input() {
    let input = std::fs::read_to_string(data("spec-example.json")).expect("example is readable");
    let out = splitter(&["-"], Some(&input));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("cy pays ben  29.20 EUR"));

    let out = splitter(&["--json", "-"], Some(&input));
    assert!(out.status.success(), "{}", stderr(&out));
    let core = splitter_core::compute_json(&input).expect("example computes");
    assert_eq!(stdout(&out), format!("{core}\n"));
}

#[test]
fn settle_flag_overrides_the_groups_option() {
    // The example asks for "minimal"; the flag wins.
    for method in ["greedy", "pairwise", "minimal"] {
        for args in [
            vec!["--json", "--settle", method, "FILE"],
            vec!["--json", "FILE", &format!("--settle={method}")],
        ] {
            let file = data("weekend-trip.json");
            let args: Vec<&str> = args
                .iter()
                .map(|a| if *a == "FILE" { &file } else { *a })
                .collect();
            let out = splitter(&args, None);
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
            let report = json(&stdout(&out));
            assert_eq!(text(get(&report, "settle")), method, "{args:?}");
            assert_settles(&format!("weekend-trip.json with {method}"), &report);
        }
    }
    // Pairwise does not simplify: here it needs more transfers than minimal, and says so.
    let out = splitter(&["--settle", "pairwise", &data("weekend-trip.json")], None);
    let s = stdout(&out);
    assert!(s.contains("Settle method: pairwise"), "{s}");
    assert!(s.contains("Optimal: not proven"), "{s}");
}

const UNKNOWN_MEMBER: &str = r#"{
  "currency": "EUR",
  "members": ["ana", "ben", "cy"],
  "expenses": [
    { "id": "e1", "amount": "30.00", "paid_by": "ana", "split": { "type": "equal" } },
    { "id": "e2", "amount": "12.00", "paid_by": "ben",
      "split": { "type": "shares", "shares": { "ana": "1", "zoe": "1" } } }
  ]
}"#;

#[test]
fn engine_error_names_the_place_in_the_input() {
    let path = "expenses[1].split.shares.zoe";
    for args in [vec!["--json", "-"], vec!["--pretty", "-"]] {
        let out = splitter(&args, Some(UNKNOWN_MEMBER));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("error: unknown_member at {path}: ")),
            "{err}"
        );
        assert!(err.contains("zoe"), "{err}");
        let v = json(&stdout(&out));
        let e = get(&v, "error");
        assert_eq!(text(get(e, "code")), "unknown_member");
        assert_eq!(text(get(e, "path")), path);
        assert!(text(get(e, "message")).contains("zoe"));
    }
    // Without --json, nothing on stdout.
    let out = splitter(&["-"], Some(UNKNOWN_MEMBER));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains(path));
}

/// A misspelt field, the way a person reads it on stderr: the code, the place and the field it
/// likely stands for.
#[test]
fn a_typo_is_named_with_what_it_likely_means() {
    let typo = r#"{"currency": "EUR", "members": ["ana", "ben"],
      "expenses": [{"id": "e1", "amout": "12.50", "paid_by": "ana", "split": {"type": "equal"}}]}"#;
    let out = splitter(&["-"], Some(typo));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: invalid_input at expenses[0].amout: unknown field 'amout'; did you mean 'amount'? \
         (an expense has id, amount, currency, rate, paid_by, split, description, date and \
         category)\n"
    );
}

#[test]
fn invalid_json_is_reported() {
    let out = splitter(
        &["--json", "-"],
        Some("{\"currency\": \"EUR\",\n  \"members\": [\"ana\",]}"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error: invalid_json: "),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
    let v = json(&stdout(&out));
    assert_eq!(text(get(get(&v, "error"), "code")), "invalid_json");

    // Bytes that are not UTF-8 are not JSON text either.
    let out = splitter_bytes(&["--json", "-"], Some(b"{\"currency\": \"\xff\"}"));
    assert_eq!(out.status.code(), Some(1));
    let v = json(&stdout(&out));
    assert_eq!(text(get(get(&v, "error"), "code")), "invalid_json");
}

#[test]
fn settle_override_does_not_hide_input_errors() {
    let input = r#"{"currency": "EUR", "members": ["ana"], "options": {"settle": "fastest"}}"#;
    let out = splitter(&["--json", "--settle", "greedy", "-"], Some(input));
    assert_eq!(out.status.code(), Some(1));
    let v = json(&stdout(&out));
    assert_eq!(text(get(get(&v, "error"), "code")), "invalid_option");
    assert_eq!(text(get(get(&v, "error"), "path")), "options.settle");
}

#[test]
fn unreadable_file() {
    let missing = data_dir().join("no-such-group.json");
    let missing = missing.to_string_lossy();
    let out = splitter(&[&missing], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.starts_with("error: invalid_input: cannot read "), "{err}");
    assert!(err.contains("no-such-group.json"), "{err}");

    let out = splitter(&["--json", &missing], None);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&stdout(&out));
    let e = get(&v, "error");
    assert_eq!(text(get(e, "code")), "invalid_input");
    assert_eq!(text(get(e, "path")), "");

    // A directory cannot be read as a file either.
    let dir = data_dir();
    let out = splitter(&[&dir.to_string_lossy()], None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_usage_exits_2_with_usage() {
    let file = data("spec-example.json");
    for args in [
        vec!["--bogus", file.as_str()],
        vec!["-x", file.as_str()],
        vec![file.as_str(), file.as_str()],
        vec!["--settle", "fastest", file.as_str()],
        vec![file.as_str(), "--settle"],
        vec!["--json", "--format", "csv", file.as_str()],
        vec!["--pretty", "--format", "table", file.as_str()],
        vec!["--csv-table", "shares", "--format", "json", file.as_str()],
        vec!["--format", "yaml", file.as_str()],
        vec!["--from", "xml", file.as_str()],
        vec!["completions"],
        vec!["completions", "tcsh"],
    ] {
        let out = splitter(&args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stdout(&out).is_empty(), "{args:?}");
        let err = stderr(&out);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        // The usage, or where to find it.
        assert!(
            err.contains("\nUsage: splitter") || err.contains("try '--help'"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn help_and_version() {
    let out = splitter(&["--help"], None);
    assert!(out.status.success());
    let help = stdout(&out);
    assert!(help.contains("\nUsage: splitter [OPTIONS] [FILE]\n"), "{help}");
    for option in [
        "--settle",
        "--json",
        "--pretty",
        "--from",
        "--format",
        "--csv-table",
    ] {
        assert!(help.contains(&format!("      {option}")), "{option}: {help}");
    }
    // The long help has examples; the short one points to them.
    assert!(help.contains("\nExamples:\n  splitter trip.json "), "{help}");
    let out = splitter(&["-h"], None);
    assert!(out.status.success());
    assert!(!stdout(&out).contains("Examples:"));
    assert!(stdout(&out).contains("'--help' shows examples"));
    // Help wins over anything else on the line, as it always has.
    let out = splitter(&["--bogus", "--help"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), help);

    let out = splitter(&["--version"], None);
    assert!(out.status.success());
    assert_eq!(stdout(&out), format!("splitter {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn every_example_computes_and_settles_to_zero() {
    let mut names: Vec<String> = std::fs::read_dir(data_dir())
        .expect("examples/data is readable")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    for required in [
        "dinner-receipt.json",
        "flat-share.json",
        "spec-example.json",
        "weekend-trip.json",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "{required} is in examples/data"
        );
    }
    for name in &names {
        for settle in ["minimal", "greedy", "pairwise"] {
            let out = splitter(&["--json", "--settle", settle, &data(name)], None);
            assert!(out.status.success(), "{name} ({settle}): {}", stderr(&out));
            let report = json(&stdout(&out));
            let nonzero = assert_settles(&format!("{name} ({settle})"), &report);
            let transfers = items(get(&report, "transfers")).len();
            assert_eq!(
                transfers == 0,
                nonzero == 0,
                "{name} ({settle}): transfers iff debts"
            );
            if settle != "pairwise" {
                // Settling n non-zero balances never takes more than n - 1 transfers.
                assert!(
                    transfers < nonzero.max(1),
                    "{name} ({settle}): {transfers} for {nonzero}"
                );
            }
        }
        // The readable form works too.
        let out = splitter(&[&data(name)], None);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(stdout(&out).contains("Suggested transfers"), "{name}");
    }
}

#[test]
fn examples_show_what_they_claim() {
    // A few exact figures from the example groups, worked out by hand.
    let run = |name: &str| {
        let out = splitter(&["--json", &data(name)], None);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        json(&stdout(&out))
    };
    let net = |report: &Json, who: &str| {
        items(get(report, "balances"))
            .iter()
            .find(|b| text(get(b, "member")) == who)
            .map(|b| amount(get(b, "net")))
            .unwrap_or_else(|| panic!("{who} has a balance"))
    };

    // Dinner: item totals priya 50.50, dan 48.50, kenji 54.50, olivia 50.50 of 204.00; the
    // 58.91 of tax and tip follow them; kenji paid 200.00 and priya 62.91 of 262.91.
    let dinner = run("dinner-receipt.json");
    let owed: Vec<Decimal> = items(get(&dinner, "balances"))
        .iter()
        .map(|b| amount(get(b, "owed")))
        .collect();
    assert_eq!(owed, [dec("65.08"), dec("62.51"), dec("70.24"), dec("65.08")]);
    assert_eq!(owed.iter().sum::<Decimal>(), dec("262.91"));
    assert_eq!(net(&dinner, "kenji"), dec("129.76"));

    // Flat share: the rent is paid back in full by payments, so what is left is small.
    let flat = run("flat-share.json");
    for who in ["nora", "felix", "sam"] {
        assert!(net(&flat, who).abs() < dec("50.00"), "{who}");
    }

    // Weekend trip: 1,890 CZK at the card's own rate 0.04012 is 75.83 EUR, paid by Lea; the
    // refund lowers what Jonas paid.
    let trip = run("weekend-trip.json");
    let lea_paid = items(get(&trip, "balances"))
        .iter()
        .find(|b| text(get(b, "member")) == "lea")
        .map(|b| amount(get(b, "paid")));
    assert_eq!(lea_paid, Some(dec("200.00") + dec("75.83")));
    let brewery: Vec<&str> = items(get(&trip, "shares"))
        .iter()
        .filter(|s| text(get(s, "expense")) == "brewery")
        .map(|s| text(get(s, "amount")))
        .collect();
    assert_eq!(brewery, ["630.00", "630.00", "630.00"]);
}

/// Runs every case of a corpus folder in the shared format (`testdata/README.md`) through the
/// binary with `--json` from standard input. A success case must exit 0 and print byte for byte
/// the core's `compute_json` text, equal to the case's expected output; an error case must exit 1
/// with the expected code and path on stdout and the code on stderr. Returns how many cases ran
/// and the failures.
fn run_corpus(dir: &Path) -> (usize, Vec<String>) {
    use serde_json::Value;

    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} is readable: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut failures = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let case: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("readable case"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let input = match (&case["input"], &case["input_text"]) {
            (Value::Null, Value::String(t)) => t.clone(),
            (v, Value::Null) if !v.is_null() => serde_json::to_string(v).expect("input is JSON"),
            _ => panic!("{name}: a case has exactly one of input and input_text"),
        };
        let out = splitter(&["--json", "-"], Some(&input));
        let got: Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: stdout is not JSON ({e}): {}", stdout(&out)));
                continue;
            }
        };
        if case["error"].is_null() {
            let core = splitter_core::compute_json(&input);
            if out.status.code() != Some(0) || got != case["output"] {
                failures.push(format!("{name}: got {got}, expected {}", case["output"]));
            } else if core.map(|c| c + "\n").as_deref() != Ok(stdout(&out).as_str()) {
                failures.push(format!("{name}: --json is not byte for byte the core's text"));
            }
        } else {
            let (e, expected) = (&got["error"], &case["error"]);
            let code = expected["code"].as_str().unwrap_or("");
            if out.status.code() != Some(1) || e["code"] != expected["code"] || e["path"] != expected["path"]
            {
                failures.push(format!(
                    "{name}: got {got} (status {:?}), expected {expected}",
                    out.status
                ));
            } else if !stderr(&out).starts_with(&format!("error: {code}")) {
                failures.push(format!("{name}: stderr does not name the code: {}", stderr(&out)));
            } else if stderr(&out) != format!("error: {}\n", e["message"].as_str().unwrap_or("")) {
                failures.push(format!(
                    "{name}: stderr is not the error object's message: {}",
                    stderr(&out)
                ));
            } else if let Some(message) = expected["message"].as_str() {
                // The case fixes the text people read: the object's message and stderr show it.
                if e["message"] != message {
                    failures.push(format!("{name}: message {}, expected {message}", e["message"]));
                }
            }
        }
    }
    (paths.len(), failures)
}

/// Every case of the shared corpus (`testdata/`) through the binary. (How many cases the corpus
/// must have is the core's test to check; this runs whatever is there.)
#[test]
fn shared_corpus_through_the_binary() {
    let (count, failures) = run_corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata"));
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The corpus runner itself catches a wrong output, a wrong error path and accepts right cases.
#[test]
fn corpus_runner_checks_what_it_claims() {
    let dir = std::env::temp_dir().join(format!("splitter-cli-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let spec = std::fs::read_to_string(data("spec-example.json")).expect("example is readable");
    let output = splitter_core::compute_json(&spec).expect("example computes");
    let write = |name: &str, text: String| std::fs::write(dir.join(name), text).expect("case written");
    write(
        "ok_spec.json",
        format!(r#"{{"description": "x", "input": {spec}, "output": {output}}}"#),
    );
    write(
        "ok_error.json",
        format!(
            r#"{{"description": "x", "input_text": {}, "error": {{"code": "unknown_member", "path": "expenses[1].split.shares.zoe"}}}}"#,
            serde_json::to_string(UNKNOWN_MEMBER).expect("a JSON string")
        ),
    );
    let (count, failures) = run_corpus(&dir);
    assert_eq!(
        (count, failures.clone()),
        (2, Vec::<String>::new()),
        "{failures:?}"
    );

    write(
        "bad_output.json",
        format!(
            r#"{{"description": "x", "input": {spec}, "output": {}}}"#,
            output.replace("29.20", "29.21")
        ),
    );
    write(
        "bad_path.json",
        format!(
            r#"{{"description": "x", "input_text": {}, "error": {{"code": "unknown_member", "path": "expenses[0]"}}}}"#,
            serde_json::to_string(UNKNOWN_MEMBER).expect("a JSON string")
        ),
    );
    let (count, failures) = run_corpus(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(count, 4);
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(failures[0].starts_with("bad_output.json"), "{failures:?}");
    assert!(failures[1].starts_with("bad_path.json"), "{failures:?}");
}
