//! The OpenAPI 3.1 document, generated from the handlers' annotations (utoipa), served at
//! `/openapi.json` and committed as `splitter-server/openapi.json` (a test keeps them equal;
//! `splitter-server openapi > splitter-server/openapi.json` regenerates it).

use std::sync::OnceLock;

use utoipa::{OpenApi, ToSchema};

use crate::routes;

/// The contract's error object.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// The error.
    error: ErrorDetail,
}

/// Code, message and path.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    /// Stable code: the core's (`invalid_json`, `invalid_amount`, `unknown_member`, ...) or the
    /// server's (`not_found`, `precondition_failed`, `idempotency_key_reused`, ...).
    code: String,
    /// For people.
    message: String,
    /// Where in the request body (or which parameter); empty for the whole.
    path: String,
}

/// An exact amount: a decimal string such as `"12.30"` (a JSON number is also read exactly,
/// from its text).
#[derive(Debug, ToSchema)]
#[schema(value_type = String, example = "12.30")]
#[allow(dead_code)]
pub struct Amount(String);

/// A member's balance in one currency (the contract's balance row).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct BalanceRow {
    /// Member id.
    member: String,
    /// Currency.
    currency: String,
    /// Paid for expenses plus payments sent.
    #[schema(value_type = Amount)]
    paid: String,
    /// Shares plus payments received.
    #[schema(value_type = Amount)]
    owed: String,
    /// `paid - owed`.
    #[schema(value_type = Amount)]
    net: String,
}

/// A suggested transfer (the contract's transfer row).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct TransferRow {
    /// Who pays.
    from: String,
    /// Who receives.
    to: String,
    /// How much.
    #[schema(value_type = Amount)]
    amount: String,
    /// Currency.
    currency: String,
}

/// The contract's input group (see the wire contract).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct GroupInputDoc {
    /// ISO 4217 code.
    currency: String,
    /// Member ids or `{"id", "name"}` objects.
    #[schema(value_type = Vec<Object>)]
    members: Vec<serde_json::Value>,
    /// Rates to the group currency.
    #[schema(value_type = Option<Object>)]
    rates: Option<serde_json::Value>,
    /// Expenses in the contract's form.
    #[schema(value_type = Option<Vec<Object>>)]
    expenses: Option<Vec<serde_json::Value>>,
    /// Payments in the contract's form.
    #[schema(value_type = Option<Vec<Object>>)]
    payments: Option<Vec<serde_json::Value>>,
    /// Options.
    #[schema(value_type = Option<Object>)]
    options: Option<serde_json::Value>,
}

/// The contract's output report.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ReportDoc {
    /// The group's currency.
    currency: String,
    /// Balance rows.
    balances: Vec<BalanceRow>,
    /// Share rows.
    #[schema(value_type = Vec<Object>)]
    shares: Vec<serde_json::Value>,
    /// Transfer rows.
    transfers: Vec<TransferRow>,
    /// The method.
    settle: String,
    /// Proven minimal.
    optimal: bool,
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Splitter",
        description = "Exact expense splitting: groups, expenses, payments, balances and settlement. Money is always a decimal string."
    ),
    modifiers(&Security),
    paths(
        routes::accounts::register,
        routes::accounts::login,
        routes::accounts::refresh,
        routes::accounts::logout,
        routes::accounts::me,
        routes::accounts::change_password,
        routes::groups::list,
        routes::groups::create,
        routes::groups::get,
        routes::groups::patch,
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
        routes::transfer::import_json,
        routes::transfer::import_splitwise,
        routes::transfer::export_json,
        routes::transfer::export_csv,
        routes::compute::compute,
        routes::ops::health,
        routes::ops::ready,
        routes::ops::metrics,
        routes::ops::openapi,
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        Amount,
        BalanceRow,
        TransferRow,
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
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in ops.into_iter().flatten() {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                if secured {
                    op.responses.responses.entry("401".into()).or_insert_with(|| {
                        error("No valid access token (unauthorized, invalid_token, token_expired, session_revoked)")
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
}

/// The document as pretty JSON text (built once).
pub fn document() -> String {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut text = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
        text.push('\n');
        text
    })
    .clone()
}
