//! The range of exact amounts (issue 13): inputs whose intermediate products pass 128 bits (28-digit
//! amounts, 28-decimal rates, weights and percentages at both ends of their ranges) give exact
//! results, and `overflow` only for a result past ±(2^96 - 1) minor units. Regression tests for
//! the issue's reproducers, then property tests against a reference computed on big integers
//! (`num-bigint`), independently of the engine's `i128` and 320-bit arithmetic.

use std::collections::BTreeMap;

use num_bigint::BigInt;
use proptest::prelude::*;
use splitter_core::{
    compute, compute_json, tie_key, Currency, Decimal, ErrorCode, Expense, Group, Member, PaidBy, Part,
    Payment, Report, Split,
};

/// The largest magnitude of an exact amount, in minor units: 2^96 - 1.
const MAX: i128 = (1 << 96) - 1;

const IDS: [&str; 5] = ["ana", "ben", "cy", "dee", "eli"];

// ---------------------------------------------------------------------------------------------
// Regression tests: the issue's reproducers, through the JSON entry point.

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(&compute_json(text).unwrap_or_else(|e| panic!("{e:?}"))).unwrap()
}

/// `(member, amount, group_amount)` of every share row.
fn rows(out: &serde_json::Value) -> Vec<(String, String, Option<String>)> {
    out["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["member"].as_str().unwrap().to_string(),
                s["amount"].as_str().unwrap().to_string(),
                s["group_amount"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn row(member: &str, amount: &str, group: Option<&str>) -> (String, String, Option<String>) {
    (member.into(), amount.into(), group.map(str::to_string))
}

#[test]
fn a_28_decimal_rate_converts_a_large_expense_exactly() {
    let out = json(
        r#"{"currency": "EUR", "members": ["ana", "ben"],
            "rates": {"USD": "0.1234567890123456789012345678"},
            "expenses": [{"id": "e1", "amount": "12345678901.23", "currency": "USD",
                          "paid_by": "ana", "split": {"type": "equal"}}]}"#,
    );
    // 12345678901.23 * 0.1234567890123456789012345678 = 1524157875.3199... EUR: 1524157875.32.
    // The odd cent of the USD parts goes by the tie key; the EUR parts are equal.
    let shares = rows(&out);
    assert_eq!(shares.len(), 2);
    let usd: Vec<&str> = shares.iter().map(|r| r.1.as_str()).collect();
    assert!(usd == ["6172839450.62", "6172839450.61"] || usd == ["6172839450.61", "6172839450.62"]);
    assert!(shares.iter().all(|r| r.2.as_deref() == Some("762078937.66")));
    assert_eq!(out["balances"][0]["paid"], "1524157875.32");
}

#[test]
fn a_28_decimal_rate_converts_a_large_payment_exactly() {
    let out = json(
        r#"{"currency": "EUR", "members": ["ana", "ben"],
            "rates": {"USD": "0.1234567890123456789012345678"},
            "payments": [{"from": "ben", "to": "ana", "amount": "12345678901.23", "currency": "USD"}]}"#,
    );
    assert_eq!(out["balances"][0]["owed"], "1524157875.32");
    assert_eq!(out["balances"][1]["paid"], "1524157875.32");
}

#[test]
fn percentages_with_26_decimals_divide_a_large_amount_exactly() {
    let out = json(
        r#"{"currency": "EUR", "members": ["ana", "ben", "cy"],
            "expenses": [{"id": "e1", "amount": "1000000000.00", "paid_by": "ana",
                          "split": {"type": "percent", "percent": {
                              "ana": "33.33333333333333333333333333",
                              "ben": "33.33333333333333333333333333",
                              "cy": "33.33333333333333333333333334"}}}]}"#,
    );
    assert_eq!(
        rows(&out),
        [
            row("ana", "333333333.33", None),
            row("ben", "333333333.33", None),
            row("cy", "333333333.34", None)
        ]
    );
}

#[test]
fn shares_from_1e_minus_28_to_1e11_divide_exactly() {
    for big in ["10000000000", "100000000000", "79228162514264337593543950335"] {
        let out = json(&format!(
            r#"{{"currency": "EUR", "members": ["a", "b"],
                "expenses": [{{"id": "e1", "amount": "1.00", "paid_by": "a",
                              "split": {{"type": "shares", "shares": {{
                                  "a": "{big}", "b": "0.0000000000000000000000000001"}}}}}}]}}"#
        ));
        assert_eq!(rows(&out), [row("a", "1.00", None)], "a: {big}");
    }
}

#[test]
fn percentages_add_up_to_exactly_100() {
    // 50.00000000000000000000000001 + 49.99999999999999999999999999 + 1e-28 is 100 + 1e-28: a sum
    // of decimals rounds it to 100, the exact check does not.
    let group = r#"{"currency": "EUR", "members": ["ana", "ben", "cy"],
        "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "ana",
                      "split": {"type": "percent", "percent": {
                          "ana": "50.00000000000000000000000001",
                          "ben": "49.99999999999999999999999999",
                          "cy": "PCT"}}}]}"#;
    let e = compute_json(&group.replace("PCT", "0.0000000000000000000000000001")).unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        (ErrorCode::SplitMismatch, "expenses[0].split.percent")
    );
    let ok = json(&group.replace("PCT", "0"));
    assert_eq!(ok["shares"].as_array().unwrap().len(), 2);
}

#[test]
fn results_past_the_range_are_overflow() {
    // The largest amount at a rate just above 1: past 2^96 - 1 cents.
    let e = compute_json(
        r#"{"currency": "EUR", "members": ["ana", "ben"],
            "rates": {"USD": "1.000000000000000000000000001"},
            "expenses": [{"id": "e1", "amount": "792281625142643375935439503.35", "currency": "USD",
                          "paid_by": "ana", "split": {"type": "equal"}}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        (ErrorCode::Overflow, "expenses[0].amount")
    );
    // Parts of opposite signs, converted: 79228162514264337593543950.335 USD at 2 is a part
    // past the range, though the expense itself (0.01 USD) is not.
    let e = compute_json(
        r#"{"currency": "EUR", "members": ["ana", "ben"],
            "rates": {"USD": "3"},
            "expenses": [{"id": "e1", "amount": "0.01", "currency": "USD", "paid_by": "ana",
                          "split": {"type": "exact", "amounts": {
                              "ana": "792281625142643375935439503.35",
                              "ben": "-792281625142643375935439503.34"}}}]}"#,
    )
    .unwrap_err();
    assert_eq!((e.code, e.path.as_str()), (ErrorCode::Overflow, "expenses[0]"));
}

// ---------------------------------------------------------------------------------------------
// The reference: the contract's rules on big integers.

fn big(v: i128) -> BigInt {
    BigInt::from(v)
}

fn pow10(k: u32) -> BigInt {
    BigInt::from(10).pow(k)
}

/// `n / d` rounded half away from zero, `d > 0`.
fn half_away(n: &BigInt, d: &BigInt) -> BigInt {
    let (q, r) = (n / d, n % d);
    let away = if n < &big(0) { -1 } else { 1 };
    if big(2) * (&r * away) >= *d {
        q + away
    } else {
        q
    }
}

/// The rounding rule: `total` divided by `weights` (non-zero sum), each part the floor or the
/// ceiling of its exact share, leftovers to the largest remainders, ties by the tie key of
/// (`seed`, member); a negative total divided as its opposite and negated.
fn reference_apportion(total: &BigInt, weights: &[BigInt], members: &[&str], seed: &str) -> Vec<BigInt> {
    let zero = big(0);
    let mut sum: BigInt = weights.iter().sum();
    assert!(sum != zero);
    let flip = if sum < zero { -1 } else { 1 };
    sum *= flip;
    let t = if total < &zero { -total } else { total.clone() };
    let mut parts: Vec<BigInt> = Vec::new();
    let mut rems: Vec<BigInt> = Vec::new();
    for w in weights {
        let n = &t * w * flip;
        let (mut q, mut r) = (&n / &sum, &n % &sum);
        if r < zero {
            q -= 1;
            r += &sum;
        }
        parts.push(q);
        rems.push(r);
    }
    let given: BigInt = parts.iter().sum();
    let left = usize::try_from(&t - given).unwrap();
    let keys: Vec<u64> = members.iter().map(|m| tie_key(seed, m)).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| rems[b].cmp(&rems[a]).then(keys[a].cmp(&keys[b])));
    for &i in &order[..left] {
        parts[i] += 1;
    }
    if total < &zero {
        parts.iter_mut().for_each(|p| *p = -&*p);
    }
    parts
}

fn in_range(v: &BigInt) -> bool {
    v <= &big(MAX) && v >= &big(-MAX)
}

/// Minor units of a report amount, which has exactly its currency's decimals.
fn minor(d: Decimal, currency: &str) -> BigInt {
    assert_eq!(
        d.scale(),
        Currency::find(currency).unwrap().exponent(),
        "{d} {currency}"
    );
    big(d.mantissa())
}

fn amount(minor: i128, currency: &str) -> Decimal {
    Decimal::from_i128_with_scale(minor, Currency::find(currency).unwrap().exponent())
}

fn group(currency: &str, n: usize, expenses: Vec<Expense>, payments: Vec<Payment>) -> Group {
    Group {
        currency: currency.into(),
        members: IDS[..n].iter().map(|id| Member::new(*id)).collect(),
        rates: Vec::new(),
        expenses,
        payments,
        options: Default::default(),
    }
}

/// Parts (own, group) of every member with a share row, and paid/owed in the group's currency.
struct Seen {
    shares: BTreeMap<String, (BigInt, Option<BigInt>)>,
    paid: BTreeMap<String, BigInt>,
    owed: BTreeMap<String, BigInt>,
}

fn seen(report: &Report) -> Seen {
    let group = report.currency.as_str();
    Seen {
        shares: report
            .shares
            .iter()
            .map(|s| {
                (
                    s.member.to_string(),
                    (
                        minor(s.amount, s.currency.code()),
                        s.group_amount.map(|g| minor(g, group)),
                    ),
                )
            })
            .collect(),
        paid: report
            .balances
            .iter()
            .map(|b| (b.member.clone(), minor(b.paid, &b.currency)))
            .collect(),
        owed: report
            .balances
            .iter()
            .map(|b| (b.member.clone(), minor(b.owed, &b.currency)))
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies at the edges.

/// A magnitude at either end of `1..2^bits` or anywhere between.
fn edgy(bits: u32) -> impl Strategy<Value = i128> {
    let max = (1i128 << bits) - 1;
    prop_oneof![Just(1), Just(2), Just(max), Just(max - 1), 1..=max].prop_map(move |v| v.clamp(1, max))
}

/// A magnitude of 1 to 96 bits (so small and large ones are as likely), at the ends or between.
fn any_size() -> impl Strategy<Value = i128> {
    prop_oneof![Just(96u32), 1u32..=96].prop_flat_map(edgy)
}

/// An amount in minor units within the range (up to 29 digits), with a sign.
fn signed_amount() -> impl Strategy<Value = i128> {
    (any_size(), any::<bool>()).prop_map(|(a, neg)| if neg { -a } else { a })
}

/// A decimal with a mantissa of 0 or at either end of `1..2^96` and 0 to 28 decimals (26 to 28
/// more often: a rate with 28 decimals and a mantissa of 28 digits is below 8).
fn edgy_decimal() -> impl Strategy<Value = Decimal> {
    (
        prop_oneof![1 => Just(0), 6 => any_size()],
        prop_oneof![Just(0u32), Just(28u32), 0u32..=28, 26u32..=28],
    )
        .prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s))
}

const CODES: [&str; 5] = ["JPY", "EUR", "USD", "KWD", "CLF"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// A foreign expense, split equally, converted at a rate with up to 28 decimals: the total
    /// converted once (half away from zero), then divided like the parts.
    #[test]
    fn conversion_at_28_decimal_rates_is_exact(
        a in signed_amount(),
        n in 1usize..=3,
        rate in edgy_decimal().prop_filter("a rate is positive", |r| !r.is_zero()),
        (own, home) in (prop::sample::select(CODES.to_vec()), prop::sample::select(CODES.to_vec()))
            .prop_filter("two currencies", |(a, b)| a != b),
    ) {
        let e = Expense {
            currency: Some(own.into()),
            rate: Some(rate),
            ..Expense::new("e1", amount(a, own), PaidBy::One("ana".into()), Split::Equal { members: None })
        };
        let got = compute(&group(home, n, vec![e], Vec::new()));
        let (ef, eg) = (Currency::find(own).unwrap().exponent(), Currency::find(home).unwrap().exponent());
        let g = half_away(
            &(big(a) * big(rate.mantissa()) * pow10(eg)),
            &pow10(ef + rate.scale()),
        );
        if !in_range(&g) {
            let e = got.unwrap_err();
            prop_assert_eq!((e.code, e.path.as_str()), (ErrorCode::Overflow, "expenses[0].amount"));
            return Ok(());
        }
        let got = seen(&got.unwrap());
        let ids = &IDS[..n];
        let parts = reference_apportion(&big(a), &vec![big(1); n], ids, "e1");
        let (who, parts): (Vec<&str>, Vec<BigInt>) =
            ids.iter().zip(parts).filter(|(_, p)| p != &big(0)).map(|(m, p)| (*m, p)).unzip();
        let group_parts = reference_apportion(&g, &parts, &who, "e1");
        prop_assert_eq!(got.shares.len(), who.len());
        for ((m, p), gp) in who.iter().zip(&parts).zip(&group_parts) {
            prop_assert_eq!(&got.shares[*m], &(p.clone(), Some(gp.clone())), "{}", m);
            prop_assert_eq!(&got.owed[*m], gp);
        }
        prop_assert_eq!(&got.paid["ana"], &g);
    }

    /// A payment converted at a rate with up to 28 decimals: once, half away from zero.
    #[test]
    fn payments_at_28_decimal_rates_are_exact(
        a in any_size(),
        rate in edgy_decimal().prop_filter("a rate is positive", |r| !r.is_zero()),
        (own, home) in (prop::sample::select(CODES.to_vec()), prop::sample::select(CODES.to_vec()))
            .prop_filter("two currencies", |(a, b)| a != b),
    ) {
        let p = Payment {
            currency: Some(own.into()),
            rate: Some(rate),
            ..Payment::new("ben", "ana", amount(a, own))
        };
        let got = compute(&group(home, 2, Vec::new(), vec![p]));
        let (ef, eg) = (Currency::find(own).unwrap().exponent(), Currency::find(home).unwrap().exponent());
        let g = half_away(&(big(a) * big(rate.mantissa()) * pow10(eg)), &pow10(ef + rate.scale()));
        if !in_range(&g) {
            let e = got.unwrap_err();
            prop_assert_eq!((e.code, e.path.as_str()), (ErrorCode::Overflow, "payments[0].amount"));
            return Ok(());
        }
        let got = seen(&got.unwrap());
        prop_assert_eq!(&got.paid["ben"], &g);
        prop_assert_eq!(&got.owed["ana"], &g);
    }

    /// Shares from 1e-28 to 2^96 - 1 (weights of up to 190 bits on their common scale) on amounts
    /// of up to 2^96 - 1 minor units: exact, never an overflow.
    #[test]
    fn shares_at_both_ends_are_exact(
        a in signed_amount(),
        weights in proptest::collection::vec(edgy_decimal(), 1..=5)
            .prop_filter("not all zero", |w| w.iter().any(|w| !w.is_zero())),
    ) {
        let ids = &IDS[..weights.len()];
        let shares = ids.iter().zip(&weights).map(|(m, w)| Part::new(*m, *w)).collect();
        let e = Expense::new("e1", amount(a, "EUR"), PaidBy::One("ana".into()), Split::Shares { shares });
        let got = seen(&compute(&group("EUR", 5, vec![e], Vec::new())).unwrap());
        // Every weight on 28 decimals.
        let scaled: Vec<BigInt> = weights.iter().map(|w| big(w.mantissa()) * pow10(28 - w.scale())).collect();
        let parts = reference_apportion(&big(a), &scaled, ids, "e1");
        for (m, p) in ids.iter().zip(&parts) {
            if p == &big(0) {
                prop_assert!(!got.shares.contains_key(*m));
            } else {
                prop_assert_eq!(&got.shares[*m], &(p.clone(), None), "{}", m);
            }
        }
    }

    /// Percentages that add up to exactly 100: some with up to 26 decimals (up to 100), two with
    /// 28 decimals (below 8), on amounts of up to 2^96 - 1 minor units.
    #[test]
    fn percentages_at_both_ends_are_exact(
        a in signed_amount(),
        s in prop_oneof![Just(0u32), Just(26u32), 0u32..=26],
        coarse in proptest::collection::vec(0u32..=1000, 0..=2),
        fine in prop_oneof![Just(0i128), Just(1), Just(7), 0i128..=7],
        fine_cut in prop_oneof![Just(0u32), Just(1), Just(999), Just(1000), 0u32..=1000],
        edge in prop_oneof![Just(0i128), Just(1), 0i128..=1000],
        normalize in any::<bool>(),
    ) {
        // `fine` percent (times 10^s, less `edge` units of 10^-s) split in two at 28 decimals; the
        // rest of 100 cut into coarse parts at s decimals.
        let unit = pow10(s);
        let fine_total = (big(fine) * &unit - big(edge)).max(big(0)) * pow10(28 - s);
        let f1 = &fine_total * fine_cut / 1000;
        let f2 = &fine_total - &f1;
        let coarse_total = (big(100) * pow10(28) - &fine_total) / pow10(28 - s);
        let mut cuts: Vec<BigInt> = coarse.iter().map(|c| &coarse_total * c / 1000).collect();
        cuts.push(big(0));
        cuts.push(coarse_total.clone());
        cuts.sort();
        let coarse_parts: Vec<BigInt> = cuts.windows(2).map(|w| &w[1] - &w[0]).collect();
        let as_decimal = |m: &BigInt, scale: u32| {
            let d = Decimal::from_i128_with_scale(i128::try_from(m).unwrap(), scale);
            if normalize { d.normalize() } else { d }
        };
        let mut percent: Vec<Decimal> = coarse_parts.iter().map(|p| as_decimal(p, s)).collect();
        percent.push(as_decimal(&f1, 28));
        percent.push(as_decimal(&f2, 28));
        let ids = &IDS[..percent.len()];
        let e = Expense::new(
            "e1",
            amount(a, "EUR"),
            PaidBy::One("ana".into()),
            Split::Percent { percent: ids.iter().zip(&percent).map(|(m, p)| Part::new(*m, *p)).collect() },
        );
        let got = seen(&compute(&group("EUR", 5, vec![e], Vec::new())).unwrap());
        let scaled: Vec<BigInt> = percent.iter().map(|p| big(p.mantissa()) * pow10(28 - p.scale())).collect();
        prop_assert_eq!(scaled.iter().sum::<BigInt>(), big(100) * pow10(28));
        let parts = reference_apportion(&big(a), &scaled, ids, "e1");
        for (m, p) in ids.iter().zip(&parts) {
            if p == &big(0) {
                prop_assert!(!got.shares.contains_key(*m));
            } else {
                prop_assert_eq!(&got.shares[*m], &(p.clone(), None), "{}", m);
            }
        }
    }

    /// Exact parts of opposite signs (up to 2^96 - 1 each), converted: each group part is the
    /// floor or ceiling of its exact share, or `overflow` at the expense when one is past the
    /// range.
    #[test]
    fn converted_parts_of_opposite_signs_are_exact(
        x in any_size(),
        a in signed_amount(),
        rate in prop_oneof![Just(Decimal::new(3, 0)), Just(Decimal::new(1, 28)), edgy_decimal()]
            .prop_filter("a rate is positive", |r| !r.is_zero()),
    ) {
        let y = a - x;
        prop_assume!(y.abs() <= MAX);
        let e = Expense {
            currency: Some("USD".into()),
            rate: Some(rate),
            ..Expense::new(
                "e1",
                amount(a, "USD"),
                PaidBy::One("ana".into()),
                Split::Exact {
                    amounts: vec![Part::new("ana", amount(x, "USD")), Part::new("ben", amount(y, "USD"))],
                },
            )
        };
        let got = compute(&group("EUR", 2, vec![e], Vec::new()));
        let g = half_away(&(big(a) * big(rate.mantissa())), &pow10(rate.scale()));
        if !in_range(&g) {
            let e = got.unwrap_err();
            prop_assert_eq!((e.code, e.path.as_str()), (ErrorCode::Overflow, "expenses[0].amount"));
            return Ok(());
        }
        let (who, own): (Vec<&str>, Vec<BigInt>) =
            [("ana", big(x)), ("ben", big(y))].into_iter().filter(|(_, p)| p != &big(0)).unzip();
        let parts = reference_apportion(&g, &own, &who, "e1");
        // The payer's net, paid less owed, is a result too.
        let net = &g - &parts[0];
        if !parts.iter().all(in_range) {
            let e = got.unwrap_err();
            prop_assert_eq!((e.code, e.path.as_str()), (ErrorCode::Overflow, "expenses[0]"));
            return Ok(());
        }
        if !in_range(&net) {
            prop_assert_eq!(got.unwrap_err().code, ErrorCode::Overflow);
            return Ok(());
        }
        let got = seen(&got.unwrap());
        for ((m, p), gp) in who.iter().zip(&own).zip(&parts) {
            prop_assert_eq!(&got.shares[*m], &(p.clone(), Some(gp.clone())), "{}", m);
        }
    }
}
