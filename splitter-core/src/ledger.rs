//! The ledger: validates a [`Group`], divides every expense, converts what must be converted,
//! and adds everything up into balances per member and currency. Settlement is left to
//! [`crate::settle`].

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::apportion::{apportion_into, ApportionError, TieSeed, Work};
use crate::currency::Currency;
use crate::error::{ErrorCode, Path, Result};
use crate::model::{BalancesIn, Expense, Group, PaidBy, Part, Payment, SettleMethod};
use crate::money::{self, Minor};
use crate::report::Share;
use crate::settle::MAX_EXACT_LIMIT;
use crate::split::{self, show, Roster, Scratch, SplitContext};

/// One expense or payment, reduced to who owes and who paid, in its bucket's currency. Kept only
/// for `pairwise`, which needs to know who paid for whom.
pub(crate) struct Entry {
    /// Which balance bucket (currency) it counts in.
    pub(crate) bucket: usize,
    /// Who owes: member position and part (an expense's shares; a payment's receiver).
    pub(crate) owed: Vec<(usize, Minor)>,
    /// Who paid: member position and amount (an expense's payers; a payment's sender).
    pub(crate) paid: Vec<(usize, Minor)>,
}

/// Everything the report is built from.
pub(crate) struct Ledger<'g> {
    pub(crate) roster: Roster<'g>,
    pub(crate) group_currency: Currency,
    /// The currencies balances are kept in: the group's first, then the others by code.
    pub(crate) buckets: Vec<Currency>,
    /// `paid[bucket][member]` and `owed[bucket][member]`.
    pub(crate) paid: Vec<Vec<Minor>>,
    pub(crate) owed: Vec<Vec<Minor>>,
    /// `records[bucket]`: how many expenses and payments count in the bucket.
    pub(crate) records: Vec<u64>,
    /// Only with `pairwise`.
    pub(crate) entries: Vec<Entry>,
    /// The report's share rows, in expense order then member order.
    pub(crate) shares: Vec<Share>,
}

/// Resolves a currency code, `unknown_currency` at `path` if ISO 4217 has no such code.
pub(crate) fn currency(code: &str, path: &Path) -> Result<Currency> {
    Currency::find(code).ok_or_else(|| unknown_currency(code, path))
}

/// The error for `code`, which is not in the ISO 4217 table.
#[cold]
#[inline(never)]
fn unknown_currency(code: &str, path: &Path) -> crate::error::Error {
    // Codes are dense (most three-letter neighbours of a code are codes too), so only a code in
    // the wrong case gets a suggestion.
    let hint = match Currency::find(&code.to_ascii_uppercase()) {
        Some(c) => format!("did you mean '{}'? Codes are in capitals", c.code()),
        None => "use a three-letter ISO 4217 code in capitals, such as EUR or USD".to_string(),
    };
    path.err(
        ErrorCode::UnknownCurrency,
        format!("'{}' is not an ISO 4217 currency code; {hint}", money::clip(code)),
    )
}

fn check_id(id: &str, path: &Path, what: &str) -> Result<()> {
    if id.is_empty() {
        return Err(path.err(
            ErrorCode::InvalidInput,
            format!("{what} id is empty; give it a non-empty id"),
        ));
    }
    Ok(())
}

/// A date, when given, is `YYYY-MM-DD` naming a real day of the proleptic Gregorian calendar.
fn check_date(date: Option<&str>, path: &Path) -> Result<()> {
    match date {
        Some(d) if !is_iso_date(d) => Err(path.err(
            ErrorCode::InvalidInput,
            format!(
                "'{}' is not an ISO 8601 date; write a real day as YYYY-MM-DD, such as 2024-05-31",
                money::clip(d)
            ),
        )),
        _ => Ok(()),
    }
}

/// `YYYY-MM-DD` naming a real day of the proleptic Gregorian calendar.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn check_rate(rate: Decimal, path: &Path) -> Result<()> {
    if rate <= Decimal::ZERO {
        return Err(path.err(
            ErrorCode::InvalidAmount,
            format!(
                "a rate must be positive, not {rate}; give one unit's worth in the group's currency, \
                 such as \"0.92\""
            ),
        ));
    }
    Ok(())
}

/// Balances being added up, one row per bucket, buckets made as currencies appear.
struct Totals {
    each: bool,
    buckets: Vec<Currency>,
    paid: Vec<Vec<Minor>>,
    owed: Vec<Vec<Minor>>,
    records: Vec<u64>,
    n: usize,
}

impl Totals {
    /// The bucket of an amount in `c` (always the group's in `"group"` mode).
    fn bucket(&mut self, c: Currency) -> usize {
        if !self.each {
            return 0;
        }
        if let Some(b) = self.buckets.iter().position(|b| *b == c) {
            return b;
        }
        self.buckets.push(c);
        self.paid.push(vec![0; self.n]);
        self.owed.push(vec![0; self.n]);
        self.records.push(0);
        self.buckets.len() - 1
    }

    /// Adds the payers and the parts of one expense or payment; an overflowing sum is blamed on it.
    fn add(&mut self, b: usize, paid: &[(usize, Minor)], owed: &[(usize, Minor)], path: &Path) -> Result<()> {
        for (i, a) in paid {
            self.paid[b][*i] = money::add(self.paid[b][*i], *a, path)?;
        }
        for (i, a) in owed {
            self.owed[b][*i] = money::add(self.owed[b][*i], *a, path)?;
        }
        self.records[b] += 1;
        Ok(())
    }
}

impl<'g> Ledger<'g> {
    /// Validates the group and computes every part and balance.
    pub(crate) fn build(group: &'g Group) -> Result<Ledger<'g>> {
        Ledger::build_with(group, &group.expenses, &group.payments)
    }

    /// [`Ledger::build`] over the group's currency, members, rates and options with these
    /// records in place of its own (paths name them as `expenses[k]` and `payments[k]`).
    pub(crate) fn build_with(
        group: &'g Group,
        expenses: &[Expense],
        payments: &[Payment],
    ) -> Result<Ledger<'g>> {
        let root = Path::Root;
        let group_currency = currency(&group.currency, &root.field("currency"))?;

        // Members.
        let mp = root.field("members");
        if group.members.is_empty() {
            return Err(mp.err(
                ErrorCode::EmptySplit,
                "a group needs at least one member; list the members' ids, such as [\"ana\", \"ben\"]",
            ));
        }
        let mut seen = HashSet::new();
        for (i, m) in group.members.iter().enumerate() {
            let p = mp.index(i);
            check_id(&m.id, &p, "a member")?;
            if !seen.insert(m.id.as_str()) {
                return Err(p.err(
                    ErrorCode::DuplicateId,
                    format!(
                        "member '{}' is listed twice; list each member once",
                        money::clip(&m.id)
                    ),
                ));
            }
        }
        let roster = Roster::new(group.members.iter().map(|m| m.id.as_str()).collect());
        let n = roster.len();

        // Rates.
        let rp = root.field("rates");
        // By position in the currency table (no map: a few hundred slots at most).
        let mut rates: Vec<Option<Decimal>> = vec![None; Currency::all().count()];
        for (code, rate) in &group.rates {
            let p = rp.field(code);
            let c = currency(code, &p)?;
            check_rate(*rate, &p)?;
            if c == group_currency && *rate != Decimal::ONE {
                return Err(p.err(
                    ErrorCode::InvalidAmount,
                    format!("the group's own currency has rate 1, not {rate}; leave {code} out of rates"),
                ));
            }
            if rates[c.index()].replace(*rate).is_some() {
                return Err(p.err(
                    ErrorCode::DuplicateId,
                    format!("the rate for {code} is given twice; give it once"),
                ));
            }
        }

        // Options.
        if let Some(limit) = group.options.exact_limit {
            if limit > MAX_EXACT_LIMIT {
                return Err(root.field("options").field("exact_limit").err(
                    ErrorCode::InvalidOption,
                    format!(
                        "exact_limit is at most {MAX_EXACT_LIMIT}, not {limit}; give a number from 0 to \
                         {MAX_EXACT_LIMIT}"
                    ),
                ));
            }
        }
        let each = group.options.balances_in == BalancesIn::Each;
        let keep_entries = group.options.settle == SettleMethod::Pairwise;

        // The rate of an amount in `c`: its own, else the group's; `what` names it in messages.
        let rate_for =
            |c: Currency, own: Option<Decimal>, p: &Path, what: &dyn Fn() -> String| -> Result<Decimal> {
                if let Some(r) = own {
                    check_rate(r, &p.field("rate"))?;
                    if c == group_currency && r != Decimal::ONE {
                        return Err(p.field("rate").err(
                            ErrorCode::InvalidAmount,
                            format!(
                                "{} is in the group's currency: its rate is 1, not {r}; leave the rate out",
                                what()
                            ),
                        ));
                    }
                    return Ok(r);
                }
                if c == group_currency {
                    return Ok(Decimal::ONE);
                }
                rates[c.index()].ok_or_else(|| {
                    p.field("currency").err(
                        ErrorCode::MissingRate,
                        format!(
                            "{} is in {} and the group has no rate from {} to {}; add it to the group's \
                             rates, give this one its own rate, or keep balances per currency \
                             (balances_in \"each\")",
                            what(),
                            c.code(),
                            c.code(),
                            group_currency.code()
                        ),
                    )
                })
            };

        let mut totals = Totals {
            each,
            buckets: vec![group_currency],
            paid: vec![vec![0; n]],
            owed: vec![vec![0; n]],
            records: vec![0],
            n,
        };
        let mut entries = Vec::new();
        let rows = expenses.iter().map(|e| split::most_parts(&e.split, n)).sum();
        let mut shares = Vec::with_capacity(rows);
        let member_names: Vec<Arc<str>> = group.members.iter().map(|m| Arc::from(m.id.as_str())).collect();
        let mut scratch = Scratch::new(n);
        let mut work = Work::default();
        let (mut parts, mut payers) = (Vec::new(), Vec::new());
        let (mut weights, mut keys) = (Vec::new(), Vec::new());
        let mut owed_g = Vec::new();
        // payer_seen[i] == k: member i already pays expense k (a repeat is found in O(1)).
        let mut payer_seen = vec![usize::MAX; n];

        // Expenses.
        let ep = root.field("expenses");
        let repeat = split::first_repeat(expenses.iter().map(|e| e.id.as_str()));
        for (k, e) in expenses.iter().enumerate() {
            let p = ep.index(k);
            check_id(&e.id, &p.field("id"), "an expense")?;
            check_date(e.date.as_deref(), &p.field("date"))?;
            if repeat == Some(k) {
                return Err(p.field("id").err(
                    ErrorCode::DuplicateId,
                    format!(
                        "expense id '{}' is used twice; give each expense its own id",
                        money::clip(&e.id)
                    ),
                ));
            }
            let what = || format!("expense {}", e.id);
            let cur = match &e.currency {
                Some(code) => currency(code, &p.field("currency"))?,
                None => group_currency,
            };
            let rate = if each {
                if let Some(r) = e.rate {
                    check_rate(r, &p.field("rate"))?;
                }
                None
            } else {
                Some(rate_for(cur, e.rate, &p, &what)?)
            };
            let total = money::to_minor(e.amount, cur, &p.field("amount"))?;
            if total == 0 {
                return Err(p.field("amount").err(
                    ErrorCode::InvalidAmount,
                    format!(
                        "{}: the amount is zero; give its amount, or leave the expense out",
                        what()
                    ),
                ));
            }
            // Payers.
            let pp = p.field("paid_by");
            payers.clear();
            match &e.paid_by {
                PaidBy::One(id) => payers.push((
                    roster.find(id, &pp, || format!("{}: paid_by names", what()))?,
                    total,
                )),
                PaidBy::Several(list) => {
                    if list.is_empty() {
                        return Err(pp.err(
                            ErrorCode::EmptySplit,
                            format!("{}: paid_by names nobody; name who paid", what()),
                        ));
                    }
                    let mut sum = 0;
                    for Part {
                        member: id,
                        value: amount,
                    } in list
                    {
                        let ip = pp.field(id);
                        let i = roster.find(id, &ip, || format!("{}: paid_by names", what()))?;
                        if std::mem::replace(&mut payer_seen[i], k) == k {
                            return Err(ip.err(
                                ErrorCode::DuplicateId,
                                format!(
                                    "{}: payer '{}' appears twice; name each payer once",
                                    what(),
                                    money::clip(id)
                                ),
                            ));
                        }
                        let m = money::to_minor(*amount, cur, &ip)?;
                        sum = money::add(sum, m, &ip)?;
                        payers.push((i, m));
                    }
                    if sum != total {
                        return Err(pp.err(
                            ErrorCode::SplitMismatch,
                            format!(
                                "{}: payers add up to {}, not {}; make them add up to the expense's amount",
                                what(),
                                show(sum, cur),
                                show(total, cur)
                            ),
                        ));
                    }
                }
            }
            // Parts.
            let cx = SplitContext {
                roster: &roster,
                currency: cur,
                expense: &e.id,
            };
            scratch.begin();
            split::split(
                &cx,
                &mut scratch,
                &e.split,
                total,
                TieSeed::new(&[e.id.as_bytes()]),
                &p.field("split"),
            )?;
            scratch.acc.parts_into(&mut parts);

            let expense_name: Arc<str> = Arc::from(e.id.as_str());
            match rate {
                // Conversion: the total once, then divided like the parts and like the payers.
                Some(r) if cur != group_currency => {
                    let g = money::convert(total, cur, r, group_currency, &p.field("amount"))?;
                    let seed = TieSeed::new(&[e.id.as_bytes()]);
                    let mut divide = |list: &[(usize, Minor)], out: &mut Vec<(usize, Minor)>| -> Result<()> {
                        weights.clear();
                        weights.extend(list.iter().map(|(_, a)| *a));
                        keys.clear();
                        keys.extend(list.iter().map(|(i, _)| seed.key(roster.id(*i))));
                        apportion_into(g, &weights, &keys, &mut work).map_err(|err| match err {
                            ApportionError::ZeroWeights => p.err(
                                ErrorCode::SplitMismatch,
                                "parts of a converted expense add up to zero; check the split",
                            ),
                            ApportionError::Overflow => p.err(
                                ErrorCode::Overflow,
                                "the converted expense is past the range of exact amounts; check the \
                                     amount and the rate",
                            ),
                        })?;
                        out.clear();
                        out.extend(list.iter().map(|(i, _)| *i).zip(work.parts.iter().copied()));
                        Ok(())
                    };
                    divide(&parts, &mut owed_g)?;
                    let paid_own = std::mem::take(&mut payers);
                    divide(&paid_own, &mut payers)?;
                    for ((i, a), (_, ga)) in parts.iter().zip(&owed_g) {
                        shares.push(Share {
                            expense: expense_name.clone(),
                            member: member_names[*i].clone(),
                            currency: cur,
                            amount: money::to_decimal(*a, cur, &p)?,
                            group_amount: Some(money::to_decimal(*ga, group_currency, &p)?),
                        });
                    }
                    totals.add(0, &payers, &owed_g, &p)?;
                    if keep_entries {
                        entries.push(Entry {
                            bucket: 0,
                            owed: owed_g.clone(),
                            paid: payers.clone(),
                        });
                    }
                }
                _ => {
                    for (i, a) in &parts {
                        shares.push(Share {
                            expense: expense_name.clone(),
                            member: member_names[*i].clone(),
                            currency: cur,
                            amount: money::to_decimal(*a, cur, &p)?,
                            group_amount: None,
                        });
                    }
                    let b = totals.bucket(cur);
                    totals.add(b, &payers, &parts, &p)?;
                    if keep_entries {
                        entries.push(Entry {
                            bucket: b,
                            owed: parts.clone(),
                            paid: payers.clone(),
                        });
                    }
                }
            }
        }

        // Payments.
        let pp = root.field("payments");
        let mut pids = HashSet::new();
        for (k, pay) in payments.iter().enumerate() {
            let p = pp.index(k);
            check_date(pay.date.as_deref(), &p.field("date"))?;
            if let Some(id) = &pay.id {
                check_id(id, &p.field("id"), "a payment")?;
                if !pids.insert(id.as_str()) {
                    return Err(p.field("id").err(
                        ErrorCode::DuplicateId,
                        format!(
                            "payment id '{}' is used twice; give each payment its own id",
                            money::clip(id)
                        ),
                    ));
                }
            }
            let from = roster.find(&pay.from, &p.field("from"), || "a payment is from".into())?;
            let to = roster.find(&pay.to, &p.field("to"), || "a payment is to".into())?;
            if from == to {
                return Err(p.field("to").err(
                    ErrorCode::InvalidInput,
                    format!(
                        "a payment from '{}' to themself; a payment is between two different members",
                        money::clip(&pay.from)
                    ),
                ));
            }
            let cur = match &pay.currency {
                Some(code) => currency(code, &p.field("currency"))?,
                None => group_currency,
            };
            let amount = money::to_minor(pay.amount, cur, &p.field("amount"))?;
            if amount <= 0 {
                return Err(p.field("amount").err(
                    ErrorCode::InvalidAmount,
                    format!(
                        "a payment must be positive, not {}; for money going the other way, swap \
                         from and to",
                        pay.amount
                    ),
                ));
            }
            let (b, amount) = if each {
                if let Some(r) = pay.rate {
                    check_rate(r, &p.field("rate"))?;
                }
                (totals.bucket(cur), amount)
            } else {
                let r = rate_for(cur, pay.rate, &p, &|| format!("payment {k}"))?;
                (
                    0,
                    money::convert(amount, cur, r, group_currency, &p.field("amount"))?,
                )
            };
            totals.add(b, &[(from, amount)], &[(to, amount)], &p)?;
            if keep_entries {
                entries.push(Entry {
                    bucket: b,
                    owed: vec![(to, amount)],
                    paid: vec![(from, amount)],
                });
            }
        }

        // Buckets: the group's currency first, then the others by code.
        let Totals {
            buckets,
            paid,
            owed,
            records,
            ..
        } = totals;
        let mut order: Vec<usize> = (0..buckets.len()).collect();
        order[1..].sort_by_key(|b| buckets[*b].code());
        let mut rank = vec![0; buckets.len()];
        for (r, b) in order.iter().enumerate() {
            rank[*b] = r;
        }
        for e in &mut entries {
            e.bucket = rank[e.bucket];
        }
        Ok(Ledger {
            roster,
            group_currency,
            buckets: order.iter().map(|b| buckets[*b]).collect(),
            paid: order.iter().map(|b| paid[*b].clone()).collect(),
            owed: order.iter().map(|b| owed[*b].clone()).collect(),
            records: order.iter().map(|b| records[*b]).collect(),
            entries,
            shares,
        })
    }

    /// Net balance (paid - owed) of every member in one bucket.
    pub(crate) fn nets(&self, bucket: usize) -> Result<Vec<Minor>> {
        self.paid[bucket]
            .iter()
            .zip(&self.owed[bucket])
            .map(|(p, o)| {
                p.checked_sub(*o).ok_or_else(|| {
                    Path::Root.err(
                        ErrorCode::Overflow,
                        "a balance is past the range of exact amounts; use smaller amounts",
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        for ok in ["2024-02-29", "2026-11-22", "2000-02-29", "0001-01-01"] {
            assert!(is_iso_date(ok), "{ok}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-11-22",
            "2026-11-22T00:00",
            "2026-04-31",
            "２０２６-11-22",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }

    /// The typed API checks what the JSON reader used to: a bad date is refused by `compute`.
    #[test]
    fn typed_groups_get_every_check() {
        use crate::model::{Expense, Group, Member, PaidBy, Split};
        let mut e = Expense::new(
            "e1",
            Decimal::new(100, 2),
            PaidBy::One("a".into()),
            Split::Equal { members: None },
        );
        e.date = Some("2026-02-30".into());
        let g = Group {
            currency: "EUR".into(),
            members: vec![Member::new("a")],
            expenses: vec![e],
            ..Group::default()
        };
        let err = crate::compute(&g).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.path.as_str()),
            ("invalid_input", "expenses[0].date")
        );
    }
}
