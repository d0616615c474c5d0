//! Stopping a long computation from outside.
//!
//! The core keeps no clock. A caller that wants a deadline (a server answering untrusted input)
//! keeps the clock itself and raises a flag when the time is up; the loops whose work can grow
//! faster than the input (the exact settlement search, its subset DP, the pairwise matrix
//! rounding) read the flag now and then and stop. A stopped computation gives
//! [`Halt::Cancelled`], never a partial or a wrong report.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::Error;

/// Why [`crate::compute_cancellable`] gave no report.
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
