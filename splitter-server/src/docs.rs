//! `/docs`: the API reference, Swagger UI over [`crate::openapi`]'s document at `/openapi.json`.
//!
//! Every file the page loads is compiled into the binary: Swagger UI's bundled script and style
//! sheet, taken by `build.rs` from the release in the crates.io package
//! `utoipa-swagger-ui-vendored` (so building downloads nothing), and this page's own
//! `index.html`, settings and style (`src/docs/`). The page fetches nothing from anywhere else:
//! no CDN, no font service, no validator badge; its content security policy allows this origin
//! only. `/docs` redirects to `/docs/`, against which the page's relative links resolve.
//! Swagger UI is Apache-2.0: its licence and notice are served beside it.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::http::ApiError;

/// What the page may load and run: files and requests of this origin only (the document and
/// "Try it out"), and `data:` images (Swagger UI's icons).
pub const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'none'";

/// The files of the page: name under `/docs/`, content type, bytes.
const FILES: [(&str, &str, &[u8]); 7] = [
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("docs/index.html"),
    ),
    (
        "initializer.js",
        "text/javascript; charset=utf-8",
        include_bytes!("docs/initializer.js"),
    ),
    (
        "page.css",
        "text/css; charset=utf-8",
        include_bytes!("docs/page.css"),
    ),
    (
        "swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/swagger-ui-bundle.js")),
    ),
    (
        "swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/swagger-ui.css")),
    ),
    (
        "LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/LICENSE")),
    ),
    (
        "NOTICE",
        "text/plain; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/NOTICE")),
    ),
];

/// `GET /docs`: to `/docs/`.
pub async fn redirect() -> Redirect {
    Redirect::permanent("/docs/")
}

/// `GET /docs/`: the page.
pub async fn index() -> Response {
    file("index.html")
}

/// `GET /docs/{file}`: one of the page's files; `404 not_found` for any other name.
pub async fn asset(Path(name): Path<String>) -> Response {
    file(&name)
}

fn file(name: &str) -> Response {
    let Some((_, content_type, bytes)) = FILES.iter().find(|(n, _, _)| *n == name) else {
        return ApiError::not_found("file").into_response();
    };
    let mut r = (StatusCode::OK, *bytes).into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    // The files change only with the binary; an hour spares reloading 1.6 MB on every visit.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}
