//! Replays every input saved under `fuzz/regressions/compute_json/` through `compute_json`: none
//! may panic, and on success the contract's invariants must hold exactly. A compact copy of the
//! fuzz targets' checker (`fuzz/src/check.rs`), so that plain `cargo test` guards what the fuzzer
//! once found without needing nightly flags.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use rust_decimal::Decimal;
use serde_json::Value;
use splitter_core::{BalancesIn, Currency};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions/compute_json")
}

fn exponent(code: &str) -> Result<u32, String> {
    Currency::find(code)
        .map(Currency::exponent)
        .ok_or_else(|| format!("unknown currency {code}"))
}

/// An output amount in minor units; it must carry exactly `exp` decimals.
fn minor(v: &Value, exp: u32) -> Result<i128, String> {
    let s = v.as_str().ok_or_else(|| format!("{v} is not a string"))?;
    let d = Decimal::from_str_exact(s).map_err(|e| format!("'{s}': {e}"))?;
    if d.scale() != exp {
        return Err(format!("'{s}' does not have {exp} decimals"));
    }
    Ok(d.mantissa())
}

/// A checked sum.
fn sum(xs: &[i128]) -> Option<i128> {
    xs.iter().try_fold(0i128, |s, x| s.checked_add(*x))
}

/// An input amount in minor units.
fn in_minor(d: Decimal, exp: u32) -> Option<i128> {
    let (m, s) = (d.mantissa(), d.scale());
    if s <= exp {
        m.checked_mul(10i128.checked_pow(exp - s)?)
    } else {
        let div = 10i128.checked_pow(s - exp)?;
        (m % div == 0).then_some(m / div)
    }
}

/// The converted total: once, half away from zero.
fn convert(amount: i128, from_exp: u32, rate: Decimal, to_exp: u32) -> Option<i128> {
    let num = amount.checked_mul(rate.mantissa())?;
    let down = from_exp + rate.scale();
    if to_exp >= down {
        return num.checked_mul(10i128.checked_pow(to_exp - down)?);
    }
    let d = 10i128.checked_pow(down - to_exp)?;
    let (q, r) = (num / d, num % d);
    Some(if r.unsigned_abs() * 2 >= d.unsigned_abs() {
        q + num.signum()
    } else {
        q
    })
}

fn check(input: &str, out: &str) -> Result<(), String> {
    let group = splitter_core::wire::group_from_json(input).map_err(|e| format!("reader refuses: {e}"))?;
    let v: Value = serde_json::from_str(out).map_err(|e| e.to_string())?;
    let gcur = group.currency.as_str();
    let gexp = exponent(gcur)?;

    // Balances: net = paid - owed; the nets of each currency add up to zero.
    let mut nets: HashMap<(String, String), i128> = HashMap::new();
    let mut per_currency: HashMap<String, i128> = HashMap::new();
    for row in v["balances"].as_array().ok_or("no balances")? {
        let cur = row["currency"].as_str().ok_or("no currency")?;
        let exp = exponent(cur)?;
        let (paid, owed, net) = (
            minor(&row["paid"], exp)?,
            minor(&row["owed"], exp)?,
            minor(&row["net"], exp)?,
        );
        if paid.checked_sub(owed) != Some(net) {
            return Err(format!("net is not paid - owed: {row}"));
        }
        let key = (
            row["member"].as_str().ok_or("no member")?.to_string(),
            cur.to_string(),
        );
        nets.insert(key, net);
        let t = per_currency.entry(cur.to_string()).or_insert(0);
        *t = t.checked_add(net).ok_or("overflow")?;
    }
    if let Some((cur, total)) = per_currency.iter().find(|(_, t)| **t != 0) {
        return Err(format!("the nets in {cur} add up to {total}"));
    }

    // Shares: each expense's rows add up to its amount, their group amounts to its converted total.
    let mut by_expense: HashMap<&str, Vec<&Value>> = HashMap::new();
    for row in v["shares"].as_array().ok_or("no shares")? {
        let id = row["expense"].as_str().ok_or("a share without an expense")?;
        by_expense.entry(id).or_default().push(row);
    }
    for e in &group.expenses {
        let cur = e.currency.as_deref().unwrap_or(gcur);
        let exp = exponent(cur)?;
        let rows = by_expense.remove(e.id.as_str()).unwrap_or_default();
        let total = in_minor(e.amount, exp).ok_or("bad amount accepted")?;
        let amounts = rows
            .iter()
            .map(|r| minor(&r["amount"], exp))
            .collect::<Result<Vec<_>, _>>()?;
        if sum(&amounts) != Some(total) || amounts.contains(&0) {
            return Err(format!(
                "expense {}: shares {amounts:?} do not add up to {total}",
                e.id
            ));
        }
        let converted = group.options.balances_in == BalancesIn::Group && cur != gcur;
        let with_group = rows.iter().filter(|r| r.get("group_amount").is_some()).count();
        if with_group != if converted { rows.len() } else { 0 } {
            return Err(format!(
                "expense {}: group_amount on {with_group} of {} rows",
                e.id,
                rows.len()
            ));
        }
        if converted {
            let rate = e
                .rate
                .or_else(|| group.rates.iter().find(|(c, _)| c == cur).map(|(_, r)| *r))
                .ok_or("converted without a rate")?;
            let g = rows
                .iter()
                .map(|r| minor(&r["group_amount"], gexp))
                .collect::<Result<Vec<_>, _>>()?;
            let want = convert(total, exp, rate, gexp);
            if want.is_some() && sum(&g) != want {
                return Err(format!(
                    "expense {}: group amounts {g:?} do not add up to {want:?}",
                    e.id
                ));
            }
        }
    }

    if let Some(id) = by_expense.keys().next() {
        return Err(format!("share rows for an unknown expense '{id}'"));
    }

    // Transfers: positive, and applied as payments they bring every net to zero.
    for t in v["transfers"].as_array().ok_or("no transfers")? {
        let cur = t["currency"].as_str().ok_or("no currency")?.to_string();
        let amount = minor(&t["amount"], exponent(&cur)?)?;
        if amount <= 0 {
            return Err(format!("transfer of {amount}: {t}"));
        }
        let from = (t["from"].as_str().ok_or("no from")?.to_string(), cur.clone());
        let to = (t["to"].as_str().ok_or("no to")?.to_string(), cur);
        let f = nets.get_mut(&from).ok_or("transfer from an unknown balance")?;
        *f = f.checked_add(amount).ok_or("overflow")?;
        let t = nets.get_mut(&to).ok_or("transfer to an unknown balance")?;
        *t = t.checked_sub(amount).ok_or("overflow")?;
    }
    match nets.iter().find(|(_, n)| **n != 0) {
        Some((k, n)) => Err(format!("after the transfers {k:?} is at {n}")),
        None => Ok(()),
    }
}

#[test]
fn every_saved_fuzz_input_replays_cleanly() {
    let dir = dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the fuzz regressions folder {} is missing: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries.map(|e| e.expect("a readable entry").path()).collect();
    files.retain(|p| p.is_file());
    files.sort();
    assert!(!files.is_empty(), "no regression inputs in {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(path).expect("a readable file");
        let Ok(input) = String::from_utf8(bytes) else {
            continue; // the target only feeds UTF-8 text to the engine
        };
        match catch_unwind(AssertUnwindSafe(|| splitter_core::compute_json(&input))) {
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{name}: panicked: {msg}"));
            }
            Ok(Err(_)) => {}
            Ok(Ok(out)) => {
                if let Err(e) = check(&input, &out) {
                    failures.push(format!("{name}: {e}\n  output: {out}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fuzz regressions fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
