//! Reading contract JSON text straight into a typed [`Group`] in one pass, when it can vouch
//! for the answer.
//!
//! The reference reader ([`crate::wire::group_from_value`] over a [`crate::Document`]) checks
//! the text's syntax in one pass and then reads the group from it, field by field, in the order
//! that decides which error comes first. This reader does both at once, in text order, and
//! builds nothing but the group. It never reports an error: whenever anything is not what a
//! well-formed group holds (a syntax error, an unknown or repeated key, a `null`, a wrong type,
//! an amount that does not parse, `options.previous`, splits nested deeper than
//! [`MAX_SPLIT_DEPTH`]) it declines, and the reference reader reads the text from the start and
//! gives the answer, error or group, that it always gave. So it may only decline too often,
//! never answer differently: the tests hold both readers to the same group on every input they
//! try (`tests/quick.rs`, and the fuzz target `quick`).

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::error::Path;
use crate::json::{Reader, Scan};
use crate::model::{Expense, Extra, Group, Item, Member, Options, PaidBy, Part, Payment, Split};
use crate::money;
use crate::split;

/// Itemized splits nested deeper than this (an item's split itemized again, and so on) are left
/// to the reference reader, which bounds nesting with its own error.
pub const MAX_SPLIT_DEPTH: usize = 4;

/// After this many elements of an array, the reader makes room for the rest at once.
const SAMPLE: usize = 16;

/// How the text's numbers and strings are to be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reading<'m> {
    /// As JSON: a number is the exact decimal it writes.
    #[default]
    Exact,
    /// As the `JSON.stringify` text of a host's value ([`crate::Json::Float`]): a number was a
    /// binary float, refused as money; a string starting with the marker (if any) encodes a
    /// host value that has no JSON form.
    Host(Option<&'m str>),
}

/// The group that `text` holds, read in one pass, or `None` when this reader declines (see the
/// module's documentation): the reference reader then has the answer.
pub(crate) fn group(text: &str, reading: Reading<'_>) -> Option<Group> {
    let (floats, marker) = match reading {
        Reading::Exact => (false, None),
        Reading::Host(marker) => (true, marker.filter(|m| !m.is_empty())),
    };
    let mut q = Quick {
        r: Reader::new(text, Scan { ends: Vec::new() }),
        floats,
        marker,
    };
    let group = q.group()?;
    q.r.skip_space();
    (q.r.at == text.len()).then_some(group)
}

/// The reader: a token reader over the text and how to take numbers and strings.
struct Quick<'t, 'm> {
    r: Reader<'t, Scan>,
    floats: bool,
    marker: Option<&'m str>,
}

/// The keys of a map, or `None` when one repeats (pairwise for a few, by the engine's own sort
/// for more: no input makes this slow, and no second sort in the WebAssembly).
fn unique_keys(parts: &[Part]) -> Option<()> {
    let n = parts.len();
    let repeated = if n <= 16 {
        (1..n).any(|i| (0..i).any(|j| parts[j].member == parts[i].member))
    } else {
        split::first_repeat(parts.iter().map(|p| p.member.as_str())).is_some()
    };
    (!repeated).then_some(())
}

impl<'t> Quick<'t, '_> {
    /// Moves past `byte` (after any whitespace), or `None`.
    fn byte(&mut self, byte: u8) -> Option<()> {
        self.r.skip_space();
        (self.r.peek() == Some(byte)).then(|| self.r.at += 1)
    }

    /// A string token (after any whitespace), unchecked for the marker: a key.
    fn raw_string(&mut self) -> Option<Cow<'t, str>> {
        self.r.skip_space();
        if self.r.peek() != Some(b'"') {
            return None;
        }
        self.r.string().ok()
    }

    /// A string value; one that starts with the host's marker is declined.
    fn string(&mut self) -> Option<Cow<'t, str>> {
        let s = self.raw_string()?;
        match self.marker {
            Some(m) if s.starts_with(m) => None,
            _ => Some(s),
        }
    }

    fn owned(&mut self) -> Option<String> {
        self.string().map(Cow::into_owned)
    }

    /// An amount, rate, share or weight: a decimal string, or a JSON number read exactly.
    fn decimal(&mut self) -> Option<Decimal> {
        self.r.skip_space();
        match self.r.peek()? {
            b'"' => money::parse_plain(&self.string()?, &Path::Root).ok(),
            b'-' | b'0'..=b'9' if !self.floats => {
                money::parse_json_number(self.r.number().ok()?, &Path::Root).ok()
            }
            _ => None,
        }
    }

    /// An object, calling `entry` with each key once the reader is at its value.
    /// (Not generic: one copy of the loop for every kind of object keeps the WebAssembly small.)
    fn object(&mut self, entry: &mut dyn FnMut(&mut Self, Cow<'t, str>) -> Option<()>) -> Option<()> {
        self.byte(b'{')?;
        if self.byte(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.raw_string()?;
            self.byte(b':')?;
            entry(self, key)?;
            self.r.skip_space();
            match self.r.peek()? {
                b',' => self.r.at += 1,
                b'}' => {
                    self.r.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array, each element read by `item`.
    fn array<T>(&mut self, item: &mut dyn FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.byte(b'[')?;
        let mut out = Vec::new();
        if self.byte(b']').is_some() {
            return Some(out);
        }
        let start = self.r.at;
        loop {
            out.push(item(self)?);
            if out.len() == SAMPLE {
                // Room for as many more as the rest of the text could hold at the first ones'
                // size, taken once: growing by doubling copies a large array (and, natively,
                // touches twice its memory) where room never written is never touched.
                let each = ((self.r.at - start) / SAMPLE).max(1);
                out.reserve((self.r.text.len() - self.r.at) / each);
            }
            self.r.skip_space();
            match self.r.peek()? {
                b',' => self.r.at += 1,
                b']' => {
                    self.r.at += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    /// A map of member (or currency) to decimal, in order; repeated keys declined.
    fn parts(&mut self) -> Option<Vec<Part>> {
        let mut out = Vec::new();
        self.object(&mut |q, key| {
            let value = q.decimal()?;
            out.push(Part {
                member: key.into_owned(),
                value,
            });
            Some(())
        })?;
        unique_keys(&out)?;
        Some(out)
    }

    fn group(&mut self) -> Option<Group> {
        const FIELDS: &[&str] = &["currency", "members", "rates", "expenses", "payments", "options"];
        let (mut seen, mut g) = (0, Group::default());
        self.object(&mut |q, key| {
            match field(FIELDS, &key, &mut seen)? {
                0 => g.currency = q.owned()?,
                1 => g.members = q.array(&mut Self::member)?,
                2 => g.rates = q.parts()?.into_iter().map(|p| (p.member, p.value)).collect(),
                3 => g.expenses = q.array(&mut Self::expense)?,
                4 => g.payments = q.array(&mut Self::payment)?,
                _ => g.options = q.options()?,
            }
            Some(())
        })?;
        has(seen, &[0, 1]).then_some(g)
    }

    fn member(&mut self) -> Option<Member> {
        self.r.skip_space();
        if self.r.peek()? == b'"' {
            return Some(Member::new(self.owned()?));
        }
        let (mut seen, mut m) = (0, Member::default());
        self.object(&mut |q, key| {
            match field(&["id", "name"], &key, &mut seen)? {
                0 => m.id = q.owned()?,
                _ => m.name = Some(q.owned()?),
            }
            Some(())
        })?;
        has(seen, &[0]).then_some(m)
    }

    fn expense(&mut self) -> Option<Expense> {
        const FIELDS: &[&str] = &[
            "id",
            "amount",
            "currency",
            "rate",
            "paid_by",
            "split",
            "description",
            "date",
            "category",
        ];
        let mut seen = 0;
        let (blank_payer, blank_split) = (PaidBy::One(String::new()), Split::Equal { members: None });
        let mut e = Expense::new(String::new(), Decimal::ZERO, blank_payer, blank_split);
        self.object(&mut |q, key| {
            match field(FIELDS, &key, &mut seen)? {
                0 => e.id = q.owned()?,
                1 => e.amount = q.decimal()?,
                2 => e.currency = Some(q.owned()?),
                3 => e.rate = Some(q.decimal()?),
                4 => e.paid_by = q.paid_by()?,
                5 => e.split = q.split(0)?,
                6 => e.description = Some(q.owned()?),
                7 => e.date = Some(q.owned()?),
                _ => e.category = Some(q.owned()?),
            }
            Some(())
        })?;
        has(seen, &[0, 1, 4, 5]).then_some(e)
    }

    fn paid_by(&mut self) -> Option<PaidBy> {
        self.r.skip_space();
        if self.r.peek()? == b'"' {
            Some(PaidBy::One(self.owned()?))
        } else {
            Some(PaidBy::Several(self.parts()?))
        }
    }

    /// A split, `depth` itemized splits deep. Its fields are read in any order and checked
    /// against its type at the end.
    fn split(&mut self, depth: usize) -> Option<Split> {
        const FIELDS: &[&str] = &[
            "type",
            "members",
            "shares",
            "percent",
            "amounts",
            "adjustments",
            "items",
            "extras",
        ];
        if depth > MAX_SPLIT_DEPTH {
            return None;
        }
        let (mut seen, mut f) = (0, SplitFields::default());
        self.object(&mut |q, key| {
            match field(FIELDS, &key, &mut seen)? {
                0 => f.kind = q.string()?,
                1 => f.members = Some(q.array(&mut Self::owned)?),
                i @ 2..=5 => f.maps[i - 2] = q.parts()?,
                6 => f.items = q.array(&mut |q| q.item(depth))?,
                _ => f.extras = q.array(&mut Self::extra)?,
            }
            Some(())
        })?;
        let [shares, percent, amounts, adjustments] = f.maps;
        // The fields each type requires, and those it may have besides.
        let (split, required, optional): (Split, &[usize], &[usize]) = match &*f.kind {
            "equal" => (Split::Equal { members: f.members }, &[0], &[1]),
            "shares" => (Split::Shares { shares }, &[0, 2], &[]),
            "percent" => (Split::Percent { percent }, &[0, 3], &[]),
            "exact" => (Split::Exact { amounts }, &[0, 4], &[]),
            "adjustment" => {
                let members = f.members;
                (Split::Adjustment { members, adjustments }, &[0], &[1, 5])
            }
            "itemized" => {
                let (items, extras) = (f.items, f.extras);
                (Split::Itemized { items, extras }, &[0, 6], &[7])
            }
            _ => return None,
        };
        let allowed = mask(required) | mask(optional);
        (has(seen, required) && seen & !allowed == 0).then_some(split)
    }

    fn item(&mut self, depth: usize) -> Option<Item> {
        let mut seen = 0;
        let split = Split::Equal { members: None };
        let (amount, description) = (Decimal::ZERO, None);
        let mut item = Item {
            amount,
            split,
            description,
        };
        self.object(&mut |q, key| {
            match field(&["amount", "split", "description"], &key, &mut seen)? {
                0 => item.amount = q.decimal()?,
                1 => item.split = q.split(depth + 1)?,
                _ => item.description = Some(q.owned()?),
            }
            Some(())
        })?;
        has(seen, &[0, 1]).then_some(item)
    }

    fn extra(&mut self) -> Option<Extra> {
        let (mut seen, label, amount) = (0, String::new(), Decimal::ZERO);
        let mut extra = Extra { label, amount };
        self.object(&mut |q, key| {
            match field(&["label", "amount"], &key, &mut seen)? {
                0 => extra.label = q.owned()?,
                _ => extra.amount = q.decimal()?,
            }
            Some(())
        })?;
        has(seen, &[0, 1]).then_some(extra)
    }

    fn payment(&mut self) -> Option<Payment> {
        const FIELDS: &[&str] = &["from", "to", "amount", "currency", "rate", "id", "date"];
        let (mut seen, mut p) = (0, Payment::new(String::new(), String::new(), Decimal::ZERO));
        self.object(&mut |q, key| {
            match field(FIELDS, &key, &mut seen)? {
                0 => p.from = q.owned()?,
                1 => p.to = q.owned()?,
                2 => p.amount = q.decimal()?,
                3 => p.currency = Some(q.owned()?),
                4 => p.rate = Some(q.decimal()?),
                5 => p.id = Some(q.owned()?),
                _ => p.date = Some(q.owned()?),
            }
            Some(())
        })?;
        has(seen, &[0, 1, 2]).then_some(p)
    }

    /// The options, less `previous` (declined: the reference reader reads transfers).
    fn options(&mut self) -> Option<Options> {
        let (mut seen, mut out) = (0, Options::default());
        self.object(&mut |q, key| {
            match field(&["settle", "balances_in", "exact_limit"], &key, &mut seen)? {
                0 => out.settle = q.string()?.parse().ok()?,
                1 => out.balances_in = q.string()?.parse().ok()?,
                _ => {
                    q.r.skip_space();
                    out.exact_limit = Some(q.r.number().ok()?.parse::<usize>().ok()?);
                }
            }
            Some(())
        })?;
        Some(out)
    }
}

/// The position of `key` among an object's `fields`, noted in `seen`; `None` for a key that is
/// not one of them or that `seen` holds already (a repeated key).
fn field(fields: &[&str], key: &str, seen: &mut u32) -> Option<usize> {
    let i = fields.iter().position(|f| *f == key)?;
    let bit = 1 << i;
    (*seen & bit == 0).then(|| {
        *seen |= bit;
        i
    })
}

/// The bits of these field positions.
fn mask(fields: &[usize]) -> u32 {
    fields.iter().fold(0, |m, i| m | 1 << i)
}

/// True when every one of these fields was seen.
fn has(seen: u32, fields: &[usize]) -> bool {
    let m = mask(fields);
    seen & m == m
}

/// A split's fields as read, before its type says which it may have.
#[derive(Default)]
struct SplitFields<'t> {
    kind: Cow<'t, str>,
    members: Option<Vec<String>>,
    /// `shares`, `percent`, `amounts`, `adjustments`.
    maps: [Vec<Part>; 4],
    items: Vec<Item>,
    extras: Vec<Extra>,
}
