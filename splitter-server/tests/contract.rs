//! The server against the contract: `/v1/compute` over the whole shared corpus (byte-identical
//! to the core's `compute_json`), the committed OpenAPI document against the served one, and the
//! README's curl session, run as written.

mod common;

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
            }
        }
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
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
}

/// The README's session: every `curl` line is sent as written (with `$G` the group created by
/// the first), and every `# => ` line is the exact body of the call above it.
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
    let mut gid = String::new();
    let mut last: Option<common::Reply> = None;
    let mut checked = 0;
    for line in readme[start..end].lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("curl -s ") {
            let (method, rest) = match rest.strip_prefix("-X ") {
                Some(r) => {
                    let (m, r) = r.split_once(' ').expect("method");
                    (m.to_string(), r)
                }
                None => ("GET".to_string(), rest),
            };
            let (url, body) = match rest.split_once(" -d '") {
                Some((u, b)) => (u.trim(), Some(b.trim_end_matches('\'').to_string())),
                None => (rest.trim(), None),
            };
            let path = url.trim_start_matches("localhost:8080").replace("$G", &gid);
            let r = s.send(&method, &path, body.as_deref(), &[]).await;
            assert!(r.status < 300, "{line}: {}", r.text);
            if gid.is_empty() {
                gid = r.json["id"]
                    .as_str()
                    .expect("the first call creates the group")
                    .to_string();
            }
            last = Some(r);
        } else if let Some(expected) = line.strip_prefix("# => ") {
            let r = last.as_ref().expect("a call before its result");
            let mut expected = expected.replace("$G", &gid);
            if expected.contains("\"id\":\"…\"") {
                expected = expected.replace("\"id\":\"…\"", &format!("\"id\":\"{gid}\""));
            }
            let want: serde_json::Value = serde_json::from_str(&expected).expect("README result is JSON");
            // Fields the README elides (timestamps) are left out of the comparison.
            let mut got = r.json.clone();
            if let (Some(g), Some(w)) = (got.as_object_mut(), want.as_object()) {
                g.retain(|k, _| w.contains_key(k));
            }
            assert_eq!(got, want, "README result of the call above `{line}`");
            checked += 1;
        }
    }
    assert!(checked >= 3, "the README shows results");
}
