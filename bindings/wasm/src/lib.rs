//! The WebAssembly face of splitter-core, for the npm package `splitter-wasm`.
//!
//! Two entry points, both thin: JSON text in, the contract's canonical output text out, or the
//! contract's error object (as text) thrown. The package's JavaScript (`js/api.js`) is the public
//! API: it turns a JavaScript object into text with `JSON.stringify` (native and fast, where
//! walking the object from Rust would cross the WebAssembly boundary for every property), calls
//! [`compute_host`], and parses the output text with `JSON.parse` (amounts are strings, so
//! nothing is lost); it turns a thrown error object into a `SplitterError`.
//!
//! Exactness: in text made by `JSON.stringify` from a JavaScript value, every number was a
//! JavaScript `number` (a binary float), so [`compute_host`] hands each one to the core as
//! [`Json::Float`], which the core refuses with `invalid_amount` where money is expected and
//! accepts where a whole count is (`options.exact_limit`). JSON text given by the caller
//! ([`compute_json`]) is read exactly, numbers included, as everywhere else.
//!
//! No arithmetic happens here: all splitting, rounding, validation and settlement is the core's.

use splitter_core::{wire, Error, Json};
use wasm_bindgen::prelude::*;

/// Computes a group given as the contract's JSON text and returns the contract's output text,
/// byte for byte `splitter_core::compute_json`'s. JSON numbers are read exactly from their text.
///
/// Throws (as a string) the contract's error object text, `{"error":{"code":...}}`.
#[wasm_bindgen(js_name = computeJson)]
pub fn compute_json(input: &str) -> Result<String, JsValue> {
    splitter_core::compute_json(input).map_err(|e| throw(&e))
}

/// Computes a group given as `JSON.stringify` of a JavaScript value: like [`compute_json`], but
/// every number in the text is taken for what it was, a JavaScript `number`, and strings that
/// start with `marker` (when the glue needed one) stand for what JSON text cannot hold; see
/// [`host_value`].
///
/// Throws (as a string) the contract's error object text.
#[wasm_bindgen(js_name = computeHost)]
pub fn compute_host(stringified: &str, marker: Option<String>) -> Result<String, JsValue> {
    compute_host_text(stringified, marker.as_deref()).map_err(|e| throw(&e))
}

/// The work of [`compute_host`], testable without a JavaScript engine: reads the text as a host
/// value ([`host_value`]), computes, and writes the canonical output.
pub fn compute_host_text(stringified: &str, marker: Option<&str>) -> Result<String, Error> {
    let value = host_value(stringified, marker)?;
    splitter_core::compute_value(&value).map(|report| wire::report_to_json(&report))
}

/// Reads the `JSON.stringify` text of a JavaScript value as the value it was.
///
/// - Every number becomes a [`Json::Float`] with the same text: in such text a number can only
///   have been a JavaScript `number`, a binary float, before it was text.
/// - With a `marker` (a string the glue chose so that it occurs nowhere in the plain
///   `JSON.stringify` text of the value), a string `<marker>f:<text>` is a non-finite `number`
///   (`NaN`, `Infinity`, which `JSON.stringify` alone would have written as `null`) and becomes a
///   [`Json::Float`]; a string `<marker>n:<digits>` is a `bigint`, an exact integer, and becomes
///   a [`Json::Number`].
///
/// Depth is bounded by the parser's nesting limit.
pub fn host_value(stringified: &str, marker: Option<&str>) -> Result<Json, Error> {
    let mut value = Json::parse(stringified)?;
    mark(&mut value, marker.filter(|m| !m.is_empty()));
    Ok(value)
}

/// [`host_value`]'s walk over one value.
fn mark(value: &mut Json, marker: Option<&str>) {
    match value {
        Json::Number(text) => *value = Json::Float(std::mem::take(text)),
        Json::String(s) => {
            let Some(rest) = marker.and_then(|m| s.strip_prefix(m)) else {
                return;
            };
            if let Some(float) = rest.strip_prefix("f:") {
                *value = Json::Float(float.to_string());
            } else if let Some(digits) = rest.strip_prefix("n:") {
                // A bigint's decimal text is an integer (`-12`); anything else cannot come
                // from the glue and stays the string it is.
                let unsigned = digits.strip_prefix('-').unwrap_or(digits);
                if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
                    *value = Json::Number(digits.to_string());
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|v| mark(v, marker)),
        Json::Object(entries) => entries.iter_mut().for_each(|(_, v)| mark(v, marker)),
        Json::Null | Json::Bool(_) | Json::Float(_) => {}
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

    #[test]
    fn numbers_of_a_host_value_become_floats_everywhere() {
        let v = host_value(r#"{"a":[1,{"b":0.1}],"c":"2","d":null}"#, None).unwrap();
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
        ]);
        assert_eq!(v, expected);
    }

    #[test]
    fn marked_strings_are_non_finite_numbers_and_bigints() {
        let v = host_value(
            r#"["~f:NaN","~n:-12","~n:1.5","~x:1","f:NaN","x~f:1"]"#,
            Some("~"),
        )
        .unwrap();
        let expected = Json::Array(vec![
            Json::Float("NaN".into()),
            Json::Number("-12".into()),
            Json::String("~n:1.5".into()),
            Json::String("~x:1".into()),
            Json::String("f:NaN".into()),
            Json::String("x~f:1".into()),
        ]);
        assert_eq!(v, expected);
        // Without a marker, or with an empty one, strings are strings.
        let plain = host_value(r#"["~f:NaN"]"#, None).unwrap();
        assert_eq!(plain, Json::Array(vec![Json::String("~f:NaN".into())]));
        assert_eq!(
            host_value(r#"["f:NaN"]"#, Some("")).unwrap(),
            Json::Array(vec![Json::String("f:NaN".into())])
        );
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
    }

    #[test]
    fn host_text_that_is_not_json_is_invalid_json() {
        let err = compute_host_text("{", None).unwrap_err();
        assert_eq!(err.code.as_str(), "invalid_json");
    }
}
