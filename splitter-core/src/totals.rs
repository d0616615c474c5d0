//! Totals: what a group's records add up to, kept so that a store can update balances one record
//! at a time instead of computing the whole group again.
//!
//! A group's balances are sums over its records: each expense and payment adds what its payers
//! paid and what its members owe, in exact minor units, to one bucket (its currency, or the
//! group's when balances are converted). So the [`Totals`] of a group are the sum of the totals
//! of its records ([`Totals::of_expense`], [`Totals::of_payment`]); a store keeps them, adds a
//! new record's and takes a deleted one's away ([`Totals::add`], [`Totals::subtract`]), and builds
//! the report from them in time proportional to the members ([`report_of_totals`]), which is
//! exactly the report [`crate::compute`] gives, without the share rows.
//!
//! A change of what every record's totals depend on (a rate, when balances are converted into
//! the group's currency; `balances_in`) changes every record's totals: compute them again with
//! [`Totals::of_group`].

use std::sync::atomic::AtomicBool;

use crate::cancel::{Cancel, Halt};
use crate::engine;
use crate::error::{ErrorCode, Path, Result};
use crate::ledger::{self, Ledger};
use crate::model::{BalancesIn, Expense, Group, Payment, SettleMethod};
use crate::money::{self, Minor};
use crate::report::Report;

/// What some records add up to, bucket by bucket: each member's paid and owed in minor units.
///
/// Always in one normal form, so that two totals of the same records are equal (`==`): buckets
/// in currency-code order, none without records; in a bucket, members in id order, none whose
/// paid and owed are both zero.
///
/// # Example
/// ```
/// use splitter_core::{Decimal, Expense, Group, Member, PaidBy, Split, Totals};
///
/// let mut group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben")],
///     ..Group::default()
/// };
/// let e1 = Expense::new("e1", Decimal::new(1000, 2), PaidBy::One("ana".into()), Split::Equal { members: None });
/// let e2 = Expense::new("e2", Decimal::new(300, 2), PaidBy::One("ben".into()), Split::Equal { members: None });
/// let mut kept = Totals::default();
/// kept.add(&Totals::of_expense(&group, &e1)?)?;
/// kept.add(&Totals::of_expense(&group, &e2)?)?;
/// group.expenses = vec![e1, e2];
/// assert_eq!(kept, Totals::of_group(&group)?);
/// assert_eq!(kept.buckets[0].members[0].paid, 1000); // ana paid 10.00 EUR
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// One per currency some record counts in.
    pub buckets: Vec<BucketTotals>,
}

/// The totals of one currency bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketTotals {
    /// The bucket's ISO 4217 code.
    pub currency: String,
    /// How many records count in the bucket (a bucket is in the report while it has any, even if
    /// they add up to nothing).
    pub records: u64,
    /// The members with something paid or owed, in id order.
    pub members: Vec<MemberTotals>,
}

/// One member's totals in a bucket, in the bucket currency's minor units (cents for EUR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberTotals {
    /// The member's id.
    pub member: String,
    /// What they paid for expenses plus the payments they sent.
    pub paid: i128,
    /// Their shares plus the payments they received.
    pub owed: i128,
}

impl Totals {
    /// The totals of all of a group's records.
    ///
    /// # Errors
    /// What [`crate::compute`] returns for the group.
    pub fn of_group(group: &Group) -> Result<Totals> {
        Ok(Totals::of_ledger(&Ledger::build(group)?))
    }

    /// The totals of one expense of the group (the group's own records are not read): the
    /// expense is checked as [`crate::compute`] checks it, against the group's currency,
    /// members, rates and options.
    ///
    /// # Errors
    /// What [`crate::compute`] returns for a group with this one expense, with paths under
    /// `expenses[0]`.
    pub fn of_expense(group: &Group, expense: &Expense) -> Result<Totals> {
        Ok(Totals::of_ledger(&Ledger::build_with(
            group,
            std::slice::from_ref(expense),
            &[],
        )?))
    }

    /// The totals of one payment of the group, checked like [`Totals::of_expense`].
    ///
    /// # Errors
    /// What [`crate::compute`] returns for a group with this one payment, with paths under
    /// `payments[0]`.
    pub fn of_payment(group: &Group, payment: &Payment) -> Result<Totals> {
        Ok(Totals::of_ledger(&Ledger::build_with(
            group,
            &[],
            std::slice::from_ref(payment),
        )?))
    }

    fn of_ledger(ledger: &Ledger<'_>) -> Totals {
        let mut buckets: Vec<BucketTotals> = ledger
            .buckets
            .iter()
            .enumerate()
            .filter(|(b, _)| ledger.records[*b] > 0)
            .map(|(b, cur)| {
                let mut members: Vec<MemberTotals> = (0..ledger.roster.len())
                    .filter(|i| ledger.paid[b][*i] != 0 || ledger.owed[b][*i] != 0)
                    .map(|i| MemberTotals {
                        member: ledger.roster.id(i).to_string(),
                        paid: ledger.paid[b][i],
                        owed: ledger.owed[b][i],
                    })
                    .collect();
                members.sort_by(|x, y| x.member.cmp(&y.member));
                BucketTotals {
                    currency: cur.code().to_string(),
                    records: ledger.records[b],
                    members,
                }
            })
            .collect();
        buckets.sort_by(|x, y| x.currency.cmp(&y.currency));
        Totals { buckets }
    }

    /// Adds `other`'s totals (a new record's) to these.
    ///
    /// # Errors
    /// `overflow` when a sum is past ±(2^96 - 1) minor units; nothing is changed then.
    pub fn add(&mut self, other: &Totals) -> Result<()> {
        self.combine(other, 1)
    }

    /// Takes `other`'s totals (a deleted record's) away from these.
    ///
    /// # Errors
    /// `overflow` when a difference is past ±(2^96 - 1) minor units, `invalid_input` when
    /// `other` counts more records in a bucket than these do (they were never added); nothing is
    /// changed then.
    pub fn subtract(&mut self, other: &Totals) -> Result<()> {
        self.combine(other, -1)
    }

    fn combine(&mut self, other: &Totals, sign: i128) -> Result<()> {
        let path = Path::Root;
        let mut out = self.clone();
        for ob in &other.buckets {
            let at = match out
                .buckets
                .binary_search_by(|b| b.currency.as_str().cmp(&ob.currency))
            {
                Ok(at) => at,
                Err(at) => {
                    out.buckets.insert(
                        at,
                        BucketTotals {
                            currency: ob.currency.clone(),
                            records: 0,
                            members: Vec::new(),
                        },
                    );
                    at
                }
            };
            let bucket = &mut out.buckets[at];
            bucket.records = if sign > 0 {
                bucket.records.checked_add(ob.records)
            } else {
                bucket.records.checked_sub(ob.records)
            }
            .ok_or_else(|| {
                path.err(
                    ErrorCode::InvalidInput,
                    format!("totals in {} taken away that were never added", ob.currency),
                )
            })?;
            for om in &ob.members {
                let at = match bucket
                    .members
                    .binary_search_by(|m| m.member.as_str().cmp(&om.member))
                {
                    Ok(at) => at,
                    Err(at) => {
                        bucket.members.insert(
                            at,
                            MemberTotals {
                                member: om.member.clone(),
                                paid: 0,
                                owed: 0,
                            },
                        );
                        at
                    }
                };
                let m = &mut bucket.members[at];
                m.paid = money::add(m.paid, sign * om.paid, &path)?;
                m.owed = money::add(m.owed, sign * om.owed, &path)?;
            }
            bucket.members.retain(|m| m.paid != 0 || m.owed != 0);
        }
        out.buckets.retain(|b| b.records > 0);
        *self = out;
        Ok(())
    }
}

/// The report of a group whose records add up to `totals` (the group's own records are not
/// read): balances and the settlement exactly as [`crate::compute`] gives them for those
/// records, with no share rows. Time and memory grow with the members and currencies, not with
/// the records.
///
/// # Errors
/// What [`crate::compute`] returns for the group's currency, members, rates and options;
/// `invalid_option` at `options.settle` for `pairwise`, which needs every record (compute the
/// group); `unknown_member` or `unknown_currency` at `totals` when the totals name a member the
/// group does not have or a currency it does not keep balances in.
///
/// # Example
/// ```
/// use splitter_core::{compute, report_of_totals, Decimal, Expense, Group, Member, PaidBy, Split, Totals};
///
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben"), Member::new("cy")],
///     expenses: vec![Expense::new("e1", Decimal::new(9000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     ..Group::default()
/// };
/// let report = report_of_totals(&group, &Totals::of_group(&group)?)?;
/// let full = compute(&group)?;
/// assert_eq!((report.balances, report.transfers), (full.balances, full.transfers));
/// assert!(report.shares.is_empty());
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn report_of_totals(group: &Group, totals: &Totals) -> Result<Report> {
    report_of_totals_with(group, totals, Cancel::never()).map_err(|h| match h {
        Halt::Invalid(e) => e,
        Halt::Cancelled => Path::Root.err(ErrorCode::InvalidOption, "cancelled"),
    })
}

/// [`report_of_totals`], stopped when `cancel` is raised (see [`crate::compute_cancellable`]).
///
/// # Errors
/// [`Halt::Invalid`] with what [`report_of_totals`] would return; [`Halt::Cancelled`] once the
/// flag is seen raised.
pub fn report_of_totals_cancellable(
    group: &Group,
    totals: &Totals,
    cancel: &AtomicBool,
) -> std::result::Result<Report, Halt> {
    report_of_totals_with(group, totals, Cancel::new(cancel))
}

fn report_of_totals_with(
    group: &Group,
    totals: &Totals,
    cancel: Cancel<'_>,
) -> std::result::Result<Report, Halt> {
    if group.options.settle == SettleMethod::Pairwise {
        return Err(Path::Root
            .field("options")
            .field("settle")
            .err(
                ErrorCode::InvalidOption,
                "pairwise settles who paid for whom, which totals do not keep; compute the group",
            )
            .into());
    }
    let mut ledger = Ledger::build_with(group, &[], &[])?;
    let n = ledger.roster.len();
    let tp = Path::Root.field("totals");
    let each = group.options.balances_in == BalancesIn::Each;
    for (k, bt) in totals.buckets.iter().enumerate() {
        let bp = tp.index(k);
        let cur = ledger::currency(&bt.currency, &bp.field("currency"))?;
        let b = match ledger.buckets.iter().position(|c| *c == cur) {
            Some(b) => b,
            None if each => {
                ledger.buckets.push(cur);
                ledger.paid.push(vec![0; n]);
                ledger.owed.push(vec![0; n]);
                ledger.records.push(0);
                ledger.buckets.len() - 1
            }
            None => {
                return Err(bp
                    .field("currency")
                    .err(
                        ErrorCode::UnknownCurrency,
                        format!(
                            "totals in {} where balances are kept in the group's currency, {}",
                            bt.currency,
                            ledger.group_currency.code()
                        ),
                    )
                    .into())
            }
        };
        ledger.records[b] = bt.records;
        let members = bp.field("members");
        for (j, mt) in bt.members.iter().enumerate() {
            let mp = members.index(j);
            let i = ledger.roster.find(&mt.member, &mp, || "the totals name".into())?;
            ledger.paid[b][i] = money::add(ledger.paid[b][i], mt.paid, &mp)?;
            ledger.owed[b][i] = money::add(ledger.owed[b][i], mt.owed, &mp)?;
        }
    }
    // Buckets as the ledger orders them: the group's currency first, then the others by code.
    let mut order: Vec<usize> = (0..ledger.buckets.len()).collect();
    order[1..].sort_by_key(|b| ledger.buckets[*b].code());
    let pick = |v: &[Vec<Minor>]| order.iter().map(|b| v[*b].clone()).collect::<Vec<_>>();
    ledger.paid = pick(&ledger.paid);
    ledger.owed = pick(&ledger.owed);
    ledger.records = order.iter().map(|b| ledger.records[*b]).collect();
    ledger.buckets = order.iter().map(|b| ledger.buckets[*b]).collect();
    engine::report(group, ledger, cancel)
}
