//! The WebAssembly face of splitter-core, for the npm package `splitter-wasm`.
//!
//! Three entry points, all thin: JSON text in, and out either the contract's canonical output
//! text ([`compute_json`], [`compute_host`]) or the same report in a compact form that the
//! package's JavaScript turns into the output object ([`compute_parts`], see [`parts`]); on bad
//! input the contract's error object (as text) is thrown. The package's JavaScript (`js/api.js`)
//! is the public API: it turns a JavaScript object into text with `JSON.stringify` (native and
//! fast, where walking the object from Rust would cross the WebAssembly boundary for every
//! property), hands the text over as UTF-8 bytes, calls one entry point, and builds the output
//! object (amounts are strings, so nothing is lost); it turns a thrown error object into a
//! `SplitterError`.
//!
//! Exactness: in text made by `JSON.stringify` from a JavaScript value, every number was a
//! JavaScript `number` (a binary float), so such text is read as a host value ([`host_value`],
//! [`Reading::Host`]): each number is handed to the core as a float, which the core refuses with
//! `invalid_amount` where money is expected and accepts where a whole count is
//! (`options.exact_limit`). JSON text given by the caller is read exactly, numbers included, as
//! everywhere else.
//!
//! Speed: the text is read in one pass straight into the core's typed group
//! ([`wire::quick_group`]), or, when that reader declines, checked once and read in place
//! ([`Document`], no tree of values), and the
//! allocator is given the room a computation needs in one step (see `reserve`).
//!
//! No arithmetic happens here: all splitting, rounding, validation and settlement is the core's.

use std::borrow::Cow;

use splitter_core::{wire, Document, Entries, Error, ErrorCode, Items, Json, Lazy, Node, Report, Source};
use wasm_bindgen::prelude::*;

pub mod parts;

/// Computes a group given as the contract's JSON text (UTF-8) and returns the contract's output
/// text, byte for byte `splitter_core::compute_json`'s. JSON numbers are read exactly.
///
/// Throws (as a string) the contract's error object text, `{"error":{"code":...}}`.
#[wasm_bindgen(js_name = computeJson)]
pub fn compute_json(input: &[u8]) -> Result<String, JsValue> {
    compute_bytes(input, Reading::Exact)
        .map(|report| wire::report_to_json(&report))
        .map_err(|e| throw(&e))
}

/// Computes a group given as `JSON.stringify` of a JavaScript value (UTF-8): like
/// [`compute_json`], but every number in the text is taken for what it was, a JavaScript
/// `number`, and strings that start with `marker` (when the glue needed one) stand for what JSON
/// text cannot hold; see [`host_value`].
///
/// Throws (as a string) the contract's error object text.
#[wasm_bindgen(js_name = computeHost)]
pub fn compute_host(stringified: &[u8], marker: Option<String>) -> Result<String, JsValue> {
    compute_bytes(stringified, Reading::Host(marker.as_deref()))
        .map(|report| wire::report_to_json(&report))
        .map_err(|e| throw(&e))
}

/// Computes a group and returns the report in the compact form of [`parts`], from which the
/// glue builds the very object that `JSON.parse` of the canonical text would give, several
/// times faster. `host` tells how to read the text: as `JSON.stringify` of a JavaScript value
/// ([`compute_host`], with `marker`), or exactly ([`compute_json`]).
///
/// Throws (as a string) the contract's error object text.
#[wasm_bindgen(js_name = computeParts)]
pub fn compute_parts(input: &[u8], host: bool, marker: Option<String>) -> Result<Vec<u8>, JsValue> {
    let reading = if host {
        Reading::Host(marker.as_deref())
    } else {
        Reading::Exact
    };
    compute_bytes(input, reading)
        .map(parts::report_to_parts)
        .map_err(|e| throw(&e))
}

/// How text is read: exactly (the contract's JSON), or as `JSON.stringify` of a JavaScript
/// value ([`host_value`]), with the glue's marker if it used one: the core's own.
pub use splitter_core::wire::Reading;

/// The text people read for an error the glue finds itself (a group that `JSON.stringify`
/// cannot write): the core's one format, `code at path: message`, so that every error of the
/// package reads alike.
#[wasm_bindgen(js_name = errorText)]
pub fn error_text(code: &str, path: &str, message: &str) -> String {
    splitter_core::error_text(code, path, message)
}

/// UTF-8 bytes from the glue (`TextEncoder`, which always writes UTF-8) computed as `reading`
/// says.
fn compute_bytes(input: &[u8], reading: Reading<'_>) -> Result<Report, Error> {
    let text = std::str::from_utf8(input).map_err(|e| {
        Error::new(
            ErrorCode::InvalidJson,
            "",
            format!(
                "the input is not UTF-8 (at byte {}); pass a string or UTF-8 bytes",
                e.valid_up_to()
            ),
        )
    })?;
    compute_text(text, reading)
}

/// The work of the entry points, testable without a JavaScript engine: reads the text as
/// `reading` says and computes the report.
pub fn compute_text(text: &str, reading: Reading<'_>) -> Result<Report, Error> {
    reserve(text.len());
    // Longer text than a document reads: never in WebAssembly (4 GiB of memory at most).
    #[cfg(target_pointer_width = "64")]
    if text.len() > Document::MAX_LEN {
        return match reading {
            Reading::Exact => splitter_core::compute(&wire::group_from_json(text)?),
            Reading::Host(marker) => splitter_core::compute_value(&host_value(text, marker)?),
        };
    }
    // In one pass when the core's quick reader can vouch for the group; otherwise (an error
    // somewhere, or something it leaves to the reference reader) in place, with the error's path.
    let group = match wire::quick_group(text, reading) {
        Some(group) => group,
        None => {
            let doc = Document::new(text)?;
            reading_as(reading, || wire::group_from_value(&Host(doc.root())))?
        }
    };
    splitter_core::compute(&group)
}

/// [`compute_host`]'s answer for text, testable without a JavaScript engine: the canonical
/// output text, or the error.
pub fn compute_host_text(stringified: &str, marker: Option<&str>) -> Result<String, Error> {
    compute_text(stringified, Reading::Host(marker)).map(|report| wire::report_to_json(&report))
}

/// Makes sure that the allocator has room for a computation on `input_len` bytes of text before
/// it starts, by taking that room at once (and handing it back).
///
/// WebAssembly memory only grows, and the standard allocator (dlmalloc) grows it by what each
/// request lacks, 64 KiB at a time: a computation on a large group grew it thousands of times.
/// Every `memory.grow` costs the JavaScript engine a garbage collection (V8: the memory's
/// buffer is replaced), which is slow when the caller's heap is large, as it is when it holds
/// the group: measured in Node 20, the first `compute` of the 100,000-expense group took 5 to
/// 70 s (growing the memory to 115 MiB), the next ones 0.5 to 0.7 s. One large request grows
/// the memory once; freed, it stays with the allocator, which serves the computation's requests
/// from it, and the first call took 1.4 s. That computation needed 3.7 times its text besides
/// the text (the group, the report, the output); a group whose splits name no members makes
/// more rows per byte, hence the margin. Memory that is reserved but never written costs the
/// process nothing; if it cannot be had, nothing is reserved.
fn reserve(input_len: usize) {
    /// Bytes of memory per byte of input text reserved up front.
    const PER_BYTE: usize = 6;
    /// Below this nothing is reserved: a few grows are cheap.
    const FLOOR: usize = 1 << 20;
    if input_len >= FLOOR / PER_BYTE {
        // Not `with_capacity`, which aborts when memory runs out: then nothing is reserved.
        // black_box: an allocation that is never used may otherwise be optimised away.
        let mut room = Vec::<u8>::new();
        let _ = room.try_reserve_exact(input_len.saturating_mul(PER_BYTE));
        drop(std::hint::black_box(room));
    }
}

/// Reads the `JSON.stringify` text of a JavaScript value as the value it was, as a tree.
///
/// - Every number becomes a [`Json::Float`] with the same text: in such text a number can only
///   have been a JavaScript `number`, a binary float, before it was text.
/// - With a `marker` (a string the glue chose so that it occurs nowhere in the plain
///   `JSON.stringify` text of the value), a string `<marker>f:<text>` is a non-finite `number`
///   (`NaN`, `Infinity`, which `JSON.stringify` alone would have written as `null`) and becomes a
///   [`Json::Float`]; a string `<marker>n:<digits>` is a `bigint`, an exact integer, and becomes
///   a [`Json::Number`].
///
/// Depth is bounded by the parser's nesting limit. The entry points read such text the same way
/// without building the tree ([`Host`]); this is the reference they are tested against.
pub fn host_value(stringified: &str, marker: Option<&str>) -> Result<Json, Error> {
    let mut value = Json::parse(stringified)?;
    mark(&mut value, marker.filter(|m| !m.is_empty()));
    Ok(value)
}

/// [`host_value`]'s walk over one value.
fn mark(value: &mut Json, marker: Option<&str>) {
    match value {
        Json::Number(text) => *value = Json::Float(std::mem::take(text)),
        Json::String(s) => match marked(s, marker) {
            Marked::Float(start) => *value = Json::Float(s[start..].to_string()),
            Marked::Integer(start) => *value = Json::Number(s[start..].to_string()),
            Marked::String => {}
        },
        Json::Array(items) => items.iter_mut().for_each(|v| mark(v, marker)),
        Json::Object(entries) => entries.iter_mut().for_each(|(_, v)| mark(v, marker)),
        Json::Null | Json::Bool(_) | Json::Float(_) => {}
    }
}

/// What a string of host text stands for.
enum Marked {
    /// A plain string.
    String,
    /// A non-finite `number`, whose text starts at this byte.
    Float(usize),
    /// A `bigint`, whose digits start at this byte.
    Integer(usize),
}

/// Reads a string of host text: `<marker>f:<text>` is a non-finite `number`,
/// `<marker>n:<digits>` a `bigint`; anything else (a `<marker>n:` that is not an integer cannot
/// come from the glue) is a string.
fn marked(s: &str, marker: Option<&str>) -> Marked {
    let Some(rest) = marker.and_then(|m| s.strip_prefix(m)) else {
        return Marked::String;
    };
    let start = s.len() - rest.len() + 2;
    if rest.starts_with("f:") {
        Marked::Float(start)
    } else if let Some(digits) = rest.strip_prefix("n:") {
        let unsigned = digits.strip_prefix('-').unwrap_or(digits);
        if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
            Marked::Integer(start)
        } else {
            Marked::String
        }
    } else {
        Marked::String
    }
}

/// A value of the input text read in place as the entry point's [`Reading`] says (set by
/// [`reading_as`] while it is read): a [`Source`] over the text's [`Document`].
///
/// Read as `JSON.stringify` text of a JavaScript value ([`Reading::Host`]), it gives what
/// [`host_value`] would have built (numbers as floats, marked strings as non-finite numbers and
/// bigints), node by node, with no tree. Read exactly ([`Reading::Exact`]), it is the document's
/// value as it is: every entry point reads through this one type, so that the WebAssembly
/// module holds one copy of the core's reader, not one per kind of value.
#[repr(transparent)]
pub struct Host<'d>(pub Lazy<'d>);

thread_local! {
    /// How [`Host`] values are being read: numbers as floats (as JavaScript numbers)?
    static FLOATS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The glue's marker for [`Host`] values being read (empty: none).
    static MARKER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Runs `read` with [`Host`] values read as `reading` says.
///
/// The reading is kept aside rather than in every `Host`, so that a `Host` is exactly a
/// [`Lazy`]: the children a document's value hands over are then wrapped in place, with no
/// second list allocated for each array and object.
pub fn reading_as<T>(reading: Reading<'_>, read: impl FnOnce() -> T) -> T {
    let (floats, marker) = match reading {
        Reading::Exact => (false, None),
        Reading::Host(marker) => (true, marker),
    };
    FLOATS.set(floats);
    MARKER.with_borrow_mut(|m| {
        m.clear();
        m.push_str(marker.unwrap_or(""));
    });
    let out = read();
    FLOATS.set(false);
    MARKER.with_borrow_mut(String::clear);
    out
}

impl Source for Host<'_> {
    fn node(&self) -> Node<'_, Self> {
        match self.0.node() {
            Node::Number(text) if FLOATS.get() => Node::Float(text),
            Node::Number(text) => Node::Number(text),
            Node::String(s) => {
                let marked = MARKER.with_borrow(|m| {
                    if m.is_empty() {
                        Marked::String
                    } else {
                        marked(&s, Some(m))
                    }
                });
                match marked {
                    Marked::String => Node::String(s),
                    Marked::Float(start) => Node::Float(tail(s, start)),
                    Marked::Integer(start) => Node::Number(tail(s, start)),
                }
            }
            Node::Array(Items::Owned(items)) => {
                Node::Array(Items::Owned(items.into_iter().map(Host).collect()))
            }
            Node::Object(Entries::Text(entries)) => Node::Object(Entries::Text(
                entries.into_iter().map(|(k, v)| (k, Host(v))).collect(),
            )),
            Node::Object(Entries::Owned(entries)) => Node::Object(Entries::Owned(
                entries.into_iter().map(|(k, v)| (k, Host(v))).collect(),
            )),
            Node::Object(Entries::Unique(entries)) => Node::Object(Entries::Unique(
                entries.into_iter().map(|(k, v)| (k, Host(v))).collect(),
            )),
            // A document's values hand over their children; borrowed ones cannot be wrapped.
            Node::Array(Items::Borrowed(_)) | Node::Object(Entries::Borrowed(_)) => Node::Refused(
                ErrorCode::InvalidInput,
                "a value that cannot be read as a JavaScript value".into(),
            ),
            Node::Null => Node::Null,
            Node::Bool(b) => Node::Bool(b),
            Node::Float(text) => Node::Float(text),
            Node::Refused(code, message) => Node::Refused(code, message),
        }
    }

    fn is_null(&self) -> bool {
        self.0.is_null()
    }
}

/// The text of `s` from byte `start` on.
fn tail(s: Cow<'_, str>, start: usize) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(s) => Cow::Borrowed(&s[start..]),
        Cow::Owned(s) => Cow::Owned(s[start..].to_string()),
    }
}

/// The contract's error object as a thrown JavaScript string; `js/api.js` parses it into a
/// `SplitterError`.
fn throw(e: &Error) -> JsValue {
    JsValue::from_str(&wire::error_to_json(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: &str = r#"{"currency":"EUR","members":["ana","ben"],"expenses":[
        {"id":"e1","amount":AMOUNT,"paid_by":"ana","split":{"type":"equal"}}],"options":{"exact_limit":LIMIT}}"#;

    fn group(amount: &str, limit: &str) -> String {
        GROUP.replace("AMOUNT", amount).replace("LIMIT", limit)
    }

    fn code_and_path(e: Error) -> (&'static str, String) {
        (e.code.as_str(), e.path)
    }

    /// A [`Source`] read all the way down into a tree, to compare with [`host_value`].
    fn tree<S: Source>(v: &S) -> Json {
        match v.node() {
            Node::Null => Json::Null,
            Node::Bool(b) => Json::Bool(b),
            Node::Number(n) => Json::Number(n.into_owned()),
            Node::Float(n) => Json::Float(n.into_owned()),
            Node::String(s) => Json::String(s.into_owned()),
            Node::Array(items) => Json::Array(items.as_slice().iter().map(tree).collect()),
            Node::Object(entries) => {
                Json::Object(entries.iter().map(|(k, v)| (k.to_string(), tree(v))).collect())
            }
            Node::Refused(code, message) => panic!("refused: {} {message}", code.as_str()),
        }
    }

    /// What [`Host`] reads from the text, as a tree.
    fn host_tree(text: &str, marker: Option<&str>) -> Json {
        let doc = Document::new(text).unwrap();
        reading_as(Reading::Host(marker), || tree(&Host(doc.root())))
    }

    #[test]
    fn numbers_of_a_host_value_become_floats_everywhere() {
        let text = r#"{"a":[1,{"b":0.1}],"c":"2","d":null,"e":true}"#;
        let v = host_value(text, None).unwrap();
        let expected = Json::Object(vec![
            (
                "a".into(),
                Json::Array(vec![
                    Json::Float("1".into()),
                    Json::Object(vec![("b".into(), Json::Float("0.1".into()))]),
                ]),
            ),
            ("c".into(), Json::String("2".into())),
            ("d".into(), Json::Null),
            ("e".into(), Json::Bool(true)),
        ]);
        assert_eq!(v, expected);
        assert_eq!(host_tree(text, None), expected);
    }

    #[test]
    fn read_exactly_numbers_stay_numbers_and_marks_mean_nothing() {
        let text = r#"{"a":[1,{"b":0.1}],"c":"~f:NaN","d":"~n:12"}"#;
        let doc = Document::new(text).unwrap();
        let exact = reading_as(Reading::Exact, || tree(&Host(doc.root())));
        assert_eq!(exact, Json::parse(text).unwrap());
        // And the reading is not left behind for the next one.
        let after = reading_as(Reading::Host(Some("~")), || tree(&Host(doc.root())));
        assert_eq!(after, host_value(text, Some("~")).unwrap());
        assert_eq!(tree(&Host(doc.root())), Json::parse(text).unwrap());
    }

    #[test]
    fn marked_strings_are_non_finite_numbers_and_bigints() {
        let text = r#"["~f:NaN","~n:-12","~n:1.5","~n:","~n:-","~x:1","f:NaN","x~f:1","\u007ef:Infinity","~n:1\u0032"]"#;
        let v = host_value(text, Some("~")).unwrap();
        let expected = Json::Array(vec![
            Json::Float("NaN".into()),
            Json::Number("-12".into()),
            Json::String("~n:1.5".into()),
            Json::String("~n:".into()),
            Json::String("~n:-".into()),
            Json::String("~x:1".into()),
            Json::String("f:NaN".into()),
            Json::String("x~f:1".into()),
            Json::Float("Infinity".into()),
            Json::Number("12".into()),
        ]);
        assert_eq!(v, expected);
        assert_eq!(host_tree(text, Some("~")), expected);
        // Without a marker, or with an empty one, strings are strings.
        let plain = Json::Array(vec![Json::String("~f:NaN".into())]);
        assert_eq!(host_value(r#"["~f:NaN"]"#, None).unwrap(), plain);
        assert_eq!(host_tree(r#"["~f:NaN"]"#, None), plain);
        let empty = Json::Array(vec![Json::String("f:NaN".into())]);
        assert_eq!(host_value(r#"["f:NaN"]"#, Some("")).unwrap(), empty);
        assert_eq!(host_tree(r#"["f:NaN"]"#, Some("")), empty);
    }

    #[test]
    fn a_host_number_is_refused_as_money_at_its_path() {
        let err = compute_host_text(&group("10.5", "24"), None).unwrap_err();
        assert_eq!(
            code_and_path(err),
            ("invalid_amount", "expenses[0].amount".into())
        );
        let nan = compute_host_text(&group("\"~f:NaN\"", "24"), Some("~")).unwrap_err();
        assert_eq!(
            code_and_path(nan),
            ("invalid_amount", "expenses[0].amount".into())
        );
    }

    #[test]
    fn a_bigint_is_an_exact_number() {
        let out = compute_host_text(&group("\"~n:10\"", "\"~n:3\""), Some("~")).unwrap();
        assert_eq!(out, splitter_core::compute_json(&group("10", "3")).unwrap());
    }

    #[test]
    fn a_host_number_is_accepted_as_a_whole_count() {
        let out = compute_host_text(&group("\"10.50\"", "3"), None).unwrap();
        assert_eq!(
            out,
            splitter_core::compute_json(&group("\"10.50\"", "3")).unwrap()
        );
        let err = compute_host_text(&group("\"10.50\"", "2.5"), None).unwrap_err();
        assert_eq!(
            code_and_path(err),
            ("invalid_option", "options.exact_limit".into())
        );
    }

    #[test]
    fn json_text_keeps_its_numbers_exact() {
        let from_text = splitter_core::compute_json(&group("10.5", "24")).unwrap();
        let from_strings = splitter_core::compute_json(&group("\"10.50\"", "24")).unwrap();
        assert_eq!(from_text, from_strings);
        assert!(from_text.contains(r#""amount":"5.25""#));
        let exact = compute_text(&group("10.5", "24"), Reading::Exact).unwrap();
        assert_eq!(wire::report_to_json(&exact), from_text);
    }

    #[test]
    fn host_text_that_is_not_json_is_invalid_json() {
        let err = compute_host_text("{", None).unwrap_err();
        assert_eq!(err.code.as_str(), "invalid_json");
        let tree = host_value("{", None).unwrap_err();
        assert_eq!(err.message, tree.message);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_invalid_json() {
        let err = compute_bytes(b"\"\xff\"", Reading::Exact).unwrap_err();
        assert_eq!(code_and_path(err), ("invalid_json", String::new()));
    }

    /// Every corpus case read as host text (with and without a marker) in place and as a tree,
    /// and read exactly in place and by the core's `compute_json`: the same report or the same
    /// error, code, path and message.
    #[test]
    fn text_read_in_place_is_read_as_the_core_and_the_tree_read_it() {
        let mut cases = 0;
        for (name, text) in corpus() {
            let exact = compute_text(&text, Reading::Exact).map(|r| wire::report_to_json(&r));
            match (exact, splitter_core::compute_json(&text)) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
                (Err(a), Err(b)) => {
                    assert_eq!((a.code, a.path, a.message), (b.code, b.path, b.message), "{name}")
                }
                (a, b) => panic!("{name}: {a:?} against {b:?}"),
            }
            for marker in [None, Some("~")] {
                let in_place = compute_host_text(&text, marker);
                let from_tree = host_value(&text, marker)
                    .and_then(|v| splitter_core::compute_value(&v))
                    .map(|r| wire::report_to_json(&r));
                match (in_place, from_tree) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
                    (Err(a), Err(b)) => {
                        assert_eq!((a.code, a.path, a.message), (b.code, b.path, b.message), "{name}")
                    }
                    (a, b) => panic!("{name}: {a:?} against {b:?}"),
                }
            }
            cases += 1;
        }
        assert!(cases > 100, "{cases} corpus cases");
    }

    /// The core's one-pass reader, reading host text, gives the group that the reference reading
    /// of host text ([`host_value`]) gives, or declines; and it answers on well-formed groups.
    /// Every corpus case, with strings marked as the glue marks bigints and non-finite numbers,
    /// with strings that only start like a mark, and with numbers.
    #[test]
    fn host_text_read_in_one_pass_is_read_as_the_tree_reads_it() {
        let (mut answered, mut meant) = (0, 0);
        for (name, text) in corpus() {
            let mut variants = vec![text.clone()];
            for (from, to) in [
                ("\"a", "\"~n:5"),
                ("\"a", "\"~f:NaN"),
                ("\"a", "\"~a"),
                ("\"1", "\"~n:1"),
                ("\"1", "\"~f:Infinity"),
                ("\"1", "1"),
                ("\"", "\"~"),
            ] {
                variants.push(text.replacen(from, to, 2));
                variants.push(text.replace(from, to));
            }
            for t in &variants {
                for marker in [None, Some("~"), Some("")] {
                    let reference = host_value(t, marker).and_then(|v| wire::group_from_value(&v));
                    match wire::quick_group(t, Reading::Host(marker)) {
                        Some(group) => {
                            assert_eq!(reference.as_ref(), Ok(&group), "{name}: {t}");
                            answered += 1;
                        }
                        None => assert!(
                            reference.is_err()
                                || t.contains("null")
                                || t.contains("\"previous\"")
                                || t != &text,
                            "{name}: declined a well-formed group: {t}"
                        ),
                    }
                }
            }
            meant += 1;
        }
        assert!(
            meant > 100 && answered > 300,
            "{answered} answers over {meant} cases"
        );
    }

    /// The input text of every case of testdata/ (its `input_text`, or its `input` written out).
    pub(crate) fn corpus() -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|path| {
                let case = Json::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let Json::Object(fields) = case else {
                    panic!("{}: not an object", path.display())
                };
                let field = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v);
                let text = match (field("input_text"), field("input")) {
                    (Some(Json::String(text)), _) => text.clone(),
                    (_, Some(input)) => parts::tests::to_text(input),
                    _ => panic!("{}: no input", path.display()),
                };
                (path.display().to_string(), text)
            })
            .collect()
    }
}
