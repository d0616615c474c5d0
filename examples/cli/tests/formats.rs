//! End-to-end tests of the input and output formats, standard input and the shell completions:
//! the real binary on the example files, CSV read back with the `csv` crate, amounts compared as
//! exact decimal strings.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};

use common::*;
use splitter_core::{Decimal, Json};

/// The example files in the contract's JSON.
const JSON_EXAMPLES: [&str; 4] = [
    "spec-example.json",
    "weekend-trip.json",
    "flat-share.json",
    "dinner-receipt.json",
];

/// The Splitwise export among the examples.
const SPLITWISE_EXAMPLE: &str = "house-share.csv";

/// Runs the binary and insists that it succeeded; its stdout.
fn ok(args: &[&str], stdin: Option<&str>) -> String {
    let out = splitter(args, stdin);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// CSV text as its header and rows.
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = r.headers().expect("a header").iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("a CSV row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The string fields `keys` of every item of `list` in a JSON report (a missing key is "").
fn json_rows(report: &Json, list: &str, keys: &[&str]) -> Vec<Vec<String>> {
    items(get(report, list))
        .iter()
        .map(|item| {
            keys.iter()
                .map(|k| match item {
                    Json::Object(entries) => entries
                        .iter()
                        .find(|(key, _)| key == k)
                        .map(|(_, v)| text(v).to_string())
                        .unwrap_or_default(),
                    other => panic!("not an object: {other:?}"),
                })
                .collect()
        })
        .collect()
}

/// Each member's net per currency in a JSON report.
fn nets(report: &Json) -> BTreeMap<(String, String), Decimal> {
    items(get(report, "balances"))
        .iter()
        .map(|b| {
            (
                (
                    text(get(b, "member")).to_string(),
                    text(get(b, "currency")).to_string(),
                ),
                amount(get(b, "net")),
            )
        })
        .collect()
}

#[test]
fn csv_tables_are_the_json_reports_rows() {
    let layouts: [(&str, &str, &[&str]); 3] = [
        (
            "balances",
            "balances",
            &["member", "currency", "paid", "owed", "net"],
        ),
        ("transfers", "transfers", &["from", "to", "amount", "currency"]),
        (
            "shares",
            "shares",
            &["expense", "member", "currency", "amount", "group_amount"],
        ),
    ];
    for name in JSON_EXAMPLES.iter().chain([&SPLITWISE_EXAMPLE]) {
        let report = json(&ok(&["--json", &data(name)], None));
        for (table, list, columns) in layouts {
            let (header, rows) = csv_rows(&ok(&["--format", "csv", "--csv-table", table, &data(name)], None));
            assert_eq!(header, columns, "{name} {table}");
            assert_eq!(rows, json_rows(&report, list, columns), "{name} {table}");
            assert!(!rows.is_empty(), "{name} {table}");
        }
        // --format csv alone is the balances; --csv-table alone implies --format csv.
        assert_eq!(
            ok(&["--format", "csv", &data(name)], None),
            ok(&["--csv-table", "balances", &data(name)], None),
            "{name}"
        );
    }
}

#[test]
fn csv_cells_are_guarded_and_quoted() {
    let group = r#"{"currency": "EUR", "members": ["=cmd", "b, c"],
        "expenses": [{"id": "@x", "amount": "10.00", "paid_by": "=cmd", "split": {"type": "equal"}}]}"#;
    let out = ok(&["--csv-table", "shares", "-"], Some(group));
    assert_eq!(
        out,
        "expense,member,currency,amount,group_amount\n'@x,'=cmd,EUR,5.00,\n'@x,\"b, c\",EUR,5.00,\n"
    );
    let out = ok(&["--csv-table", "transfers", "-"], Some(group));
    assert_eq!(out, "from,to,amount,currency\n\"b, c\",'=cmd,5.00,EUR\n");
}

#[test]
fn splitwise_csv_is_read_by_extension_content_or_flag() {
    let file = data(SPLITWISE_EXAMPLE);
    let export = std::fs::read_to_string(&file).expect("the example is readable");
    let by_extension = ok(&["--json", &file], None);
    let report = json(&by_extension);
    // The file's own "Total balance" line is what the engine finds.
    let expected = [
        ("Ana Ruiz", "24.82"),
        ("Ben Okafor", "9.24"),
        ("Chloé Martin", "-34.06"),
    ];
    let got: Vec<(String, String)> = items(get(&report, "balances"))
        .iter()
        .map(|b| {
            (
                text(get(b, "member")).to_string(),
                text(get(b, "net")).to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(m, n)| (m.to_string(), n.to_string()))
        .collect();
    assert_eq!(got, expected);
    // The same from standard input, detected by its content, with or without '-'.
    assert_eq!(ok(&["--json", "-"], Some(&export)), by_extension);
    assert_eq!(ok(&["--json"], Some(&export)), by_extension);
    // A name that says nothing, with --from (and its short alias).
    let dir = temp_dir("from");
    let odd = dir.join("export.txt");
    std::fs::write(&odd, &export).expect("written");
    let odd = odd.to_string_lossy();
    assert_eq!(
        ok(&["--json", "--from", "splitwise-csv", &odd], None),
        by_extension
    );
    assert_eq!(ok(&["--json", "--from", "csv", &odd], None), by_extension);
    assert_eq!(ok(&["--json", &odd], None), by_extension, "detected by content");
    // --from wins over the extension: this CSV is not JSON.
    let out = splitter(&["--json", "--from", "json", &file], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(get(get(&json(&stdout(&out)), "error"), "code")),
        "invalid_json"
    );
    // And JSON in a file named .csv is read as CSV, as its name says.
    let misnamed = dir.join("group.csv");
    std::fs::copy(data("spec-example.json"), &misnamed).expect("copied");
    let out = splitter(&[&misnamed.to_string_lossy()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error: invalid_input at rows[1]: "),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn splitwise_csv_errors_name_the_line() {
    let head = "Date,Description,Category,Cost,Currency,ana,ben\n";
    for (rows, code, path) in [
        (
            "2026-11-02,X,,1.00,EUR,1.0x,-1.00\n",
            "invalid_amount",
            "rows[2].ana",
        ),
        (
            "\n2026-11-02,X,,1.00,EUR,1.00,-0.99\n",
            "split_mismatch",
            "rows[3]",
        ),
        ("2026-11-02,X,,1.00,EUR,1.00\n", "invalid_input", "rows[2]"),
        // Found by the engine in the group read from the file, named by its line.
        (
            "2026-11-02,X,,1.00,EUR,1.00,-1.00\n2026-13-02,Y,,2.00,EUR,2.00,-2.00\n",
            "invalid_input",
            "rows[3].date",
        ),
        (
            "2026-11-02,X,,1.00,EUR,1.00,-1.00\n2026-11-03,Y,,1.00,XXX,1.00,-1.00\n",
            "unknown_currency",
            "rows[3].currency",
        ),
    ] {
        let input = format!("{head}{rows}");
        for args in [vec!["--json"], vec!["--pretty"], vec![]] {
            let out = splitter(&args, Some(&input));
            assert_eq!(out.status.code(), Some(1), "{rows:?} {args:?}");
            let err = stderr(&out);
            assert!(
                err.starts_with(&format!("error: {code} at {path}: ")),
                "{rows:?}: {err}"
            );
            if args.is_empty() {
                assert!(stdout(&out).is_empty());
            } else {
                let e = get(&json(&stdout(&out)), "error").clone();
                assert_eq!(
                    (text(get(&e, "code")), text(get(&e, "path"))),
                    (code, path),
                    "{rows:?}"
                );
            }
        }
    }
    let out = splitter(&["--from", "splitwise-csv"], Some(""));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error: invalid_input: "),
        "{}",
        stderr(&out)
    );
}

/// A folder of this test's own.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("splitter-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

#[test]
fn splitwise_csv_round_trips() {
    let (mut single, mut several) = (0, 0);
    for name in JSON_EXAMPLES.iter().chain([&SPLITWISE_EXAMPLE]) {
        let original = json(&ok(&["--json", &data(name)], None));
        let export = ok(&["--format", "splitwise-csv", &data(name)], None);
        assert!(
            export.starts_with("Date,Description,Category,Cost,Currency,"),
            "{name}: {export}"
        );
        // Read back (from standard input, detected by its content).
        let again = json(&ok(&["--json"], Some(&export)));
        let currency = text(get(&original, "currency"));
        if csv_rows(&export).1.iter().all(|row| row[4] == currency) {
            assert_eq!(nets(&again), nets(&original), "{name}: the same balances");
            single += 1;
        } else {
            // Converted expenses are exported in their own currency (the file has no rates):
            // read back, balances are kept per currency and each currency adds up to zero.
            let mut sums: BTreeMap<String, Decimal> = BTreeMap::new();
            for ((_, currency), net) in nets(&again) {
                *sums.entry(currency).or_default() += net;
            }
            assert!(
                sums.len() > 1 && sums.values().all(|s| s.is_zero()),
                "{name}: {sums:?}"
            );
            several += 1;
        }
        // From then on the file is a fixed point: written again, byte for byte the same.
        let twice = ok(
            &["--format", "splitwise-csv", "--from", "splitwise-csv", "-"],
            Some(&export),
        );
        let thrice = ok(&["--format", "splitwise-csv", "-"], Some(&twice));
        assert_eq!(thrice, twice, "{name}");
    }
    assert_eq!((single, several), (3, 2), "both kinds of group were tried");
}

#[test]
fn reads_piped_standard_input_without_a_dash() {
    let input = std::fs::read_to_string(data("spec-example.json")).expect("example is readable");
    assert_eq!(ok(&[], Some(&input)), ok(&[&data("spec-example.json")], None));
    assert_eq!(
        ok(&["--json"], Some(&input)),
        format!(
            "{}\n",
            splitter_core::compute_json(&input).expect("example computes")
        )
    );
    // An empty pipe is read too, and is no group.
    let out = splitter(&["--json"], Some(""));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(get(get(&json(&stdout(&out)), "error"), "code")),
        "invalid_json"
    );
}

/// A pseudo-terminal: the returned file is its terminal side, which the test gives the binary as
/// standard input; the other side is kept open until the binary has finished.
fn terminal() -> (rustix::fd::OwnedFd, std::fs::File) {
    use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
    let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("a pseudo-terminal");
    grantpt(&controller).expect("grantpt");
    unlockpt(&controller).expect("unlockpt");
    let name = ptsname(&controller, Vec::new()).expect("its name");
    let name = name.to_str().expect("a UTF-8 name").to_string();
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&name)
        .expect("the terminal side opens");
    (controller, tty)
}

#[test]
fn a_terminal_on_standard_input_and_no_file_prints_the_usage() {
    let (_controller, tty) = terminal();
    let out = Command::new(env!("CARGO_BIN_EXE_splitter"))
        .stdin(Stdio::from(tty))
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.starts_with("error: no input: give a FILE, or pipe a group into standard input\n\n"),
        "{err}"
    );
    assert!(err.contains("\nUsage: splitter [OPTIONS] [FILE]\n"), "{err}");
    // With a file, the terminal is not read.
    let (_controller, tty) = terminal();
    let out = Command::new(env!("CARGO_BIN_EXE_splitter"))
        .arg(data("spec-example.json"))
        .stdin(Stdio::from(tty))
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn pretty_json_is_the_same_report() {
    for name in JSON_EXAMPLES.iter().chain([&SPLITWISE_EXAMPLE]) {
        let compact = json(&ok(&["--json", &data(name)], None));
        for args in [
            vec!["--pretty"],
            vec!["--format", "json", "--pretty"],
            vec!["--pretty", "--json"],
        ] {
            let mut args = args.clone();
            let file = data(name);
            args.push(&file);
            let pretty = ok(&args, None);
            assert!(pretty.starts_with("{\n  \"currency\": "), "{args:?}");
            assert_eq!(json(&pretty), compact, "{args:?}");
        }
    }
}

/// A group with many expenses, as contract JSON.
fn big_group(expenses: usize) -> String {
    let list: Vec<String> = (0..expenses)
        .map(|i| {
            format!(r#"{{"id": "e{i}", "amount": "10.00", "paid_by": "ana", "split": {{"type": "equal"}}}}"#)
        })
        .collect();
    format!(
        r#"{{"currency": "EUR", "members": ["ana", "ben", "cy"], "expenses": [{}]}}"#,
        list.join(",")
    )
}

#[test]
fn a_closed_output_is_not_an_error() {
    let dir = temp_dir("pipe");
    let path = dir.join("big.json");
    std::fs::write(&path, big_group(5000)).expect("written");
    let path = path.to_string_lossy();
    for args in [
        vec!["--json"],
        vec!["--csv-table", "shares"],
        vec!["--format", "splitwise-csv"],
        vec!["--pretty"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_splitter"))
            .args(&args)
            .arg(&*path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // Read one byte of the output (hundreds of kilobytes), then close it, as `| head -c1` would.
        let mut out = child.stdout.take().expect("stdout is piped");
        let mut first = [0u8; 1];
        out.read_exact(&mut first).expect("some output");
        drop(out);
        let done = child.wait_with_output().expect("the binary finishes");
        assert!(done.status.success(), "{args:?}: {}", stderr(&done));
        assert!(stderr(&done).is_empty(), "{args:?}: {}", stderr(&done));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completions_for_every_shell() {
    use clap_complete_shells::*;
    for shell in SHELLS {
        let out = splitter(&["completions", shell], None);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for word in [
            "splitter",
            "csv-table",
            "from",
            "format",
            "settle",
            "pretty",
            "completions",
        ] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
        // Those that complete values know them.
        if ["bash", "zsh", "fish"].contains(&shell) {
            for word in ["splitwise-csv", "pairwise", "transfers"] {
                assert!(script.contains(word), "{shell}: no {word}");
            }
        }
        // Where the shell itself is installed (scripts/test installs zsh and fish), it must
        // accept the script's syntax.
        if let Some(check) = syntax_check(shell) {
            if let Ok(status) = check(&script) {
                assert!(status, "{shell} refuses the script's syntax");
            } else {
                eprintln!("note: {shell} is not installed here; its script was checked by content only");
            }
        }
    }
}

/// The shells and how to check a script's syntax with each.
mod clap_complete_shells {
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// The shells `splitter completions` knows.
    pub const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

    /// A function checking a script's syntax with the shell (`Err` when it is not installed).
    pub fn syntax_check(shell: &str) -> Option<fn(&str) -> std::io::Result<bool>> {
        match shell {
            "bash" => Some(|s| run("bash", &["-n"], s)),
            "zsh" => Some(|s| run("zsh", &["-n"], s)),
            "fish" => Some(|s| run("fish", &["--no-execute"], s)),
            _ => None,
        }
    }

    fn run(shell: &str, args: &[&str], script: &str) -> std::io::Result<bool> {
        let mut child = Command::new(shell)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?;
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(script.as_bytes())?;
        Ok(child.wait()?.success())
    }
}

#[test]
fn bash_completes_options_values_and_subcommands() {
    let script = stdout(&splitter(&["completions", "bash"], None));
    // Ask bash's own completion machinery, with the script loaded, what it offers.
    let complete = |words: &[&str]| -> Vec<String> {
        let words_array: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let program = format!(
            "{script}\ncomplete -p splitter >/dev/null || exit 3\n\
             COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}\n\
             _splitter splitter '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
            words = words_array.join(" "),
            cword = words.len() - 1,
            line = words.join(" "),
            cur = words[words.len() - 1],
            prev = words[words.len() - 2],
        );
        let out = Command::new("bash")
            .args(["-c", &program])
            .output()
            .expect("bash runs");
        assert!(out.status.success(), "{words:?}: {}", stderr(&out));
        stdout(&out).lines().map(String::from).collect()
    };
    assert_eq!(complete(&["splitter", "--for"]), ["--format"]);
    assert_eq!(
        complete(&["splitter", "--settle", ""]),
        ["minimal", "greedy", "pairwise"]
    );
    assert_eq!(complete(&["splitter", "--from", ""]), ["json", "splitwise-csv"]);
    assert_eq!(complete(&["splitter", "--csv-table", "t"]), ["transfers"]);
    assert!(complete(&["splitter", "completions", ""]).contains(&"zsh".to_string()));
    assert!(complete(&["splitter", ""]).contains(&"completions".to_string()));
}

#[test]
fn fish_completes_values() {
    let dir = temp_dir("fish");
    let file = dir.join("splitter.fish");
    std::fs::write(&file, stdout(&splitter(&["completions", "fish"], None))).expect("written");
    let program = format!("source '{}'; complete -C 'splitter --settle='", file.display());
    match Command::new("fish").args(["-c", &program]).output() {
        Ok(out) => {
            assert!(out.status.success(), "{}", stderr(&out));
            let offered: Vec<String> = stdout(&out)
                .lines()
                .map(|l| l.split('\t').next().unwrap_or("").to_string())
                .collect();
            assert_eq!(
                offered,
                ["--settle=greedy", "--settle=minimal", "--settle=pairwise"]
            );
        }
        Err(_) => eprintln!("note: fish is not installed here (scripts/test installs it); not run"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
