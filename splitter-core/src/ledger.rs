//! The ledger: validates a [`Group`], divides every expense, converts what must be converted,
//! and adds everything up into balances per member and currency. Settlement is left to
//! [`crate::settle`].

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;

use crate::apportion::{apportion, tie_key, ApportionError};
use crate::currency::Currency;
use crate::error::{ErrorCode, Path, Result};
use crate::model::{BalancesIn, Group, PaidBy};
use crate::money::{self, Minor};
use crate::settle::MAX_EXACT_LIMIT;
use crate::split::{self, show, Roster, SplitContext};

/// One expense or payment, reduced to numbers in the currency its balances are kept in.
pub(crate) struct Entry {
    /// Where in the input it comes from: `("expenses", k)` or `("payments", k)`.
    pub(crate) origin: (&'static str, usize),
    /// Which balance bucket (currency) it counts in.
    pub(crate) bucket: usize,
    /// Who owes: member position and part (an expense's shares; a payment's receiver).
    pub(crate) owed: Vec<(usize, Minor)>,
    /// Who paid: member position and amount (an expense's payers; a payment's sender).
    pub(crate) paid: Vec<(usize, Minor)>,
}

/// A share row before formatting.
pub(crate) struct ShareRow {
    pub(crate) expense: usize,
    pub(crate) member: usize,
    pub(crate) currency: Currency,
    pub(crate) amount: Minor,
    pub(crate) group_amount: Option<Minor>,
}

/// Everything the report is built from.
pub(crate) struct Ledger<'g> {
    pub(crate) roster: Roster<'g>,
    pub(crate) group_currency: Currency,
    /// The currencies balances are kept in: just the group's, or one per currency used.
    pub(crate) buckets: Vec<Currency>,
    /// `paid[bucket][member]` and `owed[bucket][member]`.
    pub(crate) paid: Vec<Vec<Minor>>,
    pub(crate) owed: Vec<Vec<Minor>>,
    pub(crate) entries: Vec<Entry>,
    pub(crate) shares: Vec<ShareRow>,
}

/// Resolves a currency code, `unknown_currency` at `path` if ISO 4217 has no such code.
pub(crate) fn currency(code: &str, path: &Path) -> Result<Currency> {
    Currency::find(code).ok_or_else(|| {
        path.err(
            ErrorCode::UnknownCurrency,
            format!("'{}' is not an ISO 4217 currency code", money::clip(code)),
        )
    })
}

fn check_id(id: &str, path: &Path, what: &str) -> Result<()> {
    if id.is_empty() {
        return Err(path.err(ErrorCode::InvalidInput, format!("{what} id is empty")));
    }
    Ok(())
}

fn check_rate(rate: Decimal, path: &Path) -> Result<()> {
    if rate <= Decimal::ZERO {
        return Err(path.err(
            ErrorCode::InvalidAmount,
            format!("a rate must be positive, not {rate}"),
        ));
    }
    Ok(())
}

impl<'g> Ledger<'g> {
    /// Validates the group and computes every part and balance.
    pub(crate) fn build(group: &'g Group) -> Result<Ledger<'g>> {
        let root = Path::Root;
        let group_currency = currency(&group.currency, &root.field("currency"))?;

        // Members.
        let mp = root.field("members");
        if group.members.is_empty() {
            return Err(mp.err(ErrorCode::EmptySplit, "a group needs at least one member"));
        }
        let mut seen = HashSet::new();
        for (i, m) in group.members.iter().enumerate() {
            let p = mp.index(i);
            check_id(&m.id, &p, "a member")?;
            if !seen.insert(m.id.as_str()) {
                return Err(p.err(
                    ErrorCode::DuplicateId,
                    format!("member '{}' is listed twice", money::clip(&m.id)),
                ));
            }
        }
        let roster = Roster::new(group.members.iter().map(|m| m.id.as_str()).collect());

        // Rates.
        let rp = root.field("rates");
        let mut rates: BTreeMap<&str, Decimal> = BTreeMap::new();
        for (code, rate) in &group.rates {
            let p = rp.field(code);
            let c = currency(code, &p)?;
            check_rate(*rate, &p)?;
            if c == group_currency && *rate != Decimal::ONE {
                return Err(p.err(
                    ErrorCode::InvalidAmount,
                    format!("the group's own currency has rate 1, not {rate}"),
                ));
            }
            if rates.insert(c.code(), *rate).is_some() {
                return Err(p.err(ErrorCode::DuplicateId, format!("rate for {code} given twice")));
            }
        }

        // Options.
        let op = root.field("options");
        if let Some(limit) = group.options.exact_limit {
            if limit > MAX_EXACT_LIMIT {
                return Err(op.field("exact_limit").err(
                    ErrorCode::InvalidOption,
                    format!("exact_limit is at most {MAX_EXACT_LIMIT}, not {limit}"),
                ));
            }
        }
        let each = group.options.balances_in == BalancesIn::Each;

        // Buckets: the currencies balances are kept in.
        let mut buckets = vec![group_currency];
        let bucket_of = |c: Currency, buckets: &mut Vec<Currency>| -> usize {
            if !each {
                return 0;
            }
            match buckets.iter().position(|b| *b == c) {
                Some(i) => i,
                None => {
                    buckets.push(c);
                    buckets.len() - 1
                }
            }
        };
        let rate_for = |c: Currency, own: Option<Decimal>, p: &Path, what: &str| -> Result<Decimal> {
            if let Some(r) = own {
                check_rate(r, &p.field("rate"))?;
                if c == group_currency && r != Decimal::ONE {
                    return Err(p.field("rate").err(
                        ErrorCode::InvalidAmount,
                        format!("{what} is in the group's currency; its rate is 1, not {r}"),
                    ));
                }
                return Ok(r);
            }
            if c == group_currency {
                return Ok(Decimal::ONE);
            }
            rates.get(c.code()).copied().ok_or_else(|| {
                p.field("currency").err(
                    ErrorCode::MissingRate,
                    format!(
                        "{what} is in {} and the group has no rate from {} to {}",
                        c.code(),
                        c.code(),
                        group_currency.code()
                    ),
                )
            })
        };

        let n = roster.len();
        let mut entries = Vec::with_capacity(group.expenses.len() + group.payments.len());
        let mut shares = Vec::new();

        // Expenses.
        let ep = root.field("expenses");
        let mut ids = HashSet::new();
        for (k, e) in group.expenses.iter().enumerate() {
            let p = ep.index(k);
            check_id(&e.id, &p.field("id"), "an expense")?;
            if !ids.insert(e.id.as_str()) {
                return Err(p.field("id").err(
                    ErrorCode::DuplicateId,
                    format!("expense id '{}' is used twice", money::clip(&e.id)),
                ));
            }
            let cur = match &e.currency {
                Some(code) => currency(code, &p.field("currency"))?,
                None => group_currency,
            };
            let what = format!("expense {}", e.id);
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
                return Err(p
                    .field("amount")
                    .err(ErrorCode::InvalidAmount, format!("{what}: the amount is zero")));
            }
            // Payers.
            let pp = p.field("paid_by");
            let mut payers: Vec<(usize, Minor)> = Vec::new();
            match &e.paid_by {
                PaidBy::One(id) => {
                    payers.push((roster.find(id, &pp, &format!("{what}: paid_by names"))?, total))
                }
                PaidBy::Several(list) => {
                    if list.is_empty() {
                        return Err(pp.err(ErrorCode::EmptySplit, format!("{what}: paid_by names nobody")));
                    }
                    let mut sum = 0;
                    let mut seen = HashSet::with_capacity(list.len());
                    for (id, amount) in list {
                        let ip = pp.field(id);
                        let i = roster.find(id, &ip, &format!("{what}: paid_by names"))?;
                        if !seen.insert(i) {
                            return Err(ip.err(
                                ErrorCode::DuplicateId,
                                format!("{what}: payer '{}' appears twice", money::clip(id)),
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
                                "{what}: payers add up to {}, not {}",
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
            let parts = split::split(&cx, &e.split, total, &e.id, &p.field("split"))?;
            let owed: Vec<(usize, Minor)> = parts.into_iter().filter(|(_, v)| *v != 0).collect();

            // Conversion: the total once, then divided like the parts and like the payers.
            let (bucket, owed_in, paid_in) = match rate {
                Some(r) if cur != group_currency => {
                    let g = money::convert(total, cur, r, group_currency, &p.field("amount"))?;
                    let owed_g = divide(g, &owed, &roster, &e.id, &p)?;
                    let paid_g = divide(g, &payers, &roster, &e.id, &p)?;
                    for ((i, a), (_, ga)) in owed.iter().zip(&owed_g) {
                        shares.push(ShareRow {
                            expense: k,
                            member: *i,
                            currency: cur,
                            amount: *a,
                            group_amount: Some(*ga),
                        });
                    }
                    (0, owed_g, paid_g)
                }
                _ => {
                    for (i, a) in &owed {
                        shares.push(ShareRow {
                            expense: k,
                            member: *i,
                            currency: cur,
                            amount: *a,
                            group_amount: None,
                        });
                    }
                    (bucket_of(cur, &mut buckets), owed, payers)
                }
            };
            entries.push(Entry {
                origin: ("expenses", k),
                bucket,
                owed: owed_in,
                paid: paid_in,
            });
        }

        // Payments.
        let pp = root.field("payments");
        let mut pids = HashSet::new();
        for (k, pay) in group.payments.iter().enumerate() {
            let p = pp.index(k);
            if let Some(id) = &pay.id {
                check_id(id, &p.field("id"), "a payment")?;
                if !pids.insert(id.as_str()) {
                    return Err(p.field("id").err(
                        ErrorCode::DuplicateId,
                        format!("payment id '{}' is used twice", money::clip(id)),
                    ));
                }
            }
            let from = roster.find(&pay.from, &p.field("from"), "a payment is from")?;
            let to = roster.find(&pay.to, &p.field("to"), "a payment is to")?;
            if from == to {
                return Err(p.field("to").err(
                    ErrorCode::InvalidInput,
                    format!("a payment from '{}' to themself", money::clip(&pay.from)),
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
                    format!("a payment must be positive, not {}", pay.amount),
                ));
            }
            let (bucket, amount) = if each {
                if let Some(r) = pay.rate {
                    check_rate(r, &p.field("rate"))?;
                }
                (bucket_of(cur, &mut buckets), amount)
            } else {
                let r = rate_for(cur, pay.rate, &p, &format!("payment {k}"))?;
                (
                    0,
                    money::convert(amount, cur, r, group_currency, &p.field("amount"))?,
                )
            };
            entries.push(Entry {
                origin: ("payments", k),
                bucket,
                owed: vec![(to, amount)],
                paid: vec![(from, amount)],
            });
        }

        // Balances. Buckets: the group's currency first, then the others by code.
        let mut order: Vec<usize> = (0..buckets.len()).collect();
        order[1..].sort_by_key(|b| buckets[*b].code());
        let mut rank = vec![0; buckets.len()];
        for (r, b) in order.iter().enumerate() {
            rank[*b] = r;
        }
        let buckets: Vec<Currency> = order.iter().map(|b| buckets[*b]).collect();
        for e in &mut entries {
            e.bucket = rank[e.bucket];
        }
        let mut paid = vec![vec![0; n]; buckets.len()];
        let mut owed = vec![vec![0; n]; buckets.len()];
        for e in &entries {
            // An overflowing sum is blamed on the expense or payment that tips it over.
            let list = root.field(e.origin.0);
            let p = list.index(e.origin.1);
            for (i, a) in &e.paid {
                paid[e.bucket][*i] = money::add(paid[e.bucket][*i], *a, &p)?;
            }
            for (i, a) in &e.owed {
                owed[e.bucket][*i] = money::add(owed[e.bucket][*i], *a, &p)?;
            }
        }
        Ok(Ledger {
            roster,
            group_currency,
            buckets,
            paid,
            owed,
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
                p.checked_sub(*o)
                    .ok_or_else(|| Path::Root.err(ErrorCode::Overflow, "a balance overflows"))
            })
            .collect()
    }
}

/// Divides a converted total `g` like `parts` (member position, amount in the expense currency).
fn divide(
    g: Minor,
    parts: &[(usize, Minor)],
    roster: &Roster,
    seed: &str,
    path: &Path,
) -> Result<Vec<(usize, Minor)>> {
    let weights: Vec<i128> = parts.iter().map(|(_, a)| *a).collect();
    let keys: Vec<u64> = parts.iter().map(|(i, _)| tie_key(seed, roster.id(*i))).collect();
    let out = apportion(g, &weights, &keys).map_err(|e| match e {
        ApportionError::ZeroWeights => path.err(
            ErrorCode::SplitMismatch,
            "parts of a converted expense add up to zero",
        ),
        ApportionError::Overflow => path.err(ErrorCode::Overflow, "the converted expense overflows"),
    })?;
    Ok(parts.iter().map(|(i, _)| *i).zip(out).collect())
}
