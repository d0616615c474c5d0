//! A deterministic generator of realistic groups for the benchmarks of `splitter-core`.
//!
//! [`group`] builds a typed [`Group`] of `n` expenses among 12 members, 6 members per expense,
//! with every split type (equal, shares, percent, exact, adjustment, itemized with tax, tip and
//! discounts), some expenses paid by several members, some refunds, some expenses in USD converted
//! at the group's rate, and a payment for every 20 expenses. [`group_json`] writes the same group as
//! the contract's JSON text, for the benchmark of the JSON path.
//!
//! The randomness is a [`SplitMix64`] seeded by the caller: the same `n` and seed give the same
//! group on every machine. No floating point anywhere: amounts are drawn as whole cents.

pub mod balances;

use rust_decimal::Decimal;
use splitter_core::{
    BalancesIn, Expense, Extra, Group, Item, Member, Options, PaidBy, Part, Payment, SettleMethod, Split,
};

/// The number of members of a generated group.
pub const MEMBERS: usize = 12;

/// The number of members sharing each generated expense.
pub const PER_EXPENSE: usize = 6;

/// The seed the benchmarks use.
pub const SEED: u64 = 0x5EED_CAFE_F00D_0001;

/// SplitMix64 (Steele, Lea and Flood), the whole generator in four lines: small, fast and the same
/// everywhere.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = hi.abs_diff(lo) + 1;
        lo.wrapping_add_unsigned(self.below(span))
    }

    /// True `num` times out of `den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    /// `k` distinct positions out of `0..n`, in random order (partial Fisher-Yates).
    pub fn pick(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k {
            let span = u64::try_from(n - i).unwrap_or(1);
            let j = i + usize::try_from(self.below(span)).unwrap_or(0);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }
}

/// The member ids: `m00` to `m11`.
pub fn member_ids() -> Vec<String> {
    (0..MEMBERS).map(|i| format!("m{i:02}")).collect()
}

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

/// `total` cents cut into `k` random parts (each at least 1 when `total >= k`).
fn cut(rng: &mut SplitMix64, total: i64, k: usize) -> Vec<i64> {
    let mut parts = Vec::with_capacity(k);
    let mut left = total;
    for i in 0..k {
        let rest = i64::try_from(k - i - 1).unwrap_or(0);
        let p = if rest == 0 {
            left
        } else {
            rng.range(1.min(left), (left - rest).max(1))
        };
        parts.push(p);
        left -= p;
    }
    parts
}

/// An item's or an expense's simple split among `who`, for `total` cents.
fn simple_split(rng: &mut SplitMix64, ids: &[String], who: &[usize], total: i64) -> Split {
    let names = |v: &[usize]| v.iter().map(|i| ids[*i].clone()).collect::<Vec<_>>();
    match rng.below(3) {
        0 => Split::Equal {
            members: Some(names(who)),
        },
        1 => Split::Shares {
            shares: who
                .iter()
                .map(|i| Part::new(ids[*i].clone(), rng.range(1, 4)))
                .collect(),
        },
        _ => Split::Exact {
            amounts: who
                .iter()
                .zip(cut(rng, total, who.len()))
                .map(|(i, c)| Part::new(ids[*i].clone(), cents(c)))
                .collect(),
        },
    }
}

/// One expense: its split and its total in cents.
fn expense_split(rng: &mut SplitMix64, ids: &[String], who: &[usize]) -> (Split, i64) {
    let names = |v: &[usize]| v.iter().map(|i| ids[*i].clone()).collect::<Vec<_>>();
    let total = rng.range(500, 50_000);
    match rng.below(20) {
        // Equal: 30%.
        0..=5 => (
            Split::Equal {
                members: Some(names(who)),
            },
            total,
        ),
        // Shares: 15%, weights such as 1, 2, 1.5.
        6..=8 => (
            Split::Shares {
                shares: who
                    .iter()
                    .map(|i| Part::new(ids[*i].clone(), Decimal::new(rng.range(2, 8) * 5, 1)))
                    .collect(),
            },
            total,
        ),
        // Percent: 15%, two decimals adding up to exactly 100.
        9..=11 => (
            Split::Percent {
                percent: who
                    .iter()
                    .zip(cut(rng, 10_000, who.len()))
                    .map(|(i, p)| Part::new(ids[*i].clone(), Decimal::new(p, 2)))
                    .collect(),
            },
            total,
        ),
        // Exact: 15%.
        12..=14 => (
            Split::Exact {
                amounts: who
                    .iter()
                    .zip(cut(rng, total, who.len()))
                    .map(|(i, c)| Part::new(ids[*i].clone(), cents(c)))
                    .collect(),
            },
            total,
        ),
        // Adjustment: 10%, one or two members paying a little more or less.
        15..=16 => {
            let adjustments = who
                .iter()
                .take(usize::try_from(rng.range(1, 2)).unwrap_or(1))
                .map(|i| Part::new(ids[*i].clone(), cents(rng.range(-total / 20, total / 10))))
                .collect();
            (
                Split::Adjustment {
                    members: Some(names(who)),
                    adjustments,
                },
                total,
            )
        }
        // Itemized: 15%, two to four items among parts of the six, with tax, tip and discounts.
        _ => {
            let mut items = Vec::new();
            let mut sum = 0;
            for _ in 0..rng.range(2, 4) {
                let k = usize::try_from(rng.range(1, 4)).unwrap_or(1);
                let sub: Vec<usize> = rng.pick(who.len(), k).into_iter().map(|j| who[j]).collect();
                let amount = rng.range(200, 8_000);
                sum += amount;
                items.push(Item {
                    amount: cents(amount),
                    split: simple_split(rng, ids, &sub, amount),
                    description: None,
                });
            }
            let mut extras = vec![Extra {
                label: "tax".into(),
                amount: cents(sum / 10),
            }];
            let mut extra = sum / 10;
            if rng.chance(1, 2) {
                let tip = rng.range(100, 1_500);
                extra += tip;
                extras.push(Extra {
                    label: "tip".into(),
                    amount: cents(tip),
                });
            }
            if rng.chance(1, 5) {
                let discount = rng.range(50, sum / 5);
                extra -= discount;
                extras.push(Extra {
                    label: "discount".into(),
                    amount: cents(-discount),
                });
            }
            (Split::Itemized { items, extras }, sum + extra)
        }
    }
}

/// A realistic group of `n` expenses (see the crate's documentation), the same for the same `n`
/// and `seed`. Settles with `minimal`, balances in the group's currency (EUR).
pub fn group(n: usize, seed: u64) -> Group {
    let mut rng = SplitMix64::new(seed);
    let ids = member_ids();
    let mut expenses = Vec::with_capacity(n);
    for k in 0..n {
        let who = rng.pick(MEMBERS, PER_EXPENSE);
        let (split, total) = expense_split(&mut rng, &ids, &who);
        let refund = rng.chance(1, 25);
        let (split, total) = if refund {
            (Split::negated(split), -total)
        } else {
            (split, total)
        };
        let paid_by = if rng.chance(1, 10) {
            let k = 2 + usize::try_from(rng.below(2)).unwrap_or(0);
            let payers = rng.pick(PER_EXPENSE, k);
            let parts = cut(&mut rng, total.abs(), payers.len());
            PaidBy::Several(
                payers
                    .iter()
                    .zip(parts)
                    .map(|(j, c)| Part::new(ids[who[*j]].clone(), cents(total.signum() * c)))
                    .collect(),
            )
        } else {
            PaidBy::One(ids[who[usize::try_from(rng.below(6)).unwrap_or(0)]].clone())
        };
        let usd = rng.chance(3, 20);
        expenses.push(Expense {
            id: format!("e{k}"),
            amount: cents(total),
            currency: usd.then(|| "USD".to_string()),
            rate: None,
            paid_by,
            split,
            description: Some(format!("expense {k}")),
            date: Some(format!("2024-{:02}-{:02}", 1 + k % 12, 1 + k % 28)),
            category: None,
        });
    }
    let payments = (0..n / 20)
        .map(|k| {
            let pair = rng.pick(MEMBERS, 2);
            Payment {
                id: Some(format!("p{k}")),
                from: ids[pair[0]].clone(),
                to: ids[pair[1]].clone(),
                amount: cents(rng.range(1_000, 20_000)),
                currency: None,
                rate: None,
                date: None,
            }
        })
        .collect();
    Group {
        currency: "EUR".into(),
        members: ids.iter().map(|id| Member::new(id.clone())).collect(),
        rates: vec![("USD".into(), Decimal::new(92, 2))],
        expenses,
        payments,
        options: Options {
            settle: SettleMethod::Minimal,
            balances_in: BalancesIn::Group,
            exact_limit: None,
            previous: Vec::new(),
        },
    }
}

/// The plainest large group: `n` expenses among 6 members, each split equally among all of them
/// and paid by one, amounts from 1.00 to 500.00, with a description and a date (the shape of the
/// CLI measurement in issue 13: about 11 MB of JSON in for 100,000 expenses, 42 MB out).
pub fn plain_group(n: usize, seed: u64) -> Group {
    let mut rng = SplitMix64::new(seed);
    let ids: Vec<String> = (0..6).map(|i| format!("m{i}")).collect();
    let expenses = (0..n)
        .map(|i| Expense {
            description: Some(format!("expense {i}")),
            date: Some(format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28)),
            ..Expense::new(
                format!("e{i}"),
                cents(rng.range(100, 50_000)),
                PaidBy::One(ids[usize::try_from(rng.below(6)).unwrap_or(0)].clone()),
                Split::Equal { members: None },
            )
        })
        .collect();
    Group {
        currency: "EUR".into(),
        members: ids.iter().map(Member::new).collect(),
        expenses,
        ..Group::default()
    }
}

/// The same group as [`group`], as the contract's JSON text.
pub fn group_json(n: usize, seed: u64) -> String {
    splitter_core::wire::group_to_json(&group(n, seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        assert_eq!(group(200, SEED), group(200, SEED));
        assert_ne!(group(200, SEED), group(200, SEED + 1));
    }
}
