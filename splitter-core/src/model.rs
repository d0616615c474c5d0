//! The input of the engine as plain typed data: a [`Group`] with its members, expenses, payments
//! and options. These mirror the wire contract field for field; [`crate::wire`] reads them from
//! JSON, and Rust callers can build them directly.
//!
//! Maps of the contract (`shares`, `paid_by`, `rates`, ...) are kept as lists of pairs in input
//! order, so that a repeated key is reported (`duplicate_id`) rather than silently merged.

use rust_decimal::Decimal;

use crate::report::Transfer;

/// A group: who is in it, what was spent and paid, and how to settle. The input of
/// [`crate::compute`].
///
/// Every field is public and plain data; `..Group::default()` leaves out what is not needed (no
/// rates, no expenses, no payments, default [`Options`]). The default group itself is not valid
/// input: it has no currency and no members.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Group, Member, PaidBy, Payment, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     rates: vec![("GBP".into(), Decimal::new(117, 2))], // 1 GBP = 1.17 EUR
///     expenses: vec![Expense {
///         currency: Some("GBP".into()),
///         ..Expense::new("train", Decimal::new(4000, 2), PaidBy::One("ana".into()),
///                        Split::Equal { members: None })
///     }],
///     payments: vec![Payment::new("ben", "ana", Decimal::new(2000, 2))],
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// // 40.00 GBP is 46.80 EUR, 23.40 each; ben has already handed over 20.00.
/// assert_eq!(report.balances[1].net.to_string(), "-3.40");
/// assert_eq!(report.transfers[0].amount.to_string(), "3.40");
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    /// The group's currency, an ISO 4217 code in upper case such as `"EUR"` (see [`Currency`]).
    ///
    /// [`Currency`]: crate::Currency
    pub currency: String,
    /// The members, in the order balances are reported. At least one; ids are unique.
    pub members: Vec<Member>,
    /// Exchange rates into the group's currency: `("USD", 0.92)` means 1 USD = 0.92 in the
    /// group's currency. One rate per currency, each > 0; the group's own currency, if listed,
    /// has rate 1. Needed for every other currency used while balances are kept in the group's
    /// currency (unless the expense or payment has a rate of its own).
    pub rates: Vec<(String, Decimal)>,
    /// What was spent (or, with a negative amount, received) for the group.
    pub expenses: Vec<Expense>,
    /// Money already handed over between members.
    pub payments: Vec<Payment>,
    /// How to report and settle.
    pub options: Options,
}

/// Upper bounds on what computing a group produces, found without computing it: for a caller
/// that budgets work before starting (a server facing untrusted input). Made by [`Group::cost`].
///
/// # Example
/// ```
/// use splitter_core::{compute, Cost, Decimal, Expense, Group, Member, Options, PaidBy, Part,
///                     SettleMethod, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben"), Member::new("cy")],
///     expenses: vec![Expense::new(
///         "e1",
///         Decimal::new(900, 2),
///         PaidBy::Several(vec![Part::new("ana", 6), Part::new("ben", 3)]),
///         Split::Shares { shares: vec![Part::new("ben", 1), Part::new("cy", 2)] },
///     )],
///     options: Options { settle: SettleMethod::Pairwise, ..Options::default() },
///     ..Group::default()
/// };
/// // Two members share, two paid: at most 2 share rows and 2 x 2 pairwise debts.
/// assert_eq!(group.cost(), Cost { members: 3, share_rows: 2, pairwise_cells: 4 });
/// assert!(compute(&group)?.shares.len() <= group.cost().share_rows);
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// Members listed.
    pub members: usize,
    /// Share rows the report will hold at most (one per expense and member with a part).
    pub share_rows: usize,
    /// Member-by-payer debts `pairwise` settlement would round at most, summed over the
    /// expenses with several payers; zero for other methods. A single expense past
    /// [`crate::settle::MAX_PAIRWISE_CELLS`] is refused.
    pub pairwise_cells: usize,
}

impl Group {
    /// Upper bounds on the work and output of computing this group, in time linear in the size
    /// of the group. The group is not validated: the bounds hold for whatever
    /// [`crate::compute`] does with it.
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
///
/// # Example
/// ```
/// use splitter_core::Member;
///
/// let ana = Member { name: Some("Ana María".into()), ..Member::new("ana") };
/// assert_eq!(ana.id, "ana");
/// // Only the id counts: expenses, payments and the report name members by id.
/// assert_eq!(Member::new("ben"), Member { id: "ben".into(), name: None });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Member {
    /// The id every other part of the input refers to: not empty, unique within the group.
    pub id: String,
    /// A display name, carried through and never used in the math.
    pub name: Option<String>,
}

impl Member {
    /// A member known by id only (`name` is `None`).
    ///
    /// # Example
    /// ```
    /// use splitter_core::Member;
    ///
    /// let members: Vec<Member> = ["ana", "ben"].into_iter().map(Member::new).collect();
    /// assert_eq!((members[1].id.as_str(), members[1].name.as_deref()), ("ben", None));
    /// ```
    pub fn new(id: impl Into<String>) -> Member {
        Member {
            id: id.into(),
            name: None,
        }
    }
}

/// An expense (positive amount) or a refund or income (negative amount, split the same way:
/// whoever received it passes the others their parts). The amount may not be zero.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Group, Member, PaidBy, Split};
///
/// // ana got a 30.00 refund for both of them: she owes ben his half.
/// let refund = Expense {
///     description: Some("deposit back".into()),
///     date: Some("2026-05-02".into()),
///     ..Expense::new("deposit", Decimal::new(-3000, 2), PaidBy::One("ana".into()),
///                    Split::Equal { members: None })
/// };
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![refund],
///     ..Group::default()
/// };
/// let t = &compute(&group)?.transfers[0];
/// assert_eq!((t.from.as_str(), t.to.as_str(), t.amount.to_string()), ("ana", "ben", "15.00".into()));
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expense {
    /// Not empty, unique among the group's expenses; also seeds the rounding tie-break (see
    /// [`crate::tie_key`]).
    pub id: String,
    /// The total, in the expense's currency: not zero, and a whole number of its minor units
    /// (`too_precise` otherwise).
    pub amount: Decimal,
    /// The expense's currency; `None` means the group's.
    pub currency: Option<String>,
    /// This expense's own rate to the group currency (1 of the expense's currency = `rate` of
    /// the group's); wins over the group's `rates`. Must be > 0.
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
    /// An expense in the group's currency with no metadata: `currency`, `rate`, `description`,
    /// `date` and `category` are `None`. Set them with struct update syntax.
    ///
    /// # Example
    /// ```
    /// use splitter_core::{Decimal, Expense, PaidBy, Split};
    ///
    /// let e = Expense::new("e1", Decimal::new(1999, 2), PaidBy::One("ana".into()),
    ///                      Split::Equal { members: None });
    /// assert_eq!(e.amount.to_string(), "19.99");
    /// assert!(e.currency.is_none() && e.rate.is_none() && e.description.is_none());
    ///
    /// // In dollars at an exchange rate of its own.
    /// let usd = Expense { currency: Some("USD".into()), rate: Some(Decimal::new(91, 2)), ..e };
    /// assert_eq!(usd.id, "e1");
    /// ```
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

    /// The most share rows this expense makes in a group of `members` members (what it costs
    /// to compute and to store: one row per member with a part).
    pub fn share_rows(&self, members: usize) -> usize {
        crate::split::most_parts(&self.split, members)
    }
}

/// One entry of the contract's member maps (`paid_by`, `shares`, `percent`, `amounts`,
/// `adjustments`): a member and their amount, weight or percentage. Kept in a list, in input
/// order, so that a member named twice is reported (`duplicate_id`), not merged.
///
/// # Example
/// ```
/// use splitter_core::{Decimal, Part};
///
/// let p = Part::new("ana", Decimal::new(250, 2));
/// assert_eq!((p.member.as_str(), p.value.to_string().as_str()), ("ana", "2.50"));
/// assert_eq!(Part::new("ben", 3).value, Decimal::from(3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Part {
    /// The member's id.
    pub member: String,
    /// The amount, weight or percentage.
    pub value: Decimal,
}

impl Part {
    /// A member and a value (any integer or a [`Decimal`]).
    ///
    /// # Example
    /// ```
    /// use splitter_core::{Decimal, Part};
    ///
    /// assert_eq!(Part::new("ana", 2), Part::new(String::from("ana"), Decimal::from(2)));
    /// assert_eq!(Part::new("ben", Decimal::new(-150, 2)).value.to_string(), "-1.50");
    /// ```
    pub fn new(member: impl Into<String>, value: impl Into<Decimal>) -> Part {
        Part {
            member: member.into(),
            value: value.into(),
        }
    }
}

/// Who paid an expense.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, ErrorCode, Expense, Group, Member, PaidBy, Part, Split};
///
/// let mut group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![Expense::new(
///         "e1",
///         Decimal::new(1000, 2),
///         PaidBy::Several(vec![Part::new("ana", Decimal::new(600, 2)), Part::new("ben", 4)]),
///         Split::Equal { members: None },
///     )],
///     ..Group::default()
/// };
/// // ana paid 6.00 of the 10.00 and owes 5.00 of it.
/// assert_eq!(compute(&group)?.balances[0].net.to_string(), "1.00");
///
/// // The payers must add up to the expense's amount.
/// group.expenses[0].paid_by = PaidBy::Several(vec![Part::new("ana", 6)]);
/// let err = compute(&group).unwrap_err();
/// assert_eq!((err.code, err.path.as_str()), (ErrorCode::SplitMismatch, "expenses[0].paid_by"));
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaidBy {
    /// One member paid it all.
    One(String),
    /// Several members paid these amounts (in the expense's currency), which add up to the
    /// expense's amount; at least one, each member at most once.
    Several(Vec<Part>),
}

/// How an expense (or an item of an itemized expense) is shared.
///
/// Every split gives each member the floor or the ceiling of their exact part, and the parts add
/// up to the amount exactly; the leftover minor units go to the largest remainders, ties broken
/// by [`crate::tie_key`]. Members named in a split must be members of the group, each named once
/// per list.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Error, Expense, Group, Member, PaidBy, Part, Split};
///
/// // The parts of 100.00 EUR paid by ana, split `split` among ana, ben and cy.
/// let parts = |split: Split| -> Result<Vec<String>, Error> {
///     let group = Group {
///         currency: "EUR".into(),
///         members: vec![Member::new("ana"), Member::new("ben"), Member::new("cy")],
///         expenses: vec![Expense::new("e1", Decimal::new(10000, 2), PaidBy::One("ana".into()), split)],
///         ..Group::default()
///     };
///     Ok(compute(&group)?.shares.iter().map(|s| format!("{} {}", s.member, s.amount)).collect())
/// };
/// let percent = vec![Part::new("ana", 50), Part::new("ben", Decimal::new(333, 1)),
///                    Part::new("cy", Decimal::new(167, 1))];
/// assert_eq!(parts(Split::Percent { percent })?, ["ana 50.00", "ben 33.30", "cy 16.70"]);
///
/// // ana had a 10.00 extra; the other 90.00 is split equally.
/// let adjustments = vec![Part::new("ana", 10)];
/// assert_eq!(parts(Split::Adjustment { members: None, adjustments })?,
///            ["ana 40.00", "ben 30.00", "cy 30.00"]);
///
/// // Nobody but ben and cy; ana only paid.
/// let members = Some(vec!["ben".to_string(), "cy".to_string()]);
/// assert_eq!(parts(Split::Equal { members })?, ["ben 50.00", "cy 50.00"]);
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    /// Equal parts among `members` (`None`: every member).
    Equal {
        /// Who shares; `None` means every member of the group. A list may not be empty.
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
    /// is added to its member's part. The adjustments may not exceed the amount (the rest may
    /// not change sign); a member adjusted need not be among `members`.
    Adjustment {
        /// Who shares the rest equally; `None` means every member.
        members: Option<Vec<String>>,
        /// Member and the amount added to (or, if negative, taken from) their part.
        adjustments: Vec<Part>,
    },
    /// Items, each split its own way, and extras (tax, tip, a negative discount) shared in
    /// proportion to what each member's items came to. Items and extras add up to the
    /// expense's amount.
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
    /// use splitter_core::{Decimal, Part, Split};
    ///
    /// let split = Split::Exact { amounts: vec![Part::new("ana", Decimal::new(700, 2))] };
    /// let refund = Split::Exact { amounts: vec![Part::new("ana", Decimal::new(-700, 2))] };
    /// assert_eq!(split.negated(), refund);
    ///
    /// // Weights stay: the same shares of a negative amount are already its mirror.
    /// let shares = Split::Shares { shares: vec![Part::new("ana", 1), Part::new("ben", 2)] };
    /// assert_eq!(shares.clone().negated(), shares);
    /// ```
    pub fn negated(self) -> Split {
        let neg = |v: Vec<Part>| v.into_iter().map(|p| Part { value: -p.value, ..p }).collect();
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

/// One line of an itemized expense ([`Split::Itemized`]).
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Group, Item, Member, PaidBy, Split};
///
/// let split = Split::Itemized {
///     items: vec![
///         Item {
///             amount: Decimal::new(1800, 2),
///             split: Split::Equal { members: Some(vec!["ana".into()]) },
///             description: Some("steak".into()),
///         },
///         Item {
///             amount: Decimal::new(1200, 2),
///             split: Split::Equal { members: None },
///             description: Some("wine".into()),
///         },
///     ],
///     extras: vec![],
/// };
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![Expense::new("dinner", Decimal::new(3000, 2), PaidBy::One("ben".into()), split)],
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// // One share row per member for the whole expense: 18.00 + 6.00 for ana, 6.00 for ben.
/// let parts: Vec<String> = report.shares.iter().map(|s| s.amount.to_string()).collect();
/// assert_eq!(parts, ["24.00", "6.00"]);
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's amount, in the expense's currency.
    pub amount: Decimal,
    /// How the item is shared: any split but [`Split::Itemized`] (`invalid_input`).
    pub split: Split,
    /// Carried through, never used in the math.
    pub description: Option<String>,
}

/// A tax, tip, service charge or (negative) discount on an itemized expense
/// ([`Split::Itemized`]), shared in proportion to what each member's items came to.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Extra, Group, Item, Member, PaidBy, Split};
///
/// let items = vec![
///     Item { amount: Decimal::new(3000, 2), split: Split::Equal { members: Some(vec!["ana".into()]) },
///            description: None },
///     Item { amount: Decimal::new(1000, 2), split: Split::Equal { members: Some(vec!["ben".into()]) },
///            description: None },
/// ];
/// // A 4.00 tip and 2.00 off: 2.00 more, shared 3 to 1 like the items.
/// let extras = vec![
///     Extra { label: "tip".into(), amount: Decimal::new(400, 2) },
///     Extra { label: "voucher".into(), amount: Decimal::new(-200, 2) },
/// ];
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![Expense::new("lunch", Decimal::new(4200, 2), PaidBy::One("ana".into()),
///                                 Split::Itemized { items, extras })],
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// let parts: Vec<String> = report.shares.iter().map(|s| s.amount.to_string()).collect();
/// assert_eq!(parts, ["31.50", "10.50"]);
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    /// What it is (`"tip"`, `"tax"`); carried through, never used in the math.
    pub label: String,
    /// Its amount, in the expense's currency; negative for a discount.
    pub amount: Decimal,
}

/// Money already handed over: `from` paid `to`. It raises what `from` has paid and what `to`
/// owes, exactly as a suggested [`Transfer`] would.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Group, Member, PaidBy, Payment, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     expenses: vec![Expense::new("e1", Decimal::new(1000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     payments: vec![Payment {
///         id: Some("p1".into()),
///         date: Some("2026-05-03".into()),
///         ..Payment::new("ben", "ana", Decimal::new(500, 2))
///     }],
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// assert!(report.balances.iter().all(|b| b.net.is_zero()));
/// assert!(report.transfers.is_empty());
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Optional id, not empty and unique among payments when given.
    pub id: Option<String>,
    /// Who paid (a member id).
    pub from: String,
    /// Who received (a member id, not `from`).
    pub to: String,
    /// How much, > 0, a whole number of minor units of the payment's currency.
    pub amount: Decimal,
    /// The payment's currency; `None` means the group's.
    pub currency: Option<String>,
    /// This payment's own rate to the group currency (as [`Expense::rate`]); wins over the
    /// group's `rates`.
    pub rate: Option<Decimal>,
    /// An ISO 8601 date (`YYYY-MM-DD`), carried through, never used in the math.
    pub date: Option<String>,
}

impl Payment {
    /// A payment in the group's currency, with no id, rate or date.
    ///
    /// # Example
    /// ```
    /// use splitter_core::{Decimal, Payment};
    ///
    /// let p = Payment::new("ben", "ana", Decimal::new(500, 2));
    /// assert_eq!((p.from.as_str(), p.to.as_str(), p.amount.to_string()), ("ben", "ana", "5.00".into()));
    /// assert!(p.id.is_none() && p.currency.is_none() && p.rate.is_none() && p.date.is_none());
    /// ```
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

/// How to report and settle. The default: [`SettleMethod::Minimal`], balances in the group's
/// currency, the default exact limit, no earlier suggestions.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, ErrorCode, Expense, Group, Member, Options, PaidBy,
///                     Payment, Split};
///
/// let mut group = Group {
///     currency: "EUR".into(),
///     members: ["ana", "ben", "cy", "dan"].into_iter().map(Member::new).collect(),
///     expenses: vec![Expense::new("e1", Decimal::new(9000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     ..Group::default()
/// };
/// let first = compute(&group)?.transfers;
/// assert_eq!(first.len(), 3);
///
/// // ben pays his suggested transfer; the two others come back as they were.
/// let paid = &first[0];
/// group.payments.push(Payment::new(paid.from.clone(), paid.to.clone(), paid.amount));
/// group.options = Options { previous: first.clone(), ..Options::default() };
/// assert_eq!(compute(&group)?.transfers, first[1..]);
///
/// group.options.exact_limit = Some(25);
/// let err = compute(&group).unwrap_err();
/// assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidOption, "options.exact_limit"));
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// The settlement method.
    pub settle: SettleMethod,
    /// One currency for everything, or balances kept per currency.
    pub balances_in: BalancesIn,
    /// The largest number of non-zero balances `minimal` solves exactly; `None` means
    /// [`crate::settle::DEFAULT_EXACT_LIMIT`]. At most [`crate::settle::MAX_EXACT_LIMIT`]
    /// (`invalid_option` otherwise). A lower limit bounds the time of the search; above the
    /// limit `minimal` is never worse than greedy, but no longer proven optimal.
    pub exact_limit: Option<usize>,
    /// Transfers suggested earlier (a previous report's `transfers`). If the balances changed
    /// only by paying some of them, the unpaid ones come back unchanged; otherwise those that
    /// still fit are kept and the rest is settled afresh. Ignored by
    /// [`SettleMethod::Pairwise`]. Each names members of the group, a known currency and an
    /// amount > 0.
    pub previous: Vec<Transfer>,
}

/// The settlement method. Every method moves money only from members who owe to members who are
/// owed, so the total moved is always the sum of the debts; they differ in how many transfers
/// they make and between whom.
///
/// # Example
/// ```
/// use splitter_core::{compute, Decimal, Expense, Group, Member, Options, PaidBy, Part,
///                     SettleMethod, Split};
///
/// // ana paid 10.00 for ben, then ben paid 10.00 for cy.
/// let owes = |payer: &str, member: &str| Expense::new(
///     format!("{payer}-{member}"),
///     Decimal::new(1000, 2),
///     PaidBy::One(payer.into()),
///     Split::Exact { amounts: vec![Part::new(member, Decimal::new(1000, 2))] },
/// );
/// let mut group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben"), Member::new("cy")],
///     expenses: vec![owes("ana", "ben"), owes("ben", "cy")],
///     ..Group::default()
/// };
/// let pairs = |group: &Group| -> Result<Vec<String>, splitter_core::Error> {
///     Ok(splitter_core::compute(group)?.transfers.iter().map(|t| format!("{}->{}", t.from, t.to)).collect())
/// };
/// assert_eq!(pairs(&group)?, ["cy->ana"]); // minimal, the default
/// group.options = Options { settle: SettleMethod::Pairwise, ..Options::default() };
/// assert_eq!(pairs(&group)?, ["ben->ana", "cy->ben"]);
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum SettleMethod {
    /// The fewest transfers (proven minimal up to the exact limit); see
    /// [`crate::settle::minimal`].
    #[default]
    Minimal,
    /// Largest debtor pays largest creditor, repeatedly; see [`crate::settle::greedy`].
    Greedy,
    /// No simplification: what each member owes each other member (following who paid for
    /// whom), netted per pair. One expense may create at most
    /// [`crate::settle::MAX_PAIRWISE_CELLS`] member-by-payer debts.
    Pairwise,
}

impl SettleMethod {
    /// Every method, in a fixed order.
    ///
    /// # Example
    /// ```
    /// use splitter_core::SettleMethod;
    ///
    /// let names: Vec<String> = SettleMethod::ALL.iter().map(|m| m.to_string()).collect();
    /// assert_eq!(names, ["minimal", "greedy", "pairwise"]);
    /// ```
    pub const ALL: [SettleMethod; 3] = [
        SettleMethod::Minimal,
        SettleMethod::Greedy,
        SettleMethod::Pairwise,
    ];

    /// The wire name: `"minimal"`, `"greedy"` or `"pairwise"` (also what `Display` writes, and
    /// what [`str::parse`] reads back).
    ///
    /// # Example
    /// ```
    /// use splitter_core::SettleMethod;
    ///
    /// assert_eq!(SettleMethod::Pairwise.as_str(), "pairwise");
    /// assert_eq!(SettleMethod::Greedy.as_str().parse(), Ok(SettleMethod::Greedy));
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            SettleMethod::Minimal => "minimal",
            SettleMethod::Greedy => "greedy",
            SettleMethod::Pairwise => "pairwise",
        }
    }
}

impl std::fmt::Display for SettleMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the options' values (`"fastest"` as a settle method): the error of
/// parsing a [`SettleMethod`] or a [`BalancesIn`].
///
/// # Example
/// ```
/// use splitter_core::{SettleMethod, UnknownOption};
///
/// let err = "fastest".parse::<SettleMethod>().unwrap_err();
/// assert_eq!(err, UnknownOption { given: "fastest".into(), expected: "minimal, greedy, pairwise" });
/// assert_eq!(err.to_string(), "'fastest' is not one of: minimal, greedy, pairwise");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not one of: {expected}")]
pub struct UnknownOption {
    /// What was given.
    pub given: String,
    /// What is accepted, comma-separated.
    pub expected: &'static str,
}

impl std::str::FromStr for SettleMethod {
    type Err = UnknownOption;

    /// Reads a wire name: `"minimal"`, `"greedy"` or `"pairwise"`, exactly (lower case, no
    /// spaces).
    ///
    /// # Errors
    /// [`UnknownOption`] for any other string. (Read from the wire contract, the same mistake
    /// is an [`Error`](crate::Error) with [`ErrorCode::InvalidOption`](crate::ErrorCode) at
    /// `options.settle`.)
    ///
    /// # Example
    /// ```
    /// use splitter_core::SettleMethod;
    ///
    /// assert_eq!("greedy".parse::<SettleMethod>(), Ok(SettleMethod::Greedy));
    /// assert!("fastest".parse::<SettleMethod>().is_err());
    /// assert!("Greedy".parse::<SettleMethod>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<SettleMethod, UnknownOption> {
        SettleMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| UnknownOption {
                given: s.to_string(),
                expected: "minimal, greedy, pairwise",
            })
    }
}

/// Which currency balances are kept in.
///
/// # Example
/// ```
/// use splitter_core::{compute, BalancesIn, Decimal, Expense, Group, Member, Options, PaidBy, Split};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     // No rate from USD to EUR is needed: nothing is converted.
///     expenses: vec![Expense {
///         currency: Some("USD".into()),
///         ..Expense::new("e1", Decimal::new(1000, 2), PaidBy::One("ana".into()),
///                        Split::Equal { members: None })
///     }],
///     options: Options { balances_in: BalancesIn::Each, ..Options::default() },
///     ..Group::default()
/// };
/// let report = compute(&group)?;
/// // One row per member and currency, the group's currency always, then the others by code.
/// let rows: Vec<String> =
///     report.balances.iter().map(|b| format!("{} {} {}", b.member, b.net, b.currency)).collect();
/// assert_eq!(rows, ["ana 0.00 EUR", "ana 5.00 USD", "ben 0.00 EUR", "ben -5.00 USD"]);
/// let t = &report.transfers[0];
/// assert_eq!((t.amount.to_string(), t.currency.as_str()), ("5.00".into(), "USD"));
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum BalancesIn {
    /// Everything converted into the group's currency (every other currency needs a rate).
    #[default]
    Group,
    /// Balances and settlement kept per currency, no conversion (rates are checked but not
    /// used).
    Each,
}

impl std::str::FromStr for BalancesIn {
    type Err = UnknownOption;

    /// Reads a wire name: `"group"` or `"each"`, exactly.
    ///
    /// # Errors
    /// [`UnknownOption`] for any other string. (Read from the wire contract, the same mistake
    /// is an [`Error`](crate::Error) with [`ErrorCode::InvalidOption`](crate::ErrorCode) at
    /// `options.balances_in`.)
    ///
    /// # Example
    /// ```
    /// use splitter_core::BalancesIn;
    ///
    /// assert_eq!("each".parse::<BalancesIn>(), Ok(BalancesIn::Each));
    /// assert_eq!("every".parse::<BalancesIn>().unwrap_err().expected, "group, each");
    /// ```
    fn from_str(s: &str) -> Result<BalancesIn, UnknownOption> {
        match s {
            "group" => Ok(BalancesIn::Group),
            "each" => Ok(BalancesIn::Each),
            _ => Err(UnknownOption {
                given: s.to_string(),
                expected: "group, each",
            }),
        }
    }
}

impl std::fmt::Display for BalancesIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl BalancesIn {
    /// The wire name: `"group"` or `"each"` (also what `Display` writes).
    ///
    /// # Example
    /// ```
    /// use splitter_core::BalancesIn;
    ///
    /// assert_eq!(BalancesIn::default().as_str(), "group");
    /// assert_eq!(BalancesIn::Each.to_string(), "each");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            BalancesIn::Group => "group",
            BalancesIn::Each => "each",
        }
    }
}
