//! `splitter`: the command-line face of splitter-core.
//!
//! Reads a group in the wire contract's JSON or a Splitwise CSV export (from a file, or from
//! standard input), computes it with [`splitter_core::compute`], and prints a readable report
//! (balances table and suggested transfers), the contract's output JSON byte for byte as the
//! engine writes it, one of the report's tables as CSV, or the group in Splitwise's layout.
//! Outputs that grow with the number of expenses are streamed to standard output.
//!
//! Exit status: 0 on success; 1 when the input cannot be read or the engine refuses it (with a
//! message naming the place in the input on stderr, and with `--json` the contract's error object
//! on stdout); 2 on a usage error (with the usage on stderr).

mod cli;
mod input;
mod report_csv;
mod table;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use splitter_core::wire::{error_to_json, write_report};
use splitter_core::{compute, Error, Group, Report};

use cli::{Output, Plan, Request, Source};

// Small allocations are most of the engine's non-arithmetic time; mimalloc makes them cheap.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status for input the tool could not read or the engine refused.
const EXIT_INPUT: u8 = 1;
/// Exit status for a command line the tool does not understand.
const EXIT_USAGE: u8 = 2;

/// Parses the command line, runs it, and writes the outcome.
fn main() -> ExitCode {
    match cli::parse(std::env::args_os()) {
        Err(e) => e.exit(),
        Ok(Request::Completions(shell)) => {
            let mut out = Vec::new();
            cli::completions(shell, &mut out);
            finish(io::stdout().lock().write_all(&out), 0)
        }
        Ok(Request::Run(plan)) => run(plan),
    }
}

/// Reads, computes and writes one group.
fn run(plan: Plan) -> ExitCode {
    let source = match plan.source.clone() {
        Some(source) => source,
        None if !io::stdin().is_terminal() => Source::Stdin,
        None => {
            let _ = write!(
                io::stderr(),
                "error: no input: give a FILE, or pipe a group into standard input\n\n{}",
                cli::short_help()
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match compute_group(&source, &plan) {
        Ok((group, report)) => {
            let mut out = io::stdout().lock();
            let written = match plan.output {
                Output::Table => out.write_all(table::render(&group, &report).as_bytes()),
                Output::SplitwiseCsv => splitter_splitwise::write_to(&group, &report, &mut out),
                Output::Json { pretty } => {
                    // The report alone is written: the group goes first, so that it and the
                    // output's buffers are never held at once.
                    drop(group);
                    write_json(&mut out, pretty, &report)
                }
                Output::Csv(which) => {
                    drop(group);
                    report_csv::write(&report, which, &mut out)
                }
            };
            drop(out);
            finish(written, 0)
        }
        Err(e) => {
            let body = match plan.output {
                Output::Json { pretty: false } => error_to_json(&e) + "\n",
                Output::Json { pretty: true } => pretty_error(&e),
                Output::Table | Output::Csv(_) | Output::SplitwiseCsv => String::new(),
            };
            let written = io::stdout().lock().write_all(body.as_bytes());
            let _ = io::stderr().write_all(describe(&e).as_bytes());
            finish(written, EXIT_INPUT)
        }
    }
}

/// Reads the group (the input's bytes are dropped once it is read) and computes it; an error
/// names its place in the input's own terms (a CSV line for a Splitwise file).
fn compute_group(source: &Source, plan: &Plan) -> Result<(Group, Report), Error> {
    let mut input = input::read(source, plan.from)?;
    if let Some(method) = plan.settle {
        input.group.options.settle = method;
    }
    match compute(&input.group) {
        Ok(report) => Ok((input.group, report)),
        Err(e) => Err(input.locate(e)),
    }
}

/// The report as the contract's JSON: the engine's compact text, written as it is made (a report
/// of a hundred thousand expenses is tens of megabytes of text, never held whole), or indented.
fn write_json(out: &mut impl Write, pretty: bool, report: &Report) -> io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *out, report)?;
    } else {
        write_report(report, &mut *out)?;
    }
    out.write_all(b"\n")
}

/// The exit code for a run whose output was `written`: `status`, or 1 when writing failed. A
/// closed stdout (as in `splitter g.json | head -1`) is not an error worth reporting.
fn finish(written: io::Result<()>, status: u8) -> ExitCode {
    match written.and_then(|()| io::stdout().lock().flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            let _ = writeln!(io::stderr(), "error: cannot write the output: {e}");
            ExitCode::from(EXIT_INPUT)
        }
        _ => ExitCode::from(status),
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
