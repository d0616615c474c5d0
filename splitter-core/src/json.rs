//! A JSON value that keeps what exact money needs: numbers as their original text (never a
//! float), and objects as lists of pairs in input order, so that a repeated key can be reported
//! instead of silently keeping the last one.
//!
//! The reader is our own (RFC 8259, strict): no float ever exists, an object can never pass for
//! a number, nesting is limited, and a syntax error names its line and column.

use std::borrow::Cow;

use crate::error::{Error, ErrorCode, Result};
use crate::source::{Entries, Items, Node, Source};

/// A parsed JSON value: what the server and the bindings read a request into before handing it
/// to [`crate::wire::group_from_value`] (the engine's own [`crate::compute_json`] reads text
/// without a tree, through a [`Document`]).
///
/// # Example
/// ```
/// use splitter_core::Json;
/// let v = Json::parse(r#"{"rate": 1.10, "members": ["ana"]}"#)?;
/// let Json::Object(entries) = &v else { unreachable!() };
/// assert_eq!(entries[0], ("rate".to_string(), Json::Number("1.10".into())));
/// assert_eq!(entries[1].1.kind(), "an array");
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written (`"0.1"`, `"1e3"`); always valid JSON number syntax.
    Number(String),
    /// A binary floating-point number handed over by a host language (a JavaScript `number`),
    /// as its shortest round-trip text (`"0.1"`, `"12"`). Never produced by [`Json::parse`].
    /// Accepted where a whole count is expected (`options.exact_limit`) when it is whole; refused
    /// with `invalid_amount` where an amount, rate, share or weight is expected, because it may
    /// already have lost precision before it reached the engine.
    Float(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: keys and values in input order, repeats kept.
    Object(Vec<(String, Json)>),
}

/// Deeper nesting than this is refused: the contract's deepest input (an item's split inside an
/// itemized split) is six levels deep.
pub const MAX_DEPTH: usize = 128;

impl Json {
    /// Parses JSON text.
    ///
    /// # Errors
    /// `invalid_json`, with the line and column, when the text is not JSON (RFC 8259, strict:
    /// no trailing commas, no comments, no lone surrogates) or nests deeper than 128 levels.
    ///
    /// # Example
    /// ```
    /// use splitter_core::Json;
    /// let v = Json::parse(r#"{"amount": 0.1}"#)?;
    /// assert_eq!(v, Json::Object(vec![("amount".into(), Json::Number("0.1".into()))]));
    /// assert_eq!(Json::parse("[1,]").unwrap_err().code.as_str(), "invalid_json");
    /// # Ok::<(), splitter_core::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Json> {
        Reader::new(text, Tree).whole()
    }

    /// The name of the value's JSON type, for messages.
    ///
    /// # Example
    /// ```
    /// assert_eq!(splitter_core::Json::Null.kind(), "null");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::Float(_) => "a floating-point number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// A scalar as the reader sees it, borrowed from the text where it can be.
pub(crate) enum Scalar<'t> {
    Null,
    Bool(bool),
    Number(&'t str),
    String(Cow<'t, str>),
}

/// What the reader makes of what it reads: a [`Json`] tree, or (for a [`Document`]) nothing but
/// a note of where each array and object ends.
pub(crate) trait Build<'t> {
    type Value;
    type Open;
    fn scalar(&mut self, s: Scalar<'t>) -> Self::Value;
    /// An array (`object` false) or an object opens at byte `at`.
    fn open(&mut self, object: bool, at: usize) -> Self::Open;
    fn item(&mut self, open: &mut Self::Open, key: Option<Cow<'t, str>>, value: Self::Value);
    /// It closes just before byte `end`.
    fn close(&mut self, open: Self::Open, end: usize) -> Self::Value;
}

/// Builds a [`Json`] tree.
struct Tree;

impl<'t> Build<'t> for Tree {
    type Value = Json;
    type Open = Json;

    fn scalar(&mut self, s: Scalar<'t>) -> Json {
        match s {
            Scalar::Null => Json::Null,
            Scalar::Bool(b) => Json::Bool(b),
            Scalar::Number(n) => Json::Number(n.to_string()),
            Scalar::String(s) => Json::String(s.into_owned()),
        }
    }

    fn open(&mut self, object: bool, _: usize) -> Json {
        if object {
            Json::Object(Vec::new())
        } else {
            Json::Array(Vec::new())
        }
    }

    fn item(&mut self, open: &mut Json, key: Option<Cow<'t, str>>, value: Json) {
        match (open, key) {
            (Json::Object(entries), Some(k)) => entries.push((k.into_owned(), value)),
            (Json::Array(items), _) => items.push(value),
            _ => {}
        }
    }

    fn close(&mut self, open: Json, _: usize) -> Json {
        open
    }
}

/// Checks syntax only, noting each array's and object's end in [`Document::ends`]. (The
/// one-pass reader, [`crate::quick`], takes tokens through a reader of this kind, with no ends
/// noted: one copy of the token code in the WebAssembly module, not two.)
pub(crate) struct Scan {
    pub(crate) ends: Vec<End>,
}

impl<'t> Build<'t> for Scan {
    type Value = ();
    type Open = usize;

    fn scalar(&mut self, _: Scalar<'t>) {}

    fn open(&mut self, _: bool, _: usize) -> usize {
        self.ends.push(End {
            at: 0,
            next: 0,
            len: 0,
        });
        self.ends.len() - 1
    }

    fn item(&mut self, k: &mut usize, _: Option<Cow<'t, str>>, _: ()) {
        if let Some(e) = self.ends.get_mut(*k) {
            e.len = e.len.saturating_add(1);
        }
    }

    fn close(&mut self, k: usize, end: usize) {
        let next = narrow(self.ends.len());
        if let Some(e) = self.ends.get_mut(k) {
            e.at = narrow(end);
            e.next = next;
        }
    }
}

/// A position or count of a [`Document`], which is shorter than 4 GiB.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where an array or object ends: the byte after its closing bracket, and the ordinal of the
/// first array or object after it (those inside it are numbered in between); and how many
/// items or entries it holds. (32 bits each: a document is shorter than 4 GiB, and a large
/// input has a million of these.)
#[derive(Debug, Clone, Copy)]
pub(crate) struct End {
    at: u32,
    next: u32,
    len: u32,
}

pub(crate) struct Reader<'t, B> {
    pub(crate) text: &'t str,
    pub(crate) at: usize,
    depth: usize,
    build: B,
}

/// One byte repeated in every byte of a word.
const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

impl<'t, B: Build<'t>> Reader<'t, B> {
    pub(crate) fn new(text: &'t str, build: B) -> Reader<'t, B> {
        Reader {
            text,
            at: 0,
            depth: 0,
            build,
        }
    }

    /// Reads the whole text: one value with only whitespace around it.
    fn whole(&mut self) -> Result<B::Value> {
        self.skip_space();
        let v = self.value()?;
        self.skip_space();
        if self.at != self.text.len() {
            return Err(self.fail("unexpected text after the JSON value"));
        }
        Ok(v)
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn fail(&self, what: &str) -> Error {
        let before = &self.text[..self.at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::new(
            ErrorCode::InvalidJson,
            "",
            format!(
                "the input is not valid JSON: {what} at line {line} column {column}; correct the text \
                 there"
            ),
        )
    }

    pub(crate) fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<()> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.fail(what))
        }
    }

    fn value(&mut self) -> Result<B::Value> {
        let scalar = match self.peek() {
            None => return Err(self.fail("unexpected end of input")),
            Some(b'{') => return self.nested(true),
            Some(b'[') => return self.nested(false),
            Some(b'"') => Scalar::String(self.string()?),
            Some(b't') => self.word("true", Scalar::Bool(true))?,
            Some(b'f') => self.word("false", Scalar::Bool(false))?,
            Some(b'n') => self.word("null", Scalar::Null)?,
            Some(b'-' | b'0'..=b'9') => Scalar::Number(self.number()?),
            Some(_) => return Err(self.fail("unexpected character")),
        };
        Ok(self.build.scalar(scalar))
    }

    fn nested(&mut self, object: bool) -> Result<B::Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail("nesting too deep"));
        }
        let v = self.container(object);
        self.depth -= 1;
        v
    }

    fn word(&mut self, word: &str, v: Scalar<'t>) -> Result<Scalar<'t>> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(v)
        } else {
            Err(self.fail("unexpected word"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    pub(crate) fn number(&mut self) -> Result<&'t str> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.fail("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        Ok(&self.text[start..self.at])
    }

    fn hex4(&mut self) -> Result<u32> {
        let hex = self
            .text
            .get(self.at..self.at + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        let code = hex
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.fail("invalid \\u escape"))?;
        self.at += 4;
        Ok(code)
    }

    /// Moves to the next `"`, `\` or control character (or the end), eight bytes at a time.
    fn plain_run(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(chunk) = bytes.get(self.at..self.at + 8) {
            let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            // The lowest flagged byte of each test is exact (a borrow only runs upwards).
            let zero = |v: u64| v.wrapping_sub(splat(1)) & !v & splat(0x80);
            let hit = zero(w ^ splat(b'"'))
                | zero(w ^ splat(b'\\'))
                | (w.wrapping_sub(splat(0x20)) & !w & splat(0x80));
            if hit != 0 {
                self.at += (hit.trailing_zeros() / 8) as usize;
                return;
            }
            self.at += 8;
        }
        while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
            self.at += 1;
        }
    }

    /// A string, borrowed from the text unless it has escapes.
    pub(crate) fn string(&mut self) -> Result<Cow<'t, str>> {
        self.at += 1; // the opening quote
        let start = self.at;
        self.plain_run();
        if self.peek() == Some(b'"') {
            self.at += 1;
            // Stops only at ASCII bytes, so both ends are character boundaries.
            return Ok(Cow::Borrowed(&self.text[start..self.at - 1]));
        }
        let mut out = String::from(&self.text[start..self.at]);
        loop {
            match self.peek() {
                None => return Err(self.fail("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err(self.fail("control character in a string")),
            }
            let start = self.at;
            self.plain_run();
            out.push_str(&self.text[start..self.at]);
        }
    }

    /// After a backslash: the escaped character, the reader moved past the escape.
    fn escape(&mut self) -> Result<char> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                return self.unicode_escape();
            }
            _ => return Err(self.fail("invalid escape")),
        };
        self.at += 1;
        Ok(c)
    }

    /// After `\u`: one code point, or a surrogate pair written as two escapes.
    fn unicode_escape(&mut self) -> Result<char> {
        let high = self.hex4()?;
        let code = match high {
            0xD800..=0xDBFF => {
                if !self.text[self.at..].starts_with("\\u") {
                    return Err(self.fail("lone surrogate in \\u escape"));
                }
                self.at += 2;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.fail("lone surrogate in \\u escape"));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.fail("lone surrogate in \\u escape")),
            c => c,
        };
        char::from_u32(code).ok_or_else(|| self.fail("invalid \\u escape"))
    }

    /// An array or an object, at its opening bracket.
    fn container(&mut self, object: bool) -> Result<B::Value> {
        let mut open = self.build.open(object, self.at);
        let close = if object { b'}' } else { b']' };
        self.at += 1;
        self.skip_space();
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(self.build.close(open, self.at));
        }
        loop {
            self.skip_space();
            let key = if object {
                if self.peek() != Some(b'"') {
                    return Err(self.fail("expected a key in double quotes"));
                }
                let key = self.string()?;
                self.skip_space();
                self.expect(b':', "expected ':'")?;
                self.skip_space();
                Some(key)
            } else {
                None
            };
            let value = self.value()?;
            self.build.item(&mut open, key, value);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(c) if c == close => {
                    self.at += 1;
                    return Ok(self.build.close(open, self.at));
                }
                _ if object => return Err(self.fail("expected ',' or '}'")),
                _ => return Err(self.fail("expected ',' or ']'")),
            }
        }
    }
}

/// JSON text checked once and then read lazily, one array or object at a time, straight from
/// the text: strings without escapes are borrowed, and no tree is built. This is how
/// [`crate::compute_json`] reads its input: the memory it needs beyond the text is one entry
/// per array and object.
///
/// # Example
/// ```
/// use splitter_core::{wire, Document};
/// let doc = Document::new(r#"{"currency": "EUR", "members": ["ana"]}"#)?;
/// let group = wire::group_from_value(&doc.root())?;
/// assert_eq!(group.members[0].id, "ana");
/// assert_eq!(Document::new("[1,]").unwrap_err().code.as_str(), "invalid_json");
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Document<'t> {
    text: &'t str,
    ends: Vec<End>,
}

impl<'t> Document<'t> {
    /// The longest text a document reads: 4 GiB less a byte. ([`Json::parse`] reads longer
    /// ones; [`crate::wire::group_from_json`] turns to it for them.)
    pub const MAX_LEN: usize = u32::MAX as usize;

    /// True when the text is at most [`Document::MAX_LEN`] bytes long (always, where `usize` is
    /// 32 bits).
    pub fn fits(text: &str) -> bool {
        u32::try_from(text.len()).is_ok()
    }

    /// Checks the text's syntax (the same rules and errors as [`Json::parse`]).
    ///
    /// # Errors
    /// `invalid_json`, with the line and column, when the text is not JSON or nests deeper
    /// than 128 levels; `invalid_input` when it is longer than [`Document::MAX_LEN`].
    pub fn new(text: &'t str) -> Result<Document<'t>> {
        if !Self::fits(text) {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "",
                "the JSON text is 4 GiB or longer, more than a document reads; send a smaller group",
            ));
        }
        // At most one entry per bracket: sized once, not doubled (and copied) as it grows.
        let brackets = text.bytes().filter(|b| matches!(b, b'{' | b'[')).count();
        let mut r = Reader::new(
            text,
            Scan {
                ends: Vec::with_capacity(brackets),
            },
        );
        r.whole()?;
        Ok(Document {
            text,
            ends: r.build.ends,
        })
    }

    /// The top-level value.
    ///
    /// # Example
    /// ```
    /// use splitter_core::{Document, Node, Source};
    /// let doc = Document::new(r#" "ana" "#)?;
    /// assert!(matches!(doc.root().node(), Node::String(s) if s == "ana"));
    /// # Ok::<(), splitter_core::Error>(())
    /// ```
    pub fn root(&self) -> Lazy<'_> {
        let mut r = Reader::new(self.text, Scan { ends: Vec::new() });
        r.skip_space();
        self.at(&mut r, &mut 0)
    }

    /// The value at the reader's position (already checked, so reading cannot fail); `k` is the
    /// ordinal of the next array or object, moved past this value's.
    #[inline(always)]
    fn at<'d>(&'d self, r: &mut Reader<'d, Scan>, k: &mut usize) -> Lazy<'d> {
        let start = r.at;
        let kind = match r.peek() {
            Some(c @ (b'{' | b'[')) => {
                let end = self.ends.get(*k).copied().unwrap_or(End {
                    at: narrow(r.text.len()),
                    next: narrow(*k + 1),
                    len: 0,
                });
                let kind = Kind::Container {
                    object: c == b'{',
                    at: start,
                    k: *k,
                };
                r.at = end.at as usize;
                *k = end.next as usize;
                kind
            }
            _ => match r.value_scalar() {
                Ok(Scalar::Null) => Kind::Null,
                Ok(Scalar::Bool(b)) => Kind::Bool(b),
                Ok(Scalar::Number(n)) => Kind::Number(n),
                Ok(Scalar::String(s)) => Kind::String(s),
                Err(e) => Kind::Broken(e.message),
            },
        };
        Lazy { doc: self, kind }
    }
}

impl<'t> Reader<'t, Scan> {
    /// A scalar, in a document already checked.
    fn value_scalar(&mut self) -> Result<Scalar<'t>> {
        match self.peek() {
            Some(b'"') => Ok(Scalar::String(self.string()?)),
            Some(b't') => self.word("true", Scalar::Bool(true)),
            Some(b'f') => self.word("false", Scalar::Bool(false)),
            Some(b'n') => self.word("null", Scalar::Null),
            _ => Ok(Scalar::Number(self.number()?)),
        }
    }
}

/// A value of a [`Document`], read when it is looked at ([`Source`]): an array or an object is
/// read one level at a time, each time [`Source::node`] is called, straight from the text.
///
/// # Example
/// ```
/// use splitter_core::{Document, Node, Source};
/// let doc = Document::new(r#"{"members": ["ana", "ben"]}"#)?;
/// let root = doc.root();
/// let Node::Object(entries) = root.node() else { unreachable!() };
/// assert_eq!(entries.key(0), "members");
/// let Node::Array(items) = entries.value(0).node() else { unreachable!() };
/// assert_eq!(items.as_slice().len(), 2);
/// # Ok::<(), splitter_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Lazy<'d> {
    doc: &'d Document<'d>,
    kind: Kind<'d>,
}

#[derive(Debug)]
enum Kind<'d> {
    Null,
    Bool(bool),
    Number(&'d str),
    String(Cow<'d, str>),
    Container {
        object: bool,
        at: usize,
        k: usize,
    },
    /// Cannot happen in a checked document; kept so that nothing panics if it did.
    Broken(String),
}

impl Source for Lazy<'_> {
    fn node(&self) -> Node<'_, Self> {
        match &self.kind {
            Kind::Null => Node::Null,
            Kind::Bool(b) => Node::Bool(*b),
            Kind::Number(n) => Node::Number(Cow::Borrowed(n)),
            Kind::String(s) => Node::String(Cow::Borrowed(s)),
            Kind::Broken(message) => Node::Refused(ErrorCode::InvalidJson, message.clone()),
            Kind::Container { object, at, k } => {
                let doc = self.doc;
                let mut r = Reader::new(doc.text, Scan { ends: Vec::new() });
                r.at = at + 1;
                let mut next = k + 1;
                let close = if *object { b'}' } else { b']' };
                let len = doc.ends.get(*k).map_or(0, |e| e.len as usize);
                let (mut items, mut entries) = if *object {
                    (Vec::new(), Vec::with_capacity(len))
                } else {
                    (Vec::with_capacity(len), Vec::new())
                };
                loop {
                    r.skip_space();
                    match r.peek() {
                        Some(b',') => {
                            r.at += 1;
                            r.skip_space();
                        }
                        Some(c) if c == close => break,
                        None => break,
                        _ => {}
                    }
                    if *object {
                        let key = match r.string() {
                            Ok(key) => key,
                            Err(e) => return Node::Refused(ErrorCode::InvalidJson, e.message),
                        };
                        r.skip_space();
                        r.at += 1; // ':'
                        r.skip_space();
                        entries.push((key, doc.at(&mut r, &mut next)));
                    } else {
                        items.push(doc.at(&mut r, &mut next));
                    }
                }
                if *object {
                    Node::Object(Entries::Text(entries))
                } else {
                    Node::Array(Items::Owned(items))
                }
            }
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Json {
        Json::parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message))
    }

    #[test]
    fn reads_what_json_allows() {
        assert_eq!(ok(" null "), Json::Null);
        assert_eq!(
            ok("[true,false]"),
            Json::Array(vec![Json::Bool(true), Json::Bool(false)])
        );
        for n in [
            "0",
            "-0",
            "12.30",
            "1e3",
            "1E+3",
            "-1.5e-7",
            "123456789012345678901234567890",
        ] {
            assert_eq!(ok(n), Json::Number(n.into()));
        }
        assert_eq!(
            ok(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#),
            Json::String("a\"\\/\u{8}\u{c}\n\r\té😀".into())
        );
        assert_eq!(ok("\"ünï\""), Json::String("ünï".into()));
        assert_eq!(
            ok(r#"{"a": 1, "a": 2}"#),
            Json::Object(vec![
                ("a".into(), Json::Number("1".into())),
                ("a".into(), Json::Number("2".into()))
            ])
        );
        assert_eq!(ok("{}"), Json::Object(vec![]));
        assert_eq!(ok("[ ]"), Json::Array(vec![]));
    }

    #[test]
    fn refuses_what_json_does_not_allow() {
        for bad in [
            "",
            " ",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "+1",
            "1e",
            "-",
            "NaN",
            "Infinity",
            "tru",
            "nul",
            "\"abc",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"a\u{1}\"",
            "{a:1}",
            "{\"a\" 1}",
            "[1 2]",
            "1 2",
            "{\"a\":1}x",
            "'a'",
        ] {
            let e = Json::parse(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidJson, "{bad:?}");
        }
        let e = Json::parse("{\n  \"a\": [1,\n  ]\n}").unwrap_err();
        assert!(e.message.contains("line 3 column 3"), "{}", e.message);
    }

    #[test]
    fn nesting_is_limited() {
        let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Json::parse(&deep).is_ok());
        let deeper = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(Json::parse(&deeper).unwrap_err().code, ErrorCode::InvalidJson);
        assert_eq!(
            Json::parse(&"[".repeat(100_000)).unwrap_err().code,
            ErrorCode::InvalidJson
        );
    }

    #[test]
    fn an_object_never_passes_for_a_number() {
        let v = ok(r#"{"$serde_json::private::Number": "1e3"}"#);
        assert!(matches!(v, Json::Object(_)));
    }
}
