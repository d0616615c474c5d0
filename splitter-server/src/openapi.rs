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
    paths(
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
