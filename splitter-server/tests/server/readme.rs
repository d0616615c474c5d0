//! The server README's curl session, run as written: the block between `<!-- session -->` and
//! `<!-- /session -->` goes to bash line by line, unchanged, with real curl and jq and real
//! shell variables, against a server started here. Curl's own configuration (a curlrc in a
//! `CURL_HOME` of the test's) connects `localhost:8080` to that server, so not a character of
//! the README is rewritten. Each `# => ` line is what the line above it must print: JSON is
//! compared by value, every key exactly (none more, none less), where `"…"` stands for any
//! value (ids, tokens), a timestamp for any timestamp, and `$NAME` for the value the session's
//! shell gave that variable; any other text is compared as it is.

use std::path::Path;
use std::process::Command;

use crate::common;
use serde_json::Value;

/// One line of the session and what it must print.
#[derive(Debug)]
struct Step {
    line: String,
    expected: Option<String>,
}

/// The lines of the README's session block (comments and blank lines left to bash, results
/// attached to the line above).
fn steps(block: &str) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    for line in block.lines() {
        if let Some(expected) = line.strip_prefix("# => ") {
            let last = out.last_mut().expect("a line before its result");
            assert!(last.expected.is_none(), "two results for `{}`", last.line);
            last.expected = Some(expected.to_string());
        } else if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            out.push(Step {
                line: line.to_string(),
                expected: None,
            });
        }
    }
    out
}

/// The session block of a README: the lines of the `sh` fence between the markers.
fn session(readme: &str) -> String {
    let start = readme.find("<!-- session -->").expect("a session block");
    let end = readme[start..].find("<!-- /session -->").expect("its end") + start;
    let block = &readme[start..end];
    let open = block.find("```sh\n").expect("an sh fence") + "```sh\n".len();
    let close = block[open..].find("```").expect("the fence's end") + open;
    block[open..close].to_string()
}

/// What a run printed: each line's output and exit status, the session's variables at the
/// end, and bash's errors.
struct Printed {
    lines: Vec<(String, i32)>,
    vars: Vec<(String, String)>,
    stderr: String,
}

/// Runs `steps` in one bash, a marker with the exit status printed after each line, and the
/// variables `vars` printed at the end. `port` is where `localhost:8080` goes.
fn run(steps: &[Step], port: u16, vars: &[String]) -> Printed {
    let home = std::env::temp_dir().join(format!("splitter-readme-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&home).expect("curl home");
    std::fs::write(
        home.join(".curlrc"),
        format!("connect-to = \"localhost:8080:127.0.0.1:{port}\"\n"),
    )
    .expect("curlrc");
    let mut script = String::from("set -u\n");
    for s in steps {
        script.push_str(&s.line);
        script.push_str("\nprintf '\\n\\036STEP %s\\n' \"$?\"\n");
    }
    for v in vars {
        script.push_str(&format!("printf '\\036VAR {v}=%s\\n' \"${{{v}-}}\"\n"));
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("CURL_HOME", &home)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        // A proxy set for the machine must not take the session's requests elsewhere.
        .env("no_proxy", "*")
        .env("NO_PROXY", "*")
        .output()
        .expect("bash runs");
    let _ = std::fs::remove_dir_all(&home);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut printed = Vec::new();
    let mut values = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("\n\u{1e}STEP ") {
        let (chunk, after) = rest.split_at(at);
        let after = &after["\n\u{1e}STEP ".len()..];
        let (status, next) = after.split_once('\n').unwrap_or((after, ""));
        printed.push((
            chunk.trim_end_matches('\n').to_string(),
            status.parse().unwrap_or(-1),
        ));
        rest = next;
    }
    for line in rest.lines() {
        if let Some((k, v)) = line.strip_prefix("\u{1e}VAR ").and_then(|l| l.split_once('=')) {
            values.push((k.to_string(), v.to_string()));
        }
    }
    Printed {
        lines: printed,
        vars: values,
        stderr,
    }
}

/// `2026-12-01T06:07:16Z`.
fn is_timestamp(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// `got` is what `want` shows: the same keys, the same values, but `"…"` (anything) and
/// timestamps (any timestamp).
fn matches(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (_, Value::String(w)) if w == "…" => true,
        (Value::String(g), Value::String(w)) if is_timestamp(w) => is_timestamp(g),
        (Value::Object(g), Value::Object(w)) => {
            g.len() == w.len() && w.iter().all(|(k, v)| g.get(k).is_some_and(|gv| matches(gv, v)))
        }
        (Value::Array(g), Value::Array(w)) => {
            g.len() == w.len() && g.iter().zip(w).all(|(a, b)| matches(a, b))
        }
        _ => got == want,
    }
}

/// The `$NAME`s a result names.
fn names(text: &str) -> Vec<String> {
    text.split('$')
        .skip(1)
        .map(|s| {
            s.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// Runs the session and lists every line whose output differs from its result, or that failed.
fn mismatches(steps: &[Step], port: u16) -> (Vec<String>, usize) {
    let mut vars: Vec<String> = steps
        .iter()
        .filter_map(|s| s.expected.as_deref())
        .flat_map(names)
        .collect();
    vars.sort();
    vars.dedup();
    let Printed {
        lines: printed,
        vars: values,
        stderr,
    } = run(steps, port, &vars);
    let mut wrong = Vec::new();
    if printed.len() != steps.len() {
        wrong.push(format!(
            "bash ran {} of {} lines; its errors:\n{stderr}",
            printed.len(),
            steps.len()
        ));
    }
    let mut checked = 0;
    for (step, (got, status)) in steps.iter().zip(&printed) {
        if *status != 0 {
            wrong.push(format!("`{}` exited {status}: {stderr}", step.line));
        }
        let Some(expected) = &step.expected else {
            if !got.is_empty() {
                wrong.push(format!(
                    "`{}` printed {got:?} where the README shows nothing",
                    step.line
                ));
            }
            continue;
        };
        let want = values
            .iter()
            .fold(expected.clone(), |acc, (k, v)| acc.replace(&format!("${k}"), v));
        let ok = match serde_json::from_str::<Value>(&want) {
            Ok(w) => serde_json::from_str::<Value>(got).is_ok_and(|g| matches(&g, &w)),
            Err(_) => got.trim() == want.trim(),
        };
        if !ok {
            wrong.push(format!(
                "`{}`\n   printed {got}\n    README {expected}",
                step.line
            ));
        }
        checked += 1;
    }
    (wrong, checked)
}

/// bash, curl and jq on this machine, or the test is skipped (and fails under
/// `SPLITTER_SERVER_TESTS=all`: the test script installs them).
fn tools() -> bool {
    let missing: Vec<&str> = ["bash", "curl", "jq"]
        .into_iter()
        .filter(|t| Command::new(t).arg("--version").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !common::all_required(),
        "{missing:?} missing, and SPLITTER_SERVER_TESTS=all requires them (scripts/suites/server installs them)"
    );
    eprintln!("skipped: {missing:?} missing");
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_session_runs_as_written() {
    if !tools() {
        return;
    }
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let steps = steps(&session(&readme));
    let s = common::start(&common::sqlite()).await;
    let port: u16 = s
        .base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let (wrong, checked) = tokio::task::block_in_place(|| mismatches(&steps, port));
    assert!(
        wrong.is_empty(),
        "the README's session differs:\n{}",
        wrong.join("\n")
    );
    assert!(checked >= 14, "{checked} results shown");
}

/// The check catches what it must: the refresh the README once showed, with `$R` inside single
/// quotes (never expanded by the shell), is refused by the server, and a result that lacks a key
/// the server sends does not match.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_catches_a_variable_in_single_quotes_and_a_missing_key() {
    if !tools() {
        return;
    }
    let s = common::start(&common::sqlite()).await;
    let port: u16 = s
        .base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let block = r#"curl -s -X POST localhost:8080/v1/accounts -d '{"email": "old@example.com", "password": "correct horse battery"}'
# => {"id":"…","email":"old@example.com"}
LOGIN=$(curl -s -X POST localhost:8080/v1/auth/login -d '{"email": "old@example.com", "password": "correct horse battery"}')
R=$(echo "$LOGIN" | jq -r .refresh_token)
curl -s -X POST localhost:8080/v1/auth/refresh -d '{"refresh_token": "$R"}'
# => {"access_token":"…","token_type":"Bearer","expires_in":900,"refresh_token":"…"}
"#;
    let steps = steps(block);
    let (wrong, checked) = tokio::task::block_in_place(|| mismatches(&steps, port));
    assert_eq!(checked, 2);
    assert_eq!(wrong.len(), 2, "{wrong:#?}");
    assert!(wrong[0].contains("/v1/accounts"), "no created_at: {}", wrong[0]);
    assert!(wrong[1].contains("invalid_token"), "the literal $R: {}", wrong[1]);
}
