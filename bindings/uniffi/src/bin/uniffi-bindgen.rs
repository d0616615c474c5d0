//! The uniffi generator, built from this workspace so that its version is exactly the library's:
//! `cargo run -p splitter-uniffi --features bindgen --bin uniffi-bindgen -- generate --library
//! <libsplitter_uniffi.so> --language kotlin --out-dir <dir>`.
//!
//! One change to what uniffi writes: uniffi 0.32 gives a Kotlin exception whose cases have fields
//! a `message` of its own making (`path=..., detail=...`) and only `toString()` from the Rust
//! `Display`. A Kotlin program shows `e.message`, so here `message` is made the `Display` text
//! too, `code at path: what is wrong; what to do`, the text every face of Splitter shows.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The getter uniffi writes for `message` on each case of `SplitterException` (its fields are
/// `path` and `detail`), and what it becomes.
const UNIFFI_MESSAGE: &str = "get() = \"path=${ `path` }, detail=${ `detail` }\"";
const DISPLAY_MESSAGE: &str = "get() = toString()";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    uniffi::uniffi_bindgen_main();
    let Some(dir) = kotlin_out_dir(&args) else {
        return ExitCode::SUCCESS;
    };
    match message_from_display(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("uniffi-bindgen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The output folder of a `generate` run that writes Kotlin, if this is one.
fn kotlin_out_dir(args: &[String]) -> Option<PathBuf> {
    if args.first().map(String::as_str) != Some("generate") {
        return None;
    }
    let value = |flags: &[&str]| -> Vec<String> {
        let mut out = Vec::new();
        for (i, a) in args.iter().enumerate() {
            for flag in flags {
                if a == flag {
                    out.extend(args.get(i + 1).cloned());
                } else if let Some(v) = a.strip_prefix(&format!("{flag}=")) {
                    out.push(v.to_string());
                }
            }
        }
        out
    };
    let kotlin = value(&["--language", "-l"])
        .iter()
        .any(|l| l.eq_ignore_ascii_case("kotlin"));
    let dir = value(&["--out-dir", "-o"]).pop()?;
    kotlin.then(|| PathBuf::from(dir))
}

/// Makes every case's `message` the `Display` text, in the Kotlin file under `dir` that declares
/// `SplitterException`. Fails (rather than leave uniffi's message) when that file does not hold
/// exactly one getter per case, as after a change of uniffi's template: then this program needs
/// updating with it.
fn message_from_display(dir: &Path) -> Result<(), String> {
    let file = kotlin_files(dir)
        .into_iter()
        .find(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains("sealed class SplitterException")))
        .ok_or_else(|| {
            format!(
                "no Kotlin file under {} declares SplitterException",
                dir.display()
            )
        })?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let found = text.matches(UNIFFI_MESSAGE).count();
    let cases = splitter_core::ErrorCode::ALL.len();
    if found != cases {
        return Err(format!(
            "{}: expected uniffi's message getter on each of the {cases} cases of SplitterException, \
             found {found}; the Kotlin template changed: update src/bin/uniffi-bindgen.rs",
            file.display()
        ));
    }
    std::fs::write(&file, text.replace(UNIFFI_MESSAGE, DISPLAY_MESSAGE))
        .map_err(|e| format!("cannot write {}: {e}", file.display()))
}

/// Every `.kt` file under `dir`.
fn kotlin_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(kotlin_files(&path));
        } else if path.extension().is_some_and(|e| e == "kt") {
            out.push(path);
        }
    }
    out
}
