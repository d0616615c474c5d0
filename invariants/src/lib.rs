//! The contract's invariants, checked on the engine's JSON output against the group it was
//! computed from: the one checker that the fuzz targets (`fuzz/`, through `splitter_fuzz::check`)
//! and the replay of saved fuzz inputs (`tests/fuzz_regressions.rs`) share.
//!
//! Every amount of the output is read with `Decimal::from_str_exact` and must carry exactly its
//! currency's number of decimals; its mantissa is then its value in minor units, and sums are
//! taken on those as checked `i128` (a `Decimal` sum past 96 bits would silently give up digits,
//! an `i128` sum cannot). No float anywhere.
//!
//! What is checked, exactly (never approximately):
//! - the output's shape: the six fields, one balance row per member and bucket in members' order,
//!   amounts as decimal strings with the currency's decimals;
//! - `net = paid - owed` on every row, and the nets of each currency add up to zero;
//! - each member's `owed` is the sum of their share rows (`group_amount` where converted) and of
//!   the payments they received; `paid` is what they paid (where it does not depend on dividing
//!   a converted total among several payers) and the `paid` column adds up to everything spent
//!   and sent;
//! - every expense's share rows add up to its amount, and where converted their `group_amount`s
//!   add up to the expense converted once (half away from zero);
//! - the rounding rule: each part of an equal, shares, percent and adjustment split, and each
//!   converted part, is the floor or the ceiling of its exact part, and the extra units went to the
//!   largest remainders, ties to the smallest tie key;
//! - transfers: positive, between two different members, in the deterministic order, and applying
//!   them as payments brings every net to exactly zero; for `minimal` and `greedy` they only go from
//!   debtors to creditors and their number lies between the lower bound and n - 1.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::Value;
use splitter_core::{tie_key, BalancesIn, Currency, Group, PaidBy, Part, SettleMethod, Split};

/// The outcome of a check: `Err` names the broken invariant.
pub type Check = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($msg:tt)*) => {
        if !$cond {
            return Err(format!($($msg)*));
        }
    };
}

/// Runs `compute_json` on `input` twice; on success checks every invariant on the output.
/// Panics (which is what the fuzzer reports) on a broken invariant or a non-deterministic result.
pub fn check_compute_json(input: &str) {
    check_readers_agree(input);
    let Ok(out) = splitter_core::compute_json(input) else {
        return;
    };
    let again = splitter_core::compute_json(input).expect("the second run fails where the first did not");
    assert_eq!(out, again, "compute_json is not deterministic");
    let group = splitter_core::wire::group_from_json(input)
        .expect("compute_json succeeded on an input the wire reader refuses");
    if let Err(e) = check_report(&group, &out) {
        panic!("invariant broken: {e}\ninput: {input}\noutput: {out}");
    }
}

/// The one-pass reader ([`splitter_core::wire::quick_group`]) gives the group that the reference
/// reader gives, or declines: it never answers where the reference reader refuses, nor with
/// another group.
pub fn check_readers_agree(input: &str) {
    use splitter_core::{wire, Document};
    if let Some(group) = wire::quick_group(input, wire::Reading::Exact) {
        let reference = Document::new(input).and_then(|d| wire::group_from_value(&d.root()));
        assert_eq!(
            reference.as_ref(),
            Ok(&group),
            "the one-pass reader read a group the reference reader does not\ninput: {input}"
        );
    }
}

/// The decimals of a currency code.
fn exponent(code: &str) -> Result<u32, String> {
    Currency::find(code)
        .map(Currency::exponent)
        .ok_or_else(|| format!("'{code}' is not a known currency"))
}

/// `10^n` in `i128`, if it fits.
fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// An output amount: a string holding a decimal with exactly `exp` decimals, as minor units.
fn out_minor(v: Option<&Value>, exp: u32, what: &str) -> Result<i128, String> {
    let s = v
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{what}: not a string: {v:?}"))?;
    let d = Decimal::from_str_exact(s).map_err(|e| format!("{what}: '{s}' is not a decimal: {e}"))?;
    ensure!(
        d.scale() == exp,
        "{what}: '{s}' does not have exactly {exp} decimals"
    );
    ensure!(d.to_string() == s, "{what}: '{s}' is not in canonical form");
    ensure!(
        !(d.is_zero() && s.starts_with('-')),
        "{what}: negative zero '{s}'"
    );
    Ok(d.mantissa())
}

/// An input amount in minor units of a currency with `exp` decimals (`None` if it is not a
/// whole number of them, or does not fit).
pub fn in_minor(d: Decimal, exp: u32) -> Option<i128> {
    let (m, s) = (d.mantissa(), d.scale());
    if s <= exp {
        m.checked_mul(pow10(exp - s)?)
    } else {
        let div = pow10(s - exp)?;
        (m % div == 0).then_some(m / div)
    }
}

/// `amount` (minor units, `from_exp` decimals) at `rate`, in minor units of a currency with
/// `to_exp` decimals, rounded half away from zero once. `None` past 128 bits.
pub fn convert(amount: i128, from_exp: u32, rate: Decimal, to_exp: u32) -> Option<i128> {
    let num = amount.checked_mul(rate.mantissa())?;
    let down = from_exp + rate.scale();
    if to_exp >= down {
        return num.checked_mul(pow10(to_exp - down)?);
    }
    let d = pow10(down - to_exp)?;
    let (q, r) = (num / d, num % d);
    Some(if r.unsigned_abs() * 2 >= d.unsigned_abs() {
        q + num.signum()
    } else {
        q
    })
}

/// Checks that `parts` divide `total` in proportion to `weights` by the contract's rule: each part
/// the floor or the ceiling of its exact part (in magnitude, a negative total being divided as its
/// opposite), the parts adding up to `total`, and the units above the floors going to the largest
/// remainders, ties to the smallest key. Skipped (Ok) where a product does not fit in 128 bits.
pub fn check_apportion(what: &str, total: i128, weights: &[i128], keys: &[u64], parts: &[i128]) -> Check {
    let sum_parts = parts.iter().try_fold(0i128, |s, p| s.checked_add(*p));
    ensure!(
        sum_parts == Some(total),
        "{what}: parts {parts:?} do not add up to {total}"
    );
    if total == 0 {
        ensure!(
            parts.iter().all(|p| *p == 0),
            "{what}: a zero total has non-zero parts {parts:?}"
        );
        return Ok(());
    }
    let Some(w_sum) = weights.iter().try_fold(0i128, |s, w| s.checked_add(*w)) else {
        return Ok(());
    };
    ensure!(
        w_sum != 0,
        "{what}: weights add up to zero but the division succeeded"
    );
    let (t, w_abs) = (total.abs(), w_sum.abs());
    let mut rows = Vec::with_capacity(parts.len());
    for (i, (w, p)) in weights.iter().zip(parts).enumerate() {
        let Some(n) = w.checked_mul(w_sum.signum()).and_then(|w| t.checked_mul(w)) else {
            return Ok(());
        };
        let (floor, rem) = (n.div_euclid(w_abs), n.rem_euclid(w_abs));
        let q = p * total.signum();
        ensure!(
            q == floor || (q == floor + 1 && rem != 0),
            "{what}: part {i} is {p}, not the floor or ceiling of {total} * {w} / {w_sum}"
        );
        rows.push((rem, keys[i], q != floor));
    }
    for (i, (rem_i, key_i, up_i)) in rows.iter().enumerate() {
        for (j, (rem_j, key_j, up_j)) in rows.iter().enumerate() {
            if *up_j && !*up_i {
                ensure!(
                    rem_j > rem_i || (rem_j == rem_i && key_j <= key_i),
                    "{what}: part {j} got an extra unit before part {i} (remainders {rem_j} and {rem_i}, \
                     keys {key_j:x} and {key_i:x}); parts {parts:?}, weights {weights:?}"
                );
            }
        }
    }
    Ok(())
}

/// Weights given as decimals, as integers on one common scale (`None` if they do not fit).
fn common_scale(values: &[Decimal]) -> Option<Vec<i128>> {
    let scale = values.iter().map(|d| d.scale()).max().unwrap_or(0);
    values
        .iter()
        .map(|d| d.mantissa().checked_mul(pow10(scale - d.scale())?))
        .collect()
}

/// Each member's position in the group, by id.
fn positions(group: &Group) -> HashMap<&str, usize> {
    group
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect()
}

/// The split's rule checked on one expense's parts (member position to part, in the expense's
/// currency). Itemized splits are only checked through their total.
fn check_split(group: &Group, k: usize, total: i128, exp: u32, parts: &[i128]) -> Check {
    let e = &group.expenses[k];
    let what = format!("expense {} ({:?})", e.id, e.split);
    let pos = positions(group);
    let ids = |list: &[String]| -> Result<Vec<usize>, String> {
        list.iter()
            .map(|id| {
                pos.get(id.as_str())
                    .copied()
                    .ok_or_else(|| format!("{what}: unknown '{id}'"))
            })
            .collect()
    };
    let keyed = |list: &[Part]| -> Result<(Vec<usize>, Vec<Decimal>), String> {
        let who = list
            .iter()
            .map(|Part { member: id, .. }| {
                pos.get(id.as_str())
                    .copied()
                    .ok_or_else(|| format!("{what}: unknown '{id}'"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((who, list.iter().map(|p| p.value).collect()))
    };
    let everyone: Vec<usize> = (0..group.members.len()).collect();
    let key = |i: usize| tie_key(&e.id, &group.members[i].id);
    // Checks `parts - base` on `who` by weights, and `parts == base` elsewhere.
    let divided = |who: &[usize], weights: &[i128], base: &[i128], amount: i128| -> Check {
        for (i, p) in parts.iter().enumerate() {
            if !who.contains(&i) {
                ensure!(
                    *p == base[i],
                    "{what}: member {i} is not in the split but has part {p}"
                );
            }
        }
        let got: Vec<i128> = who.iter().map(|i| parts[*i] - base[*i]).collect();
        let keys: Vec<u64> = who.iter().map(|i| key(*i)).collect();
        check_apportion(&what, amount, weights, &keys, &got)
    };
    let zero = vec![0i128; parts.len()];
    match &e.split {
        Split::Equal { members } => {
            let who = members.as_deref().map_or(Ok(everyone.clone()), ids)?;
            divided(&who, &vec![1; who.len()], &zero, total)
        }
        Split::Shares { shares: list } | Split::Percent { percent: list } => {
            let (who, w) = keyed(list)?;
            match common_scale(&w) {
                Some(w) => divided(&who, &w, &zero, total),
                None => Ok(()),
            }
        }
        Split::Exact { amounts } => {
            let (who, a) = keyed(amounts)?;
            for (i, p) in parts.iter().enumerate() {
                let want = match who.iter().position(|w| *w == i) {
                    Some(j) => in_minor(a[j], exp).ok_or_else(|| format!("{what}: bad exact amount"))?,
                    None => 0,
                };
                ensure!(
                    *p == want,
                    "{what}: member {i} has part {p}, its exact amount is {want}"
                );
            }
            Ok(())
        }
        Split::Adjustment { members, adjustments } => {
            let (adj_who, a) = keyed(adjustments)?;
            let mut base = zero.clone();
            for (i, d) in adj_who.iter().zip(&a) {
                base[*i] = in_minor(*d, exp).ok_or_else(|| format!("{what}: bad adjustment"))?;
            }
            let Some(rest) = base.iter().try_fold(total, |s, b| s.checked_sub(*b)) else {
                return Ok(());
            };
            let who = members.as_deref().map_or(Ok(everyone.clone()), ids)?;
            divided(&who, &vec![1; who.len()], &base, rest)
        }
        Split::Itemized { .. } => Ok(()),
    }
}

/// Checks the engine's JSON output `out` for `group` against every invariant of the contract.
pub fn check_report(group: &Group, out: &str) -> Check {
    let v: Value = serde_json::from_str(out).map_err(|e| format!("the output is not JSON: {e}"))?;
    let obj = v.as_object().ok_or("the output is not an object")?;
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    ensure!(
        keys == ["balances", "currency", "optimal", "settle", "shares", "transfers"],
        "unexpected output fields {keys:?}"
    );
    let gcur = group.currency.as_str();
    let gexp = exponent(gcur)?;
    ensure!(
        obj["currency"] == gcur,
        "output currency {} is not {gcur}",
        obj["currency"]
    );
    let method = group.options.settle;
    ensure!(obj["settle"] == method.as_str(), "settle is {}", obj["settle"]);
    ensure!(obj["optimal"].is_boolean(), "optimal is not a boolean");
    let each = group.options.balances_in == BalancesIn::Each;

    // Buckets: the group's currency, then (balances kept per currency) the others used, by code.
    let mut buckets: Vec<&str> = vec![gcur];
    if each {
        let mut others: Vec<&str> = group
            .expenses
            .iter()
            .map(|e| e.currency.as_deref())
            .chain(group.payments.iter().map(|p| p.currency.as_deref()))
            .flatten()
            .filter(|c| *c != gcur)
            .collect();
        others.sort_unstable();
        others.dedup();
        buckets.extend(others);
    }
    let bexp: Vec<u32> = buckets.iter().map(|c| exponent(c)).collect::<Result<_, _>>()?;
    let bucket_of = |code: &str| buckets.iter().position(|b| *b == code);
    let n = group.members.len();
    let nb = buckets.len();
    let pos = positions(group);
    let member = |v: &Value, what: &str| -> Result<usize, String> {
        v.as_str()
            .and_then(|s| pos.get(s).copied())
            .ok_or_else(|| format!("{what}: {v} is not a member"))
    };

    // Balances.
    let rows = obj["balances"].as_array().ok_or("balances is not a list")?;
    ensure!(
        rows.len() == n * nb,
        "{} balance rows for {n} members and {nb} currencies",
        rows.len()
    );
    let mut paid = vec![vec![0i128; n]; nb];
    let mut owed = vec![vec![0i128; n]; nb];
    let mut nets = vec![vec![0i128; n]; nb];
    for (r, row) in rows.iter().enumerate() {
        let (m, b) = (r / nb, r % nb);
        let what = format!("balances[{r}]");
        ensure!(
            row["member"] == group.members[m].id.as_str(),
            "{what}: member {} out of order",
            row["member"]
        );
        ensure!(
            row["currency"] == buckets[b],
            "{what}: currency {} is not {}",
            row["currency"],
            buckets[b]
        );
        ensure!(
            row.as_object().is_some_and(|o| o.len() == 5),
            "{what}: unexpected fields {row}"
        );
        paid[b][m] = out_minor(row.get("paid"), bexp[b], &what)?;
        owed[b][m] = out_minor(row.get("owed"), bexp[b], &what)?;
        nets[b][m] = out_minor(row.get("net"), bexp[b], &what)?;
        ensure!(
            paid[b][m].checked_sub(owed[b][m]) == Some(nets[b][m]),
            "{what}: net is not paid - owed: {row}"
        );
    }
    for (b, row) in nets.iter().enumerate() {
        let sum = row.iter().try_fold(0i128, |s, x| s.checked_add(*x));
        ensure!(
            sum == Some(0),
            "the nets in {} add up to {sum:?}, not 0",
            buckets[b]
        );
    }

    // Shares, and what each member should owe and pay.
    let eidx: HashMap<&str, usize> = group
        .expenses
        .iter()
        .enumerate()
        .map(|(k, e)| (e.id.as_str(), k))
        .collect();
    let mut want_owed = vec![vec![0i128; n]; nb];
    let mut want_paid = vec![vec![0i128; n]; nb];
    let mut paid_known = vec![vec![true; n]; nb];
    let mut spent = vec![0i128; nb];
    let mut parts = vec![vec![0i128; n]; group.expenses.len()];
    let mut gparts: Vec<Vec<Option<i128>>> = vec![vec![None; n]; group.expenses.len()];
    let mut last: Option<(usize, usize)> = None;
    let ecur = |k: usize| group.expenses[k].currency.as_deref().unwrap_or(gcur);
    let erate = |k: usize| -> Option<Decimal> {
        let e = &group.expenses[k];
        let c = ecur(k);
        if each || c == gcur {
            return None;
        }
        e.rate
            .or_else(|| group.rates.iter().find(|(code, _)| code == c).map(|(_, r)| *r))
    };
    let share_rows = obj["shares"].as_array().ok_or("shares is not a list")?;
    for (r, row) in share_rows.iter().enumerate() {
        let what = format!("shares[{r}]");
        let k = row["expense"]
            .as_str()
            .and_then(|s| eidx.get(s).copied())
            .ok_or_else(|| format!("{what}: unknown expense {}", row["expense"]))?;
        let m = member(&row["member"], &what)?;
        ensure!(
            last < Some((k, m)),
            "{what}: out of order (expense then member order) or repeated"
        );
        last = Some((k, m));
        let cur = ecur(k);
        ensure!(
            row["currency"] == cur,
            "{what}: currency {} is not the expense's {cur}",
            row["currency"]
        );
        let amount = out_minor(row.get("amount"), exponent(cur)?, &what)?;
        ensure!(amount != 0, "{what}: a zero share is listed");
        parts[k][m] = amount;
        let converted = erate(k).is_some();
        let fields = row.as_object().map_or(0, |o| o.len());
        let in_group = if converted {
            ensure!(
                fields == 5,
                "{what}: a converted share needs a group_amount: {row}"
            );
            let g = out_minor(row.get("group_amount"), gexp, &what)?;
            gparts[k][m] = Some(g);
            g
        } else {
            ensure!(fields == 4, "{what}: unexpected fields: {row}");
            amount
        };
        let b = if each {
            bucket_of(cur).ok_or("a share in an unknown bucket")?
        } else {
            0
        };
        want_owed[b][m] = want_owed[b][m].checked_add(in_group).ok_or("owed overflows")?;
    }
    for (k, e) in group.expenses.iter().enumerate() {
        let what = format!("expense {}", e.id);
        let cur = ecur(k);
        let exp = exponent(cur)?;
        let total = in_minor(e.amount, exp).ok_or_else(|| format!("{what}: amount {} accepted", e.amount))?;
        let sum = parts[k].iter().try_fold(0i128, |s, x| s.checked_add(*x));
        ensure!(
            sum == Some(total),
            "{what}: shares add up to {sum:?}, not {total}"
        );
        check_split(group, k, total, exp, &parts[k])?;
        let b = if each {
            bucket_of(cur).ok_or("an expense in an unknown bucket")?
        } else {
            0
        };
        let in_group = match erate(k) {
            Some(rate) => {
                let g = convert(total, exp, rate, gexp);
                let who: Vec<usize> = (0..n).filter(|m| parts[k][*m] != 0).collect();
                let gp: Vec<i128> = who.iter().map(|m| gparts[k][*m].unwrap_or(0)).collect();
                if let Some(g) = g {
                    let weights: Vec<i128> = who.iter().map(|m| parts[k][*m]).collect();
                    let keys: Vec<u64> = who
                        .iter()
                        .map(|m| tie_key(&e.id, &group.members[*m].id))
                        .collect();
                    check_apportion(&format!("{what} converted"), g, &weights, &keys, &gp)?;
                }
                g
            }
            None => Some(total),
        };
        let Some(in_group) = in_group else {
            return Err(format!(
                "{what}: the converted total does not fit, yet the engine succeeded"
            ));
        };
        spent[b] = spent[b].checked_add(in_group).ok_or("spending overflows")?;
        match &e.paid_by {
            PaidBy::One(id) => {
                let p = *pos.get(id.as_str()).ok_or("unknown payer accepted")?;
                want_paid[b][p] = want_paid[b][p].checked_add(in_group).ok_or("paid overflows")?;
            }
            PaidBy::Several(list) => {
                for Part { member: id, value: a } in list {
                    let p = *pos.get(id.as_str()).ok_or("unknown payer accepted")?;
                    if erate(k).is_some() {
                        paid_known[b][p] = false;
                    } else {
                        let a = in_minor(*a, exp).ok_or("bad payer amount accepted")?;
                        want_paid[b][p] = want_paid[b][p].checked_add(a).ok_or("paid overflows")?;
                    }
                }
            }
        }
    }
    for (k, pay) in group.payments.iter().enumerate() {
        let cur = pay.currency.as_deref().unwrap_or(gcur);
        let exp = exponent(cur)?;
        let amount = in_minor(pay.amount, exp).ok_or("bad payment amount accepted")?;
        let (b, a) = if each {
            (
                bucket_of(cur).ok_or("a payment in an unknown bucket")?,
                Some(amount),
            )
        } else if cur == gcur {
            (0, Some(amount))
        } else {
            let rate = pay
                .rate
                .or_else(|| group.rates.iter().find(|(c, _)| c == cur).map(|(_, r)| *r))
                .ok_or("a payment without a rate accepted")?;
            (0, convert(amount, exp, rate, gexp))
        };
        let a = a.ok_or_else(|| format!("payment {k}: the converted amount does not fit, yet accepted"))?;
        let (from, to) = (pos[pay.from.as_str()], pos[pay.to.as_str()]);
        want_owed[b][to] = want_owed[b][to].checked_add(a).ok_or("owed overflows")?;
        want_paid[b][from] = want_paid[b][from].checked_add(a).ok_or("paid overflows")?;
        spent[b] = spent[b].checked_add(a).ok_or("spending overflows")?;
    }
    for b in 0..nb {
        for m in 0..n {
            ensure!(
                owed[b][m] == want_owed[b][m],
                "{} in {}: owed is {}, its shares and received payments come to {}",
                group.members[m].id,
                buckets[b],
                owed[b][m],
                want_owed[b][m]
            );
            ensure!(
                !paid_known[b][m] || paid[b][m] == want_paid[b][m],
                "{} in {}: paid is {}, what they paid and sent comes to {}",
                group.members[m].id,
                buckets[b],
                paid[b][m],
                want_paid[b][m]
            );
        }
        let total_paid = paid[b].iter().try_fold(0i128, |s, x| s.checked_add(*x));
        ensure!(
            total_paid == Some(spent[b]),
            "in {}: paid adds up to {total_paid:?}, everything spent and sent to {}",
            buckets[b],
            spent[b]
        );
    }

    // Transfers.
    let transfers = obj["transfers"].as_array().ok_or("transfers is not a list")?;
    let mut left = nets.clone();
    let mut count = vec![0usize; nb];
    let mut prev: Option<(usize, String, String, i128)> = None;
    let simplifying = method != SettleMethod::Pairwise;
    for (r, t) in transfers.iter().enumerate() {
        let what = format!("transfers[{r}]");
        ensure!(
            t.as_object().is_some_and(|o| o.len() == 4),
            "{what}: unexpected fields {t}"
        );
        let b = t["currency"]
            .as_str()
            .and_then(bucket_of)
            .ok_or_else(|| format!("{what}: currency {} is not kept", t["currency"]))?;
        let (from, to) = (member(&t["from"], &what)?, member(&t["to"], &what)?);
        ensure!(from != to, "{what}: a transfer to oneself");
        let amount = out_minor(t.get("amount"), bexp[b], &what)?;
        ensure!(amount > 0, "{what}: amount {amount} is not positive");
        let here = (
            b,
            group.members[from].id.clone(),
            group.members[to].id.clone(),
            amount,
        );
        ensure!(
            prev.as_ref() <= Some(&here),
            "{what}: transfers are not in order (currency, from, to, amount)"
        );
        prev = Some(here);
        if simplifying {
            ensure!(
                nets[b][from] < 0 && nets[b][to] > 0,
                "{what}: money moves from a non-debtor or to a non-creditor"
            );
        }
        left[b][from] = left[b][from]
            .checked_add(amount)
            .ok_or("overflow applying transfers")?;
        left[b][to] = left[b][to]
            .checked_sub(amount)
            .ok_or("overflow applying transfers")?;
        count[b] += 1;
    }
    for (b, row) in left.iter().enumerate() {
        ensure!(
            row.iter().all(|x| *x == 0),
            "after the transfers the nets in {} are {row:?}, not all zero",
            buckets[b]
        );
    }
    if simplifying {
        for (b, row) in nets.iter().enumerate() {
            let debtors = row.iter().filter(|x| **x < 0).count();
            let creditors = row.iter().filter(|x| **x > 0).count();
            ensure!(
                count[b] >= debtors.max(creditors),
                "{}: {} transfers, fewer than the lower bound",
                buckets[b],
                count[b]
            );
            if group.options.previous.is_empty() {
                ensure!(
                    count[b] <= (debtors + creditors).saturating_sub(1),
                    "{}: {} transfers for {} non-zero balances",
                    buckets[b],
                    count[b],
                    debtors + creditors
                );
            }
        }
    }
    Ok(())
}
