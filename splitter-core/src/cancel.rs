//! Stopping a long computation from outside.
//!
//! The core keeps no clock. A caller that wants a deadline (a server answering untrusted input)
//! keeps the clock itself and raises a flag when the time is up; the loops whose work can grow
//! faster than the input (the exact settlement search, its subset DP, the pairwise
//! rounding) read the flag now and then and stop. A stopped computation gives
//! [`Halt::Cancelled`], never a partial or a wrong report.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::Error;

/// Why [`crate::compute_cancellable`] gave no report. An [`Error`] converts into
/// `Halt::Invalid`, so `?` works on it in a function returning `Result<_, Halt>`.
///
/// # Example
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use splitter_core::{compute_cancellable, wire, Halt};
///
/// fn transfers(json: &str, flag: &AtomicBool) -> Result<usize, Halt> {
///     let group = wire::group_from_json(json)?; // an input error becomes Halt::Invalid
///     Ok(compute_cancellable(&group, flag)?.transfers.len())
/// }
/// let describe = |outcome: Result<usize, Halt>| match outcome {
///     Ok(n) => format!("{n} transfers"),
///     Err(Halt::Invalid(e)) => format!("refused: {}", e.code),
///     Err(Halt::Cancelled) => "out of time".to_string(),
/// };
/// let flag = AtomicBool::new(false); // a deadline keeper would raise it from another thread
/// let good = r#"{"currency": "EUR", "members": ["a"]}"#;
/// let bad = r#"{"currency": "eur", "members": ["a"]}"#;
/// assert_eq!(describe(transfers(good, &flag)), "0 transfers");
/// assert_eq!(describe(transfers(bad, &flag)), "refused: unknown_currency");
/// flag.store(true, Ordering::Relaxed);
/// assert_eq!(describe(transfers(good, &flag)), "out of time");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt {
    /// The input is invalid: the same error [`crate::compute`] gives.
    Invalid(Error),
    /// The flag was raised before the computation finished.
    Cancelled,
}

impl From<Error> for Halt {
    fn from(e: Error) -> Halt {
        Halt::Invalid(e)
    }
}

/// The flag as the loops see it; without one, never raised.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cancel<'a>(Option<&'a AtomicBool>);

impl<'a> Cancel<'a> {
    /// Reads `flag`.
    pub(crate) fn new(flag: &'a AtomicBool) -> Cancel<'a> {
        Cancel(Some(flag))
    }

    /// No flag: the computation always runs to its end.
    pub(crate) fn never() -> Cancel<'static> {
        Cancel(None)
    }

    /// True once the caller has raised the flag (one relaxed load: cheap enough for hot loops).
    pub(crate) fn raised(self) -> bool {
        self.0.is_some_and(|f| f.load(Ordering::Relaxed))
    }
}
