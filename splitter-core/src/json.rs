//! A JSON value that keeps what exact money needs: numbers as their original text (never a
//! float), and objects as lists of pairs in input order, so that a repeated key can be reported
//! instead of silently keeping the last one.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, ErrorCode, Result};

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written (`"0.1"`, `"1e3"`).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: keys and values in input order, repeats kept.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses JSON text; `invalid_json` with the line and column on a syntax error.
    ///
    /// # Example
    /// ```
    /// use splitter_core::Json;
    /// let v = Json::parse(r#"{"amount": 0.1}"#)?;
    /// assert_eq!(v, Json::Object(vec![("amount".into(), Json::Number("0.1".into()))]));
    /// # Ok::<(), splitter_core::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Json> {
        serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorCode::InvalidJson,
                "",
                format!("the input is not valid JSON: {e}"),
            )
        })
    }

    /// The name of the value's JSON type, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// serde_json's marker for a number kept as text (feature `arbitrary_precision`).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> std::result::Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Json, E> {
        Ok(Json::Number(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Json, E> {
        Ok(Json::Number(v.to_string()))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.is_empty() && key == NUMBER_TOKEN {
                let text: String = map.next_value()?;
                return Ok(Json::Number(text));
            }
            entries.push((key, map.next_value()?));
        }
        Ok(Json::Object(entries))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Json, E> {
        Err(E::custom("floating-point numbers are not accepted"))
    }
}
