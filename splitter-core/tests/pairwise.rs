//! `pairwise` with several payers (issue 13): within one expense, each pair's debts are netted
//! exactly, then rounded so that every rounded net debt is the floor or the ceiling of its exact
//! value (exactly it when that is whole), every member's debts still settle their balance, and
//! the order the input lists members in changes nothing.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;
use splitter_core::{compute, Expense, Group, Member, PaidBy, Part, Payment, Report, SettleMethod, Split};

const IDS: [&str; 8] = ["ana", "ben", "cy", "dee", "eli", "fay", "gus", "hal"];

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

fn minor(d: Decimal) -> i128 {
    let c = d * Decimal::ONE_HUNDRED;
    c.mantissa() / 10i128.pow(c.scale())
}

/// One expense in cents: who owes which part, who paid what (both adding up to `total`).
#[derive(Debug, Clone)]
struct Bill {
    parts: Vec<(usize, i64)>,
    paid: Vec<(usize, i64)>,
}

impl Bill {
    fn total(&self) -> i64 {
        self.paid.iter().map(|p| p.1).sum()
    }

    fn expense(&self, id: &str) -> Expense {
        let name = |(i, c): &(usize, i64)| Part::new(IDS[*i], cents(*c));
        Expense::new(
            id,
            cents(self.total()),
            PaidBy::Several(self.paid.iter().map(name).collect()),
            Split::Exact {
                amounts: self.parts.iter().map(name).collect(),
            },
        )
    }
}

/// `k` amounts of random signs (mostly positive) adding up to `total`.
fn amounts(k: usize, total: i64) -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(prop_oneof![4 => 1i64..200_000, 1 => -50_000i64..0], k - 1).prop_map(
        move |mut v| {
            let rest = total - v.iter().sum::<i64>();
            v.push(rest);
            v
        },
    )
}

/// A multi-payer expense among up to eight members: a random set of sharers with random parts,
/// a random set of at least two payers, overlapping or not, and a total that is rarely round
/// (sometimes a multiple of the parts, so that whole and zero nets occur too).
fn bill() -> impl Strategy<Value = Bill> {
    let ids: Vec<usize> = (0..IDS.len()).collect();
    (
        proptest::sample::subsequence(ids.clone(), 1..=IDS.len()),
        proptest::sample::subsequence(ids, 2..=IDS.len()),
        prop_oneof![1i64..1_000_000, -1_000_000i64..-1],
        any::<bool>(),
    )
        .prop_flat_map(|(sharers, payers, total, equal)| {
            let (ks, kp) = (sharers.len(), payers.len());
            let total = if equal {
                // Parts and payments all alike: every net is a whole number of cents or zero.
                let unit = total.signum() * (1 + total.abs() % 997);
                unit * (ks * kp) as i64
            } else {
                total
            };
            let parts = if equal {
                Just(vec![total / ks as i64; ks]).boxed()
            } else {
                amounts(ks, total).boxed()
            };
            let paid = if equal {
                Just(vec![total / kp as i64; kp]).boxed()
            } else {
                amounts(kp, total).boxed()
            };
            (Just(sharers), Just(payers), parts, paid)
        })
        .prop_filter("parts add up to the total", |(_, _, parts, paid)| {
            parts.iter().sum::<i64>() == paid.iter().sum::<i64>() && paid.iter().sum::<i64>() != 0
        })
        .prop_map(|(sharers, payers, parts, paid)| Bill {
            parts: sharers.into_iter().zip(parts).collect(),
            paid: payers.into_iter().zip(paid).collect(),
        })
}

fn group(bills: &[Bill], payments: &[(usize, usize, i64)]) -> Group {
    let mut group = Group {
        currency: "EUR".into(),
        members: IDS.iter().map(|id| Member::new(*id)).collect(),
        expenses: bills
            .iter()
            .enumerate()
            .map(|(k, b)| b.expense(&format!("e{k}")))
            .collect(),
        payments: payments
            .iter()
            .map(|(from, to, c)| Payment::new(IDS[*from], IDS[*to], cents(*c)))
            .collect(),
        ..Group::default()
    };
    group.options.settle = SettleMethod::Pairwise;
    group
}

/// The transfers as net amounts from one member to another (`(a, b) -> x`: a pays b x cents).
fn transfers(report: &Report) -> BTreeMap<(String, String), i128> {
    let mut net = BTreeMap::new();
    for t in &report.transfers {
        assert!(t.amount > Decimal::ZERO);
        let (a, b, x) = if t.from < t.to {
            (&t.from, &t.to, minor(t.amount))
        } else {
            (&t.to, &t.from, -minor(t.amount))
        };
        *net.entry((a.clone(), b.clone())).or_insert(0) += x;
    }
    net
}

/// Applying the transfers as payments brings every balance to zero.
fn settles(report: &Report) -> bool {
    let mut left: BTreeMap<&str, i128> = report
        .balances
        .iter()
        .map(|b| (b.member.as_str(), minor(b.net)))
        .collect();
    for t in &report.transfers {
        *left.get_mut(t.from.as_str()).unwrap() += minor(t.amount);
        *left.get_mut(t.to.as_str()).unwrap() -= minor(t.amount);
    }
    left.values().all(|x| *x == 0)
}

fn floor_div(a: i128, b: i128) -> i128 {
    a.div_euclid(b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every pair's rounded net debt is the floor or the ceiling of its exact net debt
    /// `(part_a paid_b - part_b paid_a) / total`, exactly it when that is whole (no transfer at
    /// all when it is zero), and the transfers settle everyone.
    #[test]
    fn each_net_debt_is_its_floor_or_ceiling(b in bill()) {
        let report = compute(&group(std::slice::from_ref(&b), &[])).unwrap();
        prop_assert!(settles(&report));
        let net = transfers(&report);
        let part = |m: usize| b.parts.iter().find(|p| p.0 == m).map_or(0, |p| i128::from(p.1));
        let paid = |m: usize| b.paid.iter().find(|p| p.0 == m).map_or(0, |p| i128::from(p.1));
        let total = i128::from(b.total());
        for (x, xid) in IDS.iter().enumerate() {
            for (y, yid) in IDS.iter().enumerate().skip(x + 1) {
                // x owes y exactly n / total.
                let (n, t) = (part(x) * paid(y) - part(y) * paid(x), total);
                let (n, t) = if t < 0 { (-n, -t) } else { (n, t) };
                let got = net.get(&(xid.to_string(), yid.to_string())).copied().unwrap_or(0);
                let lo = floor_div(n, t);
                if n % t == 0 {
                    prop_assert_eq!(got, lo, "{} -> {}: exactly {}", xid, yid, lo);
                } else {
                    prop_assert!(got == lo || got == lo + 1, "{} -> {}: {} for {}/{}", xid, yid, got, n, t);
                }
            }
        }
    }

    /// Listing members, payers and parts in another order changes no transfer.
    #[test]
    fn member_order_changes_nothing(
        b in bill(),
        seed in any::<u64>(),
    ) {
        let report = compute(&group(std::slice::from_ref(&b), &[])).unwrap();
        let mut g = group(&[b], &[]);
        let mut s = seed | 1;
        let mut shuffle = |n: usize| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s % n as u64) as usize
        };
        for i in (1..g.members.len()).rev() {
            let j = shuffle(i + 1);
            g.members.swap(i, j);
        }
        if let PaidBy::Several(p) = &mut g.expenses[0].paid_by {
            p.reverse();
        }
        if let Split::Exact { amounts } = &mut g.expenses[0].split {
            for i in (1..amounts.len()).rev() {
                let j = shuffle(i + 1);
                amounts.swap(i, j);
            }
        }
        let shuffled = compute(&g).unwrap();
        prop_assert_eq!(report.transfers, shuffled.transfers);
    }

    /// Several expenses and payments: the transfers still settle everyone, and order still
    /// changes nothing.
    #[test]
    fn many_expenses_settle(
        bills in proptest::collection::vec(bill(), 1..5),
        payments in proptest::collection::vec((0..IDS.len(), 0..IDS.len(), 1i64..100_000), 0..4),
    ) {
        let payments: Vec<(usize, usize, i64)> = payments.into_iter().filter(|(a, b, _)| a != b).collect();
        let report = compute(&group(&bills, &payments)).unwrap();
        prop_assert!(settles(&report));
        let mut g = group(&bills, &payments);
        g.members.reverse();
        prop_assert_eq!(compute(&g).unwrap().transfers, report.transfers);
    }
}

#[test]
fn six_equal_payers_of_an_equal_bill_owe_nothing() {
    // Issue 13, item 2: six members each pay 10.00 of a 60.00 bill split equally.
    let ids = ["f0", "f1", "f2", "f3", "f4", "f5"];
    let mut group = Group {
        currency: "EUR".into(),
        members: ids.iter().map(|id| Member::new(*id)).collect(),
        expenses: vec![Expense::new(
            "dinner",
            cents(6000),
            PaidBy::Several(ids.iter().map(|id| Part::new(*id, cents(1000))).collect()),
            Split::Equal { members: None },
        )],
        ..Group::default()
    };
    group.options.settle = SettleMethod::Pairwise;
    let report = compute(&group).unwrap();
    assert!(report.transfers.is_empty(), "{:?}", report.transfers);
    assert!(report.optimal);
}

#[test]
fn a_large_expense_settles() {
    // 400 members x 400 other payers, a prime total in cents: every debt about 5 cents and almost
    // none whole. (The 1,000 x 1,000 cap is in the benchmarks.)
    let n = 400;
    let total: i64 = 800_011;
    let ids: Vec<String> = (0..2 * n).map(|i| format!("m{i:04}")).collect();
    let mut paid: Vec<Part> = Vec::new();
    let mut left = total;
    for (k, id) in ids[n..].iter().enumerate() {
        let c = if k + 1 == n {
            left
        } else {
            1_000 + (k as i64 * 7_919) % 1_003
        };
        left -= c;
        paid.push(Part::new(id.clone(), cents(c)));
    }
    assert!(left == 0 || paid.last().unwrap().value > Decimal::ZERO);
    let mut group = Group {
        currency: "EUR".into(),
        members: ids.iter().map(|id| Member::new(id.clone())).collect(),
        expenses: vec![Expense::new(
            "x",
            cents(total),
            PaidBy::Several(paid),
            Split::Equal {
                members: Some(ids[..n].to_vec()),
            },
        )],
        ..Group::default()
    };
    group.options.settle = SettleMethod::Pairwise;
    let report = compute(&group).unwrap();
    assert!(settles(&report));
    assert!(report.transfers.len() > 150_000);
}
