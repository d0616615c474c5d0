//! The output of the engine: balances, shares and suggested transfers, as lists of records.
//!
//! Amounts are [`Decimal`]s carrying exactly their currency's number of decimals, so that their
//! `Display` (and their JSON form, a string) is `"56.00"`, `"300"` or `"0.334"`.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::currency::Currency;
use crate::model::SettleMethod;

/// What the engine computes for a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The group's currency.
    pub currency: String,
    /// One row per member (per member and currency when balances are kept per currency), in the
    /// members' order.
    pub balances: Vec<Balance>,
    /// One row per expense and member with a non-zero part, in expense order then member order.
    pub shares: Vec<Share>,
    /// The suggested settlement, in a deterministic order.
    pub transfers: Vec<Transfer>,
    /// The method used.
    #[serde(serialize_with = "settle_str")]
    pub settle: SettleMethod,
    /// True when the number of transfers is proven to be the minimum.
    pub optimal: bool,
}

/// A member's balance in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// The member's id.
    pub member: String,
    /// The currency of the three amounts.
    pub currency: String,
    /// What the member paid for expenses plus the payments they sent.
    #[serde(serialize_with = "decimal_str")]
    pub paid: Decimal,
    /// The member's shares plus the payments they received.
    #[serde(serialize_with = "decimal_str")]
    pub owed: Decimal,
    /// `paid - owed`: positive means the group owes the member.
    #[serde(serialize_with = "decimal_str")]
    pub net: Decimal,
}

/// A member's part of one expense.
///
/// A report can hold millions of these rows, so their ids are shared strings (`Arc<str>`, read
/// like any `&str`) rather than one allocation each, and the currency is a two-byte [`Currency`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    /// The expense's id.
    pub expense: Arc<str>,
    /// The member's id.
    pub member: Arc<str>,
    /// The expense's own currency.
    pub currency: Currency,
    /// The part in the expense's currency.
    #[serde(serialize_with = "decimal_str")]
    pub amount: Decimal,
    /// The part in the group's currency, present when the expense was converted.
    #[serde(serialize_with = "opt_decimal_str", skip_serializing_if = "Option::is_none")]
    pub group_amount: Option<Decimal>,
}

/// A suggested transfer: `from` pays `to` the `amount`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Transfer {
    /// Who pays.
    pub from: String,
    /// Who receives.
    pub to: String,
    /// How much, always > 0.
    #[serde(serialize_with = "decimal_str")]
    pub amount: Decimal,
    /// In which currency.
    pub currency: String,
}

fn decimal_str<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn opt_decimal_str<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

fn settle_str<S: Serializer>(m: &SettleMethod, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.as_str())
}
