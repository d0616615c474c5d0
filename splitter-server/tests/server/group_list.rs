//! `GET /v1/groups` says, per group, the caller's member and what it is owed or owes (`net`,
//! and `nets` per currency), from the kept totals: always the `net` of that member's row in
//! `GET .../balances`, exactly, in every mode; `null` without a member or before a group's
//! totals are kept. On SQLite and on MariaDB + Redis.

use crate::common::{self, Backend, Server};
use serde_json::{json, Value};

/// The caller's listed groups by id.
async fn listed(s: &Server, token: &str) -> Vec<Value> {
    let r = s.send_as(token, "GET", "/v1/groups", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["groups"].as_array().unwrap().clone()
}

fn find<'a>(groups: &'a [Value], gid: &str) -> &'a Value {
    groups
        .iter()
        .find(|g| g["id"] == gid)
        .unwrap_or_else(|| panic!("{gid} listed"))
}

/// The member's rows in the group's balances: `(currency, net)`, the group's currency first.
async fn balance_rows(s: &Server, token: &str, gid: &str, member: &str) -> Vec<(String, String)> {
    let r = s
        .send_as(token, "GET", &format!("/v1/groups/{gid}/balances"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["balances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["member"] == member)
        .map(|b| {
            (
                b["currency"].as_str().unwrap().to_string(),
                b["net"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn nets(g: &Value) -> Vec<(String, String)> {
    g["nets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["currency"].as_str().unwrap().to_string(),
                n["net"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn post(s: &Server, token: &str, path: &str, body: Value) -> Value {
    let r = s.send_as(token, "POST", path, Some(&body.to_string())).await;
    assert!(r.status < 300, "POST {path}: {}", r.text);
    r.json
}

async fn nets_from_kept_totals(b: &Backend) {
    let s = common::start(b).await;
    let ana = s.new_account("ana").await;
    let ben = s.new_account("ben").await;
    // One currency, converted: a USD dinner at a rate, a third that rounds.
    let trip = post(
        &s,
        &ana,
        "/v1/groups",
        json!({"name": "trip", "currency": "EUR", "members": ["ana", "ben", "cy"], "me": "ana", "rates": {"USD": "0.9137"}}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    for e in [
        json!({"amount": "100.00", "paid_by": "ana", "split": {"type": "equal"}}),
        json!({"amount": "45.10", "currency": "USD", "paid_by": "ben", "split": {"type": "shares", "shares": {"ana": "1", "cy": "2"}}}),
    ] {
        post(&s, &ana, &format!("/v1/groups/{trip}/expenses"), e).await;
    }
    post(
        &s,
        &ana,
        &format!("/v1/groups/{trip}/payments"),
        json!({"from": "cy", "to": "ana", "amount": "10.00"}),
    )
    .await;
    // Per currency (`each`): EUR, USD and JPY records.
    let each = post(
        &s,
        &ana,
        "/v1/groups",
        json!({"name": "each", "currency": "EUR", "members": ["ana", "ben"], "me": "ana", "balances_in": "each"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    for e in [
        json!({"amount": "10.00", "paid_by": "ana", "split": {"type": "equal"}}),
        json!({"amount": "7.01", "currency": "USD", "paid_by": "ben", "split": {"type": "equal"}}),
        json!({"amount": "1001", "currency": "JPY", "paid_by": "ben", "split": {"type": "equal", "members": ["ana"]}}),
    ] {
        post(&s, &ana, &format!("/v1/groups/{each}/expenses"), e).await;
    }
    // No member of hers; and one with no records yet.
    let nobody = post(
        &s,
        &ana,
        "/v1/groups",
        json!({"name": "none", "currency": "JPY", "members": ["x", "y"]}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let empty = post(
        &s,
        &ana,
        "/v1/groups",
        json!({"name": "empty", "currency": "KWD", "members": ["ana", "z"], "me": "ana"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Ben joins the trip as ben.
    let invite = post(
        &s,
        &ana,
        &format!("/v1/groups/{trip}/invites"),
        json!({"member": "ben"}),
    )
    .await;
    let code = invite["code"].as_str().unwrap();
    assert_eq!(
        s.send_as(&ben, "POST", &format!("/v1/invites/{code}/accept"), None)
            .await
            .status,
        200
    );

    let mine = listed(&s, &ana).await;
    assert_eq!(mine.len(), 4);
    let g = find(&mine, &trip);
    assert_eq!((&g["member"], &g["role"]), (&json!("ana"), &json!("owner")));
    let want = balance_rows(&s, &ana, &trip, "ana").await;
    assert_eq!(nets(g), want);
    assert_eq!(g["net"], json!(want[0].1));
    let g = find(&mine, &each);
    let want = balance_rows(&s, &ana, &each, "ana").await;
    assert_eq!(want.len(), 3, "EUR, JPY and USD rows: {want:?}");
    assert_eq!(nets(g), want, "the group's currency first, then by code");
    assert_eq!(g["net"], json!(want[0].1));
    let g = find(&mine, &nobody);
    assert_eq!(
        (&g["member"], &g["net"], &g["nets"]),
        (&Value::Null, &Value::Null, &json!([]))
    );
    let g = find(&mine, &empty);
    assert_eq!(
        (&g["net"], nets(g)),
        (&json!("0.000"), vec![("KWD".to_string(), "0.000".to_string())])
    );
    let theirs = listed(&s, &ben).await;
    let g = find(&theirs, &trip);
    assert_eq!((&g["member"], &g["role"]), (&json!("ben"), &json!("member")));
    assert_eq!(nets(g), balance_rows(&s, &ben, &trip, "ben").await);

    // Fresh after a write (no cache between the list and the totals).
    post(
        &s,
        &ben,
        &format!("/v1/groups/{trip}/payments"),
        json!({"from": "ana", "to": "ben", "amount": "0.01"}),
    )
    .await;
    let g = find(&listed(&s, &ana).await, &trip).clone();
    assert_eq!(nets(&g), balance_rows(&s, &ana, &trip, "ana").await);

    // A group whose totals are not kept yet (made before they were; never read since): null
    // until its balances are first read, which keeps them.
    let old = post(
        &s,
        &ana,
        "/v1/groups",
        json!({"name": "old", "currency": "EUR", "members": ["ana", "ben"], "me": "ana"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    post(
        &s,
        &ana,
        &format!("/v1/groups/{old}/expenses"),
        json!({"amount": "3.00", "paid_by": "ben", "split": {"type": "equal"}}),
    )
    .await;
    for sql in [
        "DELETE FROM totals WHERE group_id = ?",
        "DELETE FROM totals_buckets WHERE group_id = ?",
        "UPDATE `groups` SET totals_kept = 0 WHERE id = ?",
    ] {
        sqlx::query(sql)
            .bind(&old)
            .execute(&s.state.store.pool)
            .await
            .unwrap();
    }
    let g = find(&listed(&s, &ana).await, &old).clone();
    assert_eq!((&g["net"], &g["nets"]), (&Value::Null, &json!([])));
    let want = balance_rows(&s, &ana, &old, "ana").await;
    assert_eq!(want, [("EUR".to_string(), "-1.50".to_string())]);
    let g = find(&listed(&s, &ana).await, &old).clone();
    assert_eq!(nets(&g), want, "kept from its first read on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nets_from_kept_totals_sqlite() {
    nets_from_kept_totals(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nets_from_kept_totals_mysql_redis() {
    if let Some(b) = common::mysql_redis() {
        nets_from_kept_totals(&b).await;
    }
}
