//! What the CLI's integration tests share: running the real binary, the example files, and
//! reading its JSON output with exact decimals.
#![allow(dead_code)] // each test file uses some of these

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use splitter_core::{Decimal, Json};

/// The folder of example groups.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}

/// The path of one example group.
pub fn data(name: &str) -> String {
    data_dir().join(name).to_string_lossy().into_owned()
}

/// Runs the binary with `args`, feeding `stdin` (empty if `None`).
pub fn splitter(args: &[&str], stdin: Option<&str>) -> Output {
    splitter_bytes(args, stdin.map(str::as_bytes))
}

/// Runs the binary with `args`, feeding `stdin` as bytes (empty if `None`).
pub fn splitter_bytes(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_splitter"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).expect("stdin is written");
    }
    drop(pipe);
    child.wait_with_output().expect("the binary finishes")
}

/// The stdout of a run as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// The stderr of a run as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// Parses JSON text into the core's exact JSON value (numbers kept as text).
pub fn json(text: &str) -> Json {
    Json::parse(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The value of `key` in a JSON object.
pub fn get<'a>(v: &'a Json, key: &str) -> &'a Json {
    match v {
        Json::Object(entries) => entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no '{key}' in {v:?}")),
        other => panic!("not an object: {other:?}"),
    }
}

/// The items of a JSON array.
pub fn items(v: &Json) -> &[Json] {
    match v {
        Json::Array(items) => items,
        other => panic!("not an array: {other:?}"),
    }
}

/// The text of a JSON string.
pub fn text(v: &Json) -> &str {
    match v {
        Json::String(s) => s,
        other => panic!("not a string: {other:?}"),
    }
}

/// A JSON string holding an amount, read exactly.
pub fn amount(v: &Json) -> Decimal {
    text(v)
        .parse()
        .unwrap_or_else(|e| panic!("not a decimal ({e}): {v:?}"))
}

/// Shorthand for an exact decimal literal.
pub fn dec(s: &str) -> Decimal {
    s.parse().expect("a decimal literal")
}
