//! The server against the contract: `/v1/compute` over the whole shared corpus (byte-identical
//! to the core's `compute_json`), the committed OpenAPI document against the served one, its
//! descriptions, and its amount pattern against what the server takes. (The README's curl
//! session is run by `readme.rs`.)

use crate::common;
use serde_json::json;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compute_is_byte_identical_over_the_corpus() {
    let s = common::start(&common::sqlite()).await;
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("testdata"))
        .expect("testdata")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 100, "the corpus is there");
    for f in &files {
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f).expect("case")).expect("json");
        let input = match case.get("input_text").and_then(|t| t.as_str()) {
            Some(t) => t.to_string(),
            None => case["input"].to_string(),
        };
        let r = s.send("POST", "/v1/compute", Some(&input), &[]).await;
        match splitter_core::compute_json(&input) {
            Ok(out) => {
                assert_eq!(r.status, 200, "{}: {}", f.display(), r.text);
                assert_eq!(r.text, out, "{}", f.display());
            }
            Err(e) => {
                assert!((400..500).contains(&r.status), "{}: {}", f.display(), r.status);
                assert_eq!(
                    (r.code(), r.path()),
                    (e.code.as_str(), e.path.as_str()),
                    "{}",
                    f.display()
                );
                if let Some(code) = case["error"]["code"].as_str() {
                    assert_eq!(r.code(), code, "{}", f.display());
                }
                // The text people read: the core's, as every face shows it.
                assert_eq!(r.json["error"]["message"], e.to_string(), "{}", f.display());
                if let Some(message) = case["error"]["message"].as_str() {
                    assert_eq!(r.json["error"]["message"], message, "{}", f.display());
                }
            }
        }
    }
}

/// The document's examples are requests the server takes, its operation ids are unique, and its
/// links name operations that exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_examples_ids_and_links_hold() {
    let s = common::start(&common::sqlite()).await;
    let doc = s.get("/openapi.json").await.json;
    let example = |name: &str| doc["components"]["schemas"][name]["example"].to_string();
    let computed = s
        .send("POST", "/v1/compute", Some(&example("GroupInputDoc")), &[])
        .await;
    assert_eq!(computed.status, 200, "{}", computed.text);
    let group = s
        .send("POST", "/v1/groups", Some(&example("GroupInput")), &[])
        .await;
    assert_eq!(group.status, 201, "{}", group.text);
    let gid = group.json["id"].as_str().expect("id");
    for (path, schema) in [("expenses", "ExpenseInput"), ("payments", "PaymentInput")] {
        let r = s
            .send(
                "POST",
                &format!("/v1/groups/{gid}/{path}"),
                Some(&example(schema)),
                &[],
            )
            .await;
        assert_eq!(r.status, 201, "{schema}: {}", r.text);
    }
    let mut ids = std::collections::BTreeSet::new();
    let mut links = Vec::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("operations").values() {
            let id = op["operationId"].as_str().expect("an operationId");
            assert!(ids.insert(id.to_string()), "operationId {id} is used twice");
            for response in op["responses"].as_object().expect("responses").values() {
                for link in response["links"].as_object().into_iter().flat_map(|l| l.values()) {
                    links.push(
                        link["operationId"]
                            .as_str()
                            .expect("a link's operationId")
                            .to_string(),
                    );
                }
            }
        }
    }
    assert!(links.len() > 20, "links from created resources: {}", links.len());
    for target in &links {
        assert!(ids.contains(target), "a link to {target}, which is no operation");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_openapi_matches_the_served_one() {
    let s = common::start(&common::sqlite()).await;
    let served = s.get("/openapi.json").await.text;
    let committed = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json"))
        .expect("splitter-server/openapi.json is committed");
    assert!(
        served == committed,
        "splitter-server/openapi.json differs from the served document; regenerate it with \
         `cargo run -p splitter-server -- openapi > splitter-server/openapi.json`"
    );
    let doc: serde_json::Value = serde_json::from_str(&served).expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
    for path in [
        "/v1/groups",
        "/v1/groups/{group}/expenses/{expense}",
        "/v1/groups/{group}/settlement",
        "/v1/compute",
        "/v1/accounts",
        "/v1/auth/login",
        "/v1/auth/refresh",
        "/v1/groups/{group}/activity",
        "/v1/groups/{group}/invites",
        "/v1/invites/{code}/accept",
        "/v1/groups/import",
        "/v1/groups/import/splitwise",
        "/v1/groups/{group}/export",
        "/v1/groups/{group}/export/expenses.csv",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"].as_str(),
        Some("bearer")
    );
    // Every group route declares the bearer scheme and its 401; public routes do not.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            let public = [
                "/v1/accounts",
                "/v1/auth/login",
                "/v1/auth/refresh",
                "/v1/compute",
            ]
            .contains(&path.as_str())
                || !path.starts_with("/v1/");
            assert_eq!(secured, !public, "{method} {path}");
            if secured {
                assert!(
                    op["responses"].get("401").is_some(),
                    "{method} {path} documents 401"
                );
            }
            if path.starts_with("/v1/") {
                assert!(
                    op["responses"].get("429").is_some(),
                    "{method} {path} documents 429"
                );
            }
        }
    }
}

/// The OpenAPI components that describe the contract have exactly the fields, required and
/// optional, of the core's JSON Schema (`splitter_core::schema`): a split type, or a field,
/// added to the core and missing here fails this test.
#[test]
fn the_openapi_components_are_the_contracts() {
    use std::collections::BTreeSet;
    let doc: serde_json::Value =
        serde_json::from_str(&splitter_server::openapi::document()).expect("openapi");
    let components = &doc["components"]["schemas"];
    let schema = splitter_core::schema::contract_schema();
    let defs = &schema["$defs"];
    let fields = |v: &serde_json::Value| -> (BTreeSet<String>, BTreeSet<String>) {
        let required: BTreeSet<String> = v["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect();
        let all: BTreeSet<String> = v["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .collect();
        (required, all)
    };
    for (openapi, core) in [
        ("ExpenseDoc", "Expense"),
        ("PaymentDoc", "Payment"),
        ("Item", "Item"),
        ("Extra", "Extra"),
        ("OptionsDoc", "Options"),
        ("GroupInputDoc", "Group"),
        ("ReportDoc", "Report"),
        ("BalanceRow", "Balance"),
        ("ShareRow", "Share"),
        ("TransferRow", "Transfer"),
    ] {
        assert_eq!(
            fields(&components[openapi]),
            fields(&defs[core]),
            "OpenAPI {openapi} against the contract's {core}"
        );
    }
    let mut seen = BTreeSet::new();
    for variant in components["Split"]["oneOf"].as_array().expect("Split is a oneOf") {
        let kind = variant["properties"]["type"]["enum"][0]
            .as_str()
            .expect("a type")
            .to_string();
        let (mut required, mut all) = fields(variant);
        required.remove("type");
        all.remove("type");
        let (want_required, want_optional) = splitter_core::schema::split_fields_of(&kind)
            .unwrap_or_else(|| panic!("OpenAPI has a split type {kind} the contract lacks"));
        assert_eq!(
            required,
            want_required.iter().cloned().collect::<BTreeSet<_>>(),
            "required fields of the {kind} split"
        );
        assert_eq!(
            all,
            want_required
                .into_iter()
                .chain(want_optional)
                .collect::<BTreeSet<_>>(),
            "fields of the {kind} split"
        );
        seen.insert(kind);
    }
    let want: BTreeSet<String> = splitter_core::schema::split_types()
        .iter()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(seen, want, "the split types of the OpenAPI document");
}

/// The OpenAPI `Amount` pattern matches exactly the strings the server reads as amounts: each
/// tricky string is sent as an expense's amount (in a currency with room for its decimals;
/// an expense may be negative, a refund), and the pattern matches it if and only if the server
/// takes it; every string it refuses is `invalid_amount` at `amount`. (Where an amount must also
/// be positive, a payment's, `-5` is refused for its sign, with the same code, not its form.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_amount_pattern_is_what_the_server_accepts() {
    let s = common::start(&common::sqlite()).await;
    let doc = s.get("/openapi.json").await.json;
    let pattern = doc["components"]["schemas"]["Amount"]["pattern"]
        .as_str()
        .expect("Amount has a pattern");
    let re = regex::Regex::new(pattern).expect("the pattern compiles");
    let tricky = [
        "5",
        "5.00",
        "-5.00",
        "0.10",
        "007",
        "12.300",
        "-0.01",
        "00.0001",
        "1234567890.1234",
        "+5.00",
        "+5",
        "+-5",
        "--5",
        "-",
        "",
        " 5",
        "5 ",
        "5\n",
        "\t5",
        "5.",
        ".5",
        "-.5",
        "5..0",
        "5.0.0",
        "1e3",
        "1E3",
        "1.5e2",
        "5,00",
        "1,000.00",
        "1_000",
        "0x10",
        "NaN",
        "Infinity",
        "-Infinity",
        "\u{0665}",
        "\u{FF15}",
        "5\u{00A0}",
        "\u{2212}5",
        "5-",
        "1/2",
        "½",
        "five",
    ];
    let gid = s.group("CLF", &["ana", "ben"]).await;
    let mut accepted = 0;
    for amount in tricky {
        let matches = re.is_match(amount);
        let body = json!({"amount": amount, "paid_by": "ana", "split": {"type": "equal"}});
        let r = s.post(&format!("/v1/groups/{gid}/expenses"), &body).await;
        assert_eq!(
            r.status == 201,
            matches,
            "amount {amount:?}: the pattern {} it, the server answered {} {}",
            if matches { "matches" } else { "refuses" },
            r.status,
            r.text
        );
        if matches {
            accepted += 1;
        } else {
            assert_eq!(
                (r.code(), r.path()),
                ("invalid_amount", "amount"),
                "{amount:?}: {}",
                r.text
            );
        }
    }
    assert_eq!(accepted, 9, "the accepted strings were sent too");
}

/// Every operation of the document says what it does: a one-line summary, and a description
/// with who may call it (`**Who:**`) and what its errors mean (`**Errors:**`); every error it
/// names as `` `STATUS code` `` is a code the server has.
#[test]
fn every_operation_is_described() {
    let doc: serde_json::Value =
        serde_json::from_str(&splitter_server::openapi::document()).expect("openapi");
    let codes: std::collections::BTreeSet<&str> = splitter_server::http::Code::SERVER
        .iter()
        .map(|c| c.as_str())
        .chain(splitter_core::ErrorCode::ALL.iter().map(|c| c.as_str()))
        .collect();
    let named = regex::Regex::new(r"`([1-5][0-9]{2}) ([a-z_]+)`").unwrap();
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(
                !summary.is_empty() && !summary.contains('\n') && summary.len() <= 100,
                "{method} {path}: a one-line summary, not {summary:?}"
            );
            let description = op["description"].as_str().unwrap_or_default();
            for part in ["**Who:**", "**Errors:**"] {
                assert!(
                    description.contains(part),
                    "{method} {path}: no {part} in its description"
                );
            }
            assert!(description.len() > summary.len(), "{method} {path}");
            for c in named.captures_iter(description) {
                assert!(
                    codes.contains(&c[2]),
                    "{method} {path} names a code {} the server lacks",
                    &c[2]
                );
            }
            count += 1;
        }
    }
    assert!(count >= 44, "{count} operations");
}

/// `optimal` means the same for every method (the contract: the number of transfers is proven
/// to be the fewest possible). A `pairwise` settlement that needs more transfers than `minimal`
/// says `false`; one whose transfers are already as few as possible (one member paid for
/// everyone) says `true`, as `minimal` does with the same count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairwise_is_optimal_only_when_no_transfer_could_be_saved() {
    let s = common::start(&common::sqlite()).await;
    let settle = |gid: String, method: &'static str| {
        let s = &s;
        async move {
            let r = s
                .get(&format!("/v1/groups/{gid}/settlement?method={method}"))
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            (
                r.json["transfers"].as_array().unwrap().len(),
                r.json["optimal"].clone(),
            )
        }
    };
    // A chain: ana owes ben, ben owes cy; one transfer (ana to cy) would do.
    let chain = s.group("EUR", &["ana", "ben", "cy"]).await;
    for e in [
        json!({"amount": "10.00", "paid_by": "ben", "split": {"type": "equal", "members": ["ana"]}}),
        json!({"amount": "10.00", "paid_by": "cy", "split": {"type": "equal", "members": ["ben"]}}),
    ] {
        assert_eq!(
            s.post(&format!("/v1/groups/{chain}/expenses"), &e).await.status,
            201
        );
    }
    assert_eq!(settle(chain.clone(), "pairwise").await, (2, json!(false)));
    assert_eq!(settle(chain, "minimal").await, (1, json!(true)));
    // One payer: both others pay her; no settlement has fewer than two transfers.
    let one = s.group("EUR", &["ana", "ben", "cy"]).await;
    let e = json!({"amount": "30.00", "paid_by": "ana", "split": {"type": "equal"}});
    assert_eq!(
        s.post(&format!("/v1/groups/{one}/expenses"), &e).await.status,
        201
    );
    assert_eq!(settle(one.clone(), "pairwise").await, (2, json!(true)));
    assert_eq!(settle(one, "minimal").await, (2, json!(true)));
}
