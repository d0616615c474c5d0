//! The input of the engine as plain typed data: a [`Group`] with its members, expenses, payments
//! and options. These mirror the wire contract field for field; [`crate::wire`] reads them from
//! JSON, and Rust callers can build them directly.
//!
//! Maps of the contract (`shares`, `paid_by`, `rates`, ...) are kept as lists of pairs in input
//! order, so that a repeated key is reported (`duplicate_id`) rather than silently merged.

use rust_decimal::Decimal;

use crate::report::Transfer;

/// A group: who is in it, what was spent and paid, and how to settle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    /// The group's currency, an ISO 4217 code such as `"EUR"`.
    pub currency: String,
    /// The members, in the order balances are reported.
    pub members: Vec<Member>,
    /// `("USD", 0.92)` means 1 USD = 0.92 in the group's currency.
    pub rates: Vec<(String, Decimal)>,
    /// What was spent (or, with a negative amount, received) for the group.
    pub expenses: Vec<Expense>,
    /// Money already handed over between members.
    pub payments: Vec<Payment>,
    /// How to report and settle.
    pub options: Options,
}

/// Upper bounds on what computing a group produces, found without computing it: for a caller
/// that budgets work before starting (a server facing untrusted input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// Members listed.
    pub members: usize,
    /// Share rows the report will hold at most (one per expense and member with a part).
    pub share_rows: usize,
    /// Member-by-payer debts `pairwise` settlement would round at most (expenses with several
    /// payers); zero for other methods.
    pub pairwise_cells: usize,
}

impl Group {
    /// Upper bounds on the work and output of computing this group.
    ///
    /// # Example
    /// ```
    /// use splitter_core::{Decimal, Expense, Group, Member, PaidBy, Split};
    ///
    /// let group = Group {
    ///     currency: "EUR".into(),
    ///     members: vec![Member::new("ana"), Member::new("ben"), Member::new("cy")],
    ///     expenses: vec![Expense::new("e1", Decimal::new(900, 2), PaidBy::One("ana".into()),
    ///                                 Split::Equal { members: None })],
    ///     ..Group::default()
    /// };
    /// assert_eq!(group.cost().share_rows, 3);
    /// ```
    pub fn cost(&self) -> Cost {
        let n = self.members.len();
        let mut cost = Cost {
            members: n,
            ..Cost::default()
        };
        for e in &self.expenses {
            let parts = crate::split::most_parts(&e.split, n);
            cost.share_rows = cost.share_rows.saturating_add(parts);
            if let (PaidBy::Several(payers), SettleMethod::Pairwise) = (&e.paid_by, self.options.settle) {
                cost.pairwise_cells = cost
                    .pairwise_cells
                    .saturating_add(parts.saturating_mul(payers.len().min(n)));
            }
        }
        cost
    }
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Member {
    /// The id every other part of the input refers to.
    pub id: String,
    /// A display name, carried through and never used in the math.
    pub name: Option<String>,
}

impl Member {
    /// A member known by id only.
    pub fn new(id: impl Into<String>) -> Member {
        Member {
            id: id.into(),
            name: None,
        }
    }
}

/// An expense (positive amount) or a refund or income (negative amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expense {
    /// Unique within the group; also seeds the rounding tie-break.
    pub id: String,
    /// The total, in the expense's currency.
    pub amount: Decimal,
    /// The expense's currency; `None` means the group's.
    pub currency: Option<String>,
    /// This expense's own rate to the group currency; wins over the group's `rates`.
    pub rate: Option<Decimal>,
    /// Who paid.
    pub paid_by: PaidBy,
    /// How it is shared.
    pub split: Split,
    /// Carried through, never used in the math.
    pub description: Option<String>,
    /// An ISO 8601 date (`YYYY-MM-DD`), carried through, never used in the math.
    pub date: Option<String>,
    /// Carried through, never used in the math.
    pub category: Option<String>,
}

impl Expense {
    /// An expense in the group's currency with no metadata.
    pub fn new(id: impl Into<String>, amount: Decimal, paid_by: PaidBy, split: Split) -> Expense {
        Expense {
            id: id.into(),
            amount,
            currency: None,
            rate: None,
            paid_by,
            split,
            description: None,
            date: None,
            category: None,
        }
    }
}

/// Who paid an expense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaidBy {
    /// One member paid it all.
    One(String),
    /// Several members paid these amounts, which add up to the expense's amount.
    Several(Vec<(String, Decimal)>),
}

/// How an expense (or an item of an itemized expense) is shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    /// Equal parts among `members` (`None`: every member).
    Equal {
        /// Who shares; `None` means every member of the group.
        members: Option<Vec<String>>,
    },
    /// Parts in proportion to weights (decimals >= 0, not all zero).
    Shares {
        /// Member and weight.
        shares: Vec<(String, Decimal)>,
    },
    /// Parts in proportion to percentages that add up to exactly 100.
    Percent {
        /// Member and percentage.
        percent: Vec<(String, Decimal)>,
    },
    /// Given amounts that add up to the expense's amount.
    Exact {
        /// Member and amount.
        amounts: Vec<(String, Decimal)>,
    },
    /// What is left after the adjustments is split equally among `members`, and each adjustment
    /// is added to its member's part.
    Adjustment {
        /// Who shares the rest equally; `None` means every member.
        members: Option<Vec<String>>,
        /// Member and the amount added to (or, if negative, taken from) their part.
        adjustments: Vec<(String, Decimal)>,
    },
    /// Items, each split its own way, and extras (tax, tip, a negative discount) shared in
    /// proportion to what each member's items came to.
    Itemized {
        /// The items; each item's split may not be itemized again.
        items: Vec<Item>,
        /// The extras.
        extras: Vec<Extra>,
    },
}

impl Split {
    /// The same split for the opposite amount (a refund of an expense split this way): amounts
    /// (exact parts, adjustments, items, extras) are negated; weights and percentages stay.
    ///
    /// # Example
    /// ```
    /// use splitter_core::{Decimal, Split};
    /// let split = Split::Exact { amounts: vec![("ana".into(), Decimal::new(700, 2))] };
    /// let refund = Split::Exact { amounts: vec![("ana".into(), Decimal::new(-700, 2))] };
    /// assert_eq!(split.negated(), refund);
    /// ```
    pub fn negated(self) -> Split {
        let neg = |v: Vec<(String, Decimal)>| v.into_iter().map(|(m, d)| (m, -d)).collect();
        match self {
            Split::Exact { amounts } => Split::Exact {
                amounts: neg(amounts),
            },
            Split::Adjustment { members, adjustments } => Split::Adjustment {
                members,
                adjustments: neg(adjustments),
            },
            Split::Itemized { items, extras } => Split::Itemized {
                items: items
                    .into_iter()
                    .map(|i| Item {
                        amount: -i.amount,
                        split: i.split.negated(),
                        description: i.description,
                    })
                    .collect(),
                extras: extras
                    .into_iter()
                    .map(|e| Extra {
                        label: e.label,
                        amount: -e.amount,
                    })
                    .collect(),
            },
            other => other,
        }
    }
}

/// One line of an itemized expense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's amount.
    pub amount: Decimal,
    /// How the item is shared.
    pub split: Split,
    /// Carried through, never used in the math.
    pub description: Option<String>,
}

/// A tax, tip, service charge or (negative) discount on an itemized expense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    /// What it is (`"tip"`, `"tax"`).
    pub label: String,
    /// Its amount.
    pub amount: Decimal,
}

/// Money already handed over: `from` paid `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Optional id, unique among payments when given.
    pub id: Option<String>,
    /// Who paid.
    pub from: String,
    /// Who received.
    pub to: String,
    /// How much, > 0.
    pub amount: Decimal,
    /// The payment's currency; `None` means the group's.
    pub currency: Option<String>,
    /// This payment's own rate to the group currency.
    pub rate: Option<Decimal>,
    /// An ISO 8601 date, carried through.
    pub date: Option<String>,
}

impl Payment {
    /// A payment in the group's currency.
    pub fn new(from: impl Into<String>, to: impl Into<String>, amount: Decimal) -> Payment {
        Payment {
            id: None,
            from: from.into(),
            to: to.into(),
            amount,
            currency: None,
            rate: None,
            date: None,
        }
    }
}

/// How to report and settle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// The settlement method.
    pub settle: SettleMethod,
    /// One currency for everything, or balances kept per currency.
    pub balances_in: BalancesIn,
    /// The largest number of non-zero balances `minimal` solves exactly; `None` means
    /// [`crate::settle::DEFAULT_EXACT_LIMIT`].
    pub exact_limit: Option<usize>,
    /// Transfers suggested earlier; those still fitting come back unchanged.
    pub previous: Vec<Transfer>,
}

/// The settlement method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum SettleMethod {
    /// The fewest transfers (proven minimal up to the exact limit).
    #[default]
    Minimal,
    /// Largest debtor pays largest creditor, repeatedly.
    Greedy,
    /// No simplification: what each member owes each other member, netted per pair.
    Pairwise,
}

impl SettleMethod {
    /// The wire name: `"minimal"`, `"greedy"` or `"pairwise"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SettleMethod::Minimal => "minimal",
            SettleMethod::Greedy => "greedy",
            SettleMethod::Pairwise => "pairwise",
        }
    }
}

/// Which currency balances are kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum BalancesIn {
    /// Everything converted into the group's currency.
    #[default]
    Group,
    /// Balances and settlement kept per currency, no conversion.
    Each,
}

impl BalancesIn {
    /// The wire name: `"group"` or `"each"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BalancesIn::Group => "group",
            BalancesIn::Each => "each",
        }
    }
}
