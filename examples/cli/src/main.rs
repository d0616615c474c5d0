//! `splitter`: the command-line face of splitter-core.
//!
//! Reads a group in the wire contract's JSON (from a file, or standard input with `-`), computes
//! it with [`splitter_core::compute`], and prints either a readable report (balances table and
//! suggested transfers) or, with `--json`, the contract's output JSON byte for byte as the engine
//! writes it (streamed to standard output by [`splitter_core::wire::write_report`]).
//!
//! Exit status: 0 on success; 1 when the input cannot be read or the engine refuses it (with a
//! message naming the place in the input on stderr, and with `--json` the contract's error object
//! on stdout); 2 on a usage error (with the usage on stderr).

mod args;
mod table;

use std::io::{self, Read, Write};
use std::process::ExitCode;

use splitter_core::wire::{error_to_json, group_from_json, write_report};
use splitter_core::{compute, Error, ErrorCode, Report, SettleMethod};

use args::{Command, Format, Input, USAGE};

// Small allocations are most of the engine's non-arithmetic time; mimalloc makes them cheap.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status for input the tool could not read or the engine refused.
const EXIT_INPUT: u8 = 1;
/// Exit status for a command line the tool does not understand.
const EXIT_USAGE: u8 = 2;

/// What a run produced: what to write to stdout, text for stderr, and the exit status.
struct Outcome {
    /// Written to standard output.
    stdout: Body,
    /// Written to standard error.
    stderr: String,
    /// The process's exit status.
    status: u8,
}

/// What goes to standard output.
enum Body {
    /// Text.
    Text(String),
    /// A report as the contract's compact JSON and a newline, written a piece at a time (a report
    /// of a hundred thousand expenses is tens of megabytes of text, never held whole).
    Report(Report),
}

impl Outcome {
    /// A successful run printing `stdout`.
    fn ok(stdout: Body) -> Outcome {
        Outcome {
            stdout,
            stderr: String::new(),
            status: 0,
        }
    }
}

/// Parses the command line, runs it, and writes the outcome.
fn main() -> ExitCode {
    let outcome = match args::parse(std::env::args().skip(1)) {
        Ok(Command::Help) => Outcome::ok(Body::Text(USAGE.to_string())),
        Ok(Command::Version) => Outcome::ok(Body::Text(format!("splitter {}\n", env!("CARGO_PKG_VERSION")))),
        Ok(Command::Run {
            input,
            format,
            settle,
        }) => run(&input, format, settle),
        Err(message) => Outcome {
            stdout: Body::Text(String::new()),
            stderr: format!("error: {message}\n\n{USAGE}"),
            status: EXIT_USAGE,
        },
    };
    emit(outcome)
}

/// Writes the outcome and turns its status into the process's exit code. A closed stdout (as in
/// `splitter g.json | head -1`) is not an error worth reporting.
fn emit(outcome: Outcome) -> ExitCode {
    let mut status = outcome.status;
    let mut out = io::stdout().lock();
    let written = match &outcome.stdout {
        Body::Text(text) => out.write_all(text.as_bytes()),
        Body::Report(report) => write_report(report, &mut out).and_then(|()| out.write_all(b"\n")),
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(io::stderr(), "error: cannot write the output: {e}");
            status = EXIT_INPUT;
        }
    }
    let _ = io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(status)
}

/// Reads the input as text. A file that cannot be opened is an `invalid_input` error with an
/// empty path; bytes that are not UTF-8 are `invalid_json` (JSON text is UTF-8 by definition).
fn read_input(input: &Input) -> Result<String, Error> {
    let bytes = match input {
        Input::Stdin => {
            let mut buf = Vec::new();
            io::stdin().read_to_end(&mut buf).map(|_| buf)
        }
        Input::File(path) => std::fs::read(path),
    }
    .map_err(|e| {
        Error::new(
            ErrorCode::InvalidInput,
            "",
            format!(
                "cannot read {}: {e}; check the file's name and permissions",
                input.display()
            ),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorCode::InvalidJson,
            "",
            format!(
                "the input is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Reads, computes and formats one group. The input's text is dropped once the group is read,
/// and the JSON output is written from the report as it goes: the process never holds the
/// input's text, the group and the output's text at once.
fn run(input: &Input, format: Format, settle: Option<SettleMethod>) -> Outcome {
    let result = read_input(input).and_then(|text| {
        let mut group = group_from_json(&text)?;
        drop(text);
        if let Some(method) = settle {
            group.options.settle = method;
        }
        let report = compute(&group)?;
        Ok((group, report))
    });
    match result {
        Ok((group, report)) => Outcome::ok(match format {
            Format::Table => Body::Text(table::render(&group, &report)),
            Format::Json => Body::Report(report),
            Format::PrettyJson => {
                Body::Text(serde_json::to_string_pretty(&report).unwrap_or_default() + "\n")
            }
        }),
        Err(e) => Outcome {
            stdout: Body::Text(match format {
                Format::Table => String::new(),
                Format::Json => error_to_json(&e) + "\n",
                Format::PrettyJson => pretty_error(&e),
            }),
            stderr: describe(&e),
            status: EXIT_INPUT,
        },
    }
}

/// The contract's error object, indented.
fn pretty_error(e: &Error) -> String {
    let value: serde_json::Value = serde_json::from_str(&error_to_json(e)).unwrap_or_default();
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The one-line message for an error: `error: ` and the error's display, `CODE at PATH:
/// MESSAGE` (without `at PATH` when the error concerns the input as a whole), the text every
/// face shows.
fn describe(e: &Error) -> String {
    format!("error: {e}\n")
}
