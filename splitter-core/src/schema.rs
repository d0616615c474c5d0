//! The contract as a JSON Schema (draft 2020-12): the input group, the output report and the
//! error object, made from the core's own types (feature `schema`).
//!
//! Every face's hand-written description of the contract (the server's OpenAPI components, the
//! npm package's TypeScript declarations, the Python builders) is checked against this document
//! by tests, and the split types come from an exhaustive `match` on [`Split`]: a new split type
//! does not compile until it is here, and every face that lacks it then fails its check.
//! `docs/contract.schema.json` is this document, kept equal to it by a test.

use serde_json::{json, Value};

use crate::error::ErrorCode;
use crate::model::{BalancesIn, Extra, Item, Part, SettleMethod, Split};

/// The name of a split's `type` and the JSON Schema of its other fields (`required`,
/// `properties`), for every kind of [`Split`].
fn split_fields(split: &Split) -> (&'static str, Value) {
    let map = json!({"$ref": "#/$defs/AmountMap"});
    let ids = json!({"type": "array", "items": {"$ref": "#/$defs/MemberId"}});
    match split {
        Split::Equal { .. } => ("equal", json!({"required": [], "properties": {"members": ids}})),
        Split::Shares { .. } => (
            "shares",
            json!({"required": ["shares"], "properties": {"shares": map}}),
        ),
        Split::Percent { .. } => (
            "percent",
            json!({"required": ["percent"], "properties": {"percent": map}}),
        ),
        Split::Exact { .. } => (
            "exact",
            json!({"required": ["amounts"], "properties": {"amounts": map}}),
        ),
        Split::Adjustment { .. } => (
            "adjustment",
            json!({"required": [], "properties": {"members": ids, "adjustments": map}}),
        ),
        Split::Itemized { .. } => (
            "itemized",
            json!({"required": ["items"], "properties": {
                "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                "extras": {"type": "array", "items": {"$ref": "#/$defs/Extra"}},
            }}),
        ),
    }
}

/// One split of every kind, in the contract's order.
fn every_split() -> Vec<Split> {
    let part = || vec![Part::new("a", crate::Decimal::ONE)];
    vec![
        Split::Equal { members: None },
        Split::Shares { shares: part() },
        Split::Percent { percent: part() },
        Split::Exact { amounts: part() },
        Split::Adjustment {
            members: None,
            adjustments: part(),
        },
        Split::Itemized {
            items: vec![Item {
                amount: crate::Decimal::ONE,
                split: Split::Equal { members: None },
                description: None,
            }],
            extras: vec![Extra {
                label: "tip".into(),
                amount: crate::Decimal::ONE,
            }],
        },
    ]
}

/// The `type` of every split the contract has, in its order: `equal`, `shares`, ...
///
/// # Example
/// ```
/// assert_eq!(splitter_core::schema::split_types()[0], "equal");
/// assert!(splitter_core::schema::split_types().contains(&"itemized"));
/// ```
pub fn split_types() -> Vec<&'static str> {
    every_split().iter().map(|s| split_fields(s).0).collect()
}

/// The fields of the split with this `type` (besides `type`), required ones first, each list in
/// name order; `None` for a type the contract does not have.
///
/// # Example
/// ```
/// let (required, optional) = splitter_core::schema::split_fields_of("adjustment").unwrap();
/// assert!(required.is_empty());
/// assert_eq!(optional, ["adjustments", "members"]);
/// ```
pub fn split_fields_of(kind: &str) -> Option<(Vec<String>, Vec<String>)> {
    let split = every_split().into_iter().find(|s| split_fields(s).0 == kind)?;
    let (_, fields) = split_fields(&split);
    let required: Vec<String> = fields["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let mut optional: Vec<String> = fields["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.clone())
        .filter(|k| !required.contains(k))
        .collect();
    optional.sort();
    let mut required = required;
    required.sort();
    Some((required, optional))
}

/// The contract's JSON Schema: `$defs` for every part of the input (`Group`) and of the output
/// (`Report`) and for the error object (`ErrorObject`); the document validates a group.
///
/// # Example
/// ```
/// let schema = splitter_core::schema::contract_schema();
/// assert_eq!(schema["$ref"], "#/$defs/Group");
/// assert_eq!(schema["$defs"]["Split"]["oneOf"].as_array().unwrap().len(), 6);
/// ```
pub fn contract_schema() -> Value {
    let splits: Vec<Value> = every_split()
        .iter()
        .map(|s| {
            let (kind, fields) = split_fields(s);
            let mut properties = fields["properties"].as_object().cloned().unwrap_or_default();
            properties.insert("type".into(), json!({"const": kind}));
            let mut required = vec![json!("type")];
            required.extend(fields["required"].as_array().cloned().unwrap_or_default());
            json!({"type": "object", "title": kind, "required": required,
                   "properties": properties, "additionalProperties": false})
        })
        .collect();
    let settle: Vec<&str> = [
        SettleMethod::Minimal,
        SettleMethod::Greedy,
        SettleMethod::Pairwise,
    ]
    .iter()
    .map(|m| m.as_str())
    .collect();
    let balances_in: Vec<&str> = [BalancesIn::Group, BalancesIn::Each]
        .iter()
        .map(|b| b.as_str())
        .collect();
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    let decimal = json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
                         "description": "An exact decimal, as text (never a float)."});
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://splitter.example/contract/v1.schema.json",
        "title": "Splitter engine contract, wire format v1",
        "$ref": "#/$defs/Group",
        "$defs": {
            "Decimal": decimal,
            "Amount": {"description": "A decimal string, or a JSON number read exactly from its text.",
                       "oneOf": [{"$ref": "#/$defs/Decimal"}, {"type": "number"}]},
            "CurrencyCode": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "MemberId": {"type": "string", "minLength": 1},
            "AmountMap": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Amount"}},
            "Member": {"oneOf": [
                {"$ref": "#/$defs/MemberId"},
                {"type": "object", "required": ["id"], "additionalProperties": false,
                 "properties": {"id": {"$ref": "#/$defs/MemberId"}, "name": {"type": "string"}}},
            ]},
            "PaidBy": {"oneOf": [{"$ref": "#/$defs/MemberId"}, {"$ref": "#/$defs/AmountMap"}]},
            "Split": {"oneOf": splits},
            "Item": {"type": "object", "required": ["amount", "split"], "additionalProperties": false,
                     "properties": {"amount": {"$ref": "#/$defs/Amount"}, "split": {"$ref": "#/$defs/Split"},
                                    "description": {"type": "string"}}},
            "Extra": {"type": "object", "required": ["label", "amount"], "additionalProperties": false,
                      "properties": {"label": {"type": "string"}, "amount": {"$ref": "#/$defs/Amount"}}},
            "Expense": {"type": "object", "required": ["id", "amount", "paid_by", "split"],
                        "additionalProperties": false,
                        "properties": {
                            "id": {"type": "string", "minLength": 1},
                            "amount": {"$ref": "#/$defs/Amount"},
                            "currency": {"$ref": "#/$defs/CurrencyCode"},
                            "rate": {"$ref": "#/$defs/Amount"},
                            "paid_by": {"$ref": "#/$defs/PaidBy"},
                            "split": {"$ref": "#/$defs/Split"},
                            "description": {"type": "string"},
                            "date": {"type": "string", "format": "date"},
                            "category": {"type": "string"}}},
            "Payment": {"type": "object", "required": ["from", "to", "amount"], "additionalProperties": false,
                        "properties": {
                            "id": {"type": "string"},
                            "from": {"$ref": "#/$defs/MemberId"},
                            "to": {"$ref": "#/$defs/MemberId"},
                            "amount": {"$ref": "#/$defs/Amount"},
                            "currency": {"$ref": "#/$defs/CurrencyCode"},
                            "rate": {"$ref": "#/$defs/Amount"},
                            "date": {"type": "string", "format": "date"}}},
            "Options": {"type": "object", "additionalProperties": false,
                        "properties": {
                            "settle": {"enum": settle},
                            "balances_in": {"enum": balances_in},
                            "exact_limit": {"type": "integer", "minimum": 0,
                                            "maximum": crate::settle::MAX_EXACT_LIMIT},
                            "previous": {"type": "array", "items": {"$ref": "#/$defs/PreviousTransfer"}}}},
            "PreviousTransfer": {"description": "A transfer suggested earlier; its currency is the group's when left out.",
                                 "type": "object", "required": ["from", "to", "amount"],
                                 "additionalProperties": false,
                                 "properties": {"from": {"$ref": "#/$defs/MemberId"},
                                                "to": {"$ref": "#/$defs/MemberId"},
                                                "amount": {"$ref": "#/$defs/Amount"},
                                                "currency": {"$ref": "#/$defs/CurrencyCode"}}},
            "Group": {"type": "object", "required": ["currency", "members"], "additionalProperties": false,
                      "properties": {
                          "currency": {"$ref": "#/$defs/CurrencyCode"},
                          "members": {"type": "array", "items": {"$ref": "#/$defs/Member"}},
                          "rates": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Amount"}},
                          "expenses": {"type": "array", "items": {"$ref": "#/$defs/Expense"}},
                          "payments": {"type": "array", "items": {"$ref": "#/$defs/Payment"}},
                          "options": {"$ref": "#/$defs/Options"}}},
            "Balance": {"type": "object", "required": ["member", "currency", "paid", "owed", "net"],
                        "additionalProperties": false,
                        "properties": {"member": {"$ref": "#/$defs/MemberId"},
                                       "currency": {"$ref": "#/$defs/CurrencyCode"},
                                       "paid": {"$ref": "#/$defs/Decimal"},
                                       "owed": {"$ref": "#/$defs/Decimal"},
                                       "net": {"$ref": "#/$defs/Decimal"}}},
            "Share": {"type": "object", "required": ["expense", "member", "currency", "amount"],
                      "additionalProperties": false,
                      "properties": {"expense": {"type": "string"},
                                     "member": {"$ref": "#/$defs/MemberId"},
                                     "currency": {"$ref": "#/$defs/CurrencyCode"},
                                     "amount": {"$ref": "#/$defs/Decimal"},
                                     "group_amount": {"$ref": "#/$defs/Decimal"}}},
            "Transfer": {"type": "object", "required": ["from", "to", "amount", "currency"],
                         "additionalProperties": false,
                         "properties": {"from": {"$ref": "#/$defs/MemberId"},
                                        "to": {"$ref": "#/$defs/MemberId"},
                                        "amount": {"$ref": "#/$defs/Decimal"},
                                        "currency": {"$ref": "#/$defs/CurrencyCode"}}},
            "Report": {"type": "object",
                       "required": ["currency", "balances", "shares", "transfers", "settle", "optimal"],
                       "additionalProperties": false,
                       "properties": {
                           "currency": {"$ref": "#/$defs/CurrencyCode"},
                           "balances": {"type": "array", "items": {"$ref": "#/$defs/Balance"}},
                           "shares": {"type": "array", "items": {"$ref": "#/$defs/Share"}},
                           "transfers": {"type": "array", "items": {"$ref": "#/$defs/Transfer"}},
                           "settle": {"enum": settle},
                           "optimal": {"type": "boolean"}}},
            "ErrorObject": {"type": "object", "required": ["error"], "additionalProperties": false,
                            "properties": {"error": {
                                "type": "object", "required": ["code", "message", "path"],
                                "additionalProperties": false,
                                "properties": {"code": {"enum": codes},
                                               "message": {"type": "string"},
                                               "path": {"type": "string"}}}}},
        }
    })
}

/// [`contract_schema`] as pretty-printed text with a final newline: what
/// `docs/contract.schema.json` holds.
pub fn contract_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&contract_schema()).unwrap_or_default();
    text.push('\n');
    text
}
