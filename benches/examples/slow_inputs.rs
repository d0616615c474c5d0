//! Looks for slow settlement inputs, for every settle method, by hill climbing: start from a
//! random input of one of several families, mutate it (move an amount from one member to another,
//! so the balances still add up to zero; or change one payer's or sharer's amount), keep the
//! mutation when the settlement got slower (the least of three timings, so noise does not steer
//! the climb), and start again from a fresh input when no mutation has helped for a while. Prints
//! the slowest input found per method, with its time.
//!
//! ```sh
//! cargo run --release -p splitter-benches --example slow_inputs -- 60            # seconds per method
//! cargo run --release -p splitter-benches --example slow_inputs -- 60 minimal    # one method
//! ```
//!
//! The methods and sizes: `minimal` at 24 balances (the default and largest exact limit, where the
//! exact search and its safety net do the most work), `greedy` at 100,000 balances, `pairwise` on
//! one expense of 1,000 members and 1,000 payers (its cap) and on one of 200 x 200.
//! `scripts/test` runs it for a few seconds per method (it must run and report; the times are a
//! measurement, not a pass/fail check: see benches/README.md for a long run's worst cases).
use std::time::{Duration, Instant};

use splitter_benches::SplitMix64;
use splitter_core::settle::{greedy, minimal, DEFAULT_EXACT_LIMIT};
use splitter_core::{Decimal, Expense, Group, Member, Options, PaidBy, Part, SettleMethod, Split};

/// The least of three timings of `f`.
fn time(mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Random balances of `n` members adding up to zero, of one of six families.
fn balances(n: usize, family: u64, rng: &mut SplitMix64) -> Vec<i128> {
    let mut v: Vec<i128> = (0..n - 1)
        .map(|k| {
            let x: i64 = match family {
                0 => rng.range(1, 8),
                1 => rng.range(1, 60),
                2 => rng.range(1, 400),
                3 => [1, 2, 3, 5, 8, 13, 21, 34][rng.below(8) as usize],
                4 => 1 << (k % 12),
                _ => rng.range(1, 1_000_000),
            };
            let sign = if rng.chance(1, 2) { 1 } else { -1 };
            i128::from(sign * x)
        })
        .collect();
    let sum: i128 = v.iter().sum();
    v.push(-sum);
    v
}

/// Moves a random small amount from one position to another (the sum stays zero).
#[allow(clippy::ptr_arg)] // climb() hands every nudge a `&mut T` of its input type.
fn nudge(v: &mut Vec<i128>, rng: &mut SplitMix64) {
    let n = v.len();
    let (a, b) = (rng.below(n as u64) as usize, rng.below(n as u64) as usize);
    if a == b {
        return;
    }
    let d = i128::from(rng.range(1, 9));
    v[a] += d;
    v[b] -= d;
}

/// Hill climbing for `seconds`: the slowest input found and its time.
fn climb<T: Clone>(
    seconds: u64,
    fresh: impl Fn(&mut SplitMix64) -> T,
    mutate: impl Fn(&mut T, &mut SplitMix64),
    cost: impl Fn(&T) -> Duration,
) -> (Duration, T) {
    let mut rng = SplitMix64::new(0x5eed);
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut current = fresh(&mut rng);
    let mut current_cost = cost(&current);
    let mut worst = (current_cost, current.clone());
    let mut stale = 0;
    while Instant::now() < end {
        let mut next = current.clone();
        mutate(&mut next, &mut rng);
        let c = cost(&next);
        if c > current_cost {
            (current, current_cost, stale) = (next, c, 0);
            if c > worst.0 {
                worst = (c, current.clone());
            }
        } else {
            stale += 1;
            if stale > 40 {
                current = fresh(&mut rng);
                current_cost = cost(&current);
                stale = 0;
            }
        }
    }
    worst
}

/// One expense of `m` sharers and `p` payers (distinct members), with random amounts.
fn expense_group(m: usize, p: usize, rng: &mut SplitMix64) -> Group {
    let members: Vec<Member> = (0..m + p).map(|i| Member::new(format!("m{i:05}"))).collect();
    let paid: Vec<i64> = (0..p).map(|_| rng.range(100, 99_999)).collect();
    let total: i64 = paid.iter().sum();
    let mut owed: Vec<i64> = (0..m).map(|_| rng.range(1, 1000)).collect();
    let scale: i64 = owed.iter().sum();
    let mut given = 0;
    for o in owed.iter_mut() {
        *o = *o * total / scale;
        given += *o;
    }
    owed[0] += total - given;
    group_of(members, &paid, &owed)
}

fn group_of(members: Vec<Member>, paid: &[i64], owed: &[i64]) -> Group {
    let p = paid.len();
    let total: i64 = paid.iter().sum();
    let payers = members[..p]
        .iter()
        .zip(paid)
        .map(|(m, a)| Part::new(m.id.clone(), Decimal::new(*a, 2)))
        .collect();
    let sharers = members[p..]
        .iter()
        .zip(owed)
        .map(|(m, a)| Part::new(m.id.clone(), Decimal::new(*a, 2)))
        .collect();
    Group {
        currency: "EUR".into(),
        members,
        expenses: vec![Expense::new(
            "e1",
            Decimal::new(total, 2),
            PaidBy::Several(payers),
            Split::Exact { amounts: sharers },
        )],
        options: Options {
            settle: SettleMethod::Pairwise,
            ..Options::default()
        },
        ..Group::default()
    }
}

/// Moves a random amount between two payers or between two sharers of the one expense.
fn nudge_expense(g: &mut Group, rng: &mut SplitMix64) {
    let e = &mut g.expenses[0];
    let list = match (&mut e.paid_by, &mut e.split, rng.chance(1, 2)) {
        (PaidBy::Several(l), _, true) => l,
        (_, Split::Exact { amounts }, _) => amounts,
        _ => return,
    };
    let n = list.len() as u64;
    let (a, b) = (rng.below(n) as usize, rng.below(n) as usize);
    let d = Decimal::new(rng.range(1, 97), 2);
    if a != b && list[b].value > d {
        list[a].value += d;
        list[b].value -= d;
    }
}

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(60);
    let only = std::env::args().nth(2);
    let run = |method: &str| only.as_deref().is_none_or(|o| o == method);
    let n = DEFAULT_EXACT_LIMIT;
    if run("minimal") {
        let (t, v) = climb(
            seconds,
            |rng| balances(n, rng.below(6), rng),
            nudge,
            |v: &Vec<i128>| time(|| drop(minimal(v, DEFAULT_EXACT_LIMIT))),
        );
        println!("minimal, {n} balances: slowest {t:?} for {v:?}");
    }
    if run("greedy") {
        let (t, _) = climb(
            seconds,
            |rng| balances(100_000, rng.below(6), rng),
            nudge,
            |v: &Vec<i128>| time(|| drop(greedy(v))),
        );
        println!("greedy, 100000 balances: slowest {t:?}");
    }
    for (m, p) in [(200, 200), (1000, 1000)] {
        if !run("pairwise") {
            break;
        }
        let start = expense_group(m, p, &mut SplitMix64::new(1));
        splitter_core::compute(&start).expect("an expense within the pairwise cap computes");
        let (t, _) = climb(
            seconds,
            |rng| expense_group(m, p, rng),
            nudge_expense,
            |g| time(|| drop(splitter_core::compute(g))),
        );
        println!("pairwise, one expense of {m} sharers x {p} payers: slowest {t:?}");
    }
}
