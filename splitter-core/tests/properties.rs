//! Property tests of the contract's invariants over random groups.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use splitter_core::settle::{greedy, lower_bound, minimal};
use splitter_core::{
    compute, report_of_totals, BalancesIn, Currency, Expense, Extra, Group, Item, Member, Options, PaidBy,
    Part, Payment, Report, SettleMethod, Split, Totals, Transfer,
};

const IDS: [&str; 7] = ["ana", "ben", "cy", "dee", "eli", "fay", "gus"];
const CURRENCIES: [&str; 4] = ["EUR", "JPY", "KWD", "USD"];

fn money(minor: i64, currency: &str) -> Decimal {
    Decimal::new(minor, Currency::find(currency).unwrap().exponent())
}

/// A split among `n` members (ids IDS[..n]) of `total` minor units in `currency`.
fn split_strategy(n: usize, total: i64, currency: &'static str, depth: u32) -> BoxedStrategy<Split> {
    let ids = IDS[..n].to_vec();
    let subset = proptest::sample::subsequence(ids.clone(), 1..=n);
    let equal = prop_oneof![
        Just(Split::Equal { members: None }),
        subset.clone().prop_map(|m| Split::Equal {
            members: Some(m.into_iter().map(String::from).collect())
        }),
    ];
    let shares =
        (subset.clone(), proptest::collection::vec(0u32..400, n)).prop_filter_map("all zero", |(m, w)| {
            let shares: Vec<Part> = m
                .iter()
                .zip(&w)
                .map(|(id, w)| Part::new(*id, Decimal::new(i64::from(*w), 1)))
                .collect();
            shares
                .iter()
                .any(|p| !p.value.is_zero())
                .then_some(Split::Shares { shares })
        });
    let percent = subset.clone().prop_flat_map(|m| {
        let k = m.len();
        proptest::collection::vec(0u32..=10_000, k - 1).prop_map(move |mut cuts| {
            // Cut 100.00 into k parts.
            cuts.push(0);
            cuts.push(10_000);
            cuts.sort_unstable();
            let percent = m
                .iter()
                .enumerate()
                .map(|(i, id)| Part::new(*id, Decimal::new(i64::from(cuts[i + 1] - cuts[i]), 2)))
                .collect();
            Split::Percent { percent }
        })
    });
    let exact = subset.clone().prop_flat_map(move |m| {
        let k = m.len();
        proptest::collection::vec(-2000i64..2000, k - 1).prop_map(move |parts| {
            let rest = total - parts.iter().sum::<i64>();
            let amounts = m
                .iter()
                .zip(parts.iter().chain([&rest]))
                .map(|(id, p)| Part::new(*id, money(*p, currency)))
                .collect();
            Split::Exact { amounts }
        })
    });
    let adjustment = (
        subset.clone(),
        subset.clone(),
        proptest::collection::vec(-300i64..300, n),
    )
        .prop_map(move |(m, a, adj)| Split::Adjustment {
            members: Some(m.into_iter().map(String::from).collect()),
            // At most 6 * 300 / 2100 of the amount in all, so the rest keeps the amount's sign.
            adjustments: a
                .iter()
                .zip(&adj)
                .map(|(id, v)| Part::new(*id, money(v * total.abs() / 2100, currency)))
                .collect(),
        });
    let simple = prop_oneof![equal, shares, percent, exact, adjustment].boxed();
    if depth == 0 {
        return simple;
    }
    let itemized = (1usize..4, -500i64..500).prop_flat_map(move |(k, extra)| {
        // Extras of at most half the amount, so the items never come to zero.
        let extra = extra * total.abs() / 1000;
        let items_total = total - extra;
        let base = items_total / k as i64;
        let amounts: Vec<i64> = (0..k)
            .map(|i| {
                if i == 0 {
                    items_total - base * (k as i64 - 1)
                } else {
                    base
                }
            })
            .collect();
        let splits: Vec<_> = amounts
            .iter()
            .map(|a| split_strategy(n, *a, currency, 0))
            .collect();
        splits.prop_map(move |splits| Split::Itemized {
            items: amounts
                .iter()
                .zip(splits)
                .map(|(a, s)| Item {
                    amount: money(*a, currency),
                    split: s,
                    description: None,
                })
                .collect(),
            extras: vec![Extra {
                label: "tip".into(),
                amount: money(extra, currency),
            }],
        })
    });
    prop_oneof![4 => simple, 1 => itemized].boxed()
}

fn expense_strategy(n: usize, k: usize) -> impl Strategy<Value = Expense> {
    (
        proptest::sample::select(CURRENCIES.to_vec()),
        prop_oneof![1i64..200_000, -50_000i64..-1],
        proptest::option::of(1u32..3000),
        any::<bool>(),
    )
        .prop_flat_map(move |(currency, total, rate, several)| {
            let payer = proptest::sample::select(IDS[..n].to_vec());
            let payers = proptest::sample::subsequence(IDS[..n].to_vec(), 1..=n).prop_flat_map(move |who| {
                proptest::collection::vec(0i64..10, who.len()).prop_map(move |w| {
                    // Divide the total among the payers by the weights (the last one takes the rest).
                    let sum: i64 = w.iter().sum::<i64>().max(1);
                    let mut given = 0;
                    let mut out = Vec::new();
                    for (i, id) in who.iter().enumerate() {
                        let a = if i + 1 == who.len() {
                            total - given
                        } else {
                            total * w[i] / sum
                        };
                        given += a;
                        out.push(Part::new(*id, money(a, currency)));
                    }
                    PaidBy::Several(out)
                })
            });
            let paid_by = if several {
                payers.boxed()
            } else {
                payer.prop_map(|p| PaidBy::One(p.to_string())).boxed()
            };
            (paid_by, split_strategy(n, total, currency, 1)).prop_map(move |(paid_by, split)| Expense {
                id: format!("e{k}"),
                amount: money(total, currency),
                currency: (currency != "EUR").then(|| currency.to_string()),
                rate: rate
                    .filter(|_| currency != "EUR")
                    .map(|r| Decimal::new(i64::from(r), 3)),
                paid_by,
                split,
                description: Some(format!("expense {k}")),
                date: Some("2026-01-02".into()),
                category: None,
            })
        })
}

prop_compose! {
    fn group_strategy()(n in 1usize..=6, count in 0usize..8, each in any::<bool>(), method in 0u8..3)
        (expenses in (0..count).map(|k| expense_strategy(n, k)).collect::<Vec<_>>(),
         payments in proptest::collection::vec((0..n, 0..n, 1i64..50_000, proptest::sample::select(CURRENCIES.to_vec())), 0..4),
         n in Just(n), each in Just(each), method in Just(method)) -> Group {
        Group {
            currency: "EUR".into(),
            members: IDS[..n].iter().map(|id| Member::new(*id)).collect(),
            rates: vec![("JPY".into(), Decimal::new(61, 4)), ("KWD".into(), Decimal::new(2987, 3)), ("USD".into(), Decimal::new(92, 2))],
            expenses,
            payments: payments.into_iter().filter(|(f, t, _, _)| f != t).map(|(f, t, a, c)| Payment {
                currency: Some(c.to_string()), ..Payment::new(IDS[f], IDS[t], money(a, c))
            }).collect(),
            options: Options {
                settle: [SettleMethod::Minimal, SettleMethod::Greedy, SettleMethod::Pairwise][usize::from(method)],
                balances_in: if each { BalancesIn::Each } else { BalancesIn::Group },
                ..Options::default()
            },
        }
    }
}

/// Nets per (member, currency) after applying the transfers as payments.
fn settled_nets(report: &Report) -> BTreeMap<(String, String), Decimal> {
    let mut nets = BTreeMap::new();
    for b in &report.balances {
        nets.insert((b.member.clone(), b.currency.clone()), b.net);
    }
    for t in &report.transfers {
        assert!(t.amount > Decimal::ZERO, "transfer {t:?} is not positive");
        *nets
            .get_mut(&(t.from.clone(), t.currency.clone()))
            .expect("payer has a balance") += t.amount;
        *nets
            .get_mut(&(t.to.clone(), t.currency.clone()))
            .expect("receiver has a balance") -= t.amount;
    }
    nets
}

fn converted_total(group: &Group, e: &Expense) -> Decimal {
    let currency = e.currency.as_deref().unwrap_or("EUR");
    if currency == "EUR" {
        return e.amount;
    }
    let rate = e
        .rate
        .unwrap_or_else(|| group.rates.iter().find(|(c, _)| c == currency).unwrap().1);
    (e.amount * rate).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// 400 cases by default; `PROPTEST_CASES=N` for a longer run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_exactly(group in group_strategy()) {
        let report = compute(&group).unwrap();
        // Shares add up to each expense, in its currency and (converted) in the group's.
        for e in &group.expenses {
            let rows: Vec<_> = report.shares.iter().filter(|s| *s.expense == *e.id).collect();
            let sum: Decimal = rows.iter().map(|s| s.amount).sum();
            prop_assert_eq!(sum, e.amount, "shares of {}", e.id);
            if group.options.balances_in == BalancesIn::Group && e.currency.is_some() {
                let g: Decimal = rows.iter().map(|s| s.group_amount.unwrap()).sum();
                prop_assert_eq!(g, converted_total(&group, e), "converted shares of {}", e.id);
            }
        }
        // Nets add up to zero per currency, and net = paid - owed.
        let mut per_currency: BTreeMap<&str, Decimal> = BTreeMap::new();
        for b in &report.balances {
            prop_assert_eq!(b.net, b.paid - b.owed);
            *per_currency.entry(&b.currency).or_default() += b.net;
        }
        for (c, sum) in per_currency {
            prop_assert!(sum.is_zero(), "nets in {} add up to {}", c, sum);
        }
        // Applying the transfers settles everyone to exactly zero.
        for (k, v) in settled_nets(&report) {
            prop_assert!(v.is_zero(), "{:?} is left with {}", k, v);
        }
    }

    /// Balances kept one record at a time are the group's: the records' totals add up to the
    /// group's, taking a record's away gives the group without it, and the report built from the
    /// totals is `compute`'s (without the share rows) for every method but `pairwise`.
    #[test]
    fn totals_kept_record_by_record_are_the_groups(group in group_strategy(), drop in any::<prop::sample::Index>()) {
        let mut kept = Totals::default();
        for e in &group.expenses {
            kept.add(&Totals::of_expense(&group, e).unwrap()).unwrap();
        }
        for p in &group.payments {
            kept.add(&Totals::of_payment(&group, p).unwrap()).unwrap();
        }
        prop_assert_eq!(&kept, &Totals::of_group(&group).unwrap());
        if group.options.settle != SettleMethod::Pairwise {
            let full = compute(&group).unwrap();
            let report = report_of_totals(&group, &kept).unwrap();
            prop_assert_eq!(&report.balances, &full.balances);
            prop_assert_eq!(&report.transfers, &full.transfers);
            prop_assert_eq!((report.optimal, report.settle, &report.currency), (full.optimal, full.settle, &full.currency));
            prop_assert!(report.shares.is_empty());
        }
        if !group.expenses.is_empty() {
            let k = drop.index(group.expenses.len());
            let mut without = group.clone();
            let gone = without.expenses.remove(k);
            kept.subtract(&Totals::of_expense(&group, &gone).unwrap()).unwrap();
            prop_assert_eq!(&kept, &Totals::of_group(&without).unwrap());
        }
    }

    #[test]
    fn the_report_writer_writes_what_serde_json_writes(group in group_strategy(), odd in proptest::collection::vec((any::<i64>(), 0u32..=28, any::<bool>()), 0..4)) {
        // The engine writes its output by hand (for speed); it must be serde_json's bytes, with
        // amounts of any scale and sign (negative zero too) and ids that need escaping.
        if let Ok(mut report) = compute(&group) {
            for (i, (m, scale, neg)) in odd.into_iter().enumerate() {
                let mut d = Decimal::new(m, scale);
                d.set_sign_negative(neg);
                if let Some(b) = report.balances.get_mut(i) {
                    b.net = d;
                    b.member = format!("\"{i}\\\n\u{1}\u{7f}é\u{1F600}/");
                }
            }
            let text = splitter_core::wire::report_to_json(&report);
            prop_assert_eq!(&text, &serde_json::to_string(&report).unwrap());
            let mut streamed = Vec::new();
            splitter_core::wire::write_report(&report, &mut streamed).unwrap();
            prop_assert_eq!(streamed, text.into_bytes());
        }
    }

    #[test]
    fn the_json_form_reads_back_to_the_same_group(group in group_strategy()) {
        let text = splitter_core::wire::group_to_json(&group);
        prop_assert_eq!(splitter_core::wire::group_from_json(&text).unwrap(), group.clone());
        // The one-pass reader answers on every well-formed group, and with the same group.
        let quick = splitter_core::wire::quick_group(&text, splitter_core::wire::Reading::Exact);
        prop_assert_eq!(quick, Some(group));
    }

    #[test]
    fn member_order_and_metadata_change_nothing(group in group_strategy(), seed in any::<u64>()) {
        let before = compute(&group).unwrap();
        let mut other = group.clone();
        // Reverse or rotate the members, and rewrite every description, date and category.
        let len = other.members.len();
        other.members.rotate_left((seed as usize) % len.max(1));
        if seed % 2 == 0 { other.members.reverse(); }
        for e in &mut other.expenses {
            e.description = Some(format!("renamed {seed}"));
            e.date = Some("2030-12-31".into());
            e.category = Some("other".into());
        }
        let after = compute(&other).unwrap();
        let key = |r: &Report| {
            let balances: BTreeMap<_, _> = r.balances.iter().map(|b| ((b.member.clone(), b.currency.clone()), b.clone())).collect();
            let mut shares: Vec<_> = r.shares.iter().map(|s| format!("{s:?}")).collect();
            shares.sort();
            (balances, shares, r.transfers.clone(), r.optimal)
        };
        prop_assert_eq!(key(&before), key(&after));
    }

    #[test]
    fn parts_are_floor_or_ceiling_of_the_exact_share(total in 1i64..1_000_000, weights in proptest::collection::vec(0u32..1000, 1..7)) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let n = weights.len();
        let group = Group {
            currency: "EUR".into(),
            members: IDS[..n].iter().map(|id| Member::new(*id)).collect(),
            expenses: vec![Expense::new("x", money(total, "EUR"), PaidBy::One("ana".into()), Split::Shares {
                shares: IDS[..n].iter().zip(&weights).map(|(id, w)| Part::new(*id, *w)).collect(),
            })],
            ..Group::default()
        };
        let report = compute(&group).unwrap();
        let sum_w: i128 = weights.iter().map(|w| i128::from(*w)).sum();
        for (id, w) in IDS[..n].iter().zip(&weights) {
            let part = report.shares.iter().find(|s| &*s.member == *id).map_or(0, |s| (s.amount * Decimal::ONE_HUNDRED).mantissa() / 10i128.pow((s.amount * Decimal::ONE_HUNDRED).scale()));
            let exact_num = i128::from(total) * i128::from(*w);
            // floor(exact) <= part <= ceil(exact), in integers: part*sum_w within (exact - sum_w, exact + sum_w).
            prop_assert!(part * sum_w > exact_num - sum_w && part * sum_w < exact_num + sum_w, "{id}: {part} for {exact_num}/{sum_w}");
        }
    }

    #[test]
    fn minimal_matches_brute_force(values in proptest::collection::vec(-6i128..=6, 1..9)) {
        let mut nets = values.clone();
        let sum: i128 = nets.iter().sum();
        nets.push(-sum);
        let s = minimal(&nets, 20);
        prop_assert!(s.optimal);
        prop_assert_eq!(s.moves.len(), brute_force_minimum(&nets));
        prop_assert!(settles(&nets, &s.moves));
        let g = greedy(&nets);
        prop_assert!(settles(&nets, &g.moves));
        prop_assert!(s.moves.len() <= g.moves.len());
        prop_assert!(lower_bound(&nets) <= s.moves.len());
        // Above the exact limit the fallback is still a valid settlement.
        let f = minimal(&nets, 0);
        prop_assert!(settles(&nets, &f.moves));
        prop_assert!(f.moves.len() <= g.moves.len());
        if f.optimal { prop_assert_eq!(f.moves.len(), s.moves.len()); }
    }

    #[test]
    fn paying_some_suggestions_keeps_the_rest(group in group_strategy(), pick in proptest::collection::vec(any::<bool>(), 12)) {
        let mut group = group;
        group.options.settle = SettleMethod::Minimal;
        let first = compute(&group).unwrap();
        type Picked<'a> = Vec<(usize, &'a Transfer)>;
        let (paid, rest): (Picked, Picked) =
            first.transfers.iter().enumerate().partition(|(i, _)| pick.get(*i).copied().unwrap_or(false));
        for (_, t) in &paid {
            group.payments.push(Payment { currency: Some(t.currency.clone()), ..Payment::new(&t.from, &t.to, t.amount) });
        }
        group.options.previous = first.transfers.clone();
        let second = compute(&group).unwrap();
        let rest: Vec<Transfer> = rest.into_iter().map(|(_, t)| t.clone()).collect();
        prop_assert_eq!(second.transfers, rest);
    }
}

proptest! {
    // Thousands of small groups against a brute-force optimum (cheap: n <= 9).
    #![proptest_config(ProptestConfig { cases: cases().max(3000), ..ProptestConfig::default() })]

    #[test]
    fn minimal_is_optimal_on_thousands_of_small_groups(values in proptest::collection::vec(-9i128..=9, 1..9)) {
        let mut nets = values;
        let sum: i128 = nets.iter().sum();
        nets.push(-sum);
        let s = minimal(&nets, splitter_core::settle::DEFAULT_EXACT_LIMIT);
        prop_assert!(s.optimal);
        prop_assert_eq!(s.moves.len(), brute_force_minimum(&nets));
        prop_assert!(settles(&nets, &s.moves));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases().min(200), ..ProptestConfig::default() })]

    #[test]
    fn every_method_settles_at_every_size(
        values in proptest::collection::vec(prop_oneof![-40i128..=40, -5_000_000i128..=5_000_000], 1..400),
        limit in prop_oneof![Just(splitter_core::settle::DEFAULT_EXACT_LIMIT), 0usize..=12],
    ) {
        let mut nets = values;
        let sum: i128 = nets.iter().sum();
        nets.push(-sum);
        let m = minimal(&nets, limit);
        let g = greedy(&nets);
        prop_assert!(settles(&nets, &m.moves));
        prop_assert!(settles(&nets, &g.moves));
        // Never more than greedy; only debtors pay, only creditors receive, so the total moved is
        // the minimum possible.
        prop_assert!(m.moves.len() <= g.moves.len());
        prop_assert!(m.moves.iter().all(|t| nets[t.from] < 0 && nets[t.to] > 0));
        prop_assert!(lower_bound(&nets) <= m.moves.len());
        // The same input gives the same transfers.
        prop_assert_eq!(minimal(&nets, limit), m);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases().min(150), ..ProptestConfig::default() })]

    /// Stability above the exact limit too: groups of up to 80 members, settled exactly or by the
    /// heuristic (exact_limit 0..=24), then some suggestions paid.
    #[test]
    fn paid_suggestions_leave_the_rest_unchanged_at_any_size(
        parts in proptest::collection::vec(-3000i64..3000, 2..80),
        limit in 0usize..=24,
        pick in proptest::collection::vec(any::<bool>(), 80),
    ) {
        let n = parts.len() + 1;
        let ids: Vec<String> = (0..n).map(|i| format!("m{i:02}")).collect();
        // One expense paid by m00, shared exactly: m00 is owed the total, the others owe or are
        // owed their part.
        let total: i64 = parts.iter().sum::<i64>() + 1;
        let mut amounts: Vec<Part> = ids[1..].iter().zip(&parts).map(|(id, p)| Part::new(id.clone(), Decimal::new(*p, 2))).collect();
        amounts.push(Part::new(ids[0].clone(), Decimal::new(1, 2)));
        prop_assume!(total != 0);
        let mut group = Group {
            currency: "EUR".into(),
            members: ids.iter().map(Member::new).collect(),
            expenses: vec![Expense::new("e", Decimal::new(total, 2), PaidBy::One(ids[0].clone()), Split::Exact { amounts })],
            options: Options { exact_limit: Some(limit), ..Options::default() },
            ..Group::default()
        };
        let first = compute(&group).unwrap();
        let mut rest = Vec::new();
        for (i, t) in first.transfers.iter().enumerate() {
            if pick[i % pick.len()] {
                group.payments.push(Payment::new(&t.from, &t.to, t.amount));
            } else {
                rest.push(t.clone());
            }
        }
        group.options.previous = first.transfers.clone();
        let second = compute(&group).unwrap();
        prop_assert_eq!(second.transfers, rest);
    }
}

fn settles(nets: &[i128], moves: &[splitter_core::settle::Move]) -> bool {
    let mut left = nets.to_vec();
    for m in moves {
        if m.amount <= 0 {
            return false;
        }
        left[m.from] += m.amount;
        left[m.to] -= m.amount;
    }
    left.iter().all(|x| *x == 0)
}

/// n - (the most disjoint zero-sum groups), by trying every way to grow groups.
fn brute_force_minimum(nets: &[i128]) -> usize {
    let nonzero: Vec<i128> = nets.iter().copied().filter(|x| *x != 0).collect();
    fn most_groups(items: &[i128]) -> usize {
        // The first item belongs to some zero-sum group: try every subset of the rest with it.
        let Some((&first, rest)) = items.split_first() else {
            return 0;
        };
        let mut best = 0;
        for mask in 0u32..(1 << rest.len()) {
            let sum: i128 = first
                + (0..rest.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| rest[i])
                    .sum::<i128>();
            if sum == 0 {
                let left: Vec<i128> = (0..rest.len())
                    .filter(|i| mask & (1 << i) == 0)
                    .map(|i| rest[i])
                    .collect();
                best = best.max(1 + most_groups(&left));
            }
        }
        best
    }
    nonzero.len() - most_groups(&nonzero)
}

#[test]
fn pairwise_refuses_an_expense_with_too_many_debts() {
    // 2,001 members each paying a cent of a 20.01 expense shared by all: 4,004,001 debts.
    let n = 2001;
    let members: Vec<Member> = (0..n).map(|i| Member::new(format!("m{i}"))).collect();
    let payers = members
        .iter()
        .map(|m| Part::new(m.id.clone(), Decimal::new(1, 2)))
        .collect();
    let mut group = Group {
        currency: "EUR".into(),
        members,
        expenses: vec![Expense::new(
            "x",
            Decimal::new(n, 2),
            PaidBy::Several(payers),
            Split::Equal { members: None },
        )],
        ..Group::default()
    };
    group.options.settle = SettleMethod::Pairwise;
    let e = compute(&group).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.path.as_str()),
        ("invalid_option", "options.settle")
    );
    group.options.settle = SettleMethod::Minimal;
    assert!(compute(&group).is_ok());
}

#[test]
fn extra_cents_spread_over_many_expenses() {
    // 300 expenses of 1.00 among three: each leaves one cent over; it must not always land on the
    // same member.
    let group = Group {
        currency: "EUR".into(),
        members: ["ana", "ben", "cy"].iter().map(|id| Member::new(*id)).collect(),
        expenses: (0..300)
            .map(|k| {
                Expense::new(
                    format!("e{k}"),
                    Decimal::ONE,
                    PaidBy::One("ana".into()),
                    Split::Equal { members: None },
                )
            })
            .collect(),
        ..Group::default()
    };
    let report = compute(&group).unwrap();
    for b in &report.balances {
        let extra = report
            .shares
            .iter()
            .filter(|s| *s.member == *b.member && s.amount == Decimal::new(34, 2))
            .count();
        assert!(
            (70..=130).contains(&extra),
            "{} took the extra cent {extra} times of 300",
            b.member
        );
    }
}
