//! Reading the group: the input's bytes (a file or standard input), its format (given, or
//! detected), and the typed group read from it by the core's JSON reader or by
//! `splitter-splitwise`.
//!
//! The input is held once, as the bytes read, and dropped as soon as the group is read from it.

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::AsFd;
use std::path::Path;

use splitter_core::wire::group_from_json;
use splitter_core::{Error, ErrorCode, Group};
use splitter_splitwise::Parsed;

use crate::cli::{InputFormat, Source};

/// A group read from the input, and where its records came from.
pub struct Input {
    /// The group.
    pub group: Group,
    /// For a Splitwise file, the line of each record (the group itself taken out), so that an
    /// error the engine finds later names the CSV line (`rows[7].date`).
    lines: Option<Parsed>,
}

impl Input {
    /// An error found in the group, its path in the input's own terms: a CSV line for a
    /// Splitwise file, the contract's path for JSON.
    pub fn locate(&self, mut e: Error) -> Error {
        if let Some(parsed) = &self.lines {
            e.path = parsed.row_path(&e.path);
        }
        e
    }
}

/// Reads the group from `source`, in `format` or, when it is `None`, in the format the file's
/// extension or, failing that, its content shows ([`detect`]).
///
/// # Errors
///
/// `invalid_input` (empty path) when the input cannot be read, and the reader's errors.
pub fn read(source: &Source, format: Option<InputFormat>) -> Result<Input, Error> {
    let bytes = read_bytes(source)?;
    let format = format
        .or_else(|| by_extension(source))
        .unwrap_or_else(|| detect(&bytes));
    match format {
        InputFormat::Json => {
            let text = String::from_utf8(bytes).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidJson,
                    "",
                    format!(
                        "the input is not UTF-8 text (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                )
            })?;
            Ok(Input {
                group: group_from_json(&text)?,
                lines: None,
            })
        }
        InputFormat::SplitwiseCsv => {
            let mut parsed = splitter_splitwise::parse(&bytes)?;
            Ok(Input {
                group: std::mem::take(&mut parsed.group),
                lines: Some(parsed),
            })
        }
    }
}

/// The input's bytes. A file is read into a buffer of its size (one copy, never regrown).
fn read_bytes(source: &Source) -> Result<Vec<u8>, Error> {
    match source {
        Source::Stdin => {
            let stdin = io::stdin();
            let mut buf = Vec::new();
            // A file redirected to standard input (`< g.json`) says its size: one buffer of that
            // size, as for FILE. A pipe does not, and the buffer grows as it is read.
            let size = stdin
                .as_fd()
                .try_clone_to_owned()
                .and_then(|fd| File::from(fd).metadata())
                .ok()
                .filter(|m| m.is_file())
                .and_then(|m| usize::try_from(m.len()).ok());
            if let Some(size) = size {
                buf.reserve_exact(size);
            }
            stdin.lock().read_to_end(&mut buf).map(|_| buf)
        }
        Source::File(path) => std::fs::read(path),
    }
    .map_err(|e| {
        Error::new(
            ErrorCode::InvalidInput,
            "",
            format!(
                "cannot read {}: {e}; check the file's name and permissions",
                source.display()
            ),
        )
    })
}

/// The format a file's extension names: `.json` or `.csv` (in any case).
fn by_extension(source: &Source) -> Option<InputFormat> {
    let Source::File(path) = source else {
        return None;
    };
    let ext = Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "json" => Some(InputFormat::Json),
        "csv" => Some(InputFormat::SplitwiseCsv),
        _ => None,
    }
}

/// The format of input whose name does not tell: a Splitwise export when its first line starts
/// with its first header cell, `Date,` (in any case, possibly quoted, after a byte order mark
/// and blank space); JSON otherwise, so that anything else gets the JSON reader's error.
pub fn detect(bytes: &[u8]) -> InputFormat {
    let rest = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let rest = &rest[start..];
    let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
    let head = rest.get(..4).unwrap_or(rest);
    let after = rest.get(4..).unwrap_or_default();
    if head.eq_ignore_ascii_case(b"date") && (after.starts_with(b",") || after.starts_with(b"\",")) {
        InputFormat::SplitwiseCsv
    } else {
        InputFormat::Json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_by_content() {
        let csv = InputFormat::SplitwiseCsv;
        let json = InputFormat::Json;
        assert_eq!(detect(b"Date,Description,Category,Cost,Currency,a,b\n"), csv);
        assert_eq!(detect(b"\xef\xbb\xbf\n  date,description"), csv);
        assert_eq!(detect(b"\"Date\",\"Description\""), csv);
        assert_eq!(detect(b"{\"currency\": \"EUR\"}"), json);
        assert_eq!(detect(b""), json);
        assert_eq!(detect(b"Dates,x"), json);
        assert_eq!(detect(b"Date"), json);
        assert_eq!(detect(b"not a group"), json);
    }

    #[test]
    fn detection_by_extension() {
        let file = |p: &str| Source::File(p.into());
        assert_eq!(by_extension(&file("a.json")), Some(InputFormat::Json));
        assert_eq!(by_extension(&file("dir/A.CSV")), Some(InputFormat::SplitwiseCsv));
        assert_eq!(by_extension(&file("a.txt")), None);
        assert_eq!(by_extension(&file("csv")), None);
        assert_eq!(by_extension(&Source::Stdin), None);
    }
}
