//! The output of the engine: balances, shares and suggested transfers, as lists of records.
//!
//! Amounts are [`Decimal`]s carrying exactly their currency's number of decimals, so that their
//! `Display` (and their JSON form, a string) is `"56.00"`, `"300"` or `"0.334"`.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::currency::Currency;
use crate::model::SettleMethod;

/// What the engine computes for a group: the output of [`crate::compute`].
///
/// It serializes (with `serde`, with or without the crate's `serde` feature) to the wire
/// contract's output form, which [`crate::wire::report_to_json`] writes as compact JSON; with the
/// `serde` feature it also deserializes from that form.
///
/// # Example
/// ```
/// use splitter_core::{compute, wire, Decimal, Expense, Group, Member, PaidBy, SettleMethod, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![Expense::new("e1", Decimal::new(1000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// assert_eq!(report.currency, "EUR");
/// assert_eq!((report.settle, report.optimal), (SettleMethod::Minimal, true));
/// assert_eq!((report.balances.len(), report.shares.len(), report.transfers.len()), (2, 2, 1));
/// assert_eq!(
///     wire::report_to_json(&report),
///     concat!(
///         r#"{"currency":"EUR","balances":["#,
///         r#"{"member":"ana","currency":"EUR","paid":"10.00","owed":"5.00","net":"5.00"},"#,
///         r#"{"member":"ben","currency":"EUR","paid":"0.00","owed":"5.00","net":"-5.00"}],"#,
///         r#""shares":[{"expense":"e1","member":"ana","currency":"EUR","amount":"5.00"},"#,
///         r#"{"expense":"e1","member":"ben","currency":"EUR","amount":"5.00"}],"#,
///         r#""transfers":[{"from":"ben","to":"ana","amount":"5.00","currency":"EUR"}],"#,
///         r#""settle":"minimal","optimal":true}"#,
///     )
/// );
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The group's currency.
    pub currency: String,
    /// One row per member (per member and currency when balances are kept per currency), in the
    /// members' order.
    pub balances: Vec<Balance>,
    /// One row per expense and member with a non-zero part, in expense order then member order.
    pub shares: Vec<Share>,
    /// The suggested settlement: by currency (the group's first, then the others by code), then
    /// by payer id, receiver id and amount.
    pub transfers: Vec<Transfer>,
    /// The method used.
    #[serde(serialize_with = "settle_str")]
    pub settle: SettleMethod,
    /// True when the number of transfers is proven to be the minimum (in every currency).
    pub optimal: bool,
}

/// A member's balance in one currency.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Group, Member, PaidBy, Payment, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![Expense::new("e1", Decimal::new(3000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     payments: vec![Payment::new("ben", "ana", Decimal::new(1000, 2))],
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// let ben = &report.balances[1];
/// assert_eq!(ben.member, "ben");
/// // Paid: the 10.00 payment. Owed: his 15.00 share. The group owes ana 5.00.
/// assert_eq!((ben.paid.to_string(), ben.owed.to_string(), ben.net.to_string()),
///            ("10.00".into(), "15.00".into(), "-5.00".into()));
/// assert_eq!(report.balances[0].net + ben.net, Decimal::ZERO);
/// # Ok::<(), splitter_core::Error>(())
/// ```
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
    /// `paid - owed`: positive means the group owes the member, negative that the member owes
    /// the group. The nets of a currency add up to exactly zero.
    #[serde(serialize_with = "decimal_str")]
    pub net: Decimal,
}

/// A member's part of one expense.
///
/// A report can hold millions of these rows, so their ids are shared strings (`Arc<str>`, read
/// like any `&str`) rather than one allocation each, and the currency is a two-byte [`Currency`].
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Group, Member, PaidBy, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     rates: vec![("JPY".into(), Decimal::new(61, 4))], // 1 JPY = 0.0061 EUR
///     expenses: vec![Expense {
///         currency: Some("JPY".into()),
///         ..Expense::new("ramen", Decimal::from(3001), PaidBy::One("ana".into()),
///                        Split::Equal { members: None })
///     }],
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// let s = &report.shares[0];
/// assert_eq!((&*s.expense, &*s.member, s.currency.code()), ("ramen", "ana", "JPY"));
/// // 3001 yen is 18.31 EUR; the parts in yen and in euros each add up exactly.
/// let yen: Decimal = report.shares.iter().map(|s| s.amount).sum();
/// let eur: Decimal = report.shares.iter().filter_map(|s| s.group_amount).sum();
/// assert_eq!((yen.to_string(), eur.to_string()), ("3001".into(), "18.31".into()));
/// # Ok::<(), splitter_core::Error>(())
/// ```
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
    /// The part in the group's currency, present when the expense was converted (an expense in
    /// another currency, balances kept in the group's currency).
    #[serde(serialize_with = "opt_decimal_str", skip_serializing_if = "Option::is_none")]
    pub group_amount: Option<Decimal>,
}

/// A suggested transfer: `from` pays `to` the `amount`. Also the type of
/// [`Options::previous`](crate::Options::previous), the suggestions of an earlier report.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Group, Member, PaidBy, Payment, Split};
///
/// let mut group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben"), Member::new("cy")],
///     expenses: vec![Expense::new("e1", Decimal::new(10000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     ..Group::default()
/// };
/// // Made as payments, the suggested transfers settle everyone to exactly zero.
/// for t in compute(&group)?.transfers {
///     group.payments.push(Payment { currency: Some(t.currency), ..Payment::new(t.from, t.to, t.amount) });
/// }
/// let after = compute(&group)?;
/// assert!(after.balances.iter().all(|b| b.net.is_zero()));
/// assert!(after.transfers.is_empty());
/// # Ok::<(), splitter_core::Error>(())
/// ```
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
