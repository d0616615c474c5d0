//! # splitter-uniffi
//!
//! The Kotlin and Swift face of [`splitter_core`], through uniffi: typed records for the
//! contract's input ([`Group`]) and output ([`Report`]), [`compute`] to go from one to the other,
//! [`compute_json`] for the JSON form, and one error type, [`SplitterError`], carrying the
//! contract's `code` and `path`.
//!
//! No math happens here. A [`Group`] record is turned into the core's [`Json`] value, field for
//! field as the wire contract names them, and read by the core's own decoder
//! ([`splitter_core::compute_value`]), so every check, error code and error path is exactly the
//! one the JSON form gives (`expenses[1].split.shares.zoe`).
//!
//! Every amount, rate, weight and percentage crosses as its exact decimal text ([`Amount`]),
//! which the generated code turns into `java.math.BigDecimal` (Kotlin) or Foundation's `Decimal`
//! (Swift): no binary floating point on either side.

mod convert;

use std::fmt;

use splitter_core::{ErrorCode, Json};

uniffi::setup_scaffolding!("splitter");

/// An exact decimal (an amount, a rate, a weight or a percentage) as its text, such as `"12.30"`.
///
/// On the foreign side it is `java.math.BigDecimal` (Kotlin: `BigDecimal(text)` and
/// `toPlainString()`) or Foundation's `Decimal` (Swift): see `uniffi.toml`. Input text is read by
/// the core's strict decimal reader (`invalid_amount`, `too_precise`, `overflow` with the path);
/// output text carries exactly the currency's decimals (`"5.20"`, `"300"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Amount(String);

impl Amount {
    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Amount {
    fn from(text: &str) -> Amount {
        Amount(text.to_string())
    }
}

impl From<splitter_core::Decimal> for Amount {
    fn from(d: splitter_core::Decimal) -> Amount {
        Amount(d.to_string())
    }
}

uniffi::custom_type!(Amount, String, {
    lower: |a| a.0,
    try_lift: |text| Ok(Amount(text)),
});

/// A group: who is in it, what was spent and paid, and how to settle.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Group {
    /// The group's currency, an ISO 4217 code such as `"EUR"`.
    pub currency: String,
    /// The members, in the order balances are reported.
    pub members: Vec<Member>,
    /// Rates into the group's currency: a rate of `"0.92"` for `"USD"` means 1 USD = 0.92 of it.
    #[uniffi(default)]
    pub rates: Vec<Rate>,
    /// What was spent (or, with a negative amount, received) for the group.
    #[uniffi(default)]
    pub expenses: Vec<Expense>,
    /// Money already handed over between members.
    #[uniffi(default)]
    pub payments: Vec<Payment>,
    /// How to report and settle; absent means every default.
    #[uniffi(default)]
    pub options: Option<Options>,
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Member {
    /// The id every other part of the input refers to.
    pub id: String,
    /// A display name, carried through and never used in the math.
    #[uniffi(default)]
    pub name: Option<String>,
}

/// A rate into the group's currency: 1 `currency` = `rate` of the group's currency.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Rate {
    /// The foreign currency's ISO 4217 code.
    pub currency: String,
    /// How much of the group's currency one unit of `currency` is worth.
    pub rate: Amount,
}

/// A member and a decimal: a payer's amount, a weight, a percentage, an exact part or an
/// adjustment, depending on where it is used. Kept as a list (not a map) so that input order is
/// kept and a member named twice is reported (`duplicate_id`) rather than merged.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Part {
    /// The member's id.
    pub member: String,
    /// The decimal.
    pub value: Amount,
}

/// An expense (positive amount) or a refund or income (negative amount).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Expense {
    /// Unique within the group; also seeds the rounding tie-break.
    pub id: String,
    /// The total, in the expense's currency.
    pub amount: Amount,
    /// Who paid.
    pub paid_by: PaidBy,
    /// How it is shared.
    pub split: Split,
    /// The expense's currency; absent means the group's.
    #[uniffi(default)]
    pub currency: Option<String>,
    /// This expense's own rate to the group currency; wins over the group's rates.
    #[uniffi(default)]
    pub rate: Option<Amount>,
    /// Carried through, never used in the math.
    #[uniffi(default)]
    pub description: Option<String>,
    /// An ISO 8601 date (`YYYY-MM-DD`), carried through.
    #[uniffi(default)]
    pub date: Option<String>,
    /// Carried through, never used in the math.
    #[uniffi(default)]
    pub category: Option<String>,
}

/// Who paid an expense.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PaidBy {
    /// One member paid it all.
    One {
        /// The member's id.
        member: String,
    },
    /// Several members paid these amounts, which add up to the expense's amount.
    Several {
        /// Member and amount paid.
        amounts: Vec<Part>,
    },
}

/// How an expense (or an item of an itemized expense) is shared.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Split {
    /// Equal parts among `members` (absent: every member).
    Equal {
        /// Who shares; absent means every member of the group.
        #[uniffi(default)]
        members: Option<Vec<String>>,
    },
    /// Parts in proportion to weights (decimals >= 0, not all zero).
    Shares {
        /// Member and weight.
        shares: Vec<Part>,
    },
    /// Parts in proportion to percentages that add up to exactly 100.
    Percent {
        /// Member and percentage.
        percent: Vec<Part>,
    },
    /// Given amounts that add up to the expense's amount.
    Exact {
        /// Member and amount.
        amounts: Vec<Part>,
    },
    /// What is left after the adjustments is split equally among `members`, and each adjustment
    /// is added to its member's part.
    Adjustment {
        /// Who shares the rest equally; absent means every member.
        #[uniffi(default)]
        members: Option<Vec<String>>,
        /// Member and the amount added to (or, if negative, taken from) their part.
        #[uniffi(default)]
        adjustments: Vec<Part>,
    },
    /// Items, each split its own way (not itemized again), and extras (tax, tip, a negative
    /// discount) shared in proportion to what each member's items came to.
    Itemized {
        /// The items.
        items: Vec<Item>,
        /// The extras.
        #[uniffi(default)]
        extras: Vec<Extra>,
    },
}

/// One line of an itemized expense.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Item {
    /// The item's amount.
    pub amount: Amount,
    /// How the item is shared (any split but itemized).
    pub split: Split,
    /// Carried through, never used in the math.
    #[uniffi(default)]
    pub description: Option<String>,
}

/// A tax, tip, service charge or (negative) discount on an itemized expense.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Extra {
    /// What it is (`"tip"`, `"tax"`).
    pub label: String,
    /// Its amount.
    pub amount: Amount,
}

/// Money already handed over: `from` paid `to` the `amount`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Payment {
    /// Who paid.
    pub from: String,
    /// Who received.
    pub to: String,
    /// How much, > 0.
    pub amount: Amount,
    /// The payment's currency; absent means the group's.
    #[uniffi(default)]
    pub currency: Option<String>,
    /// This payment's own rate to the group currency.
    #[uniffi(default)]
    pub rate: Option<Amount>,
    /// Optional id, unique among payments when given.
    #[uniffi(default)]
    pub id: Option<String>,
    /// An ISO 8601 date, carried through.
    #[uniffi(default)]
    pub date: Option<String>,
}

/// How to report and settle. Every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Options {
    /// The settlement method; absent means [`SettleMethod::Minimal`].
    #[uniffi(default)]
    pub settle: Option<SettleMethod>,
    /// Which currency balances are kept in; absent means [`BalancesIn::Group`].
    #[uniffi(default)]
    pub balances_in: Option<BalancesIn>,
    /// The largest number of non-zero balances `minimal` solves exactly; absent means the
    /// core's default (24).
    #[uniffi(default)]
    pub exact_limit: Option<i64>,
    /// Transfers suggested earlier (a report's `transfers`); those still fitting come back
    /// unchanged.
    #[uniffi(default)]
    pub previous: Vec<Transfer>,
}

/// The settlement method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SettleMethod {
    /// The fewest transfers (proven minimal up to the exact limit).
    Minimal,
    /// Largest debtor pays largest creditor, repeatedly.
    Greedy,
    /// No simplification: what each member owes each other member, netted per pair.
    Pairwise,
}

/// Which currency balances are kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BalancesIn {
    /// Everything converted into the group's currency (a foreign currency needs a rate).
    Group,
    /// Balances and settlement kept per currency, no conversion.
    Each,
}

/// What the engine computes for a group.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Report {
    /// The group's currency.
    pub currency: String,
    /// One row per member (per member and currency when balances are kept per currency), in the
    /// members' order.
    pub balances: Vec<Balance>,
    /// One row per expense and member with a non-zero part.
    pub shares: Vec<Share>,
    /// The suggested settlement, in a deterministic order.
    pub transfers: Vec<Transfer>,
    /// The method used.
    pub settle: SettleMethod,
    /// True when the number of transfers is proven to be the minimum.
    pub optimal: bool,
}

/// A member's balance in one currency.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Balance {
    /// The member's id.
    pub member: String,
    /// The currency of the three amounts.
    pub currency: String,
    /// What the member paid for expenses plus the payments they sent.
    pub paid: Amount,
    /// The member's shares plus the payments they received.
    pub owed: Amount,
    /// `paid - owed`: positive means the group owes the member.
    pub net: Amount,
}

/// A member's part of one expense.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Share {
    /// The expense's id.
    pub expense: String,
    /// The member's id.
    pub member: String,
    /// The expense's own currency.
    pub currency: String,
    /// The part in the expense's currency.
    pub amount: Amount,
    /// The part in the group's currency, present when the expense was converted.
    pub group_amount: Option<Amount>,
}

/// A suggested transfer: `from` pays `to` the `amount`. Also the form of
/// [`Options::previous`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Transfer {
    /// Who pays.
    pub from: String,
    /// Who receives.
    pub to: String,
    /// How much, always > 0.
    pub amount: Amount,
    /// In which currency.
    pub currency: String,
}

/// Bad input: one case per stable code of the contract, each with the `path` of the offending
/// place in the input (`expenses[1].split.shares.zoe`, empty for the input as a whole) and a
/// readable `detail` (what is wrong; what to do). `code()` gives the contract's code
/// (`"unknown_member"`) on any case. Kotlin's `message` and Swift's `description` are the text
/// every face of Splitter shows, `code at path: detail`.
///
/// Kotlin: `SplitterException` (`e.code()`, `e.path()`, `e.detail()`, or the fields of the
/// case); Swift: `SplitterError`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum SplitterError {
    /// The input is not JSON at all.
    InvalidJson {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// Well-formed input of the wrong shape: a missing or unknown field, a malformed id or date.
    InvalidInput {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// An amount, rate, weight or percentage that is not an exact decimal or is out of range.
    InvalidAmount {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// A currency code that is not in the ISO 4217 table.
    UnknownCurrency {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// A foreign currency with no rate while balances are kept in the group currency.
    MissingRate {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// A member id that is not among the group's members.
    UnknownMember {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// An id or a key that appears twice.
    DuplicateId {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// A split with nobody to split among.
    EmptySplit {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// Parts that must add up do not.
    SplitMismatch {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// An amount with more decimals than its currency has minor units.
    TooPrecise {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// A number past what exact decimal arithmetic can hold.
    Overflow {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
    /// An option with a value the engine does not know.
    InvalidOption {
        /// Where in the input.
        path: String,
        /// What is wrong, for people.
        detail: String,
    },
}

#[uniffi::export]
impl SplitterError {
    /// The contract's stable error code, e.g. `"unknown_member"`.
    pub fn code(&self) -> String {
        self.error_code().as_str().to_string()
    }

    /// Where in the input, e.g. `"expenses[1].split.shares.zoe"`; empty for the whole input.
    pub fn path(&self) -> String {
        self.parts().0.to_string()
    }

    /// What is wrong and what to do, for people (the message without the code and the path).
    pub fn detail(&self) -> String {
        self.parts().1.to_string()
    }
}

impl SplitterError {
    /// The core's code of this case.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            SplitterError::InvalidJson { .. } => ErrorCode::InvalidJson,
            SplitterError::InvalidInput { .. } => ErrorCode::InvalidInput,
            SplitterError::InvalidAmount { .. } => ErrorCode::InvalidAmount,
            SplitterError::UnknownCurrency { .. } => ErrorCode::UnknownCurrency,
            SplitterError::MissingRate { .. } => ErrorCode::MissingRate,
            SplitterError::UnknownMember { .. } => ErrorCode::UnknownMember,
            SplitterError::DuplicateId { .. } => ErrorCode::DuplicateId,
            SplitterError::EmptySplit { .. } => ErrorCode::EmptySplit,
            SplitterError::SplitMismatch { .. } => ErrorCode::SplitMismatch,
            SplitterError::TooPrecise { .. } => ErrorCode::TooPrecise,
            SplitterError::Overflow { .. } => ErrorCode::Overflow,
            SplitterError::InvalidOption { .. } => ErrorCode::InvalidOption,
        }
    }

    /// The path and the detail, whatever the case.
    fn parts(&self) -> (&str, &str) {
        match self {
            SplitterError::InvalidJson { path, detail }
            | SplitterError::InvalidInput { path, detail }
            | SplitterError::InvalidAmount { path, detail }
            | SplitterError::UnknownCurrency { path, detail }
            | SplitterError::MissingRate { path, detail }
            | SplitterError::UnknownMember { path, detail }
            | SplitterError::DuplicateId { path, detail }
            | SplitterError::EmptySplit { path, detail }
            | SplitterError::SplitMismatch { path, detail }
            | SplitterError::TooPrecise { path, detail }
            | SplitterError::Overflow { path, detail }
            | SplitterError::InvalidOption { path, detail } => (path, detail),
        }
    }
}

impl fmt::Display for SplitterError {
    /// The core's error text, the one every face shows: `unknown_member at
    /// expenses[1].split.shares.zoe: expense e2: shares name 'zoe', ...`. It is Kotlin's `message`
    /// and `toString()` (see `src/bin/uniffi-bindgen.rs`) and Swift's `description`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, detail) = self.parts();
        f.write_str(&splitter_core::error_text(
            self.error_code().as_str(),
            path,
            detail,
        ))
    }
}

impl std::error::Error for SplitterError {}

impl From<splitter_core::Error> for SplitterError {
    fn from(e: splitter_core::Error) -> SplitterError {
        let (path, detail) = (e.path, e.message);
        match e.code {
            ErrorCode::InvalidJson => SplitterError::InvalidJson { path, detail },
            ErrorCode::InvalidAmount => SplitterError::InvalidAmount { path, detail },
            ErrorCode::UnknownCurrency => SplitterError::UnknownCurrency { path, detail },
            ErrorCode::MissingRate => SplitterError::MissingRate { path, detail },
            ErrorCode::UnknownMember => SplitterError::UnknownMember { path, detail },
            ErrorCode::DuplicateId => SplitterError::DuplicateId { path, detail },
            ErrorCode::EmptySplit => SplitterError::EmptySplit { path, detail },
            ErrorCode::SplitMismatch => SplitterError::SplitMismatch { path, detail },
            ErrorCode::TooPrecise => SplitterError::TooPrecise { path, detail },
            ErrorCode::Overflow => SplitterError::Overflow { path, detail },
            ErrorCode::InvalidOption => SplitterError::InvalidOption { path, detail },
            // `InvalidInput`, and any code a later core adds before this list learns it (the
            // tests check that every code of `ErrorCode::ALL` keeps its own case).
            _ => SplitterError::InvalidInput { path, detail },
        }
    }
}

/// Computes balances, shares and the suggested settlement of a group.
///
/// The group is read by the core exactly as its JSON form would be, so errors carry the same
/// code and path.
#[uniffi::export]
pub fn compute(group: Group) -> Result<Report, SplitterError> {
    let input: Json = convert::group_json(&group);
    let report = splitter_core::compute_value(&input)?;
    Ok(convert::report(&report))
}

/// The contract's JSON input in, the contract's JSON output out (compact, the canonical text
/// every face returns byte for byte). Bad input throws [`SplitterError`].
#[uniffi::export]
pub fn compute_json(input: String) -> Result<String, SplitterError> {
    Ok(splitter_core::compute_json(&input)?)
}

#[cfg(test)]
mod tests;
