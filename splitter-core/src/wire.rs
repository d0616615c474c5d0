//! The wire form of the contract: reading a [`Group`] from JSON with a path for every error, and
//! writing a [`Report`] or an [`Error`] as JSON.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;

use rust_decimal::Decimal;

use crate::error::{Error, ErrorCode, Path, Result};
use crate::json::{Document, MAX_DEPTH};
use crate::model::{Expense, Extra, Group, Item, Member, Options, PaidBy, Part, Payment, Split};
use crate::money;
use crate::quick;
pub use crate::quick::Reading;
use crate::report::{Report, Transfer};
use crate::settle::MAX_EXACT_LIMIT;
use crate::source::{Entries, Node, Source};
use crate::suggest::did_you_mean;

/// Reads a group from the contract's JSON text (lazily, through a [`Document`]: no tree).
///
/// # Errors
/// `invalid_json` (with the line and column) when the text is not JSON; otherwise the first
/// problem the reader finds in the group's shape, with its path: `invalid_input`,
/// `invalid_amount` (an amount, rate or weight that is not a decimal string or JSON number),
/// `duplicate_id` (a key repeated in an object) or `invalid_option`. What only
/// [`crate::compute`] checks (members, currencies, splits adding up) is left to it.
///
/// # Example
/// ```
/// use splitter_core::wire::group_from_json;
/// let group = group_from_json(r#"{"currency": "EUR", "members": ["ana", {"id": "ben", "name": "Ben"}]}"#)?;
/// assert_eq!(group.members[1].name.as_deref(), Some("Ben"));
/// let err = group_from_json(r#"{"currency": "EUR", "members": "ana"}"#).unwrap_err();
/// assert_eq!(err.to_string(), "invalid_input at members: expected an array, not a string");
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn group_from_json(text: &str) -> Result<Group> {
    if let Some(group) = quick::group(text, Reading::Exact) {
        return Ok(group);
    }
    if !Document::fits(text) {
        return group_from_value(&crate::Json::parse(text)?);
    }
    group_from_value(&Document::new(text)?.root())
}

/// Reads a group from JSON text in one pass, straight into the typed group, or returns `None`
/// when the text holds anything but a well-formed group: a syntax error, an unknown or repeated
/// key, a `null`, a value of the wrong type, an amount that does not parse, `options.previous`,
/// itemized splits nested more than four deep. Then the reference reader
/// ([`group_from_value`] over a [`Document`]) has the answer, the group or the error with its
/// path: [`group_from_json`] turns to it. Where this reader answers, its group is the one the
/// reference reader would read (tested on every input the tests and the fuzzer try), in about
/// half the time and with no memory beyond the group.
///
/// `reading` says how numbers and strings are taken: [`Reading::Exact`] for JSON text, or
/// [`Reading::Host`] for a host's `JSON.stringify` text (numbers were binary floats).
///
/// # Example
/// ```
/// use splitter_core::wire::{group_from_json, quick_group, Reading};
/// let text = r#"{"currency": "EUR", "members": ["ana", "ben"]}"#;
/// assert_eq!(quick_group(text, Reading::Exact), Some(group_from_json(text)?));
/// // A `null` is left to the reference reader, which reads it as an absent field.
/// assert_eq!(quick_group(r#"{"currency": "EUR", "members": [], "rates": null}"#, Reading::Exact), None);
/// // A number where money is expected, in a host's text: refused there, with its path.
/// let host = r#"{"currency": "EUR", "members": [], "rates": {"USD": 0.5}}"#;
/// assert_eq!(quick_group(host, Reading::Host(None)), None);
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn quick_group(text: &str, reading: Reading<'_>) -> Option<Group> {
    quick::group(text, reading)
}

/// Reads one expense in the contract's form (with its `id`) from a parsed JSON value or any
/// [`Source`]: the syntax only (types, fields, decimals); what it means inside a group is
/// checked by [`crate::Totals::of_expense`] or [`crate::compute`]. Paths are relative to the
/// expense (`split.shares.ana`).
///
/// # Errors
/// `invalid_input` or `invalid_amount` with the path of the first problem.
///
/// # Example
/// ```
/// use splitter_core::{wire, Json};
/// let v = Json::parse(r#"{"id": "e1", "amount": "12.50", "paid_by": "ana", "split": {"type": "equal"}}"#)?;
/// let e = wire::expense_from_value(&v)?;
/// assert_eq!(wire::expense_to_json(&e), r#"{"id":"e1","amount":"12.50","paid_by":"ana","split":{"type":"equal"}}"#);
/// let bad = Json::parse(r#"{"id": "e1", "amount": "12,50", "paid_by": "ana", "split": {"type": "equal"}}"#)?;
/// assert_eq!(wire::expense_from_value(&bad).unwrap_err().path, "amount");
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn expense_from_value<S: Source>(v: &S) -> Result<Expense> {
    expense(v, &Path::Root)
}

/// Reads one payment in the contract's form, like [`expense_from_value`].
///
/// # Errors
/// `invalid_input` or `invalid_amount` with the path of the first problem.
pub fn payment_from_value<S: Source>(v: &S) -> Result<Payment> {
    payment(v, &Path::Root)
}

/// One expense as the contract's compact JSON, exactly as it stands inside
/// [`group_to_json`]'s output.
pub fn expense_to_json(e: &Expense) -> String {
    let mut w = Chunked::in_memory(256);
    expense_into(&mut w, e);
    w.into_string()
}

/// One payment as the contract's compact JSON, exactly as it stands inside [`group_to_json`]'s
/// output.
pub fn payment_to_json(p: &Payment) -> String {
    let mut w = Chunked::in_memory(128);
    payment_into(&mut w, p);
    w.into_string()
}

/// Reads a group from a parsed JSON value, or from a binding's own objects read in place (any
/// [`Source`]); errors carry the contract's code and path either way.
///
/// # Errors
/// As [`group_from_json`], less `invalid_json`; a [`Node::Refused`] value is refused with its
/// own code and message.
///
/// # Example
/// ```
/// use splitter_core::{wire, Json};
/// let value = Json::parse(r#"{"currency": "JPY", "members": ["a", "b"]}"#)?;
/// assert_eq!(wire::group_from_value(&value)?.currency, "JPY");
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn group_from_value<S: Source>(v: &S) -> Result<Group> {
    let root = Path::Root;
    let o = Obj::new(v.node(), &root, &GROUP)?;
    let currency = string(o.require("currency")?, &root.field("currency"))?.into_owned();
    let members = list(o.require("members")?, &root.field("members"), member)?;
    let rates = match o.get("rates") {
        Some(v) => decimal_map(v, &root.field("rates"), RATES_EXAMPLE)?
            .into_iter()
            .map(|p| (p.member, p.value))
            .collect(),
        None => Vec::new(),
    };
    let expenses = match o.get("expenses") {
        Some(v) => list(v, &root.field("expenses"), expense)?,
        None => Vec::new(),
    };
    let payments = match o.get("payments") {
        Some(v) => list(v, &root.field("payments"), payment)?,
        None => Vec::new(),
    };
    let options = match o.get("options") {
        Some(v) => options(v, &root.field("options"), &currency)?,
        None => Options::default(),
    };
    Ok(Group {
        currency,
        members,
        rates,
        expenses,
        payments,
        options,
    })
}

/// Puts the options that `v` names (an object in the form of the contract's `options`) over
/// the group's own, as the bindings' keyword options do; errors are at `options.<field>`.
///
/// # Errors
/// `invalid_input` (not an object, an unknown field, a wrong type) or `invalid_option` (an
/// unknown method, an `exact_limit` past 24), at `options.<field>`.
///
/// # Example
/// ```
/// use splitter_core::{wire, Json, SettleMethod};
/// let mut group = wire::group_from_json(r#"{"currency": "EUR", "members": ["ana"],
///   "options": {"settle": "greedy", "exact_limit": 5}}"#)?;
/// wire::override_options(&mut group, &Json::parse(r#"{"settle": "pairwise"}"#)?)?;
/// assert_eq!((group.options.settle, group.options.exact_limit), (SettleMethod::Pairwise, Some(5)));
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn override_options<S: Source>(group: &mut Group, v: &S) -> Result<()> {
    let root = Path::Root;
    options_into(&mut group.options, v, &root.field("options"), &group.currency)
}

/// Writes a group in the contract's compact JSON form (amounts as decimal strings), the inverse
/// of [`group_from_json`]: reading the text back gives the same [`Group`]. The contract's maps
/// (`shares`, `paid_by`, ...) are written in their order with any repeated member kept, so that
/// a group the engine would refuse (`duplicate_id`) is still refused once written and read back.
///
/// # Example
/// ```
/// use splitter_core::wire::{group_from_json, group_to_json};
/// let text = r#"{"currency": "EUR", "members": ["ana", "ben"], "expenses": [{"id": "e1",
///   "amount": "9.99", "paid_by": "ana", "split": {"type": "equal"}}]}"#;
/// let group = group_from_json(text)?;
/// assert_eq!(group_from_json(&group_to_json(&group))?, group);
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn group_to_json(group: &Group) -> String {
    let mut w = Chunked::in_memory(256 + group.expenses.len() * 256);
    w.open(b'{');
    w.key("currency");
    w.string(&group.currency);
    w.key("members");
    w.open(b'[');
    for m in &group.members {
        w.elem();
        match &m.name {
            Some(name) => {
                w.open(b'{');
                w.key("id");
                w.string(&m.id);
                w.key("name");
                w.string(name);
                w.close(b'}');
            }
            None => w.string(&m.id),
        }
    }
    w.close(b']');
    w.key("rates");
    w.open(b'{');
    for (code, rate) in &group.rates {
        w.key(code);
        w.decimal(rate);
    }
    w.close(b'}');
    w.key("expenses");
    w.open(b'[');
    for e in &group.expenses {
        w.elem();
        expense_into(&mut w, e);
    }
    w.close(b']');
    w.key("payments");
    w.open(b'[');
    for p in &group.payments {
        w.elem();
        payment_into(&mut w, p);
    }
    w.close(b']');
    let o = &group.options;
    w.key("options");
    w.open(b'{');
    w.key("settle");
    w.string(o.settle.as_str());
    w.key("balances_in");
    w.string(o.balances_in.as_str());
    if let Some(limit) = o.exact_limit {
        w.key("exact_limit");
        w.raw(limit.to_string().as_bytes());
    }
    if !o.previous.is_empty() {
        w.key("previous");
        w.open(b'[');
        for t in &o.previous {
            w.elem();
            w.open(b'{');
            w.key("from");
            w.string(&t.from);
            w.key("to");
            w.string(&t.to);
            w.key("amount");
            w.decimal(&t.amount);
            w.key("currency");
            w.string(&t.currency);
            w.close(b'}');
        }
        w.close(b']');
    }
    w.close(b'}');
    w.close(b'}');
    w.into_string()
}

/// `"key":"value"` when the value is there.
fn opt_into<W: std::io::Write>(w: &mut Chunked<W>, key: &str, value: Option<&String>) {
    if let Some(v) = value {
        w.key(key);
        w.string(v);
    }
}

/// A map of the contract (`shares`, `paid_by`, ...) in its order, repeats kept.
fn parts_into<W: std::io::Write>(w: &mut Chunked<W>, parts: &[Part]) {
    w.open(b'{');
    for p in parts {
        w.key(&p.member);
        w.decimal(&p.value);
    }
    w.close(b'}');
}

fn expense_into<W: std::io::Write>(w: &mut Chunked<W>, e: &Expense) {
    w.open(b'{');
    w.key("id");
    w.string(&e.id);
    w.key("amount");
    w.decimal(&e.amount);
    opt_into(w, "currency", e.currency.as_ref());
    if let Some(rate) = &e.rate {
        w.key("rate");
        w.decimal(rate);
    }
    w.key("paid_by");
    match &e.paid_by {
        PaidBy::One(id) => w.string(id),
        PaidBy::Several(list) => parts_into(w, list),
    }
    w.key("split");
    split_into(w, &e.split);
    opt_into(w, "description", e.description.as_ref());
    opt_into(w, "date", e.date.as_ref());
    opt_into(w, "category", e.category.as_ref());
    w.close(b'}');
}

fn split_into<W: std::io::Write>(w: &mut Chunked<W>, s: &Split) {
    w.open(b'{');
    w.key("type");
    let members = |w: &mut Chunked<W>, members: &Option<Vec<String>>| {
        if let Some(list) = members {
            w.key("members");
            w.open(b'[');
            for m in list {
                w.elem();
                w.string(m);
            }
            w.close(b']');
        }
    };
    match s {
        Split::Equal { members: m } => {
            w.string("equal");
            members(w, m);
        }
        Split::Shares { shares } => {
            w.string("shares");
            w.key("shares");
            parts_into(w, shares);
        }
        Split::Percent { percent } => {
            w.string("percent");
            w.key("percent");
            parts_into(w, percent);
        }
        Split::Exact { amounts } => {
            w.string("exact");
            w.key("amounts");
            parts_into(w, amounts);
        }
        Split::Adjustment {
            members: m,
            adjustments,
        } => {
            w.string("adjustment");
            members(w, m);
            w.key("adjustments");
            parts_into(w, adjustments);
        }
        Split::Itemized { items, extras } => {
            w.string("itemized");
            w.key("items");
            w.open(b'[');
            for i in items {
                w.elem();
                w.open(b'{');
                w.key("amount");
                w.decimal(&i.amount);
                w.key("split");
                split_into(w, &i.split);
                opt_into(w, "description", i.description.as_ref());
                w.close(b'}');
            }
            w.close(b']');
            w.key("extras");
            w.open(b'[');
            for x in extras {
                w.elem();
                w.open(b'{');
                w.key("label");
                w.string(&x.label);
                w.key("amount");
                w.decimal(&x.amount);
                w.close(b'}');
            }
            w.close(b']');
        }
    }
    w.close(b'}');
}

fn payment_into<W: std::io::Write>(w: &mut Chunked<W>, p: &Payment) {
    w.open(b'{');
    w.key("from");
    w.string(&p.from);
    w.key("to");
    w.string(&p.to);
    w.key("amount");
    w.decimal(&p.amount);
    opt_into(w, "currency", p.currency.as_ref());
    if let Some(rate) = &p.rate {
        w.key("rate");
        w.decimal(rate);
    }
    opt_into(w, "id", p.id.as_ref());
    opt_into(w, "date", p.date.as_ref());
    w.close(b'}');
}

/// The report as the contract's compact JSON (the canonical, byte-identical form): the bytes
/// [`write_report`] writes.
///
/// # Example
/// ```
/// use splitter_core::{compute, wire};
/// let group = wire::group_from_json(r#"{"currency": "EUR", "members": ["ana", "ben"],
///     "expenses": [{"id": "x", "amount": "3.00", "paid_by": "ana", "split": {"type": "equal"}}]}"#)?;
/// let json = wire::report_to_json(&compute(&group)?);
/// assert!(json.starts_with(r#"{"currency":"EUR","balances":[{"member":"ana","currency":"EUR","#));
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn report_to_json(report: &Report) -> String {
    let mut w = Chunked::in_memory(report_size(report));
    // Nothing is written to the sink (no limit), so nothing fails; only UTF-8 is written.
    let _ = report_into(report, &mut w);
    w.into_string()
}

/// Writes the report as the contract's compact JSON to `out`, a piece at a time (a few tens of
/// kilobytes held at once, however large the report): for a caller writing a large report to a
/// file, a socket or standard output without holding its text.
///
/// # Errors
/// The writer's own error, as soon as a write fails.
///
/// # Example
/// ```
/// use splitter_core::{compute, wire};
/// let group = wire::group_from_json(r#"{"currency": "EUR", "members": ["ana", "ben"],
///     "expenses": [{"id": "x", "amount": "3.00", "paid_by": "ana", "split": {"type": "equal"}}]}"#)?;
/// let report = compute(&group)?;
/// let mut out = Vec::new();
/// wire::write_report(&report, &mut out).expect("a Vec takes every write");
/// assert_eq!(out, wire::report_to_json(&report).into_bytes());
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub fn write_report<W: std::io::Write>(report: &Report, out: W) -> std::io::Result<()> {
    let mut w = Chunked {
        buf: Vec::with_capacity(CHUNK + 1024),
        out,
        limit: CHUNK,
        fresh: true,
    };
    report_into(report, &mut w)?;
    w.out.write_all(&w.buf)?;
    w.out.flush()
}

/// Writes the report's JSON through `w`.
fn report_into<W: std::io::Write>(report: &Report, w: &mut Chunked<W>) -> std::io::Result<()> {
    w.raw(b"{\"currency\":");
    w.string(&report.currency);
    w.raw(b",\"balances\":[");
    for (i, b) in report.balances.iter().enumerate() {
        w.raw(if i == 0 { b"{\"member\":" } else { b",{\"member\":" });
        w.string(&b.member);
        w.raw(b",\"currency\":");
        w.string(&b.currency);
        w.raw(b",\"paid\":");
        w.decimal(&b.paid);
        w.raw(b",\"owed\":");
        w.decimal(&b.owed);
        w.raw(b",\"net\":");
        w.decimal(&b.net);
        w.raw(b"}");
        w.flush_some()?;
    }
    w.raw(b"],\"shares\":[");
    for (i, s) in report.shares.iter().enumerate() {
        w.raw(if i == 0 {
            b"{\"expense\":"
        } else {
            b",{\"expense\":"
        });
        w.string(&s.expense);
        w.raw(b",\"member\":");
        w.string(&s.member);
        w.raw(b",\"currency\":");
        w.string(s.currency.code());
        w.raw(b",\"amount\":");
        w.decimal(&s.amount);
        if let Some(g) = &s.group_amount {
            w.raw(b",\"group_amount\":");
            w.decimal(g);
        }
        w.raw(b"}");
        w.flush_some()?;
    }
    w.raw(b"],\"transfers\":[");
    for (i, t) in report.transfers.iter().enumerate() {
        w.raw(if i == 0 { b"{\"from\":" } else { b",{\"from\":" });
        w.string(&t.from);
        w.raw(b",\"to\":");
        w.string(&t.to);
        w.raw(b",\"amount\":");
        w.decimal(&t.amount);
        w.raw(b",\"currency\":");
        w.string(&t.currency);
        w.raw(b"}");
        w.flush_some()?;
    }
    w.raw(b"],\"settle\":");
    w.string(report.settle.as_str());
    w.raw(if report.optimal {
        b",\"optimal\":true}"
    } else {
        b",\"optimal\":false}"
    });
    Ok(())
}

/// About the length of a report's JSON, to size its buffer once.
fn report_size(report: &Report) -> usize {
    let share = report
        .shares
        .first()
        .map_or(0, |s| 80 + s.expense.len() + s.member.len());
    128 + report.balances.len() * 96 + report.shares.len() * share + report.transfers.len() * 96
}

/// How many bytes [`write_report`] gathers before handing them to its writer.
const CHUNK: usize = 1 << 16;

/// A writer's buffer, handed over to it whenever it holds `limit` bytes or more.
struct Chunked<W> {
    buf: Vec<u8>,
    out: W,
    limit: usize,
    /// Just after an opening bracket: the next key or element needs no comma.
    fresh: bool,
}

impl Chunked<std::io::Sink> {
    /// A writer that keeps everything in memory (no limit: nothing reaches the sink).
    fn in_memory(capacity: usize) -> Self {
        Chunked {
            buf: Vec::with_capacity(capacity),
            out: std::io::sink(),
            limit: usize::MAX,
            fresh: true,
        }
    }

    /// What was written: only UTF-8 text is ever written.
    fn into_string(self) -> String {
        String::from_utf8(self.buf).unwrap_or_default()
    }
}

impl<W: std::io::Write> Chunked<W> {
    fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    fn open(&mut self, bracket: u8) {
        self.buf.push(bracket);
        self.fresh = true;
    }

    fn close(&mut self, bracket: u8) {
        self.buf.push(bracket);
        self.fresh = false;
    }

    /// Before an array's element.
    fn elem(&mut self) {
        if !self.fresh {
            self.buf.push(b',');
        }
        self.fresh = false;
    }

    /// An object's key and its colon.
    fn key(&mut self, key: &str) {
        self.elem();
        self.string(key);
        self.buf.push(b':');
    }

    /// A JSON string, escaped exactly as `serde_json` escapes it.
    fn string(&mut self, s: &str) {
        push_json_string(&mut self.buf, s);
    }

    /// A decimal as a JSON string, as its `Display` writes it (`"-0.50"`, `"300"`).
    fn decimal(&mut self, d: &Decimal) {
        let mut digits = [0u8; 40];
        let mut n = d.mantissa().unsigned_abs();
        let mut len = 0;
        // 128-bit division is a library call: nearly every amount fits 64 bits.
        while n > u128::from(u64::MAX) {
            digits[len] = b'0' + (n % 10) as u8;
            n /= 10;
            len += 1;
        }
        let mut n = n as u64;
        while n > 0 || len == 0 {
            digits[len] = b'0' + (n % 10) as u8;
            n /= 10;
            len += 1;
        }
        let scale = d.scale() as usize;
        self.buf.push(b'"');
        if d.is_sign_negative() {
            self.buf.push(b'-');
        }
        if len <= scale {
            self.buf.push(b'0');
            self.buf.push(b'.');
            self.buf.extend(std::iter::repeat_n(b'0', scale - len));
            self.buf.extend(digits[..len].iter().rev());
        } else {
            self.buf.extend(digits[scale..len].iter().rev());
            if scale > 0 {
                self.buf.push(b'.');
                self.buf.extend(digits[..scale].iter().rev());
            }
        }
        self.buf.push(b'"');
    }

    /// Hands the buffer to the writer once it is past the limit.
    fn flush_some(&mut self) -> std::io::Result<()> {
        if self.buf.len() >= self.limit {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

/// Appends `s` to `buf` as a JSON string, escaped exactly as `serde_json` escapes it: `"`, `\`
/// and the control characters (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`); every other
/// character as it is.
///
/// # Example
/// ```
/// let mut buf = Vec::new();
/// splitter_core::wire::push_json_string(&mut buf, "a\"b\n\u{1}é");
/// assert_eq!(String::from_utf8(buf).unwrap(), r#""a\"b\n\u0001é""#);
/// ```
pub fn push_json_string(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            buf.extend_from_slice(b"\\u00");
            buf.push(HEX[usize::from(b >> 4)]);
            buf.push(HEX[usize::from(b & 0xf)]);
        } else {
            buf.extend_from_slice(escape);
        }
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

/// The error as the contract's error object: `{"error": {"code", "message", "path"}}`. The
/// `message` is the text people read, the error's display (`code at path: message`, see
/// [`crate::error_text`]), so that whoever shows only the message shows the code and the path
/// too; `code` and `path` stay apart for programs.
///
/// # Example
/// ```
/// let err = splitter_core::compute_json(r#"{"currency": "EUR", "members": ["ana"], "payments": [{"from": "ana", "to": "ana", "amount": "5"}]}"#)
///     .unwrap_err();
/// assert_eq!(
///     splitter_core::wire::error_to_json(&err),
///     r#"{"error":{"code":"invalid_input","message":"invalid_input at payments[0].to: a payment from 'ana' to themself; a payment is between two different members","path":"payments[0].to"}}"#
/// );
/// ```
pub fn error_to_json(e: &Error) -> String {
    let text = e.to_string();
    let mut w = Chunked::in_memory(64 + text.len() + e.path.len());
    w.open(b'{');
    w.key("error");
    w.open(b'{');
    w.key("code");
    w.string(e.code.as_str());
    w.key("message");
    w.string(&text);
    w.key("path");
    w.string(&e.path);
    w.close(b'}');
    w.close(b'}');
    w.into_string()
}

/// One kind of object of the contract: what messages call it, every field it may have (in the
/// contract's order) and the fields it must have.
struct Shape {
    what: &'static str,
    fields: &'static [&'static str],
    required: &'static [&'static str],
    /// What else may stand in its place, for messages (`" (or an id string)"`).
    or_else: &'static str,
}

const GROUP: Shape = Shape {
    what: "the group",
    fields: &["currency", "members", "rates", "expenses", "payments", "options"],
    required: &["currency", "members"],
    or_else: "",
};
const MEMBER: Shape = Shape {
    what: "a member",
    fields: &["id", "name"],
    required: &["id"],
    or_else: " (or an id string)",
};
const EXPENSE: Shape = Shape {
    what: "an expense",
    fields: &[
        "id",
        "amount",
        "currency",
        "rate",
        "paid_by",
        "split",
        "description",
        "date",
        "category",
    ],
    required: &["id", "amount", "paid_by", "split"],
    or_else: "",
};
/// A split whose type is not known yet: any split's field.
const SPLIT: Shape = Shape {
    what: "a split",
    fields: &[
        "type",
        "members",
        "shares",
        "percent",
        "amounts",
        "adjustments",
        "items",
        "extras",
    ],
    required: &["type"],
    or_else: "",
};
const EQUAL: Shape = Shape {
    what: "an equal split",
    fields: &["type", "members"],
    required: &["type"],
    or_else: "",
};
const SHARES: Shape = Shape {
    what: "a shares split",
    fields: &["type", "shares"],
    required: &["type", "shares"],
    or_else: "",
};
const PERCENT: Shape = Shape {
    what: "a percent split",
    fields: &["type", "percent"],
    required: &["type", "percent"],
    or_else: "",
};
const EXACT: Shape = Shape {
    what: "an exact split",
    fields: &["type", "amounts"],
    required: &["type", "amounts"],
    or_else: "",
};
const ADJUSTMENT: Shape = Shape {
    what: "an adjustment split",
    fields: &["type", "members", "adjustments"],
    required: &["type"],
    or_else: "",
};
const ITEMIZED: Shape = Shape {
    what: "an itemized split",
    fields: &["type", "items", "extras"],
    required: &["type", "items"],
    or_else: "",
};
const ITEM: Shape = Shape {
    what: "an item",
    fields: &["amount", "split", "description"],
    required: &["amount", "split"],
    or_else: "",
};
const EXTRA: Shape = Shape {
    what: "an extra",
    fields: &["label", "amount"],
    required: &["label", "amount"],
    or_else: "",
};
const PAYMENT: Shape = Shape {
    what: "a payment",
    fields: &["from", "to", "amount", "currency", "rate", "id", "date"],
    required: &["from", "to", "amount"],
    or_else: "",
};
const OPTIONS: Shape = Shape {
    what: "options",
    fields: &["settle", "balances_in", "exact_limit", "previous"],
    required: &[],
    or_else: "",
};
const TRANSFER: Shape = Shape {
    what: "a previous transfer",
    fields: &["from", "to", "amount", "currency"],
    required: &["from", "to", "amount"],
    or_else: "",
};
/// The contract's maps (member or currency to decimal): any key.
const MAP: Shape = Shape {
    what: "a map",
    fields: &[],
    required: &[],
    or_else: "",
};

/// The split types, in the contract's order.
const SPLIT_TYPES: [&str; 6] = ["equal", "shares", "percent", "exact", "adjustment", "itemized"];
/// Examples of the contract's maps, for messages.
const SHARES_EXAMPLE: &str = r#"{"ana": "2", "ben": "1"}"#;
const PAYERS_EXAMPLE: &str = r#"{"ana": "60.00", "ben": "40.00"}"#;
const RATES_EXAMPLE: &str = r#"{"USD": "0.92"}"#;

/// `a, b and c` (or `a, b or c` with `last` = "or").
fn listing(names: &[&str], last: &str) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        if i + 1 == names.len() && i > 0 {
            out.push(' ');
            out.push_str(last);
            out.push(' ');
        } else if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

/// An object being read: lookups by key, repeats and keys its shape does not know refused.
struct Obj<'a, 'p, S> {
    entries: Entries<'a, S>,
    path: &'p Path<'p>,
    /// Its shape (a cell: a split learns its own from its type).
    shape: Cell<&'static Shape>,
}

impl<'a, 'p, S: Source> Obj<'a, 'p, S> {
    /// The object at `path`, of this shape. A repeated key, then a key the shape does not know,
    /// is refused here, before any field is read: a misspelt field (`"amout"`) is reported as
    /// itself, with the field it likely stands for, not as the field it leaves missing.
    fn new(node: Node<'a, S>, path: &'p Path<'p>, shape: &'static Shape) -> Result<Obj<'a, 'p, S>> {
        let o = Obj::open(node, path, shape)?;
        o.only_known()?;
        Ok(o)
    }

    /// [`Obj::new`] without the check of the keys: for a split, whose type says which keys it
    /// may have ([`Obj::narrow`]).
    fn open(node: Node<'a, S>, path: &'p Path<'p>, shape: &'static Shape) -> Result<Obj<'a, 'p, S>> {
        match node {
            Node::Object(entries) => {
                let o = Obj {
                    entries,
                    path,
                    shape: Cell::new(shape),
                };
                o.no_repeats()?;
                Ok(o)
            }
            Node::Refused(code, message) => Err(path.err(code, message)),
            other => {
                let form = if shape.required.is_empty() {
                    "an object".to_string()
                } else {
                    format!("an object with {}", listing(shape.required, "and"))
                };
                Err(path.err(
                    ErrorCode::InvalidInput,
                    format!(
                        "{} must be {form}{}, not {}",
                        shape.what,
                        shape.or_else,
                        other.kind()
                    ),
                ))
            }
        }
    }

    /// A map of the contract at `path` (any keys; repeats refused); `example` shows one.
    fn map(node: Node<'a, S>, path: &'p Path<'p>, example: &str) -> Result<Obj<'a, 'p, S>> {
        match node {
            Node::Object(entries) => {
                let o = Obj {
                    entries,
                    path,
                    shape: Cell::new(&MAP),
                };
                o.no_repeats()?;
                Ok(o)
            }
            other => Err(unexpected(
                other,
                path,
                ErrorCode::InvalidInput,
                &format!("an object such as {example}"),
            )),
        }
    }

    /// The same object, now known to be of the narrower `shape` (a split of a given type):
    /// keys of other shapes are refused.
    fn narrow(&self, shape: &'static Shape) -> Result<()> {
        self.shape.set(shape);
        self.only_known()
    }

    fn no_repeats(&self) -> Result<()> {
        let entries = &self.entries;
        let n = entries.len();
        // Small objects (nearly all) are checked pairwise; large ones with a set.
        let repeated = if entries.unique() {
            None
        } else if n <= 16 {
            (1..n).find(|&i| (0..i).any(|j| entries.key(j) == entries.key(i)))
        } else {
            let mut seen = HashSet::with_capacity(n);
            (0..n).find(|&i| !seen.insert(entries.key(i)))
        };
        match repeated {
            Some(i) => {
                let k = entries.key(i);
                Err(self.path.field(k).err(
                    ErrorCode::DuplicateId,
                    format!("key '{}' appears twice; give it once", money::clip(k)),
                ))
            }
            None => Ok(()),
        }
    }

    fn only_known(&self) -> Result<()> {
        let known = self.shape.get().fields;
        match self.entries.iter().find(|(k, _)| !known.contains(k)) {
            Some((k, _)) => Err(self.unknown(k)),
            None => Ok(()),
        }
    }

    /// The error for key `k`, which the object's shape does not know.
    #[cold]
    #[inline(never)]
    fn unknown(&self, k: &str) -> Error {
        let shape = self.shape.get();
        let known = shape.fields;
        let fields = listing(known, "and");
        let message = match did_you_mean(k, known.iter().copied()) {
            Some(near) => format!(
                "unknown field '{}'; did you mean '{near}'? ({} has {fields})",
                money::clip(k),
                shape.what
            ),
            None => format!(
                "unknown field '{}'; {} has only {fields}: remove it or correct its name",
                money::clip(k),
                shape.what
            ),
        };
        self.path.field(k).err(ErrorCode::InvalidInput, message)
    }

    /// The value of `key`; a `null` counts as absent.
    fn get(&self, key: &str) -> Option<&S> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    fn require(&self, key: &str) -> Result<&S> {
        self.get(key).ok_or_else(|| self.missing(key))
    }

    /// The error for a required `key` that is absent (or `null`).
    #[cold]
    #[inline(never)]
    fn missing(&self, key: &str) -> Error {
        let shape = self.shape.get();
        let needs = listing(shape.required, "and");
        let types = if key == "type" {
            format!(" ({})", listing(&SPLIT_TYPES, "or"))
        } else {
            String::new()
        };
        self.path.field(key).err(
            ErrorCode::InvalidInput,
            format!("'{key}' is missing; {} needs {needs}{types}", shape.what),
        )
    }
}

/// A node's refusal, or `code` with "expected {expected}, not {kind}".
fn unexpected<S>(node: Node<'_, S>, path: &Path, code: ErrorCode, expected: &str) -> Error {
    match node {
        Node::Refused(code, message) => path.err(code, message),
        other => path.err(code, format!("expected {expected}, not {}", other.kind())),
    }
}

fn string<'a, S: Source>(v: &'a S, path: &Path) -> Result<Cow<'a, str>> {
    match v.node() {
        Node::String(s) => Ok(s),
        other => Err(unexpected(other, path, ErrorCode::InvalidInput, "a string")),
    }
}

fn opt_string<S: Source>(o: &Obj<S>, key: &str) -> Result<Option<String>> {
    o.get(key)
        .map(|v| string(v, &o.path.field(key)).map(Cow::into_owned))
        .transpose()
}

/// An amount, rate, share or weight: a decimal string, or a JSON number read from its text.
fn decimal<S: Source>(v: &S, path: &Path) -> Result<Decimal> {
    match v.node() {
        Node::String(s) => money::parse_plain(&s, path),
        Node::Number(n) => money::parse_json_number(&n, path),
        Node::Float(n) => Err(path.err(
            ErrorCode::InvalidAmount,
            format!(
                "a floating-point number ({}) is not accepted for money: it may already have lost \
                 precision; pass a decimal string such as \"12.30\"",
                money::clip(&n)
            ),
        )),
        other => Err(unexpected(
            other,
            path,
            ErrorCode::InvalidAmount,
            "a decimal string such as \"12.30\"",
        )),
    }
}

/// An object of names (members, currencies) to decimals; `example` shows one in messages.
fn decimal_map<S: Source>(v: &S, path: &Path, example: &str) -> Result<Vec<Part>> {
    decimal_entries(v.node(), path, example)
}

fn list<S: Source, T>(v: &S, path: &Path, item: impl Fn(&S, &Path) -> Result<T>) -> Result<Vec<T>> {
    match v.node() {
        Node::Array(items) => {
            // Sized up front: collecting results would grow the vector by doubling.
            let items = items.as_slice();
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                out.push(item(v, &path.index(i))?);
            }
            Ok(out)
        }
        other => Err(unexpected(other, path, ErrorCode::InvalidInput, "an array")),
    }
}

fn strings<S: Source>(v: &S, path: &Path) -> Result<Vec<String>> {
    list(v, path, |v, p| string(v, p).map(Cow::into_owned))
}

fn member<S: Source>(v: &S, path: &Path) -> Result<Member> {
    let node = match v.node() {
        Node::String(id) => return Ok(Member::new(id.into_owned())),
        node => node,
    };
    let o = Obj::new(node, path, &MEMBER)?;
    let id = string(o.require("id")?, &path.field("id"))?.into_owned();
    let name = opt_string(&o, "name")?;
    Ok(Member { id, name })
}

fn expense<S: Source>(v: &S, path: &Path) -> Result<Expense> {
    let o = Obj::new(v.node(), path, &EXPENSE)?;
    let id = string(o.require("id")?, &path.field("id"))?.into_owned();
    let amount = decimal(o.require("amount")?, &path.field("amount"))?;
    let currency = opt_string(&o, "currency")?;
    let rate = o
        .get("rate")
        .map(|v| decimal(v, &path.field("rate")))
        .transpose()?;
    let pp = path.field("paid_by");
    let paid_by = match o.require("paid_by")?.node() {
        Node::String(id) => PaidBy::One(id.into_owned()),
        node @ Node::Object(_) => PaidBy::Several(decimal_entries(node, &pp, PAYERS_EXAMPLE)?),
        other => {
            return Err(unexpected(
                other,
                &pp,
                ErrorCode::InvalidInput,
                "a member id such as \"ana\", or an object of member to amount such as {\"ana\": \"60.00\", \"ben\": \"40.00\"}",
            ))
        }
    };
    let split = split(o.require("split")?, &path.field("split"))?;
    let description = opt_string(&o, "description")?;
    let date = opt_string(&o, "date")?;
    let category = opt_string(&o, "category")?;
    Ok(Expense {
        id,
        amount,
        currency,
        rate,
        paid_by,
        split,
        description,
        date,
        category,
    })
}

/// [`decimal_map`] of a node already looked at.
fn decimal_entries<S: Source>(node: Node<'_, S>, path: &Path, example: &str) -> Result<Vec<Part>> {
    let o = Obj::map(node, path, example)?;
    let mut out = Vec::with_capacity(o.entries.len());
    for (k, v) in o.entries.iter() {
        out.push(Part {
            member: k.to_string(),
            value: decimal(v, &path.field(k))?,
        });
    }
    Ok(out)
}

fn split<S: Source>(v: &S, path: &Path) -> Result<Split> {
    // Items hold splits that may be itemized again: a host's objects may even refer to
    // themselves, so nesting is bounded here as the JSON reader bounds it for text.
    if path.depth() > MAX_DEPTH {
        return Err(path.err(
            ErrorCode::InvalidInput,
            format!("splits are nested more than {MAX_DEPTH} levels deep; an item's split cannot be itemized again"),
        ));
    }
    // The type decides which fields belong, so it is read first; without one, any split's
    // field is known.
    let o = Obj::open(v.node(), path, &SPLIT)?;
    let tp = path.field("type");
    let kind = match o.get("type") {
        Some(v) => string(v, &tp)?,
        None => {
            o.only_known()?;
            return Err(o.missing("type"));
        }
    };
    let shape = match &*kind {
        "equal" => &EQUAL,
        "shares" => &SHARES,
        "percent" => &PERCENT,
        "exact" => &EXACT,
        "adjustment" => &ADJUSTMENT,
        "itemized" => &ITEMIZED,
        other => {
            let hint = match did_you_mean(other, SPLIT_TYPES) {
                Some(near) => format!("did you mean '{near}'? The types are"),
                None => "use one of".to_string(),
            };
            return Err(tp.err(
                ErrorCode::InvalidInput,
                format!(
                    "unknown split type '{}'; {hint} {}",
                    money::clip(other),
                    listing(&SPLIT_TYPES, "or")
                ),
            ));
        }
    };
    o.narrow(shape)?;
    let members = |o: &Obj<S>| {
        o.get("members")
            .map(|v| strings(v, &path.field("members")))
            .transpose()
    };
    let map = |key: &str| decimal_map(o.require(key)?, &path.field(key), SHARES_EXAMPLE);
    let split = match &*kind {
        "equal" => Split::Equal {
            members: members(&o)?,
        },
        "shares" => Split::Shares {
            shares: map("shares")?,
        },
        "percent" => Split::Percent {
            percent: map("percent")?,
        },
        "exact" => Split::Exact {
            amounts: map("amounts")?,
        },
        "adjustment" => {
            let adjustments = match o.get("adjustments") {
                Some(v) => decimal_map(v, &path.field("adjustments"), SHARES_EXAMPLE)?,
                None => Vec::new(),
            };
            Split::Adjustment {
                members: members(&o)?,
                adjustments,
            }
        }
        _ => {
            let items = list(o.require("items")?, &path.field("items"), item)?;
            let extras = match o.get("extras") {
                Some(v) => list(v, &path.field("extras"), extra)?,
                None => Vec::new(),
            };
            Split::Itemized { items, extras }
        }
    };
    Ok(split)
}

fn item<S: Source>(v: &S, path: &Path) -> Result<Item> {
    let o = Obj::new(v.node(), path, &ITEM)?;
    let amount = decimal(o.require("amount")?, &path.field("amount"))?;
    let split = split(o.require("split")?, &path.field("split"))?;
    let description = opt_string(&o, "description")?;
    Ok(Item {
        amount,
        split,
        description,
    })
}

fn extra<S: Source>(v: &S, path: &Path) -> Result<Extra> {
    let o = Obj::new(v.node(), path, &EXTRA)?;
    let label = string(o.require("label")?, &path.field("label"))?.into_owned();
    let amount = decimal(o.require("amount")?, &path.field("amount"))?;
    Ok(Extra { label, amount })
}

fn payment<S: Source>(v: &S, path: &Path) -> Result<Payment> {
    let o = Obj::new(v.node(), path, &PAYMENT)?;
    let from = string(o.require("from")?, &path.field("from"))?.into_owned();
    let to = string(o.require("to")?, &path.field("to"))?.into_owned();
    let amount = decimal(o.require("amount")?, &path.field("amount"))?;
    let currency = opt_string(&o, "currency")?;
    let rate = o
        .get("rate")
        .map(|v| decimal(v, &path.field("rate")))
        .transpose()?;
    let id = opt_string(&o, "id")?;
    let date = opt_string(&o, "date")?;
    Ok(Payment {
        id,
        from,
        to,
        amount,
        currency,
        rate,
        date,
    })
}

/// "`option` must be a, b or c, not 'x'", with the nearest name if `value` looks like a typo.
#[cold]
#[inline(never)]
fn one_of(option: &str, value: &str, names: &[&str]) -> String {
    let hint = match did_you_mean(value, names.iter().copied()) {
        Some(near) => format!("; did you mean '{near}'?"),
        None => String::new(),
    };
    format!(
        "{option} must be {}, not '{}'{hint}",
        listing(names, "or"),
        money::clip(value)
    )
}

/// A string option: `invalid_option` when it is not a string.
fn option_string<'a, S: Source>(v: &'a S, path: &Path) -> Result<Cow<'a, str>> {
    string(v, path).map_err(|e| Error {
        code: ErrorCode::InvalidOption,
        ..e
    })
}

fn options<S: Source>(v: &S, path: &Path, group_currency: &str) -> Result<Options> {
    let mut out = Options::default();
    options_into(&mut out, v, path, group_currency)?;
    Ok(out)
}

/// Sets the options that `v` names, leaving the others as they are.
fn options_into<S: Source>(out: &mut Options, v: &S, path: &Path, group_currency: &str) -> Result<()> {
    let o = Obj::new(v.node(), path, &OPTIONS)?;
    if let Some(v) = o.get("settle") {
        let p = path.field("settle");
        let name = option_string(v, &p)?;
        out.settle = name.parse().map_err(|_| {
            p.err(
                ErrorCode::InvalidOption,
                one_of("settle", &name, &["minimal", "greedy", "pairwise"]),
            )
        })?;
    }
    if let Some(v) = o.get("balances_in") {
        let p = path.field("balances_in");
        let name = option_string(v, &p)?;
        out.balances_in = name.parse().map_err(|_| {
            p.err(
                ErrorCode::InvalidOption,
                one_of("balances_in", &name, &["group", "each"]),
            )
        })?;
    }
    if let Some(v) = o.get("exact_limit") {
        let p = path.field("exact_limit");
        let limit = match v.node() {
            Node::Number(n) | Node::Float(n) => n.parse::<usize>().ok(),
            Node::Refused(code, message) => return Err(p.err(code, message)),
            _ => None,
        };
        out.exact_limit = Some(limit.ok_or_else(|| {
            p.err(
                ErrorCode::InvalidOption,
                format!("exact_limit must be a whole number from 0 to {MAX_EXACT_LIMIT}, such as 12"),
            )
        })?);
    }
    if let Some(v) = o.get("previous") {
        out.previous = list(v, &path.field("previous"), |v, p| transfer(v, p, group_currency))?;
    }
    Ok(())
}

fn transfer<S: Source>(v: &S, path: &Path, group_currency: &str) -> Result<Transfer> {
    let o = Obj::new(v.node(), path, &TRANSFER)?;
    let from = string(o.require("from")?, &path.field("from"))?.into_owned();
    let to = string(o.require("to")?, &path.field("to"))?.into_owned();
    let amount = decimal(o.require("amount")?, &path.field("amount"))?;
    let currency = opt_string(&o, "currency")?.unwrap_or_else(|| group_currency.to_string());
    Ok(Transfer {
        from,
        to,
        amount,
        currency,
    })
}

#[cfg(test)]
mod tests {
    use super::group_from_value;
    use crate::json::Json;

    /// A group whose only expense has the given amount and whose options are `options`.
    fn group_with(amount: Json, options: Vec<(String, Json)>) -> Json {
        let s = |t: &str| Json::String(t.into());
        let o =
            |pairs: Vec<(&str, Json)>| Json::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect());
        o(vec![
            ("currency", s("EUR")),
            ("members", Json::Array(vec![s("ana"), s("ben")])),
            (
                "expenses",
                Json::Array(vec![o(vec![
                    ("id", s("e1")),
                    ("amount", amount),
                    ("paid_by", s("ana")),
                    ("split", o(vec![("type", s("equal"))])),
                ])]),
            ),
            ("options", Json::Object(options)),
        ])
    }

    #[test]
    fn splits_nested_past_the_limit_are_refused() {
        let s = |t: &str| Json::String(t.into());
        let mut split = Json::Object(vec![("type".into(), s("equal"))]);
        for _ in 0..200 {
            let item = Json::Object(vec![("amount".into(), s("1.00")), ("split".into(), split)]);
            split = Json::Object(vec![
                ("type".into(), s("itemized")),
                ("items".into(), Json::Array(vec![item])),
            ]);
        }
        let mut group = group_with(s("1.00"), vec![]);
        if let Json::Object(entries) = &mut group {
            if let Some((_, Json::Array(expenses))) = entries.iter_mut().find(|(k, _)| k == "expenses") {
                if let Json::Object(fields) = &mut expenses[0] {
                    fields.retain(|(k, _)| k != "split");
                    fields.push(("split".into(), split));
                }
            }
        }
        let err = group_from_value(&group).unwrap_err();
        assert_eq!(err.code.as_str(), "invalid_input");
        assert!(
            err.path.starts_with("expenses[0].split.items[0].split"),
            "{}",
            err.path
        );
    }

    #[test]
    fn host_floats_are_refused_as_money_and_accepted_as_counts() {
        let err = group_from_value(&group_with(Json::Float("0.1".into()), vec![])).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.path.as_str()),
            ("invalid_amount", "expenses[0].amount")
        );
        let whole = group_from_value(&group_with(Json::Float("12".into()), vec![])).unwrap_err();
        assert_eq!(
            whole.code.as_str(),
            "invalid_amount",
            "even a whole float is not money"
        );
        let limit = vec![("exact_limit".to_string(), Json::Float("12".into()))];
        let group = group_from_value(&group_with(Json::String("1.00".into()), limit)).unwrap();
        assert_eq!(group.options.exact_limit, Some(12));
        let half = vec![("exact_limit".to_string(), Json::Float("1.5".into()))];
        let err = group_from_value(&group_with(Json::String("1.00".into()), half)).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.path.as_str()),
            ("invalid_option", "options.exact_limit")
        );
    }

    #[test]
    fn a_large_report_streams_in_chunks_to_the_same_bytes() {
        use crate::report::{Report, Share};
        use std::sync::Arc;
        let (e, m): (Arc<str>, Arc<str>) = ("expense".into(), "member".into());
        let share = |i: i64| Share {
            expense: e.clone(),
            member: m.clone(),
            currency: crate::Currency::find("EUR").unwrap(),
            amount: rust_decimal::Decimal::new(i, 2),
            group_amount: (i % 3 == 0).then(|| rust_decimal::Decimal::new(-i, 3)),
        };
        let report = Report {
            currency: "EUR".into(),
            balances: Vec::new(),
            shares: (0..10_000).map(share).collect(),
            transfers: Vec::new(),
            settle: crate::SettleMethod::Minimal,
            optimal: true,
        };
        let text = super::report_to_json(&report);
        assert!(text.len() > 5 * super::CHUNK);
        assert_eq!(text, serde_json::to_string(&report).unwrap());
        /// Takes at most 1000 bytes per write, to show that short writes are carried on.
        struct Slow(Vec<u8>, usize);
        impl std::io::Write for Slow {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                let n = b.len().min(1000);
                self.0.extend_from_slice(&b[..n]);
                self.1 += 1;
                Ok(n)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut slow = Slow(Vec::new(), 0);
        super::write_report(&report, &mut slow).unwrap();
        assert_eq!(slow.0, text.into_bytes());
        assert!(slow.1 > 5);
    }

    #[test]
    fn a_written_group_keeps_the_order_and_repeats_of_its_maps() {
        let text = r#"{"currency":"EUR","members":["cy","ana"],"expenses":[{"id":"e1","amount":"3.00",
            "paid_by":{"cy":"1.00","ana":"2.00"},"split":{"type":"shares","shares":{"cy":"1","ana":"2"}}}]}"#;
        let mut group = super::group_from_json(text).unwrap();
        let written = super::group_to_json(&group);
        assert!(
            written.contains(r#""paid_by":{"cy":"1.00","ana":"2.00"}"#),
            "{written}"
        );
        assert_eq!(super::group_from_json(&written).unwrap(), group);
        // A typed group may repeat a member; written and read back, it is refused the same way.
        if let crate::Split::Shares { shares } = &mut group.expenses[0].split {
            shares.push(crate::Part::new("cy", 3));
        }
        let written = super::group_to_json(&group);
        assert!(
            written.contains(r#""shares":{"cy":"1","ana":"2","cy":"3"}"#),
            "{written}"
        );
        let (typed, read) = (
            crate::compute(&group).unwrap_err(),
            super::group_from_json(&written).unwrap_err(),
        );
        assert_eq!(
            (typed.code, typed.path.as_str()),
            (read.code, "expenses[0].split.shares.cy")
        );
    }

    /// A misspelt field is reported as itself, with the field it likely stands for, before the
    /// field it leaves missing, in every kind of object; a field far from any gets the list.
    #[test]
    fn unknown_fields_come_before_missing_ones_and_suggest_the_nearest() {
        let read = |text: &str| crate::compute_json(text).unwrap_err();
        let group = |expense: &str, rest: &str| {
            format!(r#"{{"currency": "EUR", "members": ["ana", "ben"], "expenses": [{expense}]{rest}}}"#)
        };
        let ok_expense = r#"{"id": "e1", "amount": "10.00", "paid_by": "ana", "split": {"type": "equal"}}"#;
        for (text, path, near) in [
            (
                r#"{"currency": "EUR", "member": ["ana"]}"#.to_string(),
                "member",
                "members",
            ),
            (
                r#"{"curency": "EUR", "members": ["ana"]}"#.to_string(),
                "curency",
                "currency",
            ),
            (
                r#"{"currency": "EUR", "members": [{"ID": "ana"}]}"#.to_string(),
                "members[0].ID",
                "id",
            ),
            (
                group(
                    r#"{"id": "e1", "amout": "10.00", "paid_by": "ana", "split": {"type": "equal"}}"#,
                    "",
                ),
                "expenses[0].amout",
                "amount",
            ),
            (
                group(
                    r#"{"id": "e1", "amount": "10.00", "paidby": "ana", "split": {"type": "equal"}}"#,
                    "",
                ),
                "expenses[0].paidby",
                "paid_by",
            ),
            (
                group(
                    r#"{"id": "e1", "amount": "10.00", "paid_by": "ana", "split": {"tpye": "equal"}}"#,
                    "",
                ),
                "expenses[0].split.tpye",
                "type",
            ),
            (
                group(
                    r#"{"id": "e1", "amount": "10.00", "paid_by": "ana", "split": {"type": "itemized",
                        "items": [{"amont": "10.00", "split": {"type": "equal"}}]}}"#,
                    "",
                ),
                "expenses[0].split.items[0].amont",
                "amount",
            ),
            (
                group(
                    ok_expense,
                    r#", "payments": [{"form": "ben", "to": "ana", "amount": "5.00"}]"#,
                ),
                "payments[0].form",
                "from",
            ),
            (
                group(ok_expense, r#", "options": {"setle": "greedy"}"#),
                "options.setle",
                "settle",
            ),
        ] {
            let e = read(&text);
            assert_eq!(
                (e.code.as_str(), e.path.as_str()),
                ("invalid_input", path),
                "{text}"
            );
            assert!(
                e.message.contains(&format!("did you mean '{near}'?")),
                "{text}: {}",
                e.message
            );
        }
        let e = read(&group(
            r#"{"id": "e1", "amount": "10.00", "paid_by": "ana", "split": {"type": "equal"}, "colour": "red"}"#,
            "",
        ));
        assert_eq!(
            e.to_string(),
            "invalid_input at expenses[0].colour: unknown field 'colour'; an expense has only id, \
             amount, currency, rate, paid_by, split, description, date and category: remove it or \
             correct its name"
        );
        // Without a typo, the missing field is named with what the object needs.
        let e = read(&group(
            r#"{"id": "e1", "paid_by": "ana", "split": {"type": "equal"}}"#,
            "",
        ));
        assert_eq!(
            e.to_string(),
            "invalid_input at expenses[0].amount: 'amount' is missing; an expense needs id, amount, \
             paid_by and split"
        );
        let e = read(&group(
            r#"{"id": "e1", "amount": "1", "paid_by": "ana", "split": {}}"#,
            "",
        ));
        assert_eq!(
            e.to_string(),
            "invalid_input at expenses[0].split.type: 'type' is missing; a split needs type (equal, \
             shares, percent, exact, adjustment or itemized)"
        );
    }

    #[test]
    fn option_values_and_split_types_suggest_the_nearest() {
        let with = |extra: &str, split: &str| {
            crate::compute_json(&format!(
                r#"{{"currency": "EUR", "members": ["ana"], "expenses": [{{"id": "e1", "amount": "1.00",
                   "paid_by": "ana", "split": {split}}}]{extra}}}"#
            ))
            .unwrap_err()
            .to_string()
        };
        let equal = r#"{"type": "equal"}"#;
        assert_eq!(
            with(r#", "options": {"settle": "minimall"}"#, equal),
            "invalid_option at options.settle: settle must be minimal, greedy or pairwise, not \
             'minimall'; did you mean 'minimal'?"
        );
        assert_eq!(
            with(r#", "options": {"balances_in": "Each"}"#, equal),
            "invalid_option at options.balances_in: balances_in must be group or each, not 'Each'; \
             did you mean 'each'?"
        );
        assert_eq!(
            with("", r#"{"type": "itemised", "items": []}"#),
            "invalid_input at expenses[0].split.type: unknown split type 'itemised'; did you mean \
             'itemized'? The types are equal, shares, percent, exact, adjustment or itemized"
        );
        assert_eq!(
            with("", r#"{"type": "percentage", "percent": {"ana": "100"}}"#),
            "invalid_input at expenses[0].split.type: unknown split type 'percentage'; use one of \
             equal, shares, percent, exact, adjustment or itemized"
        );
    }

    #[test]
    fn the_error_object_is_what_serde_json_writes() {
        for (code, message, path) in [
            (
                crate::ErrorCode::InvalidJson,
                "the input is not valid JSON: x at line 1 column 2",
                "",
            ),
            (
                crate::ErrorCode::UnknownMember,
                "'zo\"e\\\n\u{1}é' is not a member",
                "expenses[0].split.shares.zo\"e",
            ),
        ] {
            let e = crate::Error::new(code, path, message);
            let text = crate::error_text(code.as_str(), path, message);
            let want =
                serde_json::json!({ "error": { "code": code.as_str(), "message": text, "path": path } });
            assert_eq!(super::error_to_json(&e), want.to_string());
        }
    }
}
