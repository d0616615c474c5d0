//! The command line, parsed by hand: a handful of flags and one input file.

use splitter_core::SettleMethod;

/// The usage text, printed by `--help` (on stdout) and after a usage error (on stderr).
pub const USAGE: &str = "\
Usage: splitter [OPTIONS] FILE

Reads a group (the Splitter wire contract's JSON) from FILE, or from standard input when FILE
is '-', and prints each member's balance and the transfers that settle the group.

Options:
      --json             print the contract's output JSON (compact, byte for byte the engine's)
      --pretty           like --json, indented with two spaces
      --settle METHOD    settle with METHOD (minimal, greedy or pairwise) instead of the
                         group's options.settle
  -h, --help             print this help and exit
  -V, --version          print the version and exit

Exit status: 0 on success, 1 when the input cannot be read or is refused by the engine,
2 on a usage error.
";

/// How the result is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A readable report: balances table and suggested transfers.
    Table,
    /// The contract's JSON exactly as the engine writes it (compact).
    Json,
    /// The contract's JSON, indented.
    PrettyJson,
}

/// Where the group is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file path.
    File(String),
}

impl Input {
    /// How to name the input in messages.
    pub fn display(&self) -> &str {
        match self {
            Input::Stdin => "<stdin>",
            Input::File(path) => path,
        }
    }
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print the usage and exit successfully.
    Help,
    /// Print the version and exit successfully.
    Version,
    /// Compute a group.
    Run {
        /// Where the group comes from.
        input: Input,
        /// How to print the result.
        format: Format,
        /// A settlement method overriding the group's `options.settle`.
        settle: Option<SettleMethod>,
    },
}

/// Reads a settlement method's wire name.
fn settle_method(name: &str) -> Result<SettleMethod, String> {
    name.parse::<SettleMethod>()
        .map_err(|_| format!("--settle must be minimal, greedy or pairwise, not '{name}'"))
}

/// Parses the arguments (without the program name). `Err` carries a one-line usage error.
///
/// `--help` and `--version` win over anything else on the line, so that `splitter --bogus --help`
/// still helps. `--` ends the options; `-` alone is standard input.
pub fn parse<I, S>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let args: Vec<String> = args.into_iter().map(Into::into).collect();
    let mut rest = args.iter();
    let mut format = Format::Table;
    let mut settle = None;
    let mut files: Vec<&str> = Vec::new();
    let mut error: Option<String> = None;
    let mut note = |e: String| {
        if error.is_none() {
            error = Some(e);
        }
    };
    let mut only_files = false;
    while let Some(arg) = rest.next() {
        if only_files || arg == "-" || !arg.starts_with('-') {
            files.push(arg);
            continue;
        }
        match arg.as_str() {
            "--" => only_files = true,
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--json" => {
                if format != Format::PrettyJson {
                    format = Format::Json;
                }
            }
            "--pretty" => format = Format::PrettyJson,
            "--settle" => match rest.next() {
                Some(v) => match settle_method(v) {
                    Ok(m) => settle = Some(m),
                    Err(e) => note(e),
                },
                None => note("--settle needs a value: minimal, greedy or pairwise".to_string()),
            },
            other => match other.strip_prefix("--settle=") {
                Some(v) => match settle_method(v) {
                    Ok(m) => settle = Some(m),
                    Err(e) => note(e),
                },
                None => note(format!("unknown option '{other}'")),
            },
        }
    }
    if let Some(e) = error {
        return Err(e);
    }
    let input = match files.as_slice() {
        [] => return Err("no input file given (use '-' for standard input)".to_string()),
        ["-"] => Input::Stdin,
        [path] => Input::File((*path).to_string()),
        [_, extra, ..] => return Err(format!("one input file at a time (unexpected '{extra}')")),
    };
    Ok(Command::Run {
        input,
        format,
        settle,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: Input, format: Format, settle: Option<SettleMethod>) -> Command {
        Command::Run {
            input,
            format,
            settle,
        }
    }

    #[test]
    fn files_and_flags() {
        let file = || Input::File("g.json".into());
        assert_eq!(parse(["g.json"]), Ok(run(file(), Format::Table, None)));
        assert_eq!(parse(["-"]), Ok(run(Input::Stdin, Format::Table, None)));
        assert_eq!(parse(["--json", "g.json"]), Ok(run(file(), Format::Json, None)));
        assert_eq!(parse(["g.json", "--json"]), Ok(run(file(), Format::Json, None)));
        assert_eq!(
            parse(["--pretty", "--json", "g.json"]),
            Ok(run(file(), Format::PrettyJson, None))
        );
        assert_eq!(
            parse(["--settle", "greedy", "g.json"]),
            Ok(run(file(), Format::Table, Some(SettleMethod::Greedy)))
        );
        assert_eq!(
            parse(["--settle=pairwise", "g.json"]),
            Ok(run(file(), Format::Table, Some(SettleMethod::Pairwise)))
        );
        assert_eq!(
            parse(["--", "-odd-name.json"]),
            Ok(run(Input::File("-odd-name.json".into()), Format::Table, None))
        );
    }

    #[test]
    fn help_and_version_win() {
        assert_eq!(parse(["--help"]), Ok(Command::Help));
        assert_eq!(parse(["-h", "g.json"]), Ok(Command::Help));
        assert_eq!(parse(["--bogus", "--help"]), Ok(Command::Help));
        assert_eq!(parse(["-V"]), Ok(Command::Version));
        assert_eq!(parse(["--version"]), Ok(Command::Version));
    }

    #[test]
    fn usage_errors() {
        let empty: [&str; 0] = [];
        assert!(parse(empty).is_err());
        assert!(parse(["--json"]).is_err());
        assert!(parse(["--bogus", "g.json"]).is_err());
        assert!(parse(["a.json", "b.json"]).is_err());
        assert!(parse(["--settle", "fastest", "g.json"]).is_err());
        assert!(parse(["g.json", "--settle"]).is_err());
        assert!(parse(["--settle=", "g.json"]).is_err());
    }
}
