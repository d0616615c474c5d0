#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod apportion;
mod cancel;
mod currency;
mod engine;
mod error;
mod json;
mod ledger;
mod model;
mod money;
mod quick;
mod report;
#[cfg(feature = "schema")]
pub mod schema;
#[cfg(feature = "serde")]
mod serde_impls;
pub mod settle;
mod source;
mod split;
mod suggest;
mod totals;
pub mod wire;

pub use apportion::tie_key;
pub use cancel::Halt;
pub use currency::Currency;
pub use engine::{compute, compute_cancellable, compute_json, compute_value};
pub use error::{error_text, Error, ErrorCode, Result};
pub use json::{Document, Json, Lazy};
pub use model::{
    BalancesIn, Cost, Expense, Extra, Group, Item, Member, Options, PaidBy, Part, Payment, SettleMethod,
    Split, UnknownOption,
};
pub use report::{Balance, Report, Share, Transfer};
/// The exact decimal type of every amount, rate, weight and percentage: `rust_decimal`'s,
/// re-exported so that callers use the engine's version with no dependency of their own.
pub use rust_decimal::Decimal;
pub use source::{Entries, Items, Node, Source};
pub use suggest::did_you_mean;
pub use totals::{report_of_totals, report_of_totals_cancellable, BucketTotals, MemberTotals, Totals};

/// The project README's Rust examples, compiled and run as doc tests (not part of the API).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ProjectReadme;
