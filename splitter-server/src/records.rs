//! Request bodies turned into the records the server stores, checked by the core.
//!
//! No math happens here: a new expense or payment is read into the core's typed record
//! ([`wire::expense_from_value`]) and checked by the core against the group as it is now (its
//! currency, rates and current members: [`Totals::of_expense`], which also gives what the record
//! adds to the group's balances), so that a bad split is refused with the core's own code and a
//! path inside the request body before anything is stored. What is stored is the core's
//! canonical text of the record ([`wire::expense_to_json`]: amounts as decimal strings), with the
//! server-assigned id, and with "every member" of equal and adjustment splits written out as the
//! members of that moment, so that adding a member later never changes an old expense.

use splitter_core::ErrorCode;
use splitter_core::{
    wire, BalancesIn, Currency, Decimal, Expense, Group, Json, Member, Options, PaidBy, Payment,
    SettleMethod, Split, Totals,
};

use crate::db::{ExpenseRecord, GroupHead, PaymentRecord};
use crate::http::{ApiError, Code};
use crate::text;

/// The largest amount (absolute, in the group currency) that one expense or payment may put on
/// a member's `paid` or `owed`: 10^15, so that the sum over any realistic number of records stays
/// far inside exact decimal range (about 7.9e28) and a stored group can always be computed.
pub const MAX_RECORD_AMOUNT: i64 = 1_000_000_000_000_000;

/// The most members a stored group may have (removed ones included).
pub const MAX_GROUP_MEMBERS: usize = 1_000;

/// The most share rows a stored group's live expenses may hold (each expense holds one per
/// member with a part): what computing the group costs grows with it.
pub const MAX_GROUP_SHARE_ROWS: i64 = 1_000_000;

impl GroupHead {
    fn active_ids(&self) -> Vec<String> {
        self.members
            .iter()
            .filter(|m| !m.removed)
            .map(|m| m.id.clone())
            .collect()
    }

    /// The group as the core's typed group with every member (removed ones too, since old
    /// records name them) and no records: what stored records and kept totals are read against.
    pub fn core_group_all(&self) -> Result<Group, ApiError> {
        self.core_group(self.members.iter().map(|m| m.id.clone()).collect())
    }

    /// The group as the core's typed group with these member ids and no records: what a new
    /// record is checked against.
    fn core_group(&self, member_ids: Vec<String>) -> Result<Group, ApiError> {
        let rates = self
            .rates
            .iter()
            .map(|(code, rate)| {
                Decimal::from_str_exact(rate)
                    .map(|r| (code.clone(), r))
                    .map_err(|_| {
                        ApiError::internal(format!("the stored rate {code} = {rate} is not a decimal"))
                    })
            })
            .collect::<Result<_, _>>()?;
        let balances_in = self
            .balances_in
            .parse::<BalancesIn>()
            .map_err(ApiError::internal)?;
        Ok(Group {
            currency: self.currency.clone(),
            members: member_ids.into_iter().map(Member::new).collect(),
            rates,
            options: Options {
                settle: SettleMethod::Greedy,
                balances_in,
                ..Options::default()
            },
            ..Group::default()
        })
    }
}

/// Parses a request body with the core's exact reader (numbers kept as text, repeated keys
/// kept so they can be refused): `invalid_json` (400) when it is not JSON.
pub fn parse_body(body: &[u8]) -> Result<Json, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| {
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            ErrorCode::InvalidJson,
            "",
            "the body is not UTF-8 text",
        )
    })?;
    Json::parse(text).map_err(|e| ApiError::from_core(e, ""))
}

/// The body as an object's pairs, with `id` refused (the server assigns ids).
fn object_without_id(body: Json, what: &str) -> Result<Vec<(String, Json)>, ApiError> {
    match body {
        Json::Object(pairs) => {
            if pairs.iter().any(|(k, _)| k == "id") {
                return Err(ApiError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::InvalidInput,
                    "id",
                    format!("the server assigns {what} ids; leave 'id' out"),
                ));
            }
            Ok(pairs)
        }
        other => Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidInput,
            "",
            format!("{what} must be an object, not {}", other.kind()),
        )),
    }
}

/// Refuses a record whose effect on any member is past [`MAX_RECORD_AMOUNT`] (in its bucket's
/// currency), read from the record's totals.
fn check_magnitude(totals: &Totals) -> Result<(), ApiError> {
    let too_large = totals.buckets.iter().any(|b| {
        let exponent = Currency::find(&b.currency).map_or(0, Currency::exponent);
        let limit = i128::from(MAX_RECORD_AMOUNT).saturating_mul(10i128.saturating_pow(exponent));
        b.members
            .iter()
            .any(|m| m.paid.abs() > limit || m.owed.abs() > limit)
    });
    if too_large {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Overflow,
            "amount",
            format!("this server stores records of at most {MAX_RECORD_AMOUNT} in the group currency"),
        ));
    }
    Ok(())
}

/// Checks an expense body (an object in the contract's expense form, without `id`) against the
/// group and gives the record to store under `id`. Errors name a path inside the body.
///
/// With the record comes what it adds to the group's balances ([`Totals`]), for the kept totals.
pub fn check_expense(head: &GroupHead, body: Json, id: &str) -> Result<(ExpenseRecord, Totals), ApiError> {
    let mut pairs = object_without_id(body, "expense")?;
    pairs.insert(0, ("id".into(), Json::String(id.into())));
    let expense = wire::expense_from_value(&Json::Object(pairs)).map_err(|e| ApiError::from_core(e, ""))?;
    check_typed_expense(head, expense)
}

/// [`check_expense`] for an expense already read (an import's): errors name a path inside it.
pub fn check_typed_expense(
    head: &GroupHead,
    mut expense: Expense,
) -> Result<(ExpenseRecord, Totals), ApiError> {
    clean_opt(&mut expense.category, &text::CATEGORY, "category")?;
    clean_opt(&mut expense.description, &text::DESCRIPTION, "description")?;
    let everyone = head.active_ids();
    write_out_members(&mut expense.split, &everyone);
    let group = head.core_group(everyone)?;
    let totals = Totals::of_expense(&group, &expense).map_err(|e| ApiError::from_core(e, "expenses[0]"))?;
    check_magnitude(&totals)?;
    let mut members = Vec::new();
    match &expense.paid_by {
        PaidBy::One(m) => members.push(m.clone()),
        PaidBy::Several(list) => members.extend(list.iter().map(|p| p.member.clone())),
    }
    split_members(&expense.split, &mut members);
    members.sort();
    members.dedup();
    let record = ExpenseRecord {
        body: wire::expense_to_json(&expense),
        date: expense.date.clone(),
        category: expense.category.clone(),
        members,
        parts: i64::try_from(expense.share_rows(group.members.len())).unwrap_or(i64::MAX),
    };
    Ok((record, totals))
}

/// Checks a payment body (the contract's payment form, without `id`), and gives what it adds to
/// the group's balances.
pub fn check_payment(head: &GroupHead, body: Json, id: &str) -> Result<(PaymentRecord, Totals), ApiError> {
    let mut pairs = object_without_id(body, "payment")?;
    pairs.insert(0, ("id".into(), Json::String(id.into())));
    let payment = wire::payment_from_value(&Json::Object(pairs)).map_err(|e| ApiError::from_core(e, ""))?;
    check_typed_payment(head, &payment)
}

/// [`check_payment`] for a payment already read (an import's).
pub fn check_typed_payment(head: &GroupHead, payment: &Payment) -> Result<(PaymentRecord, Totals), ApiError> {
    let group = head.core_group(head.active_ids())?;
    let totals = Totals::of_payment(&group, payment).map_err(|e| ApiError::from_core(e, "payments[0]"))?;
    check_magnitude(&totals)?;
    let record = PaymentRecord {
        body: wire::payment_to_json(payment),
        from: payment.from.clone(),
        to: payment.to.clone(),
    };
    Ok((record, totals))
}

/// What a stored record (its canonical text, from `table`) adds to the group's balances, read
/// against the group as it is now (every member, removed ones too, since old records name them).
pub fn stored_totals(head: &GroupHead, table: crate::db::Table, body: &str) -> Result<Totals, ApiError> {
    let group = head.core_group_all()?;
    let value = Json::parse(body).map_err(ApiError::internal)?;
    let totals = match table {
        crate::db::Table::Expenses => Totals::of_expense(
            &group,
            &wire::expense_from_value(&value).map_err(ApiError::internal)?,
        ),
        crate::db::Table::Payments => Totals::of_payment(
            &group,
            &wire::payment_from_value(&value).map_err(ApiError::internal)?,
        ),
    };
    totals.map_err(ApiError::internal)
}

/// A new group's currency, members and rates, checked by the core (unknown currency, repeated
/// member ids, bad rates), with the server's own rules for ids and names ([`check_members`]).
pub fn check_group(currency: &str, members: Json, rates: Option<Json>) -> Result<Group, ApiError> {
    let mut pairs = vec![
        ("currency".into(), Json::String(currency.into())),
        ("members".into(), members),
    ];
    if let Some(r) = rates {
        pairs.push(("rates".into(), r));
    }
    let mut group = wire::group_from_value(&Json::Object(pairs)).map_err(|e| ApiError::from_core(e, ""))?;
    check_members(&mut group)?;
    group.options.settle = SettleMethod::Greedy;
    splitter_core::compute(&group).map_err(|e| ApiError::from_core(e, ""))?;
    Ok(group)
}

/// A group's members as the server stores them: at most [`MAX_GROUP_MEMBERS`], ids and names
/// cleaned by their fields' rules (NFC, no invisible characters, one script per id), and no id
/// that looks like another ([`confusable`]).
pub fn check_members(group: &mut Group) -> Result<(), ApiError> {
    if group.members.len() > MAX_GROUP_MEMBERS {
        return Err(too_many_members());
    }
    let mut seen = std::collections::HashMap::with_capacity(group.members.len());
    for (i, m) in group.members.iter_mut().enumerate() {
        let path = format!("members[{i}]");
        m.id = text::clean(&m.id, &text::MEMBER_ID, &path)?;
        clean_opt(&mut m.name, &text::MEMBER_NAME, &format!("{path}.name"))?;
        if let Some(other) = seen.insert(confusable_key(&m.id), m.id.clone()) {
            if other == m.id {
                return Err(ApiError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::DuplicateId,
                    path,
                    format!("member '{other}' is listed twice"),
                ));
            }
            return Err(confusable(&path, &m.id, &other));
        }
    }
    Ok(())
}

/// `422 too_many_members`.
pub fn too_many_members() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        Code::TooManyMembers,
        "members",
        format!("a group has at most {MAX_GROUP_MEMBERS} members"),
    )
}

/// What two ids must not share: the UTS #39 skeleton of their lower case ("ana", "Ana" and
/// "аnа" with Cyrillic letters all give one key).
pub fn confusable_key(id: &str) -> String {
    text::skeleton(&id.to_lowercase())
}

/// `422 confusable_id`: `id` looks like the existing `other`.
pub fn confusable(path: &str, id: &str, other: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        Code::ConfusableId,
        path,
        format!("'{id}' looks like the member '{other}'; choose an id that reads differently"),
    )
}

/// Cleans an optional text in place.
fn clean_opt(value: &mut Option<String>, field: &text::Field, path: &str) -> Result<(), ApiError> {
    if let Some(v) = value {
        *v = text::clean(v, field, path)?;
    }
    Ok(())
}

/// "Every member" (a split without `members`) written out as the members of this moment.
fn write_out_members(split: &mut Split, everyone: &[String]) {
    match split {
        Split::Equal { members } | Split::Adjustment { members, .. } => {
            if members.is_none() {
                *members = Some(everyone.to_vec());
            }
        }
        Split::Itemized { items, .. } => {
            for item in items {
                write_out_members(&mut item.split, everyone);
            }
        }
        Split::Shares { .. } | Split::Percent { .. } | Split::Exact { .. } => {}
    }
}

fn split_members(split: &Split, out: &mut Vec<String>) {
    match split {
        Split::Equal { members } => out.extend(members.iter().flatten().cloned()),
        Split::Adjustment { members, adjustments } => {
            out.extend(members.iter().flatten().cloned());
            out.extend(adjustments.iter().map(|p| p.member.clone()));
        }
        Split::Shares { shares: l } | Split::Percent { percent: l } | Split::Exact { amounts: l } => {
            out.extend(l.iter().map(|p| p.member.clone()))
        }
        Split::Itemized { items, .. } => {
            for item in items {
                split_members(&item.split, out);
            }
        }
    }
}

/// The whole stored group as the contract's input text, ready for [`splitter_core::compute`]:
/// every member (removed ones too, since old records name them), rates, and the stored records.
pub fn group_text(head: &GroupHead, expenses: &[String], payments: &[String]) -> String {
    let mut s = String::with_capacity(64 + expenses.iter().map(|e| e.len() + 1).sum::<usize>());
    let ids: Vec<&str> = head.members.iter().map(|m| m.id.as_str()).collect();
    s.push_str("{\"currency\":");
    s.push_str(&serde_json::to_string(&head.currency).unwrap_or_default());
    s.push_str(",\"members\":");
    s.push_str(&serde_json::to_string(&ids).unwrap_or_default());
    s.push_str(",\"rates\":{");
    for (i, (k, v)) in head.rates.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&serde_json::to_string(k).unwrap_or_default());
        s.push(':');
        s.push_str(&serde_json::to_string(v).unwrap_or_default());
    }
    s.push_str("},\"expenses\":[");
    s.push_str(&expenses.join(","));
    s.push_str("],\"payments\":[");
    s.push_str(&payments.join(","));
    s.push_str("],\"options\":{\"balances_in\":");
    s.push_str(&serde_json::to_string(&head.balances_in).unwrap_or_default());
    s.push_str("}}");
    s
}
