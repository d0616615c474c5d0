//! The contract's JSON Schema (`schema::contract_schema`, feature `schema`) against what the
//! project says of the contract elsewhere: the committed `docs/contract.schema.json`, the shared
//! corpus, the npm package's TypeScript declarations and the Python builders. A split type
//! added to the core (which `schema` must name: its `match` is exhaustive) and missing from any
//! of them fails here. The server's OpenAPI components are checked against the same schema by
//! `splitter-server`'s contract tests.
#![cfg(feature = "schema")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use splitter_core::schema::{contract_schema, contract_schema_text, split_fields_of, split_types};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `docs/contract.schema.json` is the schema the core makes (`SPLITTER_WRITE_SCHEMA=1` writes it).
#[test]
fn the_committed_schema_is_the_cores() {
    let path = root().join("docs/contract.schema.json");
    let made = contract_schema_text();
    if std::env::var("SPLITTER_WRITE_SCHEMA").as_deref() == Ok("1") {
        std::fs::write(&path, &made).expect("write the schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == made,
        "docs/contract.schema.json is not the core's schema: run \
         `SPLITTER_WRITE_SCHEMA=1 cargo test -p splitter-core --features schema --test schema`"
    );
}

/// Every split type of the schema is used by some corpus case, and the corpus uses no other.
#[test]
fn the_corpus_uses_exactly_the_split_types() {
    fn splits(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(split)) = map.get("split") {
                    if let Some(Value::String(t)) = split.get("type") {
                        out.insert(t.clone());
                    }
                }
                map.values().for_each(|x| splits(x, out));
            }
            Value::Array(items) => items.iter().for_each(|x| splits(x, out)),
            _ => {}
        }
    }
    let mut used = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("testdata")).expect("testdata") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let case: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("case")).expect("json");
            // Cases that must fail may name a wrong type on purpose; the others use real ones.
            if case.get("output").is_some() {
                splits(&case["input"], &mut used);
            }
        }
    }
    let known: BTreeSet<String> = split_types().iter().map(|t| t.to_string()).collect();
    assert_eq!(
        used, known,
        "the split types the corpus computes, against the schema's"
    );
}

/// The TypeScript declarations have an interface per split type, with exactly the schema's
/// fields (required ones without `?`).
#[test]
fn the_typescript_declarations_have_every_split() {
    let dts = read("bindings/wasm/js/index.d.ts");
    for kind in split_types() {
        let marker = format!("type: \"{kind}\";");
        let at = dts
            .find(&marker)
            .unwrap_or_else(|| panic!("index.d.ts has no interface with `{marker}`"));
        let start = dts[..at].rfind('{').expect("an interface") + 1;
        let end = at + dts[at..].find('}').expect("its end");
        let body = &dts[start..end];
        let fields: BTreeSet<(String, bool)> = body
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let (name, _) = l.split_once(':')?;
                (!name.starts_with('*') && !name.starts_with('/') && name != "type")
                    .then(|| (name.trim_end_matches('?').to_string(), !name.ends_with('?')))
            })
            .collect();
        let (required, optional) = split_fields_of(kind).expect("a known type");
        let want: BTreeSet<(String, bool)> = required
            .into_iter()
            .map(|f| (f, true))
            .chain(optional.into_iter().map(|f| (f, false)))
            .collect();
        assert_eq!(
            fields, want,
            "index.d.ts: the fields of the {kind} split (name, required)"
        );
    }
}

/// The fields of `interface NAME { ... }` in the declarations, with whether each is required.
fn interface_fields(dts: &str, name: &str) -> BTreeSet<(String, bool)> {
    let head = format!("export interface {name} {{");
    let at = dts
        .find(&head)
        .unwrap_or_else(|| panic!("index.d.ts has no `{head}`"));
    let body = &dts[at + head.len()..];
    let body = &body[..body.find("\n}").expect("the interface's end")];
    body.lines()
        .filter_map(|l| {
            let l = l.trim();
            let (name, _) = l.split_once(':')?;
            (!name.starts_with('*') && !name.starts_with('/') && !name.contains(' '))
                .then(|| (name.trim_end_matches('?').to_string(), !name.ends_with('?')))
        })
        .collect()
}

/// The schema's fields of a definition, with whether each is required.
fn schema_fields(def: &str) -> BTreeSet<(String, bool)> {
    let schema = contract_schema();
    let d = &schema["$defs"][def];
    let required: Vec<&str> = d["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    d["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{def} has properties"))
        .keys()
        .map(|k| (k.clone(), required.contains(&k.as_str())))
        .collect()
}

/// The records, the options and the report in the TypeScript declarations have exactly the
/// schema's fields, required where the schema requires them.
#[test]
fn the_typescript_records_and_report_are_the_contracts() {
    let dts = read("bindings/wasm/js/index.d.ts");
    for (ts, def) in [
        ("Group", "Group"),
        ("Expense", "Expense"),
        ("Payment", "Payment"),
        ("Item", "Item"),
        ("Extra", "Extra"),
        ("Options", "Options"),
        ("TransferInput", "PreviousTransfer"),
        ("Report", "Report"),
        ("Balance", "Balance"),
        ("Share", "Share"),
        ("Transfer", "Transfer"),
    ] {
        assert_eq!(
            interface_fields(&dts, ts),
            schema_fields(def),
            "index.d.ts {ts} against the contract's {def}"
        );
    }
}

/// The Python module's `Report` (its stubs) has a property for every field of the report.
#[test]
fn the_python_report_has_every_field() {
    let pyi = read("bindings/python/python/splitter/_splitter.pyi");
    for (field, _) in schema_fields("Report") {
        assert!(
            pyi.contains(&format!("def {field}(self)")),
            "_splitter.pyi: Report has no `{field}` property"
        );
    }
}

/// The Python package has a builder per split type, named after it, that writes that type.
#[test]
fn the_python_builders_make_every_split() {
    let py = read("bindings/python/python/splitter/__init__.py");
    for kind in split_types() {
        let def = format!("\ndef {kind}(");
        let at = py
            .find(&def)
            .unwrap_or_else(|| panic!("splitter/__init__.py has no `def {kind}(`"));
        let body = &py[at..at + py[at + 1..].find("\ndef ").map_or(py.len() - at, |e| e + 1)];
        assert!(
            body.contains(&format!("\"type\": \"{kind}\"")),
            "`{kind}()` in splitter/__init__.py does not write type {kind}"
        );
        let (required, _) = split_fields_of(kind).expect("a known type");
        for field in required {
            assert!(
                body.contains(&format!("\"{field}\"")),
                "`{kind}()` does not write `{field}`"
            );
        }
    }
}

/// The schema's split definitions are the ones `split_fields_of` describes.
#[test]
fn the_schema_describes_each_split() {
    let schema = contract_schema();
    let variants = schema["$defs"]["Split"]["oneOf"].as_array().expect("oneOf");
    assert_eq!(variants.len(), split_types().len());
    for (variant, kind) in variants.iter().zip(split_types()) {
        assert_eq!(variant["properties"]["type"]["const"], kind);
        let (required, optional) = split_fields_of(kind).expect("known");
        let mut names: Vec<String> = variant["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .filter(|k| *k != "type")
            .cloned()
            .collect();
        names.sort();
        let mut want: Vec<String> = required.into_iter().chain(optional).collect();
        want.sort();
        assert_eq!(names, want, "{kind}");
    }
}
