//! One expense's split: from a [`Split`] to each member's part, in whole minor units of the
//! expense's currency, adding up to the expense exactly.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;

use crate::apportion::{apportion, tie_key, ApportionError};
use crate::currency::Currency;
use crate::error::{ErrorCode, Path, Result};
use crate::model::Split;
use crate::money::{self, Minor};

/// The members of a group by id, for resolving the ids named in splits and payments.
pub(crate) struct Roster<'a> {
    ids: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Roster<'a> {
    pub(crate) fn new(ids: Vec<&'a str>) -> Roster<'a> {
        let index = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        Roster { ids, index }
    }

    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    pub(crate) fn id(&self, i: usize) -> &'a str {
        self.ids[i]
    }

    /// The member's position, or `unknown_member` at `path`.
    pub(crate) fn find(&self, id: &str, path: &Path, context: &str) -> Result<usize> {
        self.index.get(id).copied().ok_or_else(|| {
            path.err(
                ErrorCode::UnknownMember,
                format!("{context} '{}', who is not a member", money::clip(id)),
            )
        })
    }
}

/// What an expense's split is computed from.
pub(crate) struct SplitContext<'a> {
    pub(crate) roster: &'a Roster<'a>,
    pub(crate) currency: Currency,
    /// The expense id, for messages and tie keys.
    pub(crate) expense: &'a str,
}

/// Each member's part by member position (members without a part are absent); parts add up to
/// `total`. Sparse, so that a split among a few members of a large group costs only those few.
pub(crate) type Parts = BTreeMap<usize, Minor>;

/// The parts of `total` split `how`.
pub(crate) fn split(cx: &SplitContext, how: &Split, total: Minor, seed: &str, path: &Path) -> Result<Parts> {
    let mut parts = Parts::new();
    match how {
        Split::Equal { members } => {
            let p = path.field("members");
            let who = member_list(cx, members.as_deref(), &p)?;
            let weights = vec![1; who.len()];
            spread(cx, &mut parts, &who, &weights, total, seed, path)?;
        }
        Split::Shares { shares } => {
            let p = path.field("shares");
            let (who, weights) = weighted(cx, shares, &p, "shares")?;
            if weights.iter().all(|w| *w == 0) {
                return Err(p.err(
                    ErrorCode::EmptySplit,
                    format!("expense {}: every share is zero", cx.expense),
                ));
            }
            spread(cx, &mut parts, &who, &weights, total, seed, path)?;
        }
        Split::Percent { percent } => {
            let p = path.field("percent");
            let (who, weights) = weighted(cx, percent, &p, "percent")?;
            let sum = percent
                .iter()
                .try_fold(Decimal::ZERO, |s, (_, v)| s.checked_add(*v))
                .ok_or_else(|| p.err(ErrorCode::Overflow, "percentages overflow"))?;
            if sum != Decimal::ONE_HUNDRED {
                return Err(p.err(
                    ErrorCode::SplitMismatch,
                    format!("expense {}: percentages add up to {sum}, not 100", cx.expense),
                ));
            }
            spread(cx, &mut parts, &who, &weights, total, seed, path)?;
        }
        Split::Exact { amounts } => {
            let p = path.field("amounts");
            if amounts.is_empty() {
                return Err(p.err(
                    ErrorCode::EmptySplit,
                    format!("expense {}: no amounts", cx.expense),
                ));
            }
            let mut sum = 0;
            for (id, amount) in unique_keys(cx, amounts, &p, "amounts name")? {
                let (i, ip) = id;
                let m = money::to_minor(*amount, cx.currency, &ip)?;
                parts.insert(i, m);
                sum = money::add(sum, m, &p)?;
            }
            if sum != total {
                return Err(p.err(
                    ErrorCode::SplitMismatch,
                    format!(
                        "expense {}: amounts add up to {}, not {}",
                        cx.expense,
                        show(sum, cx.currency),
                        show(total, cx.currency)
                    ),
                ));
            }
        }
        Split::Adjustment { members, adjustments } => {
            let ap = path.field("adjustments");
            let mut adjusted = 0;
            for ((i, ip), amount) in unique_keys(cx, adjustments, &ap, "adjustments name")? {
                let m = money::to_minor(*amount, cx.currency, &ip)?;
                parts.insert(i, m);
                adjusted = money::add(adjusted, m, &ap)?;
            }
            let rest = total
                .checked_sub(adjusted)
                .ok_or_else(|| ap.err(ErrorCode::Overflow, "adjustments overflow"))?;
            if rest != 0 && total != 0 && rest.signum() != total.signum() {
                return Err(ap.err(
                    ErrorCode::SplitMismatch,
                    format!(
                        "expense {}: adjustments of {} exceed the amount {}",
                        cx.expense,
                        show(adjusted, cx.currency),
                        show(total, cx.currency)
                    ),
                ));
            }
            let p = path.field("members");
            let who = member_list(cx, members.as_deref(), &p)?;
            let weights = vec![1; who.len()];
            spread(cx, &mut parts, &who, &weights, rest, seed, path)?;
        }
        Split::Itemized { items, extras } => {
            let ip = path.field("items");
            if items.is_empty() {
                return Err(ip.err(ErrorCode::EmptySplit, format!("expense {}: no items", cx.expense)));
            }
            let mut items_total = 0;
            for (k, item) in items.iter().enumerate() {
                let p = ip.index(k);
                let amount = money::to_minor(item.amount, cx.currency, &p.field("amount"))?;
                let sp = p.field("split");
                if matches!(item.split, Split::Itemized { .. }) {
                    return Err(sp.err(
                        ErrorCode::InvalidInput,
                        "an item's split cannot be itemized again",
                    ));
                }
                let item_parts = split(cx, &item.split, amount, &format!("{seed}/items/{k}"), &sp)?;
                for (i, add) in item_parts {
                    let part = parts.entry(i).or_insert(0);
                    *part = money::add(*part, add, &sp)?;
                }
                items_total = money::add(items_total, amount, &p)?;
            }
            let xp = path.field("extras");
            let mut extra = 0;
            for (k, e) in extras.iter().enumerate() {
                let m = money::to_minor(e.amount, cx.currency, &xp.index(k).field("amount"))?;
                extra = money::add(extra, m, &xp)?;
            }
            let sum = money::add(items_total, extra, path)?;
            if sum != total {
                return Err(path.err(
                    ErrorCode::SplitMismatch,
                    format!(
                        "expense {}: items and extras add up to {}, not {}",
                        cx.expense,
                        show(sum, cx.currency),
                        show(total, cx.currency)
                    ),
                ));
            }
            if extra != 0 {
                // Extras follow what each member's items came to.
                let who: Vec<usize> = parts.iter().filter(|(_, v)| **v != 0).map(|(i, _)| *i).collect();
                let weights: Vec<i128> = who.iter().map(|i| parts[i]).collect();
                let keys: Vec<u64> = who
                    .iter()
                    .map(|i| tie_key(&format!("{seed}/extras"), cx.roster.id(*i)))
                    .collect();
                let shared = apportion(extra, &weights, &keys).map_err(|e| match e {
                    ApportionError::ZeroWeights => xp.err(
                        ErrorCode::SplitMismatch,
                        format!(
                            "expense {}: extras cannot be shared, the items come to zero",
                            cx.expense
                        ),
                    ),
                    ApportionError::Overflow => xp.err(ErrorCode::Overflow, "extras overflow"),
                })?;
                for (i, add) in who.into_iter().zip(shared) {
                    let part = parts.entry(i).or_insert(0);
                    *part = money::add(*part, add, &xp)?;
                }
            }
        }
    }
    Ok(parts)
}

/// Divides `total` among `who` by `weights` and adds the results into `parts`.
fn spread(
    cx: &SplitContext,
    parts: &mut Parts,
    who: &[usize],
    weights: &[i128],
    total: Minor,
    seed: &str,
    path: &Path,
) -> Result<()> {
    let keys: Vec<u64> = who.iter().map(|i| tie_key(seed, cx.roster.id(*i))).collect();
    let shared = apportion(total, weights, &keys).map_err(|e| match e {
        ApportionError::ZeroWeights => path.err(
            ErrorCode::EmptySplit,
            format!("expense {}: nobody to split among", cx.expense),
        ),
        ApportionError::Overflow => path.err(
            ErrorCode::Overflow,
            format!("expense {}: the split overflows", cx.expense),
        ),
    })?;
    for (i, add) in who.iter().zip(shared) {
        let part = parts.entry(*i).or_insert(0);
        *part = money::add(*part, add, path)?;
    }
    Ok(())
}

/// The members of an equal split: the named ones (unique, known, at least one) or everyone.
fn member_list(cx: &SplitContext, members: Option<&[String]>, path: &Path) -> Result<Vec<usize>> {
    let Some(members) = members else {
        return Ok((0..cx.roster.len()).collect());
    };
    if members.is_empty() {
        return Err(path.err(
            ErrorCode::EmptySplit,
            format!("expense {}: the split names no members", cx.expense),
        ));
    }
    let mut seen = HashSet::with_capacity(members.len());
    let mut who = Vec::with_capacity(members.len());
    for (k, id) in members.iter().enumerate() {
        let p = path.index(k);
        let i = cx
            .roster
            .find(id, &p, &format!("expense {}: the split names", cx.expense))?;
        if !seen.insert(i) {
            return Err(p.err(
                ErrorCode::DuplicateId,
                format!("expense {}: '{}' is named twice", cx.expense, money::clip(id)),
            ));
        }
        who.push(i);
    }
    Ok(who)
}

/// Member positions with their paths, refusing unknown and repeated ids.
fn unique_keys<'v, 'p>(
    cx: &SplitContext,
    entries: &'v [(String, Decimal)],
    path: &'p Path<'p>,
    what: &str,
) -> Result<Vec<((usize, Path<'p>), &'v Decimal)>>
where
    'v: 'p,
{
    let mut seen = HashSet::with_capacity(entries.len());
    let mut out = Vec::with_capacity(entries.len());
    for (id, value) in entries {
        let p = path.field(id);
        let i = cx
            .roster
            .find(id, &p, &format!("expense {}: {what}", cx.expense))?;
        if !seen.insert(i) {
            return Err(p.err(
                ErrorCode::DuplicateId,
                format!("expense {}: '{}' appears twice", cx.expense, money::clip(id)),
            ));
        }
        out.push(((i, p), value));
    }
    Ok(out)
}

/// Weights of a shares or percent split as integers on one common scale.
fn weighted(
    cx: &SplitContext,
    entries: &[(String, Decimal)],
    path: &Path,
    what: &str,
) -> Result<(Vec<usize>, Vec<i128>)> {
    if entries.is_empty() {
        return Err(path.err(
            ErrorCode::EmptySplit,
            format!("expense {}: no {what}", cx.expense),
        ));
    }
    let keyed = unique_keys(cx, entries, path, &format!("{what} name"))?;
    let scale = entries.iter().map(|(_, w)| w.scale()).max().unwrap_or(0);
    let mut who = Vec::with_capacity(keyed.len());
    let mut weights = Vec::with_capacity(keyed.len());
    for ((i, p), w) in keyed {
        if w.is_sign_negative() && !w.is_zero() {
            return Err(p.err(
                ErrorCode::InvalidAmount,
                format!("expense {}: {what} cannot be negative ({w})", cx.expense),
            ));
        }
        let factor = money::pow10(scale - w.scale())
            .ok_or_else(|| p.err(ErrorCode::Overflow, "weight out of range"))?;
        let v = w
            .mantissa()
            .checked_mul(factor)
            .ok_or_else(|| p.err(ErrorCode::Overflow, "weight out of range"))?;
        who.push(i);
        weights.push(v);
    }
    Ok((who, weights))
}

/// An amount for a message.
pub(crate) fn show(m: Minor, currency: Currency) -> String {
    match money::to_decimal(m, currency, &Path::Root) {
        Ok(d) => format!("{d} {}", currency.code()),
        Err(_) => format!("{m} minor units of {}", currency.code()),
    }
}
