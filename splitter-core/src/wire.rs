//! The wire form of the contract: reading a [`Group`] from JSON with a path for every error, and
//! writing a [`Report`] or an [`Error`] as JSON.

use std::borrow::Cow;
use std::collections::HashSet;

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::error::{Error, ErrorCode, Path, Result};
use crate::json::{Json, MAX_DEPTH};
use crate::model::{
    BalancesIn, Expense, Extra, Group, Item, Member, Options, PaidBy, Payment, SettleMethod, Split,
};
use crate::money;
use crate::report::{Report, Transfer};
use crate::source::{Entries, Node, Source};

/// Reads a group from the contract's JSON text.
pub fn group_from_json(text: &str) -> Result<Group> {
    group_from_value(&Json::parse(text)?)
}

/// Reads a group from a parsed JSON value, or from a binding's own objects read in place (any
/// [`Source`]); errors carry the contract's code and path either way.
pub fn group_from_value<S: Source>(v: &S) -> Result<Group> {
    let root = Path::Root;
    let o = Obj::new(v.node(), &root, "the group")?;
    let currency = string(o.require("currency")?, &root.field("currency"))?.into_owned();
    let members = list(o.require("members")?, &root.field("members"), member)?;
    let rates = match o.get("rates") {
        Some(v) => decimal_map(v, &root.field("rates"))?,
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
    o.finish(&["currency", "members", "rates", "expenses", "payments", "options"])?;
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

/// Writes a group in the contract's JSON form (amounts as decimal strings), the inverse of
/// [`group_from_json`]: reading the text back gives the same [`Group`].
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
    let members: Vec<Value> = group
        .members
        .iter()
        .map(|m| match &m.name {
            Some(name) => json!({ "id": m.id, "name": name }),
            None => json!(m.id),
        })
        .collect();
    let mut out = json!({
        "currency": group.currency,
        "members": members,
        "rates": decimal_object(&group.rates),
        "expenses": group.expenses.iter().map(expense_value).collect::<Vec<_>>(),
        "payments": group.payments.iter().map(payment_value).collect::<Vec<_>>(),
    });
    let o = &group.options;
    let mut options = Map::new();
    options.insert("settle".into(), json!(o.settle.as_str()));
    options.insert("balances_in".into(), json!(o.balances_in.as_str()));
    if let Some(limit) = o.exact_limit {
        options.insert("exact_limit".into(), json!(limit));
    }
    if !o.previous.is_empty() {
        options.insert(
            "previous".into(),
            serde_json::to_value(&o.previous).unwrap_or_default(),
        );
    }
    out["options"] = Value::Object(options);
    out.to_string()
}

fn decimal_object(pairs: &[(String, Decimal)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), json!(v.to_string())))
            .collect(),
    )
}

/// Adds `key: value` when the value is there.
fn put(o: &mut Value, key: &str, value: Option<Value>) {
    if let (Some(v), Value::Object(map)) = (value, o) {
        map.insert(key.into(), v);
    }
}

fn expense_value(e: &Expense) -> Value {
    let paid_by = match &e.paid_by {
        PaidBy::One(id) => json!(id),
        PaidBy::Several(list) => decimal_object(list),
    };
    let mut v = json!({ "id": e.id, "amount": e.amount.to_string(), "paid_by": paid_by, "split": split_value(&e.split) });
    put(&mut v, "currency", e.currency.as_ref().map(|c| json!(c)));
    put(&mut v, "rate", e.rate.map(|r| json!(r.to_string())));
    put(&mut v, "description", e.description.as_ref().map(|d| json!(d)));
    put(&mut v, "date", e.date.as_ref().map(|d| json!(d)));
    put(&mut v, "category", e.category.as_ref().map(|c| json!(c)));
    v
}

fn split_value(s: &Split) -> Value {
    match s {
        Split::Equal { members } => {
            let mut v = json!({ "type": "equal" });
            put(&mut v, "members", members.as_ref().map(|m| json!(m)));
            v
        }
        Split::Shares { shares } => json!({ "type": "shares", "shares": decimal_object(shares) }),
        Split::Percent { percent } => json!({ "type": "percent", "percent": decimal_object(percent) }),
        Split::Exact { amounts } => json!({ "type": "exact", "amounts": decimal_object(amounts) }),
        Split::Adjustment { members, adjustments } => {
            let mut v = json!({ "type": "adjustment", "adjustments": decimal_object(adjustments) });
            put(&mut v, "members", members.as_ref().map(|m| json!(m)));
            v
        }
        Split::Itemized { items, extras } => {
            let items: Vec<Value> = items
                .iter()
                .map(|i| {
                    let mut v = json!({ "amount": i.amount.to_string(), "split": split_value(&i.split) });
                    put(&mut v, "description", i.description.as_ref().map(|d| json!(d)));
                    v
                })
                .collect();
            let extras: Vec<Value> = extras
                .iter()
                .map(|x| json!({ "label": x.label, "amount": x.amount.to_string() }))
                .collect();
            json!({ "type": "itemized", "items": items, "extras": extras })
        }
    }
}

fn payment_value(p: &Payment) -> Value {
    let mut v = json!({ "from": p.from, "to": p.to, "amount": p.amount.to_string() });
    put(&mut v, "currency", p.currency.as_ref().map(|c| json!(c)));
    put(&mut v, "rate", p.rate.map(|r| json!(r.to_string())));
    put(&mut v, "id", p.id.as_ref().map(|i| json!(i)));
    put(&mut v, "date", p.date.as_ref().map(|d| json!(d)));
    v
}

/// The report as the contract's compact JSON (the canonical, byte-identical form).
pub fn report_to_json(report: &Report) -> String {
    serde_json::to_string(report).unwrap_or_default()
}

/// The error as the contract's error object: `{"error": {"code", "message", "path"}}`.
pub fn error_to_json(e: &Error) -> String {
    serde_json::json!({ "error": { "code": e.code.as_str(), "message": e.message, "path": e.path } })
        .to_string()
}

/// An object being read: lookups by key, repeats and unknown keys refused.
struct Obj<'a, 'p, S> {
    entries: Entries<'a, S>,
    path: &'p Path<'p>,
}

impl<'a, 'p, S: Source> Obj<'a, 'p, S> {
    fn new(node: Node<'a, S>, path: &'p Path<'p>, what: &str) -> Result<Obj<'a, 'p, S>> {
        match node {
            Node::Object(entries) => {
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
                if let Some(i) = repeated {
                    let k = entries.key(i);
                    return Err(path.field(k).err(
                        ErrorCode::DuplicateId,
                        format!("key '{}' appears twice", money::clip(k)),
                    ));
                }
                Ok(Obj { entries, path })
            }
            other => Err(not_a(other, path, what)),
        }
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
        self.get(key).ok_or_else(|| {
            self.path
                .field(key)
                .err(ErrorCode::InvalidInput, format!("'{key}' is required"))
        })
    }

    fn finish(&self, known: &[&str]) -> Result<()> {
        match self.entries.iter().find(|(k, _)| !known.contains(k)) {
            Some((k, _)) => Err(self.path.field(k).err(
                ErrorCode::InvalidInput,
                format!(
                    "unknown field '{}' (expected one of: {})",
                    money::clip(k),
                    known.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }
}

/// The error for a node that is not what was expected: its own refusal if a host value was
/// refused, `invalid_input` otherwise.
fn not_a<S>(node: Node<'_, S>, path: &Path, what: &str) -> Error {
    match node {
        Node::Refused(code, message) => path.err(code, message),
        other => path.err(
            ErrorCode::InvalidInput,
            format!("{what} must be an object, not {}", other.kind()),
        ),
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

fn opt_date<S: Source>(o: &Obj<S>, key: &str) -> Result<Option<String>> {
    let d = opt_string(o, key)?;
    if let Some(s) = &d {
        if !is_iso_date(s) {
            return Err(o.path.field(key).err(
                ErrorCode::InvalidInput,
                format!("'{}' is not an ISO 8601 date (YYYY-MM-DD)", money::clip(s)),
            ));
        }
    }
    Ok(d)
}

/// `YYYY-MM-DD` naming a real day of the proleptic Gregorian calendar.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
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

fn decimal_map<S: Source>(v: &S, path: &Path) -> Result<Vec<(String, Decimal)>> {
    decimal_entries(v.node(), path)
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
    let o = Obj::new(node, path, "a member")?;
    let id = string(o.require("id")?, &path.field("id"))?.into_owned();
    let name = opt_string(&o, "name")?;
    o.finish(&["id", "name"])?;
    Ok(Member { id, name })
}

fn expense<S: Source>(v: &S, path: &Path) -> Result<Expense> {
    let o = Obj::new(v.node(), path, "an expense")?;
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
        node @ Node::Object(_) => PaidBy::Several(decimal_entries(node, &pp)?),
        other => {
            return Err(unexpected(
                other,
                &pp,
                ErrorCode::InvalidInput,
                "a member id or an object of member to amount for paid_by",
            ))
        }
    };
    let split = split(o.require("split")?, &path.field("split"))?;
    let description = opt_string(&o, "description")?;
    let date = opt_date(&o, "date")?;
    let category = opt_string(&o, "category")?;
    o.finish(&[
        "id",
        "amount",
        "currency",
        "rate",
        "paid_by",
        "split",
        "description",
        "date",
        "category",
    ])?;
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
fn decimal_entries<S: Source>(node: Node<'_, S>, path: &Path) -> Result<Vec<(String, Decimal)>> {
    let o = Obj::new(node, path, "this")?;
    let mut out = Vec::with_capacity(o.entries.len());
    for (k, v) in o.entries.iter() {
        out.push((k.to_string(), decimal(v, &path.field(k))?));
    }
    Ok(out)
}

fn split<S: Source>(v: &S, path: &Path) -> Result<Split> {
    // Items hold splits that may be itemized again: a host's objects may even refer to
    // themselves, so nesting is bounded here as the JSON reader bounds it for text.
    if path.depth() > MAX_DEPTH {
        return Err(path.err(
            ErrorCode::InvalidInput,
            format!("splits are nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    let o = Obj::new(v.node(), path, "a split")?;
    let tp = path.field("type");
    let kind = string(o.require("type")?, &tp)?;
    let members = |o: &Obj<S>| {
        o.get("members")
            .map(|v| strings(v, &path.field("members")))
            .transpose()
    };
    let (split, known): (Split, &[&str]) = match &*kind {
        "equal" => (
            Split::Equal {
                members: members(&o)?,
            },
            &["type", "members"],
        ),
        "shares" => (
            Split::Shares {
                shares: decimal_map(o.require("shares")?, &path.field("shares"))?,
            },
            &["type", "shares"],
        ),
        "percent" => (
            Split::Percent {
                percent: decimal_map(o.require("percent")?, &path.field("percent"))?,
            },
            &["type", "percent"],
        ),
        "exact" => (
            Split::Exact {
                amounts: decimal_map(o.require("amounts")?, &path.field("amounts"))?,
            },
            &["type", "amounts"],
        ),
        "adjustment" => {
            let adjustments = match o.get("adjustments") {
                Some(v) => decimal_map(v, &path.field("adjustments"))?,
                None => Vec::new(),
            };
            (
                Split::Adjustment {
                    members: members(&o)?,
                    adjustments,
                },
                &["type", "members", "adjustments"],
            )
        }
        "itemized" => {
            let items = list(o.require("items")?, &path.field("items"), item)?;
            let extras = match o.get("extras") {
                Some(v) => list(v, &path.field("extras"), extra)?,
                None => Vec::new(),
            };
            (Split::Itemized { items, extras }, &["type", "items", "extras"])
        }
        other => {
            return Err(tp.err(
                ErrorCode::InvalidInput,
                format!(
                "unknown split type '{}' (expected equal, shares, percent, exact, adjustment or itemized)",
                money::clip(other)
            ),
            ))
        }
    };
    o.finish(known)?;
    Ok(split)
}

fn item<S: Source>(v: &S, path: &Path) -> Result<Item> {
    let o = Obj::new(v.node(), path, "an item")?;
    let amount = decimal(o.require("amount")?, &path.field("amount"))?;
    let split = split(o.require("split")?, &path.field("split"))?;
    let description = opt_string(&o, "description")?;
    o.finish(&["amount", "split", "description"])?;
    Ok(Item {
        amount,
        split,
        description,
    })
}

fn extra<S: Source>(v: &S, path: &Path) -> Result<Extra> {
    let o = Obj::new(v.node(), path, "an extra")?;
    let label = string(o.require("label")?, &path.field("label"))?.into_owned();
    let amount = decimal(o.require("amount")?, &path.field("amount"))?;
    o.finish(&["label", "amount"])?;
    Ok(Extra { label, amount })
}

fn payment<S: Source>(v: &S, path: &Path) -> Result<Payment> {
    let o = Obj::new(v.node(), path, "a payment")?;
    let from = string(o.require("from")?, &path.field("from"))?.into_owned();
    let to = string(o.require("to")?, &path.field("to"))?.into_owned();
    let amount = decimal(o.require("amount")?, &path.field("amount"))?;
    let currency = opt_string(&o, "currency")?;
    let rate = o
        .get("rate")
        .map(|v| decimal(v, &path.field("rate")))
        .transpose()?;
    let id = opt_string(&o, "id")?;
    let date = opt_date(&o, "date")?;
    o.finish(&["from", "to", "amount", "currency", "rate", "id", "date"])?;
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
    let o = Obj::new(v.node(), path, "options")?;
    if let Some(v) = o.get("settle") {
        let p = path.field("settle");
        out.settle = match &*option_string(v, &p)? {
            "minimal" => SettleMethod::Minimal,
            "greedy" => SettleMethod::Greedy,
            "pairwise" => SettleMethod::Pairwise,
            other => {
                return Err(p.err(
                    ErrorCode::InvalidOption,
                    format!(
                        "settle must be minimal, greedy or pairwise, not '{}'",
                        money::clip(other)
                    ),
                ))
            }
        };
    }
    if let Some(v) = o.get("balances_in") {
        let p = path.field("balances_in");
        out.balances_in = match &*option_string(v, &p)? {
            "group" => BalancesIn::Group,
            "each" => BalancesIn::Each,
            other => {
                return Err(p.err(
                    ErrorCode::InvalidOption,
                    format!("balances_in must be group or each, not '{}'", money::clip(other)),
                ))
            }
        };
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
                "exact_limit must be a whole number >= 0",
            )
        })?);
    }
    if let Some(v) = o.get("previous") {
        out.previous = list(v, &path.field("previous"), |v, p| transfer(v, p, group_currency))?;
    }
    o.finish(&["settle", "balances_in", "exact_limit", "previous"])
}

fn transfer<S: Source>(v: &S, path: &Path, group_currency: &str) -> Result<Transfer> {
    let o = Obj::new(v.node(), path, "a transfer")?;
    let from = string(o.require("from")?, &path.field("from"))?.into_owned();
    let to = string(o.require("to")?, &path.field("to"))?.into_owned();
    let amount = decimal(o.require("amount")?, &path.field("amount"))?;
    let currency = opt_string(&o, "currency")?.unwrap_or_else(|| group_currency.to_string());
    o.finish(&["from", "to", "amount", "currency"])?;
    Ok(Transfer {
        from,
        to,
        amount,
        currency,
    })
}

#[cfg(test)]
mod tests {
    use super::{group_from_value, is_iso_date};
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
    fn iso_dates() {
        for ok in ["2024-02-29", "2026-11-22", "2000-02-29", "0001-01-01"] {
            assert!(is_iso_date(ok), "{ok}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-11-22",
            "2026-11-22T00:00",
            "2026-04-31",
            "２０２６-11-22",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }
}
