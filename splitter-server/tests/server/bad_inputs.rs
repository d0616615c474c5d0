//! A table of bad inputs: each answered with a 4xx and the right code (and path), never a 5xx,
//! and nothing stored.

use crate::common::{self, Backend, Server};

async fn table(b: &Backend) {
    let mut config = splitter_server::Config::for_urls(&b.database_url, b.redis_url.as_deref());
    config.body_limit = 64 * 1024;
    let s: Server = common::start_with(config).await;
    let gid = s.group("EUR", &["ana", "ben"]).await;
    let exp = format!("/v1/groups/{gid}/expenses");
    let pay = format!("/v1/groups/{gid}/payments");
    let huge = format!(
        r#"{{"amount": "1.00", "paid_by": "ana", "split": {{"type": "equal"}}, "description": "{}"}}"#,
        "x".repeat(100_000)
    );
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    // (method, path, body, status, code, path in the body)
    let cases: Vec<(&str, String, String, u16, &str, &str)> = vec![
        ("POST", exp.clone(), "{".into(), 400, "invalid_json", ""),
        ("POST", exp.clone(), "not json".into(), 400, "invalid_json", ""),
        ("POST", exp.clone(), "".into(), 400, "invalid_json", ""),
        ("POST", exp.clone(), deep, 400, "invalid_json", ""),
        ("POST", exp.clone(), "[1, 2]".into(), 422, "invalid_input", ""),
        ("POST", exp.clone(), r#"{"amount": true, "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "invalid_amount", "amount"),
        ("POST", exp.clone(), r#"{"amount": "12.345", "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "too_precise", "amount"),
        ("POST", exp.clone(), r#"{"amount": 12.345, "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "too_precise", "amount"),
        ("POST", exp.clone(), r#"{"amount": 1e400, "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "overflow", "amount"),
        ("POST", exp.clone(), r#"{"amount": "99999999999999999999999999999999", "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "overflow", "amount"),
        ("POST", exp.clone(), r#"{"amount": "9000000000000000000", "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "overflow", "amount"),
        ("POST", exp.clone(), r#"{"amount": "NaN", "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "invalid_amount", "amount"),
        ("POST", exp.clone(), r#"{"amount": "10", "paid_by": "zoe", "split": {"type": "equal"}}"#.into(), 422, "unknown_member", "paid_by"),
        ("POST", exp.clone(), r#"{"amount": "10", "paid_by": "ana", "split": {"type": "shares", "shares": {"zoe": "1"}}}"#.into(), 422, "unknown_member", "split.shares.zoe"),
        ("POST", exp.clone(), r#"{"amount": "10", "paid_by": "ana", "split": {"type": "exact", "amounts": {"ana": "3", "ben": "3"}}}"#.into(), 422, "split_mismatch", "split.amounts"),
        ("POST", exp.clone(), r#"{"amount": "10", "paid_by": "ana", "split": {"type": "percent", "percent": {"ana": "50", "ben": "40"}}}"#.into(), 422, "split_mismatch", "split.percent"),
        ("POST", exp.clone(), r#"{"amount": "10", "paid_by": "ana", "split": {"type": "shares", "shares": {"ana": "0"}}}"#.into(), 422, "empty_split", "split.shares"),
        ("POST", exp.clone(), r#"{"amount": "10", "currency": "XYZ", "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "unknown_currency", "currency"),
        ("POST", exp.clone(), r#"{"amount": "10", "currency": "USD", "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "missing_rate", "currency"),
        ("POST", exp.clone(), r#"{"amount": "10", "paid_by": "ana", "paid_by": "ben", "split": {"type": "equal"}}"#.into(), 422, "duplicate_id", "paid_by"),
        ("POST", exp.clone(), r#"{"id": "mine", "amount": "10", "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 422, "invalid_input", "id"),
        ("POST", exp.clone(), r#"{"amount": "10", "paid_by": "ana", "split": {"type": "equal"}, "colour": "red"}"#.into(), 422, "invalid_input", "colour"),
        ("POST", exp.clone(), r#"{"amount": "10", "paid_by": "ana", "split": {"type": "equal"}, "date": "2024-02-30"}"#.into(), 422, "invalid_input", "date"),
        ("POST", exp.clone(), r#"{"amount": "10", "paid_by": "ana", "split": {"type": "magic"}}"#.into(), 422, "invalid_input", "split.type"),
        ("POST", exp.clone(), huge, 413, "payload_too_large", ""),
        ("POST", pay.clone(), r#"{"from": "ana", "to": "ana", "amount": "1"}"#.into(), 422, "invalid_input", "to"),
        ("POST", pay.clone(), r#"{"from": "ana", "to": "zoe", "amount": "1"}"#.into(), 422, "unknown_member", "to"),
        ("POST", pay.clone(), r#"{"from": "ana", "to": "ben", "amount": 0.1e1}"#.into(), 201, "", ""),
        ("POST", "/v1/groups".into(), r#"{"name": "x", "currency": "EURO", "members": ["a"]}"#.into(), 422, "unknown_currency", "currency"),
        ("POST", "/v1/groups".into(), r#"{"name": "x", "currency": "EUR", "members": ["a", "a"]}"#.into(), 422, "duplicate_id", "members[1]"),
        ("POST", "/v1/groups".into(), r#"{"name": "x", "currency": "EUR", "members": [1]}"#.into(), 422, "invalid_input", "members[0]"),
        ("POST", "/v1/groups".into(), r#"{"name": 5, "currency": "EUR", "members": []}"#.into(), 422, "invalid_input", "name"),
        ("POST", "/v1/groups".into(), r#"{"currency": "EUR", "members": []}"#.into(), 422, "invalid_input", "name"),
        ("POST", "/v1/groups".into(), r#"{"name": "x", "currency": "EUR", "members": [""]}"#.into(), 422, "invalid_input", "members[0]"),
        ("POST", "/v1/groups".into(), r#"{"name": "x", "currency": "EUR", "members": ["a"], "rates": {"USD": 0.5e-400}}"#.into(), 422, "too_precise", "rates.USD"),
        ("POST", "/v1/compute".into(), r#"{"currency": "EUR", "members": ["ana"], "expenses": [{"id": "e", "amount": "1", "paid_by": "zoe", "split": {"type": "equal"}}]}"#.into(), 422, "unknown_member", "expenses[0].paid_by"),
        ("POST", "/v1/compute".into(), "{]".into(), 400, "invalid_json", ""),
        ("PATCH", format!("/v1/groups/{gid}"), r#"{"currency": "USD"}"#.into(), 422, "invalid_input", "currency"),
        ("POST", "/v1/groups/nope/expenses".into(), r#"{"amount": "1", "paid_by": "ana", "split": {"type": "equal"}}"#.into(), 404, "not_found", ""),
        ("GET", format!("{exp}?limit=0"), String::new(), 400, "invalid_input", "limit"),
        ("GET", format!("{exp}?limit=abc"), String::new(), 400, "invalid_input", "limit"),
        ("GET", format!("{exp}?from=yesterday"), String::new(), 400, "invalid_input", "from"),
    ];
    for (method, path, body, status, code, at) in &cases {
        let body = if method == &"GET" {
            None
        } else {
            Some(body.as_str())
        };
        let r = s.send(method, path, body, &[]).await;
        let shown = &body.unwrap_or("")[..body.unwrap_or("").len().min(120)];
        assert_eq!(
            r.status, *status,
            "{}: {method} {path} {shown}: {}",
            b.name, r.text
        );
        if *status >= 400 {
            assert_eq!(
                (r.code(), r.path()),
                (*code, *at),
                "{}: {method} {path} {shown}: {}",
                b.name,
                r.text
            );
        }
    }
    // Nothing was stored by the refused requests: one payment (the valid one), no expenses.
    assert_eq!(
        s.get(&exp).await.json["expenses"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(
        s.get(&pay).await.json["payments"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        s.get(&pay).await.json["payments"][0]["amount"].as_str(),
        Some("1")
    );
    let bad_key = s.send("POST", &exp, Some("{}"), &[("idempotency-key", "")]).await;
    assert_eq!((bad_key.status, bad_key.code()), (400, "invalid_input"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_sqlite() {
    table(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_mysql() {
    let Some(b) = common::mysql() else { return };
    table(&b).await;
}
