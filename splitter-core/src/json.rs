//! A JSON value that keeps what exact money needs: numbers as their original text (never a
//! float), and objects as lists of pairs in input order, so that a repeated key can be reported
//! instead of silently keeping the last one.
//!
//! The reader is our own (RFC 8259, strict): no float ever exists, an object can never pass for
//! a number, nesting is limited, and a syntax error names its line and column.

use crate::error::{Error, ErrorCode, Result};

/// A parsed JSON value.
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
    /// Parses JSON text; `invalid_json` with the line and column on a syntax error.
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
        let mut p = Reader {
            text,
            at: 0,
            depth: 0,
        };
        p.skip_space();
        let v = p.value()?;
        p.skip_space();
        if p.at != text.len() {
            return Err(p.fail("unexpected text after the JSON value"));
        }
        Ok(v)
    }

    /// The name of the value's JSON type, for messages.
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

struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn fail(&self, what: &str) -> Error {
        let before = &self.text[..self.at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::new(
            ErrorCode::InvalidJson,
            "",
            format!("the input is not valid JSON: {what} at line {line} column {column}"),
        )
    }

    fn skip_space(&mut self) {
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

    fn value(&mut self) -> Result<Json> {
        match self.peek() {
            None => Err(self.fail("unexpected end of input")),
            Some(b'{') => self.nested(Reader::object),
            Some(b'[') => self.nested(Reader::array),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.fail("unexpected character")),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Result<Json>) -> Result<Json> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail("nesting too deep"));
        }
        let v = read(self);
        self.depth -= 1;
        v
    }

    fn word(&mut self, word: &str, v: Json) -> Result<Json> {
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

    fn number(&mut self) -> Result<Json> {
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
        Ok(Json::Number(self.text[start..self.at].to_string()))
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

    fn string(&mut self) -> Result<String> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.at;
            // Stops only at ASCII bytes, so both ends are character boundaries.
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.at += 1;
            }
            out.push_str(&self.text[start..self.at]);
            match self.peek() {
                None => return Err(self.fail("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
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
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.fail("invalid escape")),
                    };
                    self.at += 1;
                    out.push(c);
                }
                Some(_) => return Err(self.fail("control character in a string")),
            }
        }
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

    fn array(&mut self) -> Result<Json> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_space();
            items.push(self.value()?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.fail("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self) -> Result<Json> {
        self.at += 1;
        let mut entries = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(entries));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.fail("expected a key in double quotes"));
            }
            let key = self.string()?;
            self.skip_space();
            self.expect(b':', "expected ':'")?;
            self.skip_space();
            entries.push((key, self.value()?));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(entries));
                }
                _ => return Err(self.fail("expected ',' or '}'")),
            }
        }
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
