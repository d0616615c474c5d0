//! The command line, declared with clap's derive: the options, their help, the `completions`
//! subcommand, and how the options combine into one [`Plan`].

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum, ValueHint};
use splitter_core::SettleMethod;

/// Shown after the options by `-h`.
const AFTER_HELP: &str = "\
Exit status: 0 on success, 1 when the input cannot be read or is refused by the engine,
2 on a usage error. '--help' shows examples.";

/// Shown after the options by `--help`.
const AFTER_LONG_HELP: &str = "\
Examples:
  splitter trip.json                       balances and transfers as a table
  cat trip.json | splitter                 the same, from standard input
  splitter --json trip.json                the contract's output JSON
  splitter --settle pairwise trip.json     who owes whom, not simplified
  splitter export.csv                      a Splitwise export (detected by its extension)
  splitter --from splitwise-csv - < export.txt
  splitter --format csv trip.json > balances.csv
  splitter --csv-table transfers trip.json > transfers.csv
  splitter --format splitwise-csv trip.json > trip.csv
  splitter completions bash > ~/.local/share/bash-completion/completions/splitter

CSV layouts (amounts are exact decimal strings, ids as in the input):
  balances   member,currency,paid,owed,net
  transfers  from,to,amount,currency
  shares     expense,member,currency,amount,group_amount

Exit status: 0 on success, 1 when the input cannot be read or is refused by the engine,
2 on a usage error.";

/// Balances and suggested transfers for a group of shared expenses, in exact decimals.
///
/// Reads a group (the Splitter wire contract's JSON, or a Splitwise CSV export) from FILE, or
/// from standard input when FILE is '-' or is left out and standard input is not a terminal,
/// and prints each member's balance and the transfers that settle the group.
#[derive(Debug, Parser)]
#[command(
    name = "splitter",
    version,
    after_help = AFTER_HELP,
    after_long_help = AFTER_LONG_HELP,
    args_conflicts_with_subcommands = true,
    args_override_self = true,
    disable_help_subcommand = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The group file; '-' reads standard input
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,

    /// Any further FILE: refused with a clear message (one group at a time).
    #[arg(hide = true)]
    pub extra: Vec<OsString>,

    /// The input's format [default: by FILE's extension (.json, .csv), else by its content]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<InputFormat>,

    /// How to print the result [default: table]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<OutputFormat>,

    /// Same as --format json
    #[arg(long)]
    pub json: bool,

    /// The JSON indented with two spaces (implies --format json)
    #[arg(long)]
    pub pretty: bool,

    /// The table --format csv writes [default: balances; implies --format csv]
    #[arg(long, value_enum, value_name = "TABLE")]
    pub csv_table: Option<CsvTable>,

    /// Settle with METHOD instead of the group's options.settle
    #[arg(long, value_enum, value_name = "METHOD")]
    pub settle: Option<Settle>,

    /// A subcommand instead of a group.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a shell completion script for SHELL on standard output
    #[command(after_help = "\
Install, for example:
  bash: splitter completions bash > ~/.local/share/bash-completion/completions/splitter
  zsh:  splitter completions zsh > ~/.zfunc/_splitter   (with ~/.zfunc in $fpath)
  fish: splitter completions fish > ~/.config/fish/completions/splitter.fish")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// What the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// The wire contract's input group
    Json,
    /// A Splitwise CSV export (`Date,Description,Category,Cost,Currency,<member>...`)
    #[value(
        alias = "csv",
        help = "A Splitwise CSV export: Date,Description,Category,Cost,Currency,<member>..."
    )]
    SplitwiseCsv,
}

/// How the result is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Balances and suggested transfers, readable
    Table,
    /// The contract's output JSON, byte for byte the engine's
    Json,
    /// One table (--csv-table) as CSV
    Csv,
    /// The expenses and payments in Splitwise's CSV layout (what --from splitwise-csv reads)
    SplitwiseCsv,
}

/// The tables `--format csv` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvTable {
    /// member,currency,paid,owed,net
    Balances,
    /// from,to,amount,currency
    Transfers,
    /// expense,member,currency,amount,group_amount
    Shares,
}

/// A settlement method, as the contract names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Settle {
    /// The fewest transfers
    Minimal,
    /// Largest debtor pays largest creditor, repeatedly
    Greedy,
    /// No simplification: what each member owes each other member
    Pairwise,
}

impl From<Settle> for SettleMethod {
    fn from(s: Settle) -> SettleMethod {
        match s {
            Settle::Minimal => SettleMethod::Minimal,
            Settle::Greedy => SettleMethod::Greedy,
            Settle::Pairwise => SettleMethod::Pairwise,
        }
    }
}

/// Where the group is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// How to name the input in messages.
    pub fn display(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(path) => path.display().to_string(),
        }
    }
}

/// How the result is written: the resolved `--format`, `--json`, `--pretty` and `--csv-table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The readable report.
    Table,
    /// The contract's JSON, compact (`pretty: false`) or indented.
    Json {
        /// Indented with two spaces.
        pretty: bool,
    },
    /// One table as CSV.
    Csv(CsvTable),
    /// Splitwise's layout.
    SplitwiseCsv,
}

/// One run, as the command line asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Where the group comes from; `None` when no FILE was given (standard input, if it is not
    /// a terminal).
    pub source: Option<Source>,
    /// The input's format, when given.
    pub from: Option<InputFormat>,
    /// How to write the result.
    pub output: Output,
    /// A settlement method overriding the group's `options.settle`.
    pub settle: Option<SettleMethod>,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Request {
    /// Compute a group.
    Run(Plan),
    /// Print a completion script.
    Completions(clap_complete::Shell),
}

/// Parses the command line (with the program name first). On a usage error, or for `--help` and
/// `--version`, the clap error to print (its `exit()` prints it and exits with 2, or with 0 for
/// help and version).
///
/// `--help` and `--version` win over anything else before `--`, as they always have: `splitter
/// --bogus --help` helps.
pub fn parse<I, T>(args: I) -> Result<Request, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            return Err(e);
        }
        Err(e) => return Err(help_or_version(&args).unwrap_or(e)),
    };
    if let Some(Command::Completions { shell }) = cli.command {
        return Ok(Request::Completions(shell));
    }
    if let Some(extra) = cli.extra.first() {
        return Err(Cli::command().error(
            ErrorKind::TooManyValues,
            format!(
                "one input file at a time (unexpected '{}')",
                extra.to_string_lossy()
            ),
        ));
    }
    let output = output(&cli)?;
    Ok(Request::Run(Plan {
        source: cli.file.map(|f| {
            if f.as_os_str() == "-" {
                Source::Stdin
            } else {
                Source::File(f)
            }
        }),
        from: cli.from,
        output,
        settle: cli.settle.map(SettleMethod::from),
    }))
}

/// The help (or version) asked for anywhere before `--` on a line that clap refused: what clap
/// gives for that flag alone.
fn help_or_version(args: &[OsString]) -> Option<clap::Error> {
    let flag = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .find(|a| ["--help", "-h", "--version", "-V"].iter().any(|f| a == f))?;
    Cli::try_parse_from([OsString::from("splitter"), flag.clone()]).err()
}

/// The output the flags ask for, or a usage error when they disagree.
fn output(cli: &Cli) -> Result<Output, clap::Error> {
    let implied = if cli.json || cli.pretty {
        Some(OutputFormat::Json)
    } else if cli.csv_table.is_some() {
        Some(OutputFormat::Csv)
    } else {
        None
    };
    let format = cli.format.or(implied).unwrap_or(OutputFormat::Table);
    let clash = |flag: &str| {
        Cli::command().error(
            ErrorKind::ArgumentConflict,
            format!("{flag} cannot be used with --format {}", name(format)),
        )
    };
    if cli.json && format != OutputFormat::Json {
        return Err(clash("--json"));
    }
    if cli.pretty && format != OutputFormat::Json {
        return Err(clash("--pretty"));
    }
    if cli.csv_table.is_some() && format != OutputFormat::Csv {
        return Err(clash("--csv-table"));
    }
    Ok(match format {
        OutputFormat::Table => Output::Table,
        OutputFormat::Json => Output::Json { pretty: cli.pretty },
        OutputFormat::Csv => Output::Csv(cli.csv_table.unwrap_or(CsvTable::Balances)),
        OutputFormat::SplitwiseCsv => Output::SplitwiseCsv,
    })
}

/// A value's name on the command line.
fn name(value: impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// The short help (`-h`), for a run with no input to read.
pub fn short_help() -> String {
    Cli::command().render_help().to_string()
}

/// The completion script for `shell`, written to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    clap_complete::generate(shell, &mut Cli::command(), "splitter", out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Plan {
        let args = std::iter::once("splitter").chain(args.iter().copied());
        match parse(args) {
            Ok(Request::Run(plan)) => plan,
            other => panic!("not a run: {other:?}"),
        }
    }

    fn kind(args: &[&str]) -> ErrorKind {
        let args = std::iter::once("splitter").chain(args.iter().copied());
        match parse(args) {
            Err(e) => e.kind(),
            Ok(other) => panic!("not an error: {other:?}"),
        }
    }

    fn file() -> Option<Source> {
        Some(Source::File("g.json".into()))
    }

    #[test]
    fn the_command_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn files_and_flags() {
        assert_eq!(run(&["g.json"]).source, file());
        assert_eq!(run(&["-"]).source, Some(Source::Stdin));
        assert_eq!(run(&[]).source, None);
        assert_eq!(run(&["g.json"]).output, Output::Table);
        assert_eq!(run(&["--json", "g.json"]).output, Output::Json { pretty: false });
        assert_eq!(run(&["g.json", "--json"]).output, Output::Json { pretty: false });
        assert_eq!(
            run(&["--pretty", "--json", "g.json"]).output,
            Output::Json { pretty: true }
        );
        assert_eq!(run(&["--pretty", "g.json"]).output, Output::Json { pretty: true });
        assert_eq!(
            run(&["--json", "--json", "g.json"]).output,
            Output::Json { pretty: false }
        );
        assert_eq!(
            run(&["--format", "json", "--pretty", "g.json"]).output,
            Output::Json { pretty: true }
        );
        assert_eq!(
            run(&["--format", "csv", "g.json"]).output,
            Output::Csv(CsvTable::Balances)
        );
        assert_eq!(
            run(&["--csv-table", "shares", "g.json"]).output,
            Output::Csv(CsvTable::Shares)
        );
        assert_eq!(
            run(&["--format=splitwise-csv", "g.json"]).output,
            Output::SplitwiseCsv
        );
        assert_eq!(
            run(&["--from", "csv", "g.json"]).from,
            Some(InputFormat::SplitwiseCsv)
        );
        assert_eq!(
            run(&["--settle", "greedy", "g.json"]).settle,
            Some(SettleMethod::Greedy)
        );
        assert_eq!(
            run(&["--settle=pairwise", "--settle", "minimal", "g.json"]).settle,
            Some(SettleMethod::Minimal)
        );
        assert_eq!(
            run(&["--", "-odd-name.json"]).source,
            Some(Source::File("-odd-name.json".into()))
        );
        assert_eq!(
            run(&["--", "completions"]).source,
            Some(Source::File("completions".into()))
        );
    }

    #[test]
    fn help_and_version_win() {
        assert_eq!(kind(&["--help"]), ErrorKind::DisplayHelp);
        assert_eq!(kind(&["-h", "g.json"]), ErrorKind::DisplayHelp);
        assert_eq!(kind(&["--bogus", "--help"]), ErrorKind::DisplayHelp);
        assert_eq!(kind(&["-V"]), ErrorKind::DisplayVersion);
        assert_eq!(
            kind(&["a.json", "b.json", "--version"]),
            ErrorKind::DisplayVersion
        );
    }

    #[test]
    fn usage_errors() {
        assert_eq!(kind(&["--bogus", "g.json"]), ErrorKind::UnknownArgument);
        assert_eq!(kind(&["a.json", "b.json"]), ErrorKind::TooManyValues);
        assert_eq!(kind(&["--settle", "fastest", "g.json"]), ErrorKind::InvalidValue);
        assert_eq!(kind(&["g.json", "--settle"]), ErrorKind::InvalidValue);
        assert_eq!(kind(&["--settle=", "g.json"]), ErrorKind::InvalidValue);
        assert_eq!(
            kind(&["--json", "--format", "csv", "g.json"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            kind(&["--pretty", "--format", "table", "g.json"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            kind(&["--csv-table", "shares", "--json", "g.json"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(kind(&["completions"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(kind(&["completions", "tcsh"]), ErrorKind::InvalidValue);
    }

    #[test]
    fn completions_subcommand() {
        let args = ["splitter", "completions", "fish"];
        assert!(matches!(
            parse(args),
            Ok(Request::Completions(clap_complete::Shell::Fish))
        ));
    }
}
