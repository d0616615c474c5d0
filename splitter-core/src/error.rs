//! The one error type of the engine: a stable machine-readable [`ErrorCode`], a readable message,
//! and the path of the offending place in the input (`expenses[1].split.shares.zoe`).

use std::fmt;

/// What went wrong, as a stable code shared by every face (Rust, CLI, bindings, HTTP).
///
/// The codes are part of the wire contract: they never change meaning once released. The enum is
/// `#[non_exhaustive]`, so a `match` on it needs a catch-all arm; [`ErrorCode::as_str`] gives the
/// wire name.
///
/// # Example
/// ```
/// use splitter_core::{compute_json, ErrorCode};
///
/// let err = compute_json(r#"{"currency": "EUR", "members": ["ana"],
///   "options": {"settle": "fastest"}}"#).unwrap_err();
/// let advice = match err.code {
///     ErrorCode::InvalidJson | ErrorCode::InvalidInput => "fix the request",
///     ErrorCode::InvalidOption => "pick another option",
///     _ => "fix the data",
/// };
/// assert_eq!((advice, err.path.as_str()), ("pick another option", "options.settle"));
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_json`: the input is not JSON at all (syntax error, trailing garbage, nesting too
    /// deep). Only from reading JSON text.
    InvalidJson,
    /// `invalid_input`: input of the wrong shape. From the JSON reader: a missing or unknown
    /// field, a value of the wrong type. From any input: an empty id, a date that is not a real
    /// `YYYY-MM-DD` day, a payment to oneself, an item whose split is itemized again, splits
    /// nested too deep.
    InvalidInput,
    /// `invalid_amount`: an amount, rate, share, weight or percentage that is not an exact
    /// decimal (not a decimal string such as `"12.30"` or a JSON number; a float handed over by
    /// a binding), or is out of its allowed range: a negative
    /// weight or percentage, a rate <= 0 (or other than 1 for the group's own currency), an
    /// expense of zero, a payment or an earlier transfer <= 0.
    InvalidAmount,
    /// `unknown_currency`: a currency code that is not in the ISO 4217 table (see
    /// [`Currency`](crate::Currency); codes are upper case).
    UnknownCurrency,
    /// `missing_rate`: a foreign currency with no rate to the group currency while balances are
    /// kept in the group currency.
    MissingRate,
    /// `unknown_member`: a member id that is not among the group's members.
    UnknownMember,
    /// `duplicate_id`: an id (member, expense, payment), a member within one list of a split or
    /// of payers, a rate's currency, or an object key that appears twice.
    DuplicateId,
    /// `empty_split`: nobody to split among or nothing to split: a group with no members, an
    /// empty list of members, payers, shares, percentages, amounts or items, or shares that are
    /// all zero.
    EmptySplit,
    /// `split_mismatch`: parts that must add up do not: payers, exact amounts, percentages (to
    /// exactly 100), items and extras; adjustments larger than the amount; extras on items that
    /// come to zero.
    SplitMismatch,
    /// `too_precise`: an amount with more decimals than its currency has minor units
    /// (`"12.345"` EUR), or a number with more than 28 decimals.
    TooPrecise,
    /// `overflow`: a number past what exact decimal arithmetic can hold (about 7.9e28), or a
    /// result (a part, a sum, a converted amount, a balance) past the range of exact amounts.
    Overflow,
    /// `invalid_option`: an option with a value the engine does not know or does not accept: an
    /// unknown `settle` or `balances_in`, an `exact_limit` that is not a whole number or is above
    /// [`MAX_EXACT_LIMIT`](crate::settle::MAX_EXACT_LIMIT), or `pairwise` settlement of an
    /// expense past [`MAX_PAIRWISE_CELLS`](crate::settle::MAX_PAIRWISE_CELLS).
    InvalidOption,
}

impl ErrorCode {
    /// Every code, in a fixed order (useful for tests and documentation).
    ///
    /// # Example
    /// ```
    /// use splitter_core::ErrorCode;
    ///
    /// assert_eq!(ErrorCode::ALL.len(), 12);
    /// assert!(ErrorCode::ALL.iter().all(|c| ErrorCode::parse(c.as_str()) == Some(*c)));
    /// ```
    pub const ALL: [ErrorCode; 12] = [
        ErrorCode::InvalidJson,
        ErrorCode::InvalidInput,
        ErrorCode::InvalidAmount,
        ErrorCode::UnknownCurrency,
        ErrorCode::MissingRate,
        ErrorCode::UnknownMember,
        ErrorCode::DuplicateId,
        ErrorCode::EmptySplit,
        ErrorCode::SplitMismatch,
        ErrorCode::TooPrecise,
        ErrorCode::Overflow,
        ErrorCode::InvalidOption,
    ];

    /// The code as it appears on the wire, e.g. `"unknown_member"`: snake case, and what
    /// `Display` writes.
    ///
    /// # Example
    /// ```
    /// use splitter_core::ErrorCode;
    ///
    /// assert_eq!(ErrorCode::UnknownMember.as_str(), "unknown_member");
    /// assert_eq!(ErrorCode::TooPrecise.to_string(), "too_precise");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidAmount => "invalid_amount",
            ErrorCode::UnknownCurrency => "unknown_currency",
            ErrorCode::MissingRate => "missing_rate",
            ErrorCode::UnknownMember => "unknown_member",
            ErrorCode::DuplicateId => "duplicate_id",
            ErrorCode::EmptySplit => "empty_split",
            ErrorCode::SplitMismatch => "split_mismatch",
            ErrorCode::TooPrecise => "too_precise",
            ErrorCode::Overflow => "overflow",
            ErrorCode::InvalidOption => "invalid_option",
        }
    }

    /// The code for a wire string, if it is one of ours (exactly as [`ErrorCode::as_str`]
    /// writes it); `None` otherwise.
    ///
    /// # Example
    /// ```
    /// use splitter_core::ErrorCode;
    ///
    /// assert_eq!(ErrorCode::parse("missing_rate"), Some(ErrorCode::MissingRate));
    /// assert_eq!(ErrorCode::parse("MissingRate"), None);
    /// ```
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed error: what ([`ErrorCode`]), why and what to do (a message for people) and where (a
/// path into the input such as `expenses[1].split.shares.zoe`; empty for the input as a whole).
///
/// Displayed as `code at path: message` (`code: message` for the input as a whole), the one
/// format every face shows ([`error_text`]); the contract's error object carries that text as
/// its `message` ([`crate::wire::error_to_json`]). The text is for people and may change: match
/// on [`Error::code`] and show or log [`Error::path`].
///
/// # Example
/// ```
/// use splitter_core::{compute_json, ErrorCode};
///
/// let err = compute_json(r#"{"currency": "EUR", "members": ["ana"],
///   "expenses": [{"id": "e1", "amount": "1.001", "paid_by": "ana", "split": {"type": "equal"}}]}"#)
///   .unwrap_err();
/// assert_eq!(err.code, ErrorCode::TooPrecise);
/// assert_eq!(err.path, "expenses[0].amount");
/// assert_eq!(
///     err.to_string(),
///     "too_precise at expenses[0].amount: 1.001 has more decimals than EUR allows (2); \
///      round it to 2 decimals"
/// );
///
/// let err = compute_json("[1,").unwrap_err();
/// assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidJson, ""));
/// assert!(err.to_string().starts_with("invalid_json: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// For people: what is wrong, naming the offending value, and what to do about it (without
    /// the code and the path, which [`Error`]'s display puts in front).
    pub message: String,
    /// Where in the input: dotted fields, `[i]` for list positions, map keys as fields
    /// (`expenses[1].split.shares.zoe`, `rates.USD`); empty for the input as a whole.
    pub path: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_text(f, self.code.as_str(), &self.path, &self.message)
    }
}

impl std::error::Error for Error {}

/// The text people read for an error: `code at path: message`, or `code: message` when the
/// path is empty (the input as a whole). Every face shows errors in this one format: the Rust
/// [`Error`]'s display, the `message` of the contract's error object (so the JavaScript error's
/// `message`, the CLI and the HTTP server's bodies), Python's `str(err)`, Kotlin's `message` and
/// Swift's `description`. Callers with codes of their own (the server's `not_found`, ...) use it
/// too, so that all of its errors read alike.
///
/// # Example
/// ```
/// use splitter_core::error_text;
///
/// assert_eq!(
///     error_text("unknown_member", "expenses[1].split.shares.zoe", "'zoe' is not a member"),
///     "unknown_member at expenses[1].split.shares.zoe: 'zoe' is not a member"
/// );
/// assert_eq!(error_text("invalid_json", "", "not JSON"), "invalid_json: not JSON");
/// ```
pub fn error_text(code: &str, path: &str, message: &str) -> String {
    let mut out = String::with_capacity(code.len() + path.len() + message.len() + 6);
    // Writing into a String cannot fail.
    let _ = write_text(&mut out, code, path, message);
    out
}

/// [`error_text`] into any writer.
fn write_text(w: &mut impl fmt::Write, code: &str, path: &str, message: &str) -> fmt::Result {
    w.write_str(code)?;
    if !path.is_empty() {
        w.write_str(" at ")?;
        w.write_str(path)?;
    }
    w.write_str(": ")?;
    w.write_str(message)
}

impl Error {
    /// A new error, for a caller that checks input of its own and reports it the engine's way.
    ///
    /// # Example
    /// ```
    /// use splitter_core::{Error, ErrorCode};
    ///
    /// let err = Error::new(ErrorCode::InvalidInput, "members[2]", "a member id is empty");
    /// assert_eq!(err.to_string(), "invalid_input at members[2]: a member id is empty");
    /// let whole = Error::new(ErrorCode::InvalidInput, "", "expected an object");
    /// assert_eq!(whole.to_string(), "invalid_input: expected an object");
    /// ```
    pub fn new(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            path: path.into(),
        }
    }
}

/// `std::result::Result` with [`Error`] as its default error: what every entry point that reads
/// input returns.
///
/// # Example
/// ```
/// use splitter_core::{compute, wire, Result};
///
/// fn transfers(json: &str) -> Result<usize> {
///     Ok(compute(&wire::group_from_json(json)?)?.transfers.len())
/// }
/// assert_eq!(transfers(r#"{"currency": "EUR", "members": ["a"]}"#)?, 0);
/// assert_eq!(transfers("{}").unwrap_err().path, "currency");
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A path into the input, built up while walking it. Cheap to extend; turned into a `String` only
/// when an error is made.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub(crate) fn field(&'a self, name: &'a str) -> Path<'a> {
        Path::Field(self, name)
    }

    pub(crate) fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }

    /// How many fields and indexes deep this place is.
    pub(crate) fn depth(&self) -> usize {
        match self {
            Path::Root => 0,
            Path::Field(parent, _) | Path::Index(parent, _) => parent.depth() + 1,
        }
    }

    pub(crate) fn err(&self, code: ErrorCode, message: impl Into<String>) -> Error {
        Error::new(code, self.to_string(), message)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}
