//! `/docs`: the API reference. Its files are served from the binary with the page's content
//! security policy (this origin only), outside the rate limits; and a real browser (headless
//! Chromium) renders every operation of the OpenAPI document from them, summaries included.
//! `GET /` is left alone (another page will live there).

use std::process::Command;

use crate::common::{self, Server};
use splitter_server::Config;

/// The files `index.html` loads, found by their `src` and `href` attributes.
fn linked(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            if let Some(end) = part.find('"') {
                out.push(part[..end].to_string());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docs_are_served_from_the_binary() {
    let mut config = Config::for_urls(&common::sqlite().database_url, None);
    // Four requests a minute: the start's registration and login, `GET /`, one more.
    config.rate_limit = 4;
    let s = common::start_with(config).await;
    let moved = s.send_as("", "GET", "/docs", None).await;
    // reqwest follows the redirect: it lands on the page.
    assert_eq!(moved.status, 200, "{}", moved.text);
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/docs", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 308);
    assert_eq!(r.headers()["location"], "/docs/");
    assert_eq!(
        s.send_as("", "GET", "/", None).await.status,
        404,
        "GET / stays free"
    );

    let page = s.send_as("", "GET", "/docs/", None).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        page.header("content-security-policy").as_deref(),
        Some(splitter_server::docs::POLICY)
    );
    let files = linked(&page.text);
    assert_eq!(
        files,
        [
            "./swagger-ui-bundle.js",
            "./initializer.js",
            "./swagger-ui.css",
            "./page.css",
            "/openapi.json"
        ],
        "what the page loads, all from this origin"
    );
    for f in files.iter().filter(|f| f.starts_with("./")) {
        let r = s.send_as("", "GET", &format!("/docs/{}", &f[2..]), None).await;
        assert_eq!(r.status, 200, "{f}");
        let kind = r.header("content-type").unwrap_or_default();
        assert!(
            (f.ends_with(".js") && kind.starts_with("text/javascript"))
                || (f.ends_with(".css") && kind.starts_with("text/css")),
            "{f}: {kind}"
        );
        assert!(
            !f.contains("swagger-ui") || r.text.len() > 100_000,
            "{f} is Swagger UI's own file"
        );
        assert!(
            !r.text.contains("cdn.") && !r.text.contains("unpkg"),
            "{f} names a CDN"
        );
    }
    let init = s.send_as("", "GET", "/docs/initializer.js", None).await.text;
    assert!(init.contains("url: \"/openapi.json\""), "{init}");
    assert!(
        init.contains("validatorUrl: null"),
        "no call to an outside validator"
    );
    for (f, says) in [("LICENSE", "Apache License"), ("NOTICE", "swagger-ui")] {
        let r = s.send_as("", "GET", &format!("/docs/{f}"), None).await;
        assert!(r.status == 200 && r.text.contains(says), "Swagger UI's {f}");
    }
    let missing = s.send_as("", "GET", "/docs/swagger-ui-bundle.js.map", None).await;
    assert_eq!((missing.status, missing.code()), (404, "not_found"));
    // Outside the rate limit: a page load is several requests.
    for _ in 0..6 {
        assert_eq!(s.send_as("", "GET", "/docs/page.css", None).await.status, 200);
    }
    assert_eq!(s.send_as("", "GET", "/v1/groups", None).await.status, 401);
    let limited = s.send_as("", "GET", "/v1/groups", None).await;
    assert_eq!(limited.code(), "rate_limited", "the limit is on, for the API");
}

/// Where Chromium is, if it is: `/usr/bin/chromium` (the test script installs it).
fn chromium() -> Option<&'static str> {
    let path = "/usr/bin/chromium";
    if std::path::Path::new(path).exists() {
        return Some(path);
    }
    assert!(
        !common::all_required(),
        "Chromium is missing, and SPLITTER_SERVER_TESTS=all requires it (scripts/suites/server installs it)"
    );
    eprintln!("skipped: no {path}");
    None
}

/// The page as a browser builds it: headless Chromium loads `/docs/` with the server's content
/// security policy, runs Swagger UI over `/openapi.json` and prints the resulting DOM. Virtual
/// time, which stands still while requests are in flight, lets the page finish without any
/// wall-clock wait.
fn rendered(s: &Server) -> String {
    let Some(chromium) = chromium() else {
        return String::new();
    };
    let profile = std::env::temp_dir().join(format!("splitter-docs-chromium-{}", std::process::id()));
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-proxy-server",
            "--virtual-time-budget=60000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("{}/docs/", s.base))
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_renders_every_operation() {
    let s = common::start(&common::sqlite()).await;
    let base = s.base.clone();
    let dom = {
        let s = &s;
        tokio::task::block_in_place(|| rendered(s))
    };
    if dom.is_empty() {
        return;
    }
    let doc = s.get("/openapi.json").await.json;
    let mut shown = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let summary = op["summary"].as_str().unwrap();
            // Text in the DOM, escaped as HTML escapes it.
            let text = summary
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert!(
                dom.contains(&text),
                "{method} {path}: {summary:?} not rendered from {base}/docs/"
            );
            shown += 1;
        }
    }
    assert!(shown > 40, "{shown} operations");
    assert!(dom.contains("Authorize"), "the bearer scheme's button");
}
