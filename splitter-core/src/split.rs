//! One expense's split: from a [`Split`] to each member's part, in whole minor units of the
//! expense's currency, adding up to the expense exactly.
//!
//! Parts are accumulated in a [`Scratch`] reused from one expense to the next: a split among a
//! few members of a large group costs only those few, and no expense allocates.

use crate::apportion::{apportion_into, apportion_wide_into, ApportionError, TieSeed, Work};
use crate::currency::Currency;
use crate::error::{ErrorCode, Path, Result};
use crate::model::{Part, Split};
use crate::money::{self, wide, Minor, Wide};
use crate::suggest::did_you_mean;

/// The members of a group, found by id with a binary search (no hashing, so no input can make a
/// lookup slow).
pub(crate) struct Roster<'a> {
    ids: Vec<&'a str>,
    /// `key(id)` of every member, sorted; `at[k]` is the position of the member of `keys[k]`.
    keys: Vec<u128>,
    at: Vec<usize>,
}

/// The first 8 bytes of `id` as a big-endian integer (zero-padded), then its length: equal keys
/// mean equal ids for ids of at most 8 bytes, and most comparisons are of one integer.
fn key(id: &str) -> u128 {
    // A loop rather than a slice copy: a copy of variable length is a call to memmove.
    let prefix = id
        .bytes()
        .take(8)
        .enumerate()
        .fold(0u64, |k, (i, b)| k | u64::from(b) << (56 - 8 * i));
    u128::from(prefix) << 64 | id.len() as u128
}

/// The first position whose item repeats an earlier one, among `ids` (by value).
pub(crate) fn first_repeat<'a>(ids: impl Iterator<Item = &'a str>) -> Option<usize> {
    let mut keyed: Vec<(u128, &str, usize)> = ids.enumerate().map(|(i, id)| (key(id), id, i)).collect();
    keyed.sort_unstable();
    // In each run of equal ids (sorted by position), the second position is the first repeat.
    keyed
        .windows(2)
        .filter(|w| w[0].0 == w[1].0 && w[0].1 == w[1].1)
        .map(|w| w[1].2)
        .min()
}

impl<'a> Roster<'a> {
    /// The roster of members with these (unique) ids, in this order.
    pub(crate) fn new(ids: Vec<&'a str>) -> Roster<'a> {
        let mut sorted: Vec<(u128, &str, usize)> =
            ids.iter().enumerate().map(|(i, id)| (key(id), *id, i)).collect();
        sorted.sort_unstable();
        Roster {
            keys: sorted.iter().map(|s| s.0).collect(),
            at: sorted.iter().map(|s| s.2).collect(),
            ids,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    pub(crate) fn id(&self, i: usize) -> &'a str {
        self.ids[i]
    }

    /// The member's position, or `unknown_member` at `path`; `context` says who names them
    /// ("expense e2: shares name") and is only built for the error.
    pub(crate) fn find(&self, id: &str, path: &Path, context: impl FnOnce() -> String) -> Result<usize> {
        let k = key(id);
        let mut j = self.keys.partition_point(|x| *x < k);
        // Ids longer than 8 bytes may share a key: look through that run.
        while j < self.keys.len() && self.keys[j] == k {
            let i = self.at[j];
            if id.len() <= 8 || self.ids[i] == id {
                return Ok(i);
            }
            j += 1;
        }
        Err(self.not_a_member(id, path, context()))
    }

    /// The error for `id`, who is not a member, named by `context`.
    #[cold]
    #[inline(never)]
    fn not_a_member(&self, id: &str, path: &Path, context: String) -> crate::error::Error {
        let hint = match did_you_mean(id, self.ids.iter().copied()) {
            Some(near) => format!("did you mean '{}'?", money::clip(near)),
            None => "add them to the group's members or correct the id".to_string(),
        };
        path.err(
            ErrorCode::UnknownMember,
            format!("{context} '{}', who is not a member; {hint}", money::clip(id)),
        )
    }
}

/// Per-member marks with a generation counter: clearing them all is one increment.
struct Marks {
    mark: Vec<u32>,
    now: u32,
}

impl Marks {
    fn new(n: usize) -> Marks {
        Marks {
            mark: vec![0; n],
            now: 0,
        }
    }

    fn clear(&mut self) {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.mark.fill(0);
            self.now = 1;
        }
    }

    /// Marks `i`; false if it was already marked since the last clear.
    fn first_time(&mut self, i: usize) -> bool {
        let fresh = self.mark[i] != self.now;
        self.mark[i] = self.now;
        fresh
    }
}

/// One expense's parts being added up: a dense array and the list of members touched.
pub(crate) struct Acc {
    value: Vec<Minor>,
    touched: Vec<usize>,
    seen: Marks,
}

impl Acc {
    /// Adds `v` to member `i`'s part.
    fn add(&mut self, i: usize, v: Minor, path: &Path) -> Result<()> {
        if self.seen.first_time(i) {
            self.touched.push(i);
        }
        self.value[i] = money::add(self.value[i], v, path)?;
        Ok(())
    }

    /// The non-zero parts in member order, into `out`.
    pub(crate) fn parts_into(&mut self, out: &mut Vec<(usize, Minor)>) {
        self.touched.sort_unstable();
        out.clear();
        out.extend(
            self.touched
                .iter()
                .map(|i| (*i, self.value[*i]))
                .filter(|(_, v)| *v != 0),
        );
    }
}

/// Working memory for splitting expenses, reused across the expenses of a group.
pub(crate) struct Scratch {
    pub(crate) acc: Acc,
    names: Marks,
    who: Vec<usize>,
    weights: Vec<i128>,
    /// The weights of a shares split when one of them does not fit an `i128`.
    wide_weights: Vec<Wide>,
    keys: Vec<u64>,
    pub(crate) work: Work,
}

impl Scratch {
    /// Memory for a group of `n` members.
    pub(crate) fn new(n: usize) -> Scratch {
        Scratch {
            acc: Acc {
                value: vec![0; n],
                touched: Vec::new(),
                seen: Marks::new(n),
            },
            names: Marks::new(n),
            who: Vec::new(),
            weights: Vec::new(),
            wide_weights: Vec::new(),
            keys: Vec::new(),
            work: Work::default(),
        }
    }

    /// Starts a new expense: every part back to zero.
    pub(crate) fn begin(&mut self) {
        for i in self.acc.touched.drain(..) {
            self.acc.value[i] = 0;
        }
        self.acc.seen.clear();
    }
}

/// What an expense's split is computed from.
pub(crate) struct SplitContext<'a> {
    pub(crate) roster: &'a Roster<'a>,
    pub(crate) currency: Currency,
    /// The expense id, for messages and tie keys.
    pub(crate) expense: &'a str,
}

/// Adds the parts of `total` split `how` into `sc.acc`. `seed` is the tie-key seed.
pub(crate) fn split(
    cx: &SplitContext,
    sc: &mut Scratch,
    how: &Split,
    total: Minor,
    seed: TieSeed,
    path: &Path,
) -> Result<()> {
    let e = cx.expense;
    // The JSON reader bounds nesting; a typed group built in Rust is bounded here, the same way.
    if path.depth() > crate::json::MAX_DEPTH {
        return Err(path.err(
            ErrorCode::InvalidInput,
            format!(
                "expense {e}: splits are nested more than {} levels deep; an item's split cannot be \
                 itemized again",
                crate::json::MAX_DEPTH
            ),
        ));
    }
    match how {
        Split::Equal { members } => {
            member_list(cx, sc, members.as_deref(), &path.field("members"))?;
            sc.weights.clear();
            sc.weights.resize(sc.who.len(), 1);
            spread(cx, sc, total, seed, path)?;
        }
        Split::Shares { shares } => {
            let p = path.field("shares");
            match weighted(cx, sc, shares, &p, ("shares", "shares name"))? {
                Scaled::Narrow(_) if sc.weights.iter().all(|w| *w == 0) => {
                    return Err(p.err(
                        ErrorCode::EmptySplit,
                        format!(
                            "expense {e}: every share is zero; give at least one member a share above zero"
                        ),
                    ));
                }
                Scaled::Narrow(_) => spread(cx, sc, total, seed, path)?,
                // One weight is past 2^127: they are not all zero.
                Scaled::Wide => spread_wide(cx, sc, total, seed, path)?,
            }
        }
        Split::Percent { percent } => {
            let p = path.field("percent");
            // Exactly 100: the weights' sum is 100 on their common scale. (A sum of decimals
            // could round.) A weight past 2^127 is past 100 * 10^28 on any scale.
            let (sum, scale) = match weighted(cx, sc, percent, &p, ("percent", "percent name"))? {
                Scaled::Narrow(scale) => (sc.weights.iter().try_fold(0i128, |s, w| s.checked_add(*w)), scale),
                Scaled::Wide => (None, 0),
            };
            let hundred = money::pow10(scale).and_then(|f| f.checked_mul(100));
            if sum.is_none() || sum != hundred {
                let sum = sum.map_or_else(|| "more than 100".to_string(), |s| fixed(s, scale));
                return Err(p.err(
                    ErrorCode::SplitMismatch,
                    format!(
                        "expense {e}: percentages add up to {sum}, not 100; make them add up to exactly 100"
                    ),
                ));
            }
            spread(cx, sc, total, seed, path)?;
        }
        Split::Exact { amounts } => {
            let p = path.field("amounts");
            if amounts.is_empty() {
                return Err(p.err(
                    ErrorCode::EmptySplit,
                    format!(
                        "expense {e}: no amounts; give each member's amount, such as {{\"ana\": \"30.00\"}}"
                    ),
                ));
            }
            let mut sum = 0;
            sc.names.clear();
            for Part {
                member: id,
                value: amount,
            } in amounts
            {
                let ip = p.field(id);
                let i = named_once(cx, sc, id, &ip, "amounts name")?;
                let m = money::to_minor(*amount, cx.currency, &ip)?;
                sc.acc.add(i, m, &ip)?;
                sum = money::add(sum, m, &p)?;
            }
            if sum != total {
                return Err(p.err(
                    ErrorCode::SplitMismatch,
                    format!(
                        "expense {e}: amounts add up to {}, not {}; make them add up to the expense's amount",
                        show(sum, cx.currency),
                        show(total, cx.currency)
                    ),
                ));
            }
        }
        Split::Adjustment { members, adjustments } => {
            let ap = path.field("adjustments");
            let mut adjusted = 0;
            sc.names.clear();
            for Part {
                member: id,
                value: amount,
            } in adjustments
            {
                let ip = ap.field(id);
                let i = named_once(cx, sc, id, &ip, "adjustments name")?;
                let m = money::to_minor(*amount, cx.currency, &ip)?;
                sc.acc.add(i, m, &ip)?;
                adjusted = money::add(adjusted, m, &ap)?;
            }
            let rest = total.checked_sub(adjusted).ok_or_else(|| {
                ap.err(
                    ErrorCode::Overflow,
                    format!(
                        "expense {e}: adjustments are past the range of exact amounts; make them smaller"
                    ),
                )
            })?;
            if rest != 0 && total != 0 && rest.signum() != total.signum() {
                return Err(ap.err(
                    ErrorCode::SplitMismatch,
                    format!(
                        "expense {e}: adjustments of {} exceed the amount {}; make them smaller",
                        show(adjusted, cx.currency),
                        show(total, cx.currency)
                    ),
                ));
            }
            member_list(cx, sc, members.as_deref(), &path.field("members"))?;
            sc.weights.clear();
            sc.weights.resize(sc.who.len(), 1);
            spread(cx, sc, rest, seed, path)?;
        }
        Split::Itemized { items, extras } => itemized(cx, sc, items, extras, total, path)?,
    }
    Ok(())
}

fn itemized(
    cx: &SplitContext,
    sc: &mut Scratch,
    items: &[crate::model::Item],
    extras: &[crate::model::Extra],
    total: Minor,
    path: &Path,
) -> Result<()> {
    let e = cx.expense;
    let ip = path.field("items");
    if items.is_empty() {
        return Err(ip.err(
            ErrorCode::EmptySplit,
            format!("expense {e}: no items; list the items, or use another type of split"),
        ));
    }
    let mut items_total = 0;
    for (k, item) in items.iter().enumerate() {
        let p = ip.index(k);
        let amount = money::to_minor(item.amount, cx.currency, &p.field("amount"))?;
        let sp = p.field("split");
        if matches!(item.split, Split::Itemized { .. }) {
            return Err(sp.err(
                ErrorCode::InvalidInput,
                "an item's split cannot be itemized again; split the item equal, shares, percent, exact \
                 or adjustment",
            ));
        }
        let seed = TieSeed::new(&[e.as_bytes(), b"/items/", k.to_string().as_bytes()]);
        split(cx, sc, &item.split, amount, seed, &sp)?;
        items_total = money::add(items_total, amount, &p)?;
    }
    let xp = path.field("extras");
    let mut extra = 0;
    for (k, x) in extras.iter().enumerate() {
        let m = money::to_minor(x.amount, cx.currency, &xp.index(k).field("amount"))?;
        extra = money::add(extra, m, &xp)?;
    }
    let sum = money::add(items_total, extra, path)?;
    if sum != total {
        return Err(path.err(
            ErrorCode::SplitMismatch,
            format!(
                "expense {e}: items and extras add up to {}, not {}; make them add up to the expense's \
                 amount",
                show(sum, cx.currency),
                show(total, cx.currency)
            ),
        ));
    }
    if extra == 0 {
        return Ok(());
    }
    // Extras follow what each member's items came to.
    sc.acc.touched.sort_unstable();
    sc.who.clear();
    sc.weights.clear();
    for &i in &sc.acc.touched {
        if sc.acc.value[i] != 0 {
            sc.who.push(i);
            sc.weights.push(sc.acc.value[i]);
        }
    }
    let seed = TieSeed::new(&[e.as_bytes(), b"/extras"]);
    spread(cx, sc, extra, seed, &xp).map_err(|err| match err.code {
        ErrorCode::EmptySplit => xp.err(
            ErrorCode::SplitMismatch,
            format!("expense {e}: extras cannot be shared, the items come to zero; make them an item"),
        ),
        _ => err,
    })
}

/// Divides `total` among `sc.who` by `sc.weights` and adds the results into the parts.
fn spread(cx: &SplitContext, sc: &mut Scratch, total: Minor, seed: TieSeed, path: &Path) -> Result<()> {
    sc.keys.clear();
    sc.keys.extend(sc.who.iter().map(|i| seed.key(cx.roster.id(*i))));
    let done = apportion_into(total, &sc.weights, &sc.keys, &mut sc.work);
    add_parts(cx, sc, done, path)
}

/// [`spread`] by `sc.wide_weights`.
#[cold]
fn spread_wide(cx: &SplitContext, sc: &mut Scratch, total: Minor, seed: TieSeed, path: &Path) -> Result<()> {
    sc.keys.clear();
    sc.keys.extend(sc.who.iter().map(|i| seed.key(cx.roster.id(*i))));
    let done = apportion_wide_into(total, &sc.wide_weights, &sc.keys, &mut sc.work);
    add_parts(cx, sc, done, path)
}

/// Adds the parts of a division (`sc.work.parts`, one per member of `sc.who`) into `sc.acc`.
fn add_parts(
    cx: &SplitContext,
    sc: &mut Scratch,
    done: std::result::Result<(), ApportionError>,
    path: &Path,
) -> Result<()> {
    done.map_err(|err| match err {
        ApportionError::ZeroWeights => path.err(
            ErrorCode::EmptySplit,
            format!(
                "expense {}: nobody to split among; name at least one member",
                cx.expense
            ),
        ),
        ApportionError::Overflow => path.err(
            ErrorCode::Overflow,
            format!(
                "expense {}: a part is past the range of exact amounts; use smaller amounts or weights",
                cx.expense
            ),
        ),
    })?;
    for (i, add) in sc.who.iter().zip(&sc.work.parts) {
        sc.acc.add(*i, *add, path)?;
    }
    Ok(())
}

/// `v / 10^scale` written with `scale` decimals (`fixed(-905, 1)` is `-90.5`), for messages:
/// exact where a [`Decimal`] could not hold it.
fn fixed(v: i128, scale: u32) -> String {
    let digits = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let digits = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = digits.split_at(digits.len() - scale);
    let sign = if v < 0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// How [`weighted`] scaled the weights.
enum Scaled {
    /// Into `sc.weights`, on this common scale (number of decimals).
    Narrow(u32),
    /// Into `sc.wide_weights` (one of them is past 2^127).
    Wide,
}

/// The member named `id` at `path`, refusing one already named in the current list.
fn named_once(cx: &SplitContext, sc: &mut Scratch, id: &str, path: &Path, what: &str) -> Result<usize> {
    let i = cx
        .roster
        .find(id, path, || format!("expense {}: {what}", cx.expense))?;
    if !sc.names.first_time(i) {
        return Err(path.err(
            ErrorCode::DuplicateId,
            format!(
                "expense {}: '{}' is named twice; name each member once",
                cx.expense,
                money::clip(id)
            ),
        ));
    }
    Ok(i)
}

/// Fills `sc.who` with the members of an equal split: the named ones (unique, known, at least
/// one) or everyone.
fn member_list(cx: &SplitContext, sc: &mut Scratch, members: Option<&[String]>, path: &Path) -> Result<()> {
    sc.who.clear();
    let Some(members) = members else {
        sc.who.extend(0..cx.roster.len());
        return Ok(());
    };
    if members.is_empty() {
        return Err(path.err(
            ErrorCode::EmptySplit,
            format!(
                "expense {}: the split names no members; name at least one, or leave members out for \
                 everyone",
                cx.expense
            ),
        ));
    }
    sc.names.clear();
    for (k, id) in members.iter().enumerate() {
        let i = named_once(cx, sc, id, &path.index(k), "the split names")?;
        sc.who.push(i);
    }
    Ok(())
}

/// Fills `sc.who` and `sc.weights` (or, when one of them does not fit an `i128`,
/// `sc.wide_weights`) with the weights of a shares or percent split, as integers on one common
/// scale: each below 2^96 * 10^28 < 2^190.
fn weighted(
    cx: &SplitContext,
    sc: &mut Scratch,
    entries: &[Part],
    path: &Path,
    (what, naming): (&str, &str),
) -> Result<Scaled> {
    let e = cx.expense;
    if entries.is_empty() {
        return Err(path.err(
            ErrorCode::EmptySplit,
            format!(
                "expense {e}: no {what}; give them by member, such as {}",
                if what == "percent" {
                    r#"{"ana": "50", "ben": "50"}"#
                } else {
                    r#"{"ana": "2", "ben": "1"}"#
                }
            ),
        ));
    }
    let scale = entries.iter().map(|p| p.value.scale()).max().unwrap_or(0);
    sc.who.clear();
    sc.weights.clear();
    sc.names.clear();
    let mut too_wide = false;
    for Part { member: id, value: w } in entries {
        let p = path.field(id);
        let i = named_once(cx, sc, id, &p, naming)?;
        if w.is_sign_negative() && !w.is_zero() {
            return Err(p.err(
                ErrorCode::InvalidAmount,
                format!("expense {e}: {what} cannot be negative ({w}); use 0 or more"),
            ));
        }
        // Zero if it does not fit: then all are made again in `sc.wide_weights`.
        let v = money::pow10(scale - w.scale()).and_then(|f| w.mantissa().checked_mul(f));
        too_wide |= v.is_none();
        sc.who.push(i);
        sc.weights.push(v.unwrap_or(0));
    }
    if !too_wide {
        return Ok(Scaled::Narrow(scale));
    }
    sc.wide_weights.clear();
    sc.wide_weights
        .extend(entries.iter().map(|Part { value: w, .. }| {
            // mantissa < 2^96 and 10^(scale - w.scale()) <= 10^28 < 2^94: no overflow.
            let f = money::pow10(scale - w.scale()).unwrap_or(0).unsigned_abs();
            wide(w.mantissa().unsigned_abs()).wrapping_mul(wide(f))
        }));
    Ok(Scaled::Wide)
}

/// At most how many members a split gives a part to (for reserving memory and for budgets; never
/// too small). Walks nested items with a stack of its own, so no nesting can exhaust the thread's.
pub(crate) fn most_parts(how: &Split, members: usize) -> usize {
    let mut n = 0usize;
    let mut todo = vec![how];
    while let Some(split) = todo.pop() {
        n = n.saturating_add(match split {
            Split::Equal { members: None } | Split::Adjustment { members: None, .. } => members,
            Split::Equal { members: Some(m) } => m.len(),
            Split::Shares { shares: l } | Split::Percent { percent: l } | Split::Exact { amounts: l } => {
                l.len()
            }
            Split::Adjustment {
                members: Some(m),
                adjustments,
            } => m.len() + adjustments.len(),
            Split::Itemized { items, .. } => {
                todo.extend(items.iter().map(|i| &i.split));
                0
            }
        });
    }
    n.min(members)
}

/// An amount for a message.
pub(crate) fn show(m: Minor, currency: Currency) -> String {
    match money::to_decimal(m, currency, &Path::Root) {
        Ok(d) => format!("{d} {}", currency.code()),
        Err(_) => format!("{m} minor units of {}", currency.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_finds_ids_sharing_a_prefix_and_length() {
        let ids = vec![
            "alexander",
            "alexandra",
            "alexandr",
            "alex",
            "al\u{0}x",
            "",
            "alexanderthegreat",
            "émile",
        ];
        let roster = Roster::new(ids.clone());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(roster.find(id, &Path::Root, String::new), Ok(i), "{id:?}");
        }
        for missing in ["alexandre", "alexanderthegrea", "ale", "al\u{0}", "emile"] {
            let e = roster.find(missing, &Path::Root, || "x".into()).unwrap_err();
            assert_eq!(e.code, ErrorCode::UnknownMember, "{missing:?}");
        }
    }

    #[test]
    fn fixed_writes_every_digit() {
        assert_eq!(fixed(900, 1), "90.0");
        assert_eq!(fixed(-905, 1), "-90.5");
        assert_eq!(fixed(5, 3), "0.005");
        assert_eq!(fixed(100, 0), "100");
        // 50 with 28 decimals: past what a Decimal holds.
        assert_eq!(fixed(5 * 10i128.pow(29), 28), format!("50.{}", "0".repeat(28)));
    }

    #[test]
    fn first_repeat_is_the_earliest_second_occurrence() {
        assert_eq!(first_repeat(["a", "b", "c"].into_iter()), None);
        assert_eq!(first_repeat(["a", "b", "b", "a"].into_iter()), Some(2));
        assert_eq!(
            first_repeat(["longer-id-1", "x", "longer-id-1", "x"].into_iter()),
            Some(2)
        );
        assert_eq!(
            first_repeat(["longer-id-1", "longer-id-2", "longer-id-2"].into_iter()),
            Some(2)
        );
    }
}
