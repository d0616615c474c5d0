//! The OpenAPI 3.1 document, generated from the handlers' annotations (utoipa), served at
//! `/openapi.json` and committed as `splitter-server/openapi.json` (a test keeps them equal;
//! `splitter-server openapi > splitter-server/openapi.json` regenerates it).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::Response;
use utoipa::OpenApi;

use crate::apidoc::*;
use crate::http::json_response;
use crate::routes;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Splitter",
        description = include_str!("openapi-intro.md")
    ),
    modifiers(&Security, &OperationIds, &Links),
    paths(
        routes::accounts::register,
        routes::accounts::login,
        routes::accounts::refresh,
        routes::accounts::logout,
        routes::accounts::me,
        routes::accounts::change_password,
        routes::accounts::delete,
        routes::groups::list,
        routes::groups::create,
        routes::groups::get,
        routes::groups::patch,
        routes::groups::delete,
        routes::members::add,
        routes::members::rename,
        routes::members::remove,
        routes::expenses::create,
        routes::expenses::list,
        routes::expenses::get,
        routes::expenses::put,
        routes::expenses::delete,
        routes::expenses::restore,
        routes::payments::create,
        routes::payments::list,
        routes::payments::get,
        routes::payments::delete,
        routes::reports::balances,
        routes::reports::settlement,
        routes::activity::list,
        routes::invites::create,
        routes::invites::list,
        routes::invites::revoke,
        routes::invites::accept,
        routes::access::list,
        routes::access::remove,
        routes::transfer::import_json,
        routes::transfer::import_splitwise,
        routes::transfer::export_json,
        routes::transfer::export_csv,
        routes::jobs::get,
        routes::compute::compute,
        routes::ops::health,
        routes::ops::ready,
        routes::ops::metrics,
        serve,
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        Amount,
        CurrencyCode,
        BalanceRow,
        TransferRow,
        ShareRow,
        Split,
        Item,
        Extra,
        PaidBy,
        ExpenseDoc,
        PaymentDoc,
        OptionsDoc,
        Settle,
        BalancesIn,
        GroupInputDoc,
        ReportDoc
    ))
)]
pub struct ApiDoc;

/// Adds the bearer security scheme, and to every operation that needs a token its `401` and
/// to every `/v1` operation the `429` of the rate limits.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        use utoipa::openapi::{RefOr, ResponseBuilder};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            crate::auth::SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token from POST /v1/auth/login or /v1/auth/refresh (15 minutes).",
                    ))
                    .build(),
            ),
        );
        let error = |what: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(what)
                    .content(
                        "application/json",
                        utoipa::openapi::ContentBuilder::new()
                            .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, _, op) in operations(openapi) {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            if secured {
                op.responses.responses.entry("401".into()).or_insert_with(|| {
                    error(
                        "No valid access token (unauthorized, invalid_token, token_expired, session_revoked)",
                    )
                });
            }
            if path.starts_with("/v1/") {
                op.responses
                    .responses
                    .entry("429".into())
                    .or_insert_with(|| error("Rate limited (rate_limited); see Retry-After"));
            }
        }
    }
}

/// The operations of the document: `(path, method, operation)`.
fn operations(
    openapi: &mut utoipa::openapi::OpenApi,
) -> Vec<(String, &'static str, &mut utoipa::openapi::path::Operation)> {
    let mut out = Vec::new();
    for (path, item) in openapi.paths.paths.iter_mut() {
        let ops = [
            ("get", item.get.as_mut()),
            ("post", item.post.as_mut()),
            ("put", item.put.as_mut()),
            ("patch", item.patch.as_mut()),
            ("delete", item.delete.as_mut()),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                out.push((path.clone(), method, op));
            }
        }
    }
    out
}

/// Makes every `operationId` unique (OpenAPI requires it): a handler name used by several
/// routes (`create`, `list`, `get`, `delete`) gets the route's resource after it:
/// `create_expenses`, `get_expense`.
struct OperationIds;

impl utoipa::Modify for OperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut ops = operations(openapi);
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        for (_, _, op) in &ops {
            *count
                .entry(op.operation_id.clone().unwrap_or_default())
                .or_default() += 1;
        }
        for (path, _, op) in &mut ops {
            let id = op.operation_id.clone().unwrap_or_default();
            if count.get(&id).copied().unwrap_or(0) > 1 {
                let last = path.rsplit('/').next().unwrap_or_default();
                let resource = last.trim_start_matches('{').trim_end_matches('}');
                op.operation_id = Some(format!("{id}_{resource}"));
            }
        }
    }
}

/// Links from what a `POST` creates to the operations on it, so that a client (or schemathesis'
/// stateful tests) can follow them: a new group's id to every `/v1/groups/{group}...` route, a
/// new expense's id to `/v1/groups/{group}/expenses/{expense}...`, an invite's code to
/// `/v1/invites/{code}/accept`, and so on.
struct Links;

impl utoipa::Modify for Links {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::link::LinkBuilder;
        use utoipa::openapi::RefOr;
        // Every operation's id and path parameters, by path.
        let targets: Vec<(String, String)> = operations(openapi)
            .into_iter()
            .map(|(path, _, op)| (path, op.operation_id.clone().unwrap_or_default()))
            .collect();
        let params = |path: &str| -> Vec<String> {
            path.split('/')
                .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .map(str::to_string)
                .collect()
        };
        for (path, method, op) in operations(openapi) {
            if method != "post" {
                continue;
            }
            // What a POST at this path creates lives under `base/{param}`, found by `field` in
            // the response body.
            let bases = match path.as_str() {
                "/v1/groups/import" | "/v1/groups/import/splitwise" => vec![("/v1/groups", "id")],
                p if p.ends_with("/invites") => vec![(p, "id"), ("/v1/invites", "code")],
                p => vec![(p, "id")],
            };
            let own = params(&path);
            let Some(RefOr::T(created)) = op.responses.responses.get_mut("201") else {
                continue;
            };
            for ((target, target_id), (base, field)) in
                bases.iter().flat_map(|b| targets.iter().map(move |t| (t, *b)))
            {
                let Some(rest) = target.strip_prefix(&format!("{base}/{{")) else {
                    continue;
                };
                let Some(new_param) = rest.split('}').next() else {
                    continue;
                };
                let mut link = LinkBuilder::new().operation_id(target_id.clone());
                for p in params(target) {
                    link = if p == new_param {
                        link.parameter(p, format!("$response.body#/{field}"))
                    } else if own.contains(&p) {
                        link.parameter(p.clone(), format!("$request.path.{p}"))
                    } else {
                        continue;
                    };
                }
                created.links.insert(target_id.clone(), RefOr::T(link.build()));
            }
        }
    }
}

/// The document as pretty JSON text (built once).
pub fn document() -> String {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
        // utoipa 5.5 writes a link's `operationId` in snake case; only links have that key
        // (operations' own ids are written right), and its value is always a string.
        let mut text = text.replace("\"operation_id\": \"", "\"operationId\": \"");
        text.push('\n');
        text
    })
    .clone()
}

/// This API's OpenAPI 3.1 document.
///
/// The API reference at `/docs` renders it.
///
/// **Who:** anyone; not rate-limited.
///
/// **Errors:** none.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", operation_id = "openapi",
    responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub async fn serve() -> Response {
    json_response(StatusCode::OK, document())
}
