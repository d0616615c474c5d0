//! The server against the contract: `/v1/compute` over the whole shared corpus (byte-identical
//! to the core's `compute_json`), the committed OpenAPI document against the served one, and the
//! README's curl session, run as written.

use crate::common;
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

/// Splits a shell line into words: single and double quotes, no escapes inside single quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, ' ') => {
                if started || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                started = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if started || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `got` matches `want` where every `"…"` in `want` stands for any value, and an object may
/// have more keys than `want` shows.
fn matches(got: &serde_json::Value, want: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (got, want) {
        (_, Value::String(w)) if w == "…" => true,
        (Value::Object(g), Value::Object(w)) => {
            w.iter().all(|(k, v)| g.get(k).is_some_and(|gv| matches(gv, v)))
        }
        (Value::Array(g), Value::Array(w)) => {
            g.len() == w.len() && g.iter().zip(w).all(|(a, b)| matches(a, b))
        }
        _ => got == want,
    }
}

/// The README's session: every `curl` line is sent as written (with `$T` the access token and
/// `$R` the refresh token of the login, `$G` the group created), and every `# => ` line is the
/// body of the call above it (`"…"` standing for a value that differs each run).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_session_runs_as_written() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let start = readme
        .find("<!-- session -->")
        .expect("a session block in the README");
    let end = readme[start..]
        .find("<!-- /session -->")
        .expect("end of the session block")
        + start;
    let s = common::start(&common::sqlite()).await;
    let mut vars: Vec<(&str, String)> = vec![
        ("$G", String::new()),
        ("$T", String::new()),
        ("$R", String::new()),
    ];
    let mut last: Option<common::Reply> = None;
    let mut checked = 0;
    for line in readme[start..end].lines() {
        let line = line.trim();
        if line.starts_with("curl ") {
            let mut method = "GET".to_string();
            let mut headers: Vec<(String, String)> = Vec::new();
            let mut body: Option<String> = None;
            let mut url = String::new();
            let sub = |w: &str, vars: &[(&str, String)]| {
                vars.iter().fold(w.to_string(), |acc, (k, v)| acc.replace(k, v))
            };
            let w = words(line);
            let mut i = 1;
            while i < w.len() {
                match w[i].as_str() {
                    "-s" => {}
                    "-X" => {
                        i += 1;
                        method = w[i].clone();
                    }
                    "-H" => {
                        i += 1;
                        let (k, v) = w[i].split_once(':').expect("a header");
                        headers.push((k.trim().to_string(), sub(v.trim(), &vars)));
                    }
                    "-d" => {
                        i += 1;
                        body = Some(sub(&w[i], &vars));
                        if method == "GET" {
                            method = "POST".into();
                        }
                    }
                    other => url = sub(other, &vars),
                }
                i += 1;
            }
            let path = url.trim_start_matches("localhost:8080").to_string();
            // The session's own token, not the test server's default account.
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            {
                headers.push(("authorization".into(), String::new()));
            }
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let r = common::send(&s.http, &s.base, &method, &path, body.as_deref(), &h).await;
            assert!(r.status < 300, "{line}: {}", r.text);
            if path == "/v1/auth/login" {
                vars[1].1 = r.json["access_token"].as_str().expect("token").to_string();
                vars[2].1 = r.json["refresh_token"].as_str().expect("token").to_string();
            }
            if path == "/v1/groups" && method == "POST" {
                vars[0].1 = r.json["id"].as_str().expect("the group").to_string();
            }
            last = Some(r);
        } else if let Some(expected) = line.strip_prefix("# => ") {
            let r = last.as_ref().expect("a call before its result");
            let expected = expected.replace("$G", &vars[0].1);
            let want: serde_json::Value = serde_json::from_str(&expected).expect("README result is JSON");
            assert!(
                matches(&r.json, &want),
                "README result of the call above `{line}`:\n got {}\nwant {want}",
                r.json
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "the README shows results");
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
