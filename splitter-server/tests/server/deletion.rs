//! Deleting a group (`DELETE /v1/groups/{group}`, its owner) and an account (`DELETE
//! /v1/account`, with its password): what goes, for everyone; that nothing else is lost or
//! half-written (the account's other groups, the other members' groups, every other row); and
//! that an `Idempotency-Key` makes each safe to retry. On SQLite and on MariaDB + Redis.

use crate::common::{self, Backend, Server};
use serde_json::{json, Value};

/// The tables with a `group_id`, every one of which a deleted group must leave no row in.
const GROUP_TABLES: [&str; 9] = [
    "expense_members",
    "expenses",
    "payments",
    "members",
    "totals",
    "totals_buckets",
    "activity",
    "invites",
    "group_access",
];

/// Rows of `table` whose `column` is `value`, straight from the database.
async fn rows(s: &Server, table: &str, column: &str, value: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = ?");
    sqlx::query_scalar::<_, i64>(&sql)
        .bind(value)
        .fetch_one(&s.state.store.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every row the group has, table by table (`groups` included).
async fn group_rows(s: &Server, gid: &str) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for t in GROUP_TABLES {
        out.push((t, rows(s, t, "group_id", gid).await));
    }
    out.push(("groups", rows(s, "`groups`", "id", gid).await));
    out
}

/// What a member sees of a group: the group, its balances, its expenses, payments, activity and
/// access (the parts that must not change when something else is deleted).
async fn view(s: &Server, token: &str, gid: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for rest in [
        "",
        "/balances",
        "/expenses",
        "/payments",
        "/activity",
        "/access",
        "/invites",
    ] {
        let r = s
            .send_as(token, "GET", &format!("/v1/groups/{gid}{rest}"), None)
            .await;
        assert_eq!(r.status, 200, "GET {gid}{rest}: {}", r.text);
        out.push(r.json);
    }
    out
}

async fn post_as(s: &Server, token: &str, path: &str, body: Value) -> Value {
    let r = s.send_as(token, "POST", path, Some(&body.to_string())).await;
    assert!(r.status < 300, "POST {path}: {}", r.text);
    r.json
}

/// A group of `owner`'s with members ana, ben, cy (the owner is ana), two expenses (one
/// deleted), a payment and an unused invite; returns its id and the invite's code.
async fn busy_group(s: &Server, owner: &str, name: &str) -> (String, String) {
    let g = post_as(
        s,
        owner,
        "/v1/groups",
        json!({"name": name, "currency": "EUR", "members": ["ana", "ben", "cy"], "me": "ana"}),
    )
    .await;
    let gid = g["id"].as_str().unwrap().to_string();
    let e = post_as(
        s,
        owner,
        &format!("/v1/groups/{gid}/expenses"),
        json!({"amount": "30.00", "paid_by": "ana", "split": {"type": "equal"}}),
    )
    .await;
    post_as(
        s,
        owner,
        &format!("/v1/groups/{gid}/expenses"),
        json!({"amount": "12.00", "paid_by": "ben", "split": {"type": "equal"}}),
    )
    .await;
    let eid = e["id"].as_str().unwrap();
    let gone = s
        .send_as(owner, "DELETE", &format!("/v1/groups/{gid}/expenses/{eid}"), None)
        .await;
    assert_eq!(gone.status, 204);
    post_as(
        s,
        owner,
        &format!("/v1/groups/{gid}/payments"),
        json!({"from": "cy", "to": "ana", "amount": "2.00"}),
    )
    .await;
    let invite = post_as(s, owner, &format!("/v1/groups/{gid}/invites"), json!({})).await;
    (gid, invite["code"].as_str().unwrap().to_string())
}

/// `token`'s account joins with an invite to `member` made by `owner`.
async fn join(s: &Server, owner: &str, token: &str, gid: &str, member: &str) {
    let invite = post_as(
        s,
        owner,
        &format!("/v1/groups/{gid}/invites"),
        json!({"member": member}),
    )
    .await;
    let code = invite["code"].as_str().unwrap();
    let r = s
        .send_as(token, "POST", &format!("/v1/invites/{code}/accept"), Some(""))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

fn ids(list: &Value) -> Vec<String> {
    list["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect()
}

async fn deleting_a_group(b: &Backend) {
    let s = common::start(b).await;
    let owner = s.new_account("owner").await;
    let member = s.new_account("member").await;
    let (gid, code) = busy_group(&s, &owner, "doomed").await;
    let (kept, _) = busy_group(&s, &owner, "kept").await;
    let (theirs, _) = busy_group(&s, &member, "theirs").await;
    join(&s, &owner, &member, &gid, "ben").await;
    let before = (view(&s, &owner, &kept).await, view(&s, &member, &theirs).await);
    assert!(
        group_rows(&s, &gid).await.iter().all(|(_, n)| *n > 0),
        "every table has rows of the group"
    );

    // A member who is not the owner may not; nothing changes.
    let version = view(&s, &owner, &gid).await[0]["version"].clone();
    let refused = s
        .send_as(&member, "DELETE", &format!("/v1/groups/{gid}"), None)
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (403, "forbidden"),
        "{}",
        refused.text
    );
    assert_eq!(view(&s, &owner, &gid).await[0]["version"], version);

    // The owner deletes it, with a key; a retry gets the same answer.
    let key = format!("del-{}", common::unique_email("k"));
    let path = format!("/v1/groups/{gid}");
    let first = s
        .send(
            "DELETE",
            &path,
            None,
            &[
                ("authorization", &common::bearer(&owner)),
                ("idempotency-key", &key),
            ],
        )
        .await;
    assert_eq!(first.status, 204, "{}", first.text);
    assert!(first.text.is_empty());
    let retry = s
        .send(
            "DELETE",
            &path,
            None,
            &[
                ("authorization", &common::bearer(&owner)),
                ("idempotency-key", &key),
            ],
        )
        .await;
    assert_eq!(retry.status, 204, "{}", retry.text);
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    let reused = s
        .send(
            "DELETE",
            &format!("/v1/groups/{kept}"),
            None,
            &[
                ("authorization", &common::bearer(&owner)),
                ("idempotency-key", &key),
            ],
        )
        .await;
    assert_eq!((reused.status, reused.code()), (422, "idempotency_key_reused"));
    let again = s.send_as(&owner, "DELETE", &path, None).await;
    assert_eq!(
        (again.status, again.code()),
        (404, "not_found"),
        "without the key: gone"
    );

    // Gone for everyone, and every row of it with it.
    for token in [&owner, &member] {
        for rest in ["", "/balances", "/expenses", "/activity", "/invites"] {
            let r = s.send_as(token, "GET", &format!("{path}{rest}"), None).await;
            assert_eq!(r.status, 404, "GET {rest}: {}", r.text);
        }
    }
    let accept = s
        .send_as(
            &member,
            "POST",
            &format!("/v1/invites/{code}/accept"),
            Some(r#"{"member": "dan"}"#),
        )
        .await;
    assert_eq!(
        (accept.status, accept.code()),
        (404, "not_found"),
        "its invites are gone"
    );
    for (table, n) in group_rows(&s, &gid).await {
        assert_eq!(n, 0, "{}: rows of the deleted group left in {table}", b.name);
    }
    // Nothing else changed: the owner's other group, the member's own group, both accounts.
    assert_eq!(
        ids(&s.send_as(&owner, "GET", "/v1/groups", None).await.json),
        [kept.as_str()]
    );
    assert_eq!(
        ids(&s.send_as(&member, "GET", "/v1/groups", None).await.json),
        [theirs.as_str()]
    );
    assert_eq!(
        (view(&s, &owner, &kept).await, view(&s, &member, &theirs).await),
        before
    );
    assert_eq!(s.send_as(&member, "GET", "/v1/account", None).await.status, 200);
    assert!(common::verify_kept(&s).await >= 2);
}

async fn deleting_an_account(b: &Backend) {
    let s = common::start(b).await;
    let email = common::unique_email("leaving");
    let pair = common::login(&s.http, &s.base, &email, true).await;
    let ana = pair["access_token"].as_str().unwrap().to_string();
    let refresh = pair["refresh_token"].as_str().unwrap().to_string();
    let ana_id = s.send_as(&ana, "GET", "/v1/account", None).await.json["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ben = s.new_account("ben").await;
    let cy = s.new_account("cy").await;
    let ben_id = s.send_as(&ben, "GET", "/v1/account", None).await.json["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Ana owns one group alone and one shared with ben (joined first) and cy; she is a member
    // of a group of ben's; ben has a group without her.
    let (alone, _) = busy_group(&s, &ana, "alone").await;
    let (shared, _) = busy_group(&s, &ana, "shared").await;
    join(&s, &ana, &ben, &shared, "ben").await;
    s.clock.advance(1);
    join(&s, &ana, &cy, &shared, "cy").await;
    let (bens, _) = busy_group(&s, &ben, "ben's").await;
    join(&s, &ben, &ana, &bens, "cy").await;
    let (ben_only, _) = busy_group(&s, &ben, "ben only").await;
    let shared_before = view(&s, &ben, &shared).await;
    let bens_before = view(&s, &ben, &bens).await;
    let ben_only_before = view(&s, &ben, &ben_only).await;

    // Refused: no password, a wrong one; nothing changes.
    let path = "/v1/account";
    let none = s.send_as(&ana, "DELETE", path, Some("{}")).await;
    assert_eq!(
        (none.status, none.code(), none.path()),
        (422, "invalid_input", "password")
    );
    let wrong = s
        .send_as(
            &ana,
            "DELETE",
            path,
            Some(r#"{"password": "not the password at all"}"#),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (401, "invalid_credentials"),
        "{}",
        wrong.text
    );
    assert_eq!(view(&s, &ben, &shared).await, shared_before);
    assert_eq!(s.send_as(&ana, "GET", path, None).await.status, 200);

    // Deleted with the password and a key; a retry with the same key gets the same answer,
    // though the token's session is gone.
    let body = json!({"password": common::PASSWORD}).to_string();
    let key = format!("bye-{}", common::unique_email("k"));
    let auth = common::bearer(&ana);
    let headers = [
        ("authorization", auth.as_str()),
        ("idempotency-key", key.as_str()),
    ];
    let gone = s.send("DELETE", path, Some(&body), &headers).await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    let retry = s.send("DELETE", path, Some(&body), &headers).await;
    assert_eq!(retry.status, 204, "{}", retry.text);
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    let without_key = s.send_as(&ana, "DELETE", path, Some(&body)).await;
    assert_eq!((without_key.status, without_key.code()), (401, "session_revoked"));

    // Every token of hers stops working; her email is free again.
    assert_eq!(s.send_as(&ana, "GET", path, None).await.code(), "session_revoked");
    assert_eq!(
        s.send_as(&ana, "GET", &format!("/v1/groups/{bens}"), None)
            .await
            .status,
        401
    );
    let refreshed = s
        .send_as(
            "",
            "POST",
            "/v1/auth/refresh",
            Some(&json!({"refresh_token": refresh}).to_string()),
        )
        .await;
    assert_eq!((refreshed.status, refreshed.code()), (401, "invalid_token"));
    let creds = json!({"email": email, "password": common::PASSWORD}).to_string();
    let login = s.send_as("", "POST", "/v1/auth/login", Some(&creds)).await;
    assert_eq!((login.status, login.code()), (401, "invalid_credentials"));
    assert_eq!(
        s.send_as("", "POST", "/v1/accounts", Some(&creds)).await.status,
        201
    );

    // The group she owned alone is gone, every row of it.
    for (table, n) in group_rows(&s, &alone).await {
        assert_eq!(n, 0, "{}: rows of her own group left in {table}", b.name);
    }
    // The shared group she owned: kept, ben (who joined first) owns it now, cy stays; her
    // member stays, linked to no one; one activity entry says so.
    let shared_now = view(&s, &ben, &shared).await;
    let access = &shared_now[5]["access"];
    assert_eq!(
        access
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["member"].as_str().unwrap(), a["role"].as_str().unwrap()))
            .collect::<Vec<_>>(),
        [("ben", "owner"), ("cy", "member")]
    );
    assert_eq!(
        shared_now[0]["members"], shared_before[0]["members"],
        "her member stays"
    );
    assert_eq!(shared_now[1]["balances"], shared_before[1]["balances"]);
    assert_eq!(shared_now[2], shared_before[2], "expenses unchanged");
    assert_eq!(shared_now[3], shared_before[3], "payments unchanged");
    let entry = &shared_now[4]["activity"][0];
    assert_eq!(
        (
            &entry["action"],
            &entry["target"],
            &entry["account"],
            &entry["email"]
        ),
        (
            &json!("account.delete"),
            &json!(ana_id),
            &json!(ana_id),
            &Value::Null
        )
    );
    assert_eq!(
        entry["before"],
        json!({"account": ana_id, "member": "ana", "role": "owner"})
    );
    assert_eq!(entry["after"], json!({"owner": ben_id}));
    // Her earlier entries stay, with no email.
    let older = shared_now[4]["activity"].as_array().unwrap();
    assert!(older.len() > 3);
    assert!(older
        .iter()
        .all(|e| e["account"] != json!(ana_id) || e["email"].is_null()));
    // Ben, the new owner, may rename it and invite again to her member.
    let renamed = s
        .send_as(
            &ben,
            "PATCH",
            &format!("/v1/groups/{shared}"),
            Some(r#"{"name": "ours"}"#),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    // Ben's group she was a member of: her access ended, nothing else.
    let bens_now = view(&s, &ben, &bens).await;
    assert_eq!(bens_now[5]["access"].as_array().map(Vec::len), Some(1));
    assert_eq!(bens_now[4]["activity"][0]["action"], "account.delete");
    assert_eq!(bens_now[4]["activity"][0]["after"], Value::Null);
    assert_eq!(
        bens_now[0]["members"], bens_before[0]["members"],
        "her member stays"
    );
    assert_eq!(bens_now[1]["balances"], bens_before[1]["balances"]);
    for i in [2, 3, 6] {
        assert_eq!(
            bens_now[i], bens_before[i],
            "expenses, payments, invites unchanged"
        );
    }
    // Ben's own group: untouched.
    assert_eq!(view(&s, &ben, &ben_only).await, ben_only_before);
    // Nothing is left under her account id but the answer her key keeps.
    for (table, column) in [
        ("accounts", "id"),
        ("sessions", "account_id"),
        ("group_access", "account_id"),
        ("jobs", "account_id"),
    ] {
        assert_eq!(rows(&s, table, column, &ana_id).await, 0, "{}: {table}", b.name);
    }
    assert_eq!(
        rows(&s, "idempotency", "scope", &ana_id).await,
        1,
        "the deletion's own key"
    );
    assert!(common::verify_kept(&s).await >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_group_sqlite() {
    deleting_a_group(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_group_mysql_redis() {
    if let Some(b) = common::mysql_redis() {
        deleting_a_group(&b).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_account_sqlite() {
    deleting_an_account(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_account_mysql_redis() {
    if let Some(b) = common::mysql_redis() {
        deleting_an_account(&b).await;
    }
}
