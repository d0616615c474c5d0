//! The report in a compact form for the package's JavaScript, which builds from it the very
//! object that `JSON.parse` of the canonical output text gives, several times faster.
//!
//! Most of a large report is its share rows, each an object of four or five strings
//! (`{"expense":"e1","member":"ana","currency":"EUR","amount":"5.00"}`), and most of the time of
//! `JSON.parse` on the canonical text goes into making those objects and strings one by one
//! (the 100,000-expense benchmark group has 580,000 rows: 42 MB of text, but only 100,000
//! expense ids, 12 member ids, one currency and 33,000 distinct amounts). The compact form
//! lists each distinct expense id, member id, currency and amount once and each row as four
//! indices into those lists; the glue (`js/api.js`, `fromParts`) makes every row with one object
//! literal, so that all rows share one shape and reuse the strings. Three sections, each of
//! the first two with its length in bytes first (4 bytes, little-endian):
//!
//! ```text
//! JSON text  {"r": <the canonical report, with "shares":[]>,
//!             "e": [expense ids], "m": [member ids], "c": [currency codes],
//!             "g": [row, group_amount, ...]}      (the rows that have a group_amount)
//! amounts    the distinct amounts, one space between two ("5.00 -0.50 300")
//! rows       from a multiple of 4 bytes on, per row four 32-bit little-endian indices:
//!            expense (into e), member (into m), currency (into c), amount (into the amounts)
//! ```
//!
//! The glue puts the rows in place of the empty `shares` of `r`, so the report's keys keep the
//! canonical order, and each row's keys are in the canonical order: `expense`, `member`,
//! `currency`, `amount`, then `group_amount` where there is one. The tests check, on every
//! corpus case, that the object made from the compact form is the canonical text's.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use splitter_core::{wire, Currency, Decimal, Report};

/// Maps with keys that are already well spread (an address, a decimal's bits).
type FastMap<K> = HashMap<K, u32, BuildHasherDefault<KeyHasher>>;

/// The report in the compact form described above.
pub fn report_to_parts(mut report: Report) -> Vec<u8> {
    let shares = std::mem::take(&mut report.shares);
    let rest = wire::report_to_json(&report);

    // Each row as indices, each distinct value listed once, in the order first met. Rows come
    // in expense order, so an expense's rows are together; member ids are shared strings, so a
    // member's rows hold the same one, found by its address (a member found under two
    // addresses would be harmless: the same text under two indices). Amounts are told apart
    // by their bits (sign, scale and digits), not by value: "1.0" and "1.00" are two texts.
    let mut expenses: Vec<&str> = Vec::new();
    let mut last_expense: Option<&Arc<str>> = None;
    let mut members: Vec<&str> = Vec::new();
    let mut member_index: FastMap<usize> = FastMap::default();
    let mut currencies: Vec<Currency> = Vec::new();
    let mut amounts: Vec<&Decimal> = Vec::new();
    let mut amount_index: FastMap<u128> = FastMap::default();
    let mut rows: Vec<[u32; 4]> = Vec::with_capacity(shares.len());
    for s in &shares {
        if !last_expense.is_some_and(|e| Arc::ptr_eq(e, &s.expense)) {
            expenses.push(&s.expense);
            last_expense = Some(&s.expense);
        }
        let e = index(expenses.len() - 1);
        let m = *member_index
            .entry(Arc::as_ptr(&s.member).cast::<u8>() as usize)
            .or_insert_with(|| {
                members.push(&s.member);
                index(members.len() - 1)
            });
        let c = match currencies.iter().position(|&c| c == s.currency) {
            Some(c) => index(c),
            None => {
                currencies.push(s.currency);
                index(currencies.len() - 1)
            }
        };
        let a = *amount_index
            .entry(u128::from_le_bytes(s.amount.serialize()))
            .or_insert_with(|| {
                amounts.push(&s.amount);
                index(amounts.len() - 1)
            });
        rows.push([e, m, c, a]);
    }

    let ids: usize = expenses.iter().map(|e| e.len() + 3).sum();
    let mut out = Out(Vec::with_capacity(
        rest.len() + ids + 64 * members.len() + 32 * amounts.len() + 16 * shares.len() + 64,
    ));
    let start = out.section();
    out.raw(b"{\"r\":");
    out.raw(rest.as_bytes());
    out.raw(b",\"e\":[");
    for (i, e) in expenses.iter().enumerate() {
        out.comma(i);
        out.string(e);
    }
    out.raw(b"],\"m\":[");
    for (i, m) in members.iter().enumerate() {
        out.comma(i);
        out.string(m);
    }
    out.raw(b"],\"c\":[");
    for (i, c) in currencies.iter().enumerate() {
        out.comma(i);
        out.string(c.code());
    }
    out.raw(b"],\"g\":[");
    let mut first = true;
    for (i, s) in shares.iter().enumerate() {
        if let Some(g) = &s.group_amount {
            if !first {
                out.0.push(b',');
            }
            first = false;
            out.uint(index(i));
            out.0.push(b',');
            out.0.push(b'"');
            out.decimal(g);
            out.0.push(b'"');
        }
    }
    out.raw(b"]}");
    out.end(start);
    let start = out.section();
    for (i, a) in amounts.iter().enumerate() {
        if i > 0 {
            out.0.push(b' ');
        }
        out.decimal(a);
    }
    out.end(start);
    out.0.resize(out.0.len().next_multiple_of(4), 0);
    for row in &rows {
        for i in row {
            out.raw(&i.to_le_bytes());
        }
    }
    out.0
}

/// A position as the form's integer (a report has far fewer than 2^32 rows: they are in memory).
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Hashes an address or a decimal's bits: folded to 64 bits and mixed (MurmurHash3's
/// finaliser), so that every bit of the key reaches the low bits, which pick the bucket (on
/// wasm32 the map uses only the low 32 bits of the hash; addresses are aligned).
#[derive(Default)]
struct KeyHasher(u64);

impl KeyHasher {
    fn mix(mut x: u64) -> u64 {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = Self::mix(self.0);
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = Self::mix(n as u64);
    }

    fn write_u128(&mut self, n: u128) {
        self.0 = Self::mix((n as u64) ^ Self::mix((n >> 64) as u64));
    }
}

/// The compact form's text being written.
struct Out(Vec<u8>);

impl Out {
    fn raw(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    /// Before the `i`th element of an array.
    fn comma(&mut self, i: usize) {
        if i > 0 {
            self.0.push(b',');
        }
    }

    fn uint(&mut self, mut n: u32) {
        let mut digits = [0u8; 10];
        let mut len = 0;
        loop {
            digits[len] = b'0' + (n % 10) as u8;
            n /= 10;
            len += 1;
            if n == 0 {
                break;
            }
        }
        self.0.extend(digits[..len].iter().rev());
    }

    /// A JSON string, escaped as the canonical text escapes it.
    fn string(&mut self, s: &str) {
        splitter_core::wire::push_json_string(&mut self.0, s);
    }

    /// Room for a section's length (four bytes, little-endian), filled by [`Out::end`].
    fn section(&mut self) -> usize {
        self.raw(&[0; 4]);
        self.0.len()
    }

    /// Writes the length of the section that started at `start`.
    fn end(&mut self, start: usize) {
        let len = u32::try_from(self.0.len() - start).unwrap_or(u32::MAX);
        self.0[start - 4..start].copy_from_slice(&len.to_le_bytes());
    }

    /// A decimal as its `Display` writes it (`-0.50`, `300`), as the canonical text has it
    /// (there in quotes).
    fn decimal(&mut self, d: &Decimal) {
        let mut digits = [0u8; 40];
        let mut len = 0;
        let magnitude = d.mantissa().unsigned_abs();
        // Nearly every amount fits in 64 bits, where division is one instruction, not a call.
        match u64::try_from(magnitude) {
            Ok(mut n) => loop {
                digits[len] = b'0' + (n % 10) as u8;
                n /= 10;
                len += 1;
                if n == 0 {
                    break;
                }
            },
            Err(_) => {
                let mut n = magnitude;
                while n > 0 || len == 0 {
                    digits[len] = b'0' + (n % 10) as u8;
                    n /= 10;
                    len += 1;
                }
            }
        }
        let scale = d.scale() as usize;
        if d.is_sign_negative() {
            self.0.push(b'-');
        }
        if len <= scale {
            self.0.push(b'0');
            self.0.push(b'.');
            self.0.extend(std::iter::repeat_n(b'0', scale - len));
            self.0.extend(digits[..len].iter().rev());
        } else {
            self.0.extend(digits[scale..len].iter().rev());
            if scale > 0 {
                self.0.push(b'.');
                self.0.extend(digits[..scale].iter().rev());
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{compute_text, Reading};
    use splitter_core::Json;

    /// The object the glue builds from the compact form (`fromParts` in `js/api.js`), as a
    /// [`Json`] tree with its keys in order.
    fn from_parts(bytes: &[u8]) -> Json {
        let mut at = 0;
        let mut section = || {
            let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let text = std::str::from_utf8(&bytes[at + 4..at + 4 + len]).unwrap();
            at += 4 + len;
            (text, at)
        };
        let (json, _) = section();
        let (amounts, end) = section();
        let Json::Object(form) = Json::parse(json).unwrap() else {
            panic!("not an object")
        };
        let field = |k: &str| form.iter().find(|(key, _)| key == k).unwrap().1.clone();
        let list = |k: &str| match field(k) {
            Json::Array(items) => items,
            v => panic!("{k}: {v:?}"),
        };
        let int = |v: &Json| match v {
            Json::Number(n) => n.parse::<usize>().unwrap(),
            v => panic!("{v:?}"),
        };
        let (e, m, c, g) = (list("e"), list("m"), list("c"), list("g"));
        let a: Vec<Json> = if amounts.is_empty() {
            Vec::new()
        } else {
            amounts.split(' ').map(|a| Json::String(a.into())).collect()
        };
        let distinct: std::collections::HashSet<_> = a.iter().map(to_text).collect();
        assert_eq!(distinct.len(), a.len(), "each amount once");
        let rows = &bytes[end.next_multiple_of(4)..];
        let s: Vec<Json> = rows
            .chunks(4)
            .map(|b| Json::Number(u32::from_le_bytes(b.try_into().unwrap()).to_string()))
            .collect();
        assert_eq!(s.len() % 4, 0);
        let n = s.len() / 4;
        let mut group_amounts = g.chunks(2).map(|p| (int(&p[0]), p[1].clone())).peekable();
        let rows = (0..n)
            .map(|i| {
                let mut row = vec![
                    ("expense".to_string(), e[int(&s[4 * i])].clone()),
                    ("member".to_string(), m[int(&s[4 * i + 1])].clone()),
                    ("currency".to_string(), c[int(&s[4 * i + 2])].clone()),
                    ("amount".to_string(), a[int(&s[4 * i + 3])].clone()),
                ];
                if let Some((_, g)) = group_amounts.next_if(|(row, _)| *row == i) {
                    row.push(("group_amount".to_string(), g));
                }
                Json::Object(row)
            })
            .collect();
        assert!(group_amounts.next().is_none());
        let Json::Object(mut report) = field("r") else {
            panic!("r")
        };
        let shares = report.iter_mut().find(|(k, _)| k == "shares").unwrap();
        assert_eq!(shares.1, Json::Array(Vec::new()));
        shares.1 = Json::Array(rows);
        Json::Object(report)
    }

    /// A value written back as JSON text (numbers as they were written).
    pub(crate) fn to_text(v: &Json) -> String {
        let mut out = Out(Vec::new());
        write(&mut out, v);
        String::from_utf8(out.0).unwrap()
    }

    fn write(out: &mut Out, v: &Json) {
        match v {
            Json::Null => out.raw(b"null"),
            Json::Bool(b) => out.raw(if *b { b"true" } else { b"false" }),
            Json::Number(n) | Json::Float(n) => out.raw(n.as_bytes()),
            Json::String(s) => out.string(s),
            Json::Array(items) => {
                out.raw(b"[");
                for (i, item) in items.iter().enumerate() {
                    out.comma(i);
                    write(out, item);
                }
                out.raw(b"]");
            }
            Json::Object(entries) => {
                out.raw(b"{");
                for (i, (k, item)) in entries.iter().enumerate() {
                    out.comma(i);
                    out.string(k);
                    out.raw(b":");
                    write(out, item);
                }
                out.raw(b"}");
            }
        }
    }

    /// The canonical text and the object built from the compact form agree, keys in order.
    fn same(report: Report) {
        let canonical = Json::parse(&wire::report_to_json(&report)).unwrap();
        assert_eq!(from_parts(&report_to_parts(report)), canonical);
    }

    #[test]
    fn decimals_are_written_as_displayed() {
        let mut out = Out(Vec::new());
        for d in [
            Decimal::new(-50, 2),
            Decimal::new(300, 0),
            Decimal::new(5, 3),
            Decimal::new(0, 2),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_i128_with_scale(i128::from(u64::MAX) + 1, 4),
            Decimal::from_i128_with_scale(-(i128::from(u64::MAX) + 1), 28),
        ] {
            out.0.clear();
            out.decimal(&d);
            assert_eq!(std::str::from_utf8(&out.0).unwrap(), d.to_string());
        }
    }

    #[test]
    fn the_compact_form_makes_the_canonical_object_on_every_corpus_case() {
        let mut reports = 0;
        for (name, text) in crate::tests::corpus() {
            if let Ok(report) = compute_text(&text, Reading::Exact) {
                let canonical = Json::parse(&wire::report_to_json(&report)).unwrap();
                let parts = report_to_parts(report);
                assert_eq!(from_parts(&parts), canonical, "{name}");
                reports += 1;
            }
        }
        assert!(reports > 50, "{reports} reports");
    }

    #[test]
    fn rows_with_group_amounts_ids_that_need_escapes_and_several_currencies() {
        let text = r#"{"currency":"EUR","members":["a\"b","c\\d\u0001","é😀"],
            "rates":{"USD":"0.9","JPY":"0.0061"},
            "expenses":[
              {"id":"x\ny","amount":"10.00","paid_by":"a\"b","split":{"type":"equal"}},
              {"id":"usd","amount":"10.01","currency":"USD","paid_by":"é😀","split":{"type":"equal"}},
              {"id":"jpy","amount":"3001","currency":"JPY","paid_by":"c\\d\u0001","split":{"type":"shares","shares":{"a\"b":"1","é😀":"2"}}},
              {"id":"neg","amount":"-0.05","paid_by":"a\"b","split":{"type":"equal"}}]}"#;
        let report = compute_text(text, Reading::Exact).unwrap();
        assert!(report.shares.iter().any(|s| s.group_amount.is_some()));
        assert!(report.shares.iter().any(|s| s.group_amount.is_none()));
        same(report);
        let empty = compute_text(r#"{"currency":"EUR","members":["a"]}"#, Reading::Exact).unwrap();
        assert!(empty.shares.is_empty());
        same(empty);
    }
}
