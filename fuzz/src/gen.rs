//! A typed [`Group`] built from the fuzzer's bytes: a few members, expenses of every split type in
//! EUR, JPY, KWD and USD with rates, one or several payers, refunds, payments and options. Built
//! to be valid most of the time (so that the invariants get checked), with the odd zero weight,
//! negative part, missing rate or huge amount to walk the error paths too.

use arbitrary::{Result, Unstructured};
use rust_decimal::Decimal;
use splitter_core::{
    BalancesIn, Currency, Expense, Extra, Group, Item, Member, Options, PaidBy, Part, Payment, SettleMethod,
    Split, Transfer,
};

/// The currencies used: 2, 0, 3 and 2 decimals.
pub const CURRENCIES: [&str; 4] = ["EUR", "JPY", "KWD", "USD"];

/// Member ids: short, long, sharing prefixes, non-ASCII, so that tie keys vary.
const NAMES: [&str; 12] = [
    "ana",
    "ben",
    "cy",
    "dee",
    "a",
    "ab",
    "b",
    "zoë",
    "Ω",
    "eve-longer-name",
    "fay",
    "gus",
];

fn exponent(code: &str) -> u32 {
    Currency::find(code).map_or(2, Currency::exponent)
}

/// Minor units as a decimal with the currency's decimals, sometimes written shorter (`"12.3"`) or
/// with a trailing zero (`"12.300"`).
fn decimal(u: &mut Unstructured, minor: i128, exp: u32) -> Result<Decimal> {
    let d = Decimal::try_from_i128_with_scale(minor, exp).unwrap_or(Decimal::ONE);
    Ok(match u.int_in_range(0u8..=9)? {
        0 => {
            let mut n = d.normalize();
            if n.scale() > exp {
                n = d;
            }
            n
        }
        1 => minor
            .checked_mul(10)
            .and_then(|m| Decimal::try_from_i128_with_scale(m, exp + 1).ok())
            .unwrap_or(d),
        _ => d,
    })
}

/// A positive amount in minor units: mostly small, sometimes tiny, rarely huge.
fn magnitude(u: &mut Unstructured) -> Result<i128> {
    Ok(match u.int_in_range(0u8..=19)? {
        0 => u.int_in_range(1i128..=10i128.pow(27))?,
        1..=4 => u.int_in_range(1i128..=12)?,
        _ => u.int_in_range(1i128..=500_000)?,
    })
}

fn rate(u: &mut Unstructured) -> Result<Decimal> {
    let m = match u.int_in_range(0u8..=9)? {
        0 => u.int_in_range(1i64..=9)?,
        _ => u.int_in_range(1i64..=2_000_000)?,
    };
    Ok(Decimal::new(m, u.int_in_range(0u32..=6)?))
}

/// A non-empty subset of the members, in a shuffled order.
fn subset(u: &mut Unstructured, members: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for m in members {
        if u.ratio(2u8, 3)? {
            out.push(m.clone());
        }
    }
    if out.is_empty() {
        out.push(u.choose(members)?.clone());
    }
    for i in (1..out.len()).rev() {
        let j = u.int_in_range(0..=i)?;
        out.swap(i, j);
    }
    Ok(out)
}

/// A split of a total of `total` minor units; returns the split and the total it actually
/// divides (exact amounts and itemized splits set their own total).
fn split(
    u: &mut Unstructured,
    members: &[String],
    exp: u32,
    total: i128,
    items: bool,
) -> Result<(Split, i128)> {
    let kind = u.int_in_range(0u8..=if items { 5 } else { 4 })?;
    Ok(match kind {
        0 => {
            let members = if u.ratio(1u8, 2)? {
                None
            } else {
                Some(subset(u, members)?)
            };
            (Split::Equal { members }, total)
        }
        1 => {
            let who = subset(u, members)?;
            let scale = u.int_in_range(0u32..=3)?;
            let mut shares = Vec::new();
            for m in who {
                let w = match u.int_in_range(0u8..=9)? {
                    0 => 0,
                    _ => u.int_in_range(1i64..=30)?,
                };
                shares.push(Part::new(m, Decimal::new(w, scale)));
            }
            (Split::Shares { shares }, total)
        }
        2 => {
            let who = subset(u, members)?;
            let scale = u.int_in_range(0u32..=2)?;
            let hundred = 100 * 10i64.pow(scale);
            let mut left = hundred;
            let mut percent = Vec::new();
            for (i, m) in who.iter().enumerate() {
                let p = if i + 1 == who.len() {
                    left
                } else {
                    u.int_in_range(0..=left.max(0))?
                };
                left -= p;
                percent.push(Part::new(m.clone(), Decimal::new(p, scale)));
            }
            (Split::Percent { percent }, total)
        }
        3 => {
            let who = subset(u, members)?;
            let mut amounts = Vec::new();
            let mut sum = 0i128;
            for m in who {
                let a = match u.int_in_range(0u8..=9)? {
                    0 => 0,
                    1 => -u.int_in_range(1i128..=500)?,
                    _ => magnitude(u)?,
                };
                sum += a;
                amounts.push((m, a));
            }
            if sum == 0 {
                amounts[0].1 += 1;
                sum += 1;
            }
            let amounts = amounts
                .into_iter()
                .map(|(m, a)| Ok(Part::new(m, decimal(u, a, exp)?)))
                .collect::<Result<_>>()?;
            (Split::Exact { amounts }, sum)
        }
        4 => {
            let mut adjustments = Vec::new();
            for m in subset(u, members)? {
                if u.ratio(1u8, 2)? {
                    let cap = (total / 4).max(1);
                    let a = u.int_in_range(-cap..=cap)?;
                    adjustments.push(Part::new(m, decimal(u, a, exp)?));
                }
            }
            let members = if u.ratio(1u8, 2)? {
                None
            } else {
                Some(subset(u, members)?)
            };
            (Split::Adjustment { members, adjustments }, total)
        }
        _ => {
            let mut items = Vec::new();
            let mut sum = 0i128;
            for _ in 0..u.int_in_range(1u8..=3)? {
                let amount = if u.ratio(1u8, 10)? {
                    -magnitude(u)?
                } else {
                    magnitude(u)?
                };
                let (split, amount) = split(u, members, exp, amount, false)?;
                sum += amount;
                items.push(Item {
                    amount: decimal(u, amount, exp)?,
                    split,
                    description: None,
                });
            }
            let mut extras = Vec::new();
            for label in ["tax", "tip", "discount"] {
                if u.ratio(1u8, 3)? {
                    let cap = (sum.abs() / 5).max(1);
                    let a = u.int_in_range(1..=cap)?;
                    let a = if label == "discount" { -a } else { a };
                    sum += a;
                    extras.push(Extra {
                        label: label.to_string(),
                        amount: decimal(u, a, exp)?,
                    });
                }
            }
            (Split::Itemized { items, extras }, sum)
        }
    })
}

fn expense(u: &mut Unstructured, k: usize, gcur: &str, members: &[String]) -> Result<Expense> {
    let currency = if u.ratio(3u8, 5)? {
        None
    } else {
        Some(u.choose(&CURRENCIES)?.to_string())
    };
    let exp = exponent(currency.as_deref().unwrap_or(gcur));
    let start = magnitude(u)?;
    let (split, total) = split(u, members, exp, start, true)?;
    let refund = u.ratio(1u8, 8)?;
    let (split, total) = if refund {
        (Split::negated(split), -total)
    } else {
        (split, total)
    };
    let paid_by = if u.ratio(3u8, 4)? {
        PaidBy::One(u.choose(members)?.clone())
    } else {
        let payers = subset(u, members)?;
        let mut left = total;
        let mut list = Vec::new();
        for (i, p) in payers.iter().enumerate() {
            let a = if i + 1 == payers.len() {
                left
            } else {
                let pct = u.int_in_range(0i128..=100)?;
                total.checked_mul(pct).map_or(0, |x| x / 100)
            };
            left -= a;
            list.push(Part::new(p.clone(), decimal(u, a, exp)?));
        }
        PaidBy::Several(list)
    };
    let rate = if u.ratio(1u8, 6)? { Some(rate(u)?) } else { None };
    Ok(Expense {
        id: if u.ratio(1u8, 20)? {
            format!("expense #{k} é")
        } else {
            format!("e{k}")
        },
        amount: decimal(u, total, exp)?,
        currency,
        rate,
        paid_by,
        split,
        description: u.ratio(1u8, 4)?.then(|| "dinner".to_string()),
        date: u.ratio(1u8, 4)?.then(|| "2024-02-29".to_string()),
        category: None,
    })
}

/// A group from the fuzzer's bytes.
pub fn group(u: &mut Unstructured) -> Result<Group> {
    let gcur = u.choose(&CURRENCIES)?.to_string();
    let n = u.int_in_range(1usize..=8)?;
    let start = u.int_in_range(0usize..=NAMES.len() - 1)?;
    let ids: Vec<String> = (0..n)
        .map(|i| NAMES[(start + i) % NAMES.len()].to_string())
        .collect();
    let members = ids
        .iter()
        .map(|id| Member {
            id: id.clone(),
            name: u.ratio(1u8, 5).ok().filter(|b| *b).map(|_| id.to_uppercase()),
        })
        .collect();
    let mut rates = Vec::new();
    for c in CURRENCIES {
        if c != gcur && u.ratio(7u8, 8)? {
            rates.push((c.to_string(), rate(u)?));
        }
    }
    let mut expenses = Vec::new();
    for k in 0..u.int_in_range(0usize..=10)? {
        expenses.push(expense(u, k, &gcur, &ids)?);
    }
    let mut payments = Vec::new();
    if n >= 2 {
        for k in 0..u.int_in_range(0usize..=4)? {
            let from = u.int_in_range(0..=n - 1)?;
            let to = (from + u.int_in_range(1..=n - 1)?) % n;
            let currency = if u.ratio(2u8, 3)? {
                None
            } else {
                Some(u.choose(&CURRENCIES)?.to_string())
            };
            let exp = exponent(currency.as_deref().unwrap_or(&gcur));
            payments.push(Payment {
                id: u.ratio(1u8, 3)?.then(|| format!("p{k}")),
                from: ids[from].clone(),
                to: ids[to].clone(),
                amount: {
                    let m = magnitude(u)?;
                    decimal(u, m, exp)?
                },
                currency,
                rate: if u.ratio(1u8, 8)? { Some(rate(u)?) } else { None },
                date: None,
            });
        }
    }
    let settle = *u.choose(&[
        SettleMethod::Minimal,
        SettleMethod::Greedy,
        SettleMethod::Pairwise,
    ])?;
    let balances_in = if u.ratio(1u8, 4)? {
        BalancesIn::Each
    } else {
        BalancesIn::Group
    };
    let exact_limit = if u.ratio(1u8, 4)? {
        Some(u.int_in_range(0usize..=12)?)
    } else {
        None
    };
    let mut previous = Vec::new();
    if n >= 2 && u.ratio(1u8, 5)? {
        for _ in 0..u.int_in_range(1u8..=3)? {
            let from = u.int_in_range(0..=n - 1)?;
            let to = (from + u.int_in_range(1..=n - 1)?) % n;
            let exp = exponent(&gcur);
            previous.push(Transfer {
                from: ids[from].clone(),
                to: ids[to].clone(),
                amount: Decimal::try_from_i128_with_scale(magnitude(u)?.min(10i128.pow(9)), exp)
                    .unwrap_or(Decimal::ONE),
                currency: gcur.clone(),
            });
        }
    }
    Ok(Group {
        currency: gcur,
        members,
        rates,
        expenses,
        payments,
        options: Options {
            settle,
            balances_in,
            exact_limit,
            previous,
        },
    })
}
