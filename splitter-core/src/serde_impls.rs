//! `serde` for the model and the report (feature `serde`), in the wire contract's shapes: a
//! [`Group`] serializes to the contract's input form and deserializes through the same reader
//! as [`crate::compute_json`] (so the same errors, codes and paths, as a deserializer's error);
//! a [`Report`] serializes to the contract's output form (always) and deserializes from it.
//! Amounts are written as decimal strings and read exactly. A JSON number is read from its text
//! (this crate builds `serde_json` with `arbitrary_precision`, which keeps it); a binary float
//! handed over by another format is read from its shortest decimal text, so `0.1` is 0.1 and
//! float noise such as `0.30000000000000004` EUR is refused by [`crate::compute`]
//! (`too_precise`), not by the deserializer.
//!
//! # Example
//! ```
//! use splitter_core::{Decimal, Expense, Group, Member, PaidBy, Split};
//!
//! let group = Group {
//!     currency: "EUR".into(),
//!     members: vec![Member::new("ana"), Member::new("ben")],
//!     expenses: vec![Expense::new("e1", Decimal::new(1000, 2), PaidBy::One("ana".into()),
//!                                 Split::Equal { members: None })],
//!     ..Group::default()
//! };
//! let text = serde_json::to_string(&group)?;
//! assert!(text.contains(r#""amount":"10.00""#));
//! let back: Group = serde_json::from_str(&text)?;
//! assert_eq!(back, group);
//! let report = splitter_core::compute(&group)?;
//! let again: splitter_core::Report = serde_json::from_str(&serde_json::to_string(&report)?)?;
//! assert_eq!(again, report);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::currency::Currency;
use crate::model::{Group, SettleMethod};
use crate::report::{Balance, Report, Share, Transfer};
use crate::wire;

/// The contract's input form, as [`wire::group_to_json`] writes it (feature `serde`): amounts as
/// decimal strings, members as ids or `{"id", "name"}` objects, optional fields that are `None`
/// left out.
///
/// # Errors
/// Only the serializer's own errors; every group can be written.
///
/// # Example
/// ```
/// use splitter_core::{Decimal, Expense, Group, Member, PaidBy, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![Expense::new("e1", Decimal::new(1000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     ..Group::default()
/// };
/// let value = serde_json::to_value(&group)?;
/// assert_eq!(value["expenses"][0]["amount"], "10.00");
/// assert_eq!(value["expenses"][0]["split"]["type"], "equal");
/// # Ok::<(), serde_json::Error>(())
/// ```
impl Serialize for Group {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value: serde_json::Value =
            serde_json::from_str(&wire::group_to_json(self)).map_err(serde::ser::Error::custom)?;
        value.serialize(s)
    }
}

/// The contract's input form, read by the same reader as [`crate::compute_json`] (feature
/// `serde`).
///
/// # Errors
/// Wherever [`wire::group_from_json`] fails on the same JSON, with the deserializer's custom
/// error, whose text is the [`Error`](crate::Error)'s display (`code at path: message`): a
/// missing, unknown or mistyped field (`invalid_input`), an amount that is not a decimal
/// (`invalid_amount`) or that no exact decimal holds (`too_precise`, `overflow`), a repeated key
/// (`duplicate_id`), an unknown option (`invalid_option`). What needs the whole group (unknown
/// members and currencies, missing rates, sums, amounts finer than their currency) is checked by
/// [`crate::compute`].
///
/// # Example
/// ```
/// use splitter_core::Group;
///
/// let group: Group = serde_json::from_str(r#"{"currency": "EUR", "members": ["ana", "ben"],
///   "expenses": [{"id": "e1", "amount": 10.5, "paid_by": "ana", "split": {"type": "equal"}}]}"#)?;
/// assert_eq!(group.expenses[0].amount.to_string(), "10.5");
///
/// let err = serde_json::from_str::<Group>(r#"{"currency": "EUR", "members": ["ana"], "colour": 1}"#)
///     .unwrap_err();
/// assert!(err.to_string().starts_with("invalid_input at colour: unknown field 'colour'"));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Group {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Group, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        wire::group_from_json(&value.to_string()).map_err(D::Error::custom)
    }
}

/// A decimal as the contract writes it: a string, read exactly.
fn decimal<E: serde::de::Error>(text: &str) -> Result<Decimal, E> {
    Decimal::from_str_exact(text).map_err(|e| E::custom(format!("'{text}' is not an exact decimal: {e}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportForm {
    currency: String,
    balances: Vec<BalanceForm>,
    shares: Vec<ShareForm>,
    transfers: Vec<TransferForm>,
    settle: String,
    optimal: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BalanceForm {
    member: String,
    currency: String,
    paid: String,
    owed: String,
    net: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareForm {
    expense: Arc<str>,
    member: Arc<str>,
    currency: String,
    amount: String,
    group_amount: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransferForm {
    from: String,
    to: String,
    amount: String,
    currency: String,
}

/// The contract's output form, as [`wire::report_to_json`] writes it (feature `serde`; `Serialize`
/// is always there): amounts as exact decimal strings, kept as written.
///
/// # Errors
/// A missing or unknown field or a value of the wrong type, an amount that is not an exact
/// decimal string, a share's currency that is not in the ISO 4217 table, a `settle` that is not
/// a method's name. The error is the deserializer's own; no [`ErrorCode`](crate::ErrorCode) is
/// attached, and the numbers are not checked against each other.
///
/// # Example
/// ```
/// use splitter_core::{compute, wire, Decimal, Expense, Group, Member, PaidBy, Report, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![Expense::new("e1", Decimal::new(1000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// let back: Report = serde_json::from_str(&wire::report_to_json(&report))?;
/// assert_eq!(back, report);
/// assert_eq!(back.transfers[0].amount.to_string(), "5.00");
///
/// let text = wire::report_to_json(&report).replace(r#""settle":"minimal""#, r#""settle":"fastest""#);
/// assert!(serde_json::from_str::<Report>(&text).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<'de> Deserialize<'de> for Report {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Report, D::Error> {
        let f = ReportForm::deserialize(d)?;
        let settle: SettleMethod = f.settle.parse().map_err(D::Error::custom)?;
        let balances = f
            .balances
            .into_iter()
            .map(|b| {
                Ok(Balance {
                    member: b.member,
                    currency: b.currency,
                    paid: decimal(&b.paid)?,
                    owed: decimal(&b.owed)?,
                    net: decimal(&b.net)?,
                })
            })
            .collect::<Result<_, D::Error>>()?;
        let shares = f
            .shares
            .into_iter()
            .map(|s| {
                Ok(Share {
                    expense: s.expense,
                    member: s.member,
                    currency: Currency::find(&s.currency)
                        .ok_or_else(|| D::Error::custom(format!("unknown currency '{}'", s.currency)))?,
                    amount: decimal(&s.amount)?,
                    group_amount: s.group_amount.as_deref().map(decimal).transpose()?,
                })
            })
            .collect::<Result<_, D::Error>>()?;
        let transfers = f
            .transfers
            .into_iter()
            .map(|t| {
                Ok(Transfer {
                    from: t.from,
                    to: t.to,
                    amount: decimal(&t.amount)?,
                    currency: t.currency,
                })
            })
            .collect::<Result<_, D::Error>>()?;
        Ok(Report {
            currency: f.currency,
            balances,
            shares,
            transfers,
            settle,
            optimal: f.optimal,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deserializing a group runs the contract's reader: its codes and paths come through.
    #[test]
    fn a_bad_group_is_the_readers_error() {
        let err = serde_json::from_str::<Group>(
            r#"{"currency": "EUR", "members": ["a"], "expenses": [{"id": "e1", "amount": "1", "paid_by": "a", "split": {"type": "thirds"}}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("invalid_input at expenses[0].split.type: "),
            "{err}"
        );
        // A JSON number amount is read from its text, exactly.
        let g: Group = serde_json::from_str(
            r#"{"currency": "EUR", "members": ["a"], "expenses": [{"id": "e1", "amount": 0.1, "paid_by": "a", "split": {"type": "equal"}}]}"#,
        )
        .unwrap();
        assert_eq!(g.expenses[0].amount, Decimal::new(1, 1));
        let floats = serde_json::from_str::<Report>(
            r#"{"currency": "EUR", "balances": [], "shares": [], "transfers": [{"from": "a", "to": "b", "amount": "1.0x", "currency": "EUR"}], "settle": "minimal", "optimal": true}"#,
        );
        assert!(floats.is_err());
    }
}
