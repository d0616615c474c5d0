//! The contract's shapes as the OpenAPI document describes them: types that exist only for their
//! schema (utoipa), which the handlers' annotations and the document refer to. Their fields are
//! checked against the core's JSON Schema by the contract tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

/// The contract's error object.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// The error.
    error: ErrorDetail,
}

/// Code, message and path.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    /// Stable code: the core's (`invalid_json`, `invalid_amount`, `unknown_member`, ...) or the
    /// server's (`not_found`, `precondition_failed`, `idempotency_key_reused`, ...).
    code: String,
    /// For people: `code at path: what is wrong; what to do` (may be reworded: match on `code`).
    message: String,
    /// Where in the request body (or which parameter); empty for the whole.
    path: String,
}

/// An exact amount: a decimal string such as `"12.30"` or `"-5"`: an optional minus, digits,
/// and optionally a point and more digits; no plus sign, exponent, spaces or grouping (what
/// the engine reads; a test holds the pattern to the server's answers; a JSON number is read
/// exactly too, from its text). Within the pattern,
/// more decimals than the currency has are `too_precise`, and more than 28 significant digits
/// `overflow`.
#[derive(Debug, ToSchema, Serialize)]
#[schema(value_type = String, example = "12.30", pattern = r"^-?[0-9]+(\.[0-9]+)?$")]
#[allow(dead_code)]
pub struct Amount(String);

/// An ISO 4217 currency code the engine knows (its minor units come from the ISO table).
#[derive(Debug)]
pub struct CurrencyCode;

impl utoipa::PartialSchema for CurrencyCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An ISO 4217 currency code."))
            .enum_values(Some(splitter_core::Currency::all().map(|c| c.code())))
            .examples([serde_json::json!("EUR")])
            .into()
    }
}

impl ToSchema for CurrencyCode {}

/// A member's balance in one currency (the contract's balance row).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct BalanceRow {
    /// Member id.
    member: String,
    /// Currency.
    currency: String,
    /// Paid for expenses plus payments sent.
    #[schema(value_type = Amount)]
    paid: String,
    /// Shares plus payments received.
    #[schema(value_type = Amount)]
    owed: String,
    /// `paid - owed`.
    #[schema(value_type = Amount)]
    net: String,
}

/// A suggested transfer (the contract's transfer row).
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct TransferRow {
    /// Who pays.
    from: String,
    /// Who receives.
    to: String,
    /// How much.
    #[schema(value_type = Amount)]
    amount: String,
    /// Currency.
    currency: String,
}

/// How an expense is divided (the contract's `split`), chosen by `type`.
#[derive(Debug, ToSchema, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[allow(dead_code)]
pub enum Split {
    /// Equal parts.
    Equal {
        /// Who shares it; every member when left out.
        members: Option<Vec<String>>,
    },
    /// In proportion to weights.
    Shares {
        /// Weights: decimals >= 0, not all 0.
        shares: BTreeMap<String, Amount>,
    },
    /// By percentages.
    Percent {
        /// Percentages adding up to exactly 100.
        percent: BTreeMap<String, Amount>,
    },
    /// Exact amounts.
    Exact {
        /// Amounts adding up to the expense's amount.
        amounts: BTreeMap<String, Amount>,
    },
    /// Equal parts of what is left after the adjustments, each adjustment added to its member's
    /// part.
    Adjustment {
        /// Who shares it; every member when left out.
        members: Option<Vec<String>>,
        /// Extra amounts per member (none when left out).
        #[schema(nullable = false)]
        adjustments: Option<BTreeMap<String, Amount>>,
    },
    /// Items, each split by its own split, and extras shared in proportion to the items.
    Itemized {
        /// The items; with the extras they add up to the expense's amount.
        items: Vec<Item>,
        /// Tax, tip, service (a discount is negative).
        extras: Option<Vec<Extra>>,
    },
}

/// An item of an itemized split.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct Item {
    /// Its price.
    amount: Amount,
    /// How it is divided (any split but `itemized`).
    #[schema(no_recursion)]
    split: Box<Split>,
    /// Free text.
    description: Option<String>,
}

/// An extra of an itemized split.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct Extra {
    /// `tax`, `tip`, ...
    label: String,
    /// Its amount (negative: a discount).
    amount: Amount,
}

/// Who paid an expense.
#[derive(Debug, ToSchema, Serialize)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum PaidBy {
    /// One member paid it all.
    One(String),
    /// Several members: member id to amount, adding up to the expense's amount.
    Several(BTreeMap<String, Amount>),
}

/// An expense in the contract's form.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct ExpenseDoc {
    /// Unique within the group.
    id: String,
    /// The total (negative: money received for the group).
    amount: Amount,
    /// ISO 4217 code; default the group's.
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// This expense's own rate to the group currency.
    rate: Option<Amount>,
    /// Who paid.
    paid_by: PaidBy,
    /// How it is divided.
    split: Split,
    /// Free text.
    description: Option<String>,
    /// `YYYY-MM-DD`.
    date: Option<String>,
    /// Free text.
    category: Option<String>,
}

/// A payment in the contract's form: `from` handed `to` the amount.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct PaymentDoc {
    /// Optional id.
    id: Option<String>,
    /// Who paid.
    from: String,
    /// Who received.
    to: String,
    /// How much.
    amount: Amount,
    /// ISO 4217 code; default the group's.
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// Own rate to the group currency.
    rate: Option<Amount>,
    /// `YYYY-MM-DD`.
    date: Option<String>,
}

/// How debts are settled.
#[derive(Debug, ToSchema, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum Settle {
    /// Fewest transfers (proven where it can be computed).
    Minimal,
    /// Largest debtor pays largest creditor.
    Greedy,
    /// No simplification: what each owes each, netted per pair.
    Pairwise,
}

/// Which currency balances are in.
#[derive(Debug, ToSchema, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum BalancesIn {
    /// Everything converted into the group's currency.
    Group,
    /// Kept per currency, no conversion.
    Each,
}

/// The contract's options.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct OptionsDoc {
    /// Default `minimal`.
    settle: Option<Settle>,
    /// Default `group`.
    balances_in: Option<BalancesIn>,
    /// The most non-zero balances `minimal` solves exactly.
    #[schema(minimum = 0)]
    exact_limit: Option<u32>,
    /// Transfers suggested earlier, kept when only some were paid.
    previous: Option<Vec<TransferRow>>,
}

/// The contract's input group (see the wire contract).
#[derive(Debug, ToSchema)]
#[schema(example = json!({"currency": "EUR", "members": ["ana", "ben", "cy"], "rates": {"USD": "0.92"},
    "expenses": [{"id": "e1", "amount": "90.00", "paid_by": "ana", "split": {"type": "equal"}},
                 {"id": "e2", "amount": "60.00", "currency": "USD", "paid_by": {"ben": "40.00", "cy": "20.00"},
                  "split": {"type": "exact", "amounts": {"ana": "30.00", "ben": "30.00"}}}],
    "payments": [{"from": "cy", "to": "ana", "amount": "10.00"}],
    "options": {"settle": "minimal"}}))]
#[allow(dead_code)]
pub struct GroupInputDoc {
    /// ISO 4217 code.
    #[schema(value_type = CurrencyCode)]
    currency: String,
    /// Members.
    members: Vec<MemberInput>,
    /// Rates to the group currency: 1 unit of the key's currency in the group's.
    rates: Option<BTreeMap<String, Amount>>,
    /// Expenses.
    expenses: Option<Vec<ExpenseDoc>>,
    /// Payments.
    payments: Option<Vec<PaymentDoc>>,
    /// Options.
    options: Option<OptionsDoc>,
}

/// A member's share of an expense.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ShareRow {
    /// Expense id.
    expense: String,
    /// Member id.
    member: String,
    /// The expense's currency.
    currency: String,
    /// The share in that currency.
    amount: Amount,
    /// The share in the group's currency, when the expense's differs.
    group_amount: Option<Amount>,
}

/// The contract's output report.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ReportDoc {
    /// The group's currency.
    currency: String,
    /// Balance rows.
    balances: Vec<BalanceRow>,
    /// Share rows.
    shares: Vec<ShareRow>,
    /// Transfer rows.
    transfers: Vec<TransferRow>,
    /// The method.
    settle: Settle,
    /// Proven minimal.
    optimal: bool,
}

/// A member id, or `{"id", "name"}`.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(untagged)]
pub enum MemberInput {
    /// Just the id.
    Id(String),
    /// Id and display name.
    Named {
        /// The id that expenses refer to (1 to 64 characters, one script, no invisible
        /// characters or edge spaces).
        #[schema(min_length = 1, max_length = 64)]
        id: String,
        /// A display name.
        name: Option<String>,
    },
}
