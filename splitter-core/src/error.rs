//! The one error type of the engine: a stable machine-readable [`ErrorCode`], a readable message,
//! and the path of the offending place in the input (`expenses[1].split.shares.zoe`).

use std::fmt;

/// What went wrong, as a stable code shared by every face (Rust, CLI, bindings, HTTP).
///
/// The codes are part of the wire contract: they never change meaning once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The input is not JSON at all (syntax error, trailing garbage, nesting too deep).
    InvalidJson,
    /// Well-formed JSON of the wrong shape: a missing or unknown field, a value of the wrong type,
    /// a malformed id or date, a payment to oneself.
    InvalidInput,
    /// An amount, rate, share, weight or percentage that is not an exact decimal, or is out of its
    /// allowed range (a negative weight, a zero rate, a float handed over by a binding).
    InvalidAmount,
    /// A currency code that is not in the ISO 4217 table.
    UnknownCurrency,
    /// A foreign currency with no rate to the group currency while balances are kept in the group
    /// currency.
    MissingRate,
    /// A member id that is not among the group's members.
    UnknownMember,
    /// An id (member, expense, payment) or an object key that appears twice.
    DuplicateId,
    /// A split with nobody to split among (no members, all weights zero, no items).
    EmptySplit,
    /// Parts that must add up do not: payers, exact amounts, percentages, items and extras.
    SplitMismatch,
    /// An amount with more decimals than its currency has minor units.
    TooPrecise,
    /// A number past what exact decimal arithmetic can hold (about 7.9e28).
    Overflow,
    /// An option with a value the engine does not know.
    InvalidOption,
}

impl ErrorCode {
    /// Every code, in a fixed order (useful for tests and documentation).
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

    /// The code as it appears on the wire, e.g. `"unknown_member"`.
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

    /// The code for a wire string, if it is one of ours.
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed error: what ([`ErrorCode`]), why (a message for people) and where (a path into the
/// input such as `expenses[1].split.shares.zoe`; empty for the input as a whole).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// A readable explanation naming the offending value.
    pub message: String,
    /// Where in the input: dotted fields, `[i]` for list positions, map keys as fields.
    pub path: String,
}

impl Error {
    /// A new error.
    pub fn new(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            path: path.into(),
        }
    }
}

/// Shorthand used throughout the engine.
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
