//! The OpenAPI 3.1 document, generated from the handlers' annotations (utoipa), served at
//! `/openapi.json` and committed as `splitter-server/openapi.json` (a test keeps them equal;
//! `splitter-server openapi > splitter-server/openapi.json` regenerates it).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;
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
#[derive(Debug, ToSchema, Serialize)]
#[schema(value_type = String, example = "12.30", pattern = r"^[+-]?[0-9]+(\.[0-9]+)?$")]
#[allow(dead_code)]
pub struct Amount(String);

/// An ISO 4217 currency code the engine knows (its minor units come from the ISO table).
#[derive(Debug)]
pub struct CurrencyCode;

impl utoipa::PartialSchema for CurrencyCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An ISO 4217 currency code."))
            .enum_values(Some(splitter_core::Currency::all().map(|c| c.code())))
            .examples([serde_json::json!("EUR")])
            .into()
    }
}

impl ToSchema for CurrencyCode {}

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
#[derive(Debug, ToSchema, Serialize)]
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

/// How an expense is divided (the contract's `split`), chosen by `type`.
#[derive(Debug, ToSchema, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[allow(dead_code)]
pub enum Split {
    /// Equal parts.
    Equal {
        /// Who shares it; every member when left out.
        members: Option<Vec<String>>,
    },
    /// In proportion to weights.
    Shares {
        /// Weights: decimals >= 0, not all 0.
        shares: BTreeMap<String, Amount>,
    },
    /// By percentages.
    Percent {
        /// Percentages adding up to exactly 100.
        percent: BTreeMap<String, Amount>,
    },
    /// Exact amounts.
    Exact {
        /// Amounts adding up to the expense's amount.
        amounts: BTreeMap<String, Amount>,
    },
    /// Equal parts of what is left after the adjustments, each adjustment added to its member's
    /// part.
    Adjustment {
        /// Who shares it; every member when left out.
        members: Option<Vec<String>>,
        /// Extra amounts per member (none when left out).
        #[schema(nullable = false)]
        adjustments: Option<BTreeMap<String, Amount>>,
    },
    /// Items, each split by its own split, and extras shared in proportion to the items.
    Itemized {
        /// The items; with the extras they add up to the expense's amount.
        items: Vec<Item>,
        /// Tax, tip, service (a discount is negative).
        extras: Option<Vec<Extra>>,
    },
}

/// An item of an itemized split.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct Item {
    /// Its price.
    amount: Amount,
    /// How it is divided (any split but `itemized`).
    #[schema(no_recursion)]
    split: Box<Split>,
    /// Free text.
    description: Option<String>,
}

/// An extra of an itemized split.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct Extra {
    /// `tax`, `tip`, ...
    label: String,
    /// Its amount (negative: a discount).
    amount: Amount,
}

/// Who paid an expense.
#[derive(Debug, ToSchema, Serialize)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum PaidBy {
    /// One member paid it all.
    One(String),
    /// Several members: member id to amount, adding up to the expense's amount.
    Several(BTreeMap<String, Amount>),
}

/// An expense in the contract's form.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct ExpenseDoc {
    /// Unique within the group.
    id: String,
    /// The total (negative: money received for the group).
    amount: Amount,
    /// ISO 4217 code; default the group's.
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// This expense's own rate to the group currency.
    rate: Option<Amount>,
    /// Who paid.
    paid_by: PaidBy,
    /// How it is divided.
    split: Split,
    /// Free text.
    description: Option<String>,
    /// `YYYY-MM-DD`.
    date: Option<String>,
    /// Free text.
    category: Option<String>,
}

/// A payment in the contract's form: `from` handed `to` the amount.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct PaymentDoc {
    /// Optional id.
    id: Option<String>,
    /// Who paid.
    from: String,
    /// Who received.
    to: String,
    /// How much.
    amount: Amount,
    /// ISO 4217 code; default the group's.
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// Own rate to the group currency.
    rate: Option<Amount>,
    /// `YYYY-MM-DD`.
    date: Option<String>,
}

/// How debts are settled.
#[derive(Debug, ToSchema, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum Settle {
    /// Fewest transfers (proven where it can be computed).
    Minimal,
    /// Largest debtor pays largest creditor.
    Greedy,
    /// No simplification: what each owes each, netted per pair.
    Pairwise,
}

/// Which currency balances are in.
#[derive(Debug, ToSchema, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum BalancesIn {
    /// Everything converted into the group's currency.
    Group,
    /// Kept per currency, no conversion.
    Each,
}

/// The contract's options.
#[derive(Debug, ToSchema, Serialize)]
#[allow(dead_code)]
pub struct OptionsDoc {
    /// Default `minimal`.
    settle: Option<Settle>,
    /// Default `group`.
    balances_in: Option<BalancesIn>,
    /// The most non-zero balances `minimal` solves exactly.
    #[schema(minimum = 0)]
    exact_limit: Option<u32>,
    /// Transfers suggested earlier, kept when only some were paid.
    previous: Option<Vec<TransferRow>>,
}

/// The contract's input group (see the wire contract).
#[derive(Debug, ToSchema)]
#[schema(example = json!({"currency": "EUR", "members": ["ana", "ben", "cy"], "rates": {"USD": "0.92"},
    "expenses": [{"id": "e1", "amount": "90.00", "paid_by": "ana", "split": {"type": "equal"}},
                 {"id": "e2", "amount": "60.00", "currency": "USD", "paid_by": {"ben": "40.00", "cy": "20.00"},
                  "split": {"type": "exact", "amounts": {"ana": "30.00", "ben": "30.00"}}}],
    "payments": [{"from": "cy", "to": "ana", "amount": "10.00"}],
    "options": {"settle": "minimal"}}))]
#[allow(dead_code)]
pub struct GroupInputDoc {
    /// ISO 4217 code.
    #[schema(value_type = CurrencyCode)]
    currency: String,
    /// Members.
    members: Vec<routes::groups::MemberInput>,
    /// Rates to the group currency: 1 unit of the key's currency in the group's.
    rates: Option<BTreeMap<String, Amount>>,
    /// Expenses.
    expenses: Option<Vec<ExpenseDoc>>,
    /// Payments.
    payments: Option<Vec<PaymentDoc>>,
    /// Options.
    options: Option<OptionsDoc>,
}

/// A member's share of an expense.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ShareRow {
    /// Expense id.
    expense: String,
    /// Member id.
    member: String,
    /// The expense's currency.
    currency: String,
    /// The share in that currency.
    amount: Amount,
    /// The share in the group's currency, when the expense's differs.
    group_amount: Option<Amount>,
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
    shares: Vec<ShareRow>,
    /// Transfer rows.
    transfers: Vec<TransferRow>,
    /// The method.
    settle: Settle,
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
    modifiers(&Security, &OperationIds, &Links),
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
        routes::access::list,
        routes::access::remove,
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
