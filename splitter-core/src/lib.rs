//! # splitter-core
//!
//! Exact expense splitting and debt settlement. A pure engine: no I/O, no clock, no randomness,
//! no floating point anywhere near money.
//!
//! Give it a [`Group`] (members, expenses with any of six split types, payments, rates and
//! options), get back a [`Report`]: each member's balance, each member's share of each expense,
//! and the suggested transfers that settle everyone to exactly zero, with the fewest transfers
//! provable where the search is small enough.
//!
//! The same engine speaks the JSON wire contract through [`compute_json`]; the command-line
//! tool, the bindings and the server all call it.
//!
//! ## Guarantees
//! - Amounts are whole minor units of their currency; every part is the floor or the ceiling of
//!   its exact proportional part, and parts add up to their total exactly.
//! - Balances of a currency add up to exactly zero; applying the suggested transfers as payments
//!   brings every balance to exactly zero.
//! - Bad input is an [`Error`] with a stable [`ErrorCode`] and a path into the input; never a
//!   panic, never a wrong number.
//!
//! See `ARCHITECTURE.md` for the layers and the rounding rule in full.
#![forbid(unsafe_code)]
#![doc = include_str!("../../README.md")]

mod apportion;
mod cancel;
mod currency;
mod engine;
mod error;
mod json;
mod ledger;
mod model;
mod money;
mod report;
pub mod settle;
mod source;
mod split;
pub mod wire;

pub use apportion::tie_key;
pub use cancel::Halt;
pub use currency::Currency;
pub use engine::{compute, compute_cancellable, compute_json, compute_value};
pub use error::{Error, ErrorCode, Result};
pub use json::Json;
pub use model::{
    BalancesIn, Cost, Expense, Extra, Group, Item, Member, Options, PaidBy, Payment, SettleMethod, Split,
};
pub use report::{Balance, Report, Share, Transfer};
pub use rust_decimal::Decimal;
pub use source::{Entries, Items, Node, Source};
