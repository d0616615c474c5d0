//! Hostile input: invites without a member, CSV that overflows or never closes a quote, ids that
//! push counters to their end, look-alike and invisible text, oversized text, weak passwords.

use serde_json::json;

use super::target::{self, Target};
use crate::common::{self, Backend};

/// The owner's token, a group of `members`, and a helper to call the API as that owner.
async fn owner_group(t: &mut Target, members: &[&str]) -> (String, String) {
    let token = t.account(&common::unique_email("owner")).await;
    let g = t
        .send(
            &reqwest::Client::new(),
            "POST",
            "/v1/groups",
            Some(&json!({"name": "g", "currency": "EUR", "members": members, "me": members[0]}).to_string()),
            &[("authorization", &common::bearer(&token))],
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    (token, g.json["id"].as_str().expect("id").to_string())
}

async fn call(t: &mut Target, token: &str, method: &str, path: &str, body: Option<&str>) -> common::Reply {
    let auth = common::bearer(token);
    let headers: Vec<(&str, &str)> = if token.is_empty() {
        vec![]
    } else {
        vec![("authorization", &auth)]
    };
    t.send(&reqwest::Client::new(), method, path, body, &headers)
        .await
}

/// Item 8: an invite that names no member cannot be accepted without choosing one; whoever
/// joins is a listed member with a listed access, and the owner takes the access away.
pub async fn invites_without_a_member(b: &Backend) {
    let mut t = target::start(b, &[]);
    let (owner, gid) = owner_group(&mut t, &["ana", "ben"]).await;
    let invite = call(
        &mut t,
        &owner,
        "POST",
        &format!("/v1/groups/{gid}/invites"),
        Some("{}"),
    )
    .await;
    let code = invite.json["code"].as_str().expect("code").to_string();
    let stranger = t.account(&common::unique_email("stranger")).await;
    let bare = call(
        &mut t,
        &stranger,
        "POST",
        &format!("/v1/invites/{code}/accept"),
        None,
    )
    .await;
    assert_eq!(
        (bare.status, bare.code(), bare.path()),
        (422, "invalid_input", "member"),
        "{}",
        bare.text
    );
    let joined = call(
        &mut t,
        &stranger,
        "POST",
        &format!("/v1/invites/{code}/accept"),
        Some(r#"{"member": "zed"}"#),
    )
    .await;
    assert_eq!(joined.status, 200, "{}", joined.text);
    let members: Vec<&str> = joined.json["members"]
        .as_array()
        .map(|m| m.iter().filter_map(|x| x["id"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        members.contains(&"zed"),
        "the joiner is a listed member: {members:?}"
    );
    let access = call(&mut t, &owner, "GET", &format!("/v1/groups/{gid}/access"), None).await;
    let rows = access.json["access"].as_array().cloned().unwrap_or_default();
    let joiner = rows
        .iter()
        .find(|r| r["member"] == "zed")
        .unwrap_or_else(|| panic!("listed: {}", access.text));
    let account = joiner["account"].as_str().expect("account").to_string();
    // A member cannot remove others; the owner can.
    let owner_account = rows
        .iter()
        .find(|r| r["role"] == "owner")
        .and_then(|r| r["account"].as_str())
        .expect("the owner is listed")
        .to_string();
    let denied = call(
        &mut t,
        &stranger,
        "DELETE",
        &format!("/v1/groups/{gid}/access/{owner_account}"),
        None,
    )
    .await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    let removed = call(
        &mut t,
        &owner,
        "DELETE",
        &format!("/v1/groups/{gid}/access/{account}"),
        None,
    )
    .await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    let gone = call(
        &mut t,
        &stranger,
        "DELETE",
        &format!("/v1/groups/{gid}/expenses/e1"),
        None,
    )
    .await;
    assert_eq!(gone.status, 404, "no access any more: {}", gone.text);
    t.report(
        "invites_without_a_member",
        &[
            ("accept without a member", "422".into()),
            ("joiner", "listed as member zed and in /access".into()),
            ("removed by the owner", "204, then 404 on the group".into()),
        ],
    );
}

/// Items 9, 10 and 16: CSV imports that overflow, that never close a quote, or that have short
/// rows; a JSON import with an id at the end of the counter's range.
pub async fn imports(b: &Backend) {
    let mut t = target::start(b, &[]);
    let token = t.account(&common::unique_email("importer")).await;
    let csv = |body: &str| body.to_string();
    let m = "79228162514264337593543950335";
    let cases = [
        (
            csv(&format!("Date,Description,Category,Cost,Currency,a,b,c,d\n2024-01-01,x,General,{m},EUR,{m},-{m},{m},-{m}\n")),
            "overflow",
        ),
        (
            csv("Date,Description,Category,Cost,Currency,a,b\n2024-01-01,\"Dinner,General,10,EUR,5,-5\n2024-01-02,Taxi,General,4,EUR,2,-2\n"),
            "invalid_input",
        ),
        (
            csv("Date,Description,Category,Cost,Currency,a,b\n2024-01-01,Dinner,General,10\n"),
            "invalid_input",
        ),
    ];
    let mut codes = Vec::new();
    for (body, code) in &cases {
        let r = call(&mut t, &token, "POST", "/v1/groups/import/splitwise", Some(body)).await;
        assert_eq!((r.status, r.code()), (422, *code), "{}", r.text);
        codes.push(r.code().to_string());
    }
    let groups = call(&mut t, &token, "GET", "/v1/groups", None).await;
    assert_eq!(
        groups.json["groups"].as_array().map(Vec::len),
        Some(0),
        "nothing half-imported"
    );
    // An imported id at the end of the counter's range: kept as it is, and new records still
    // get numbers.
    let imported = json!({"currency": "EUR", "members": ["a", "b"], "expenses": [
        {"id": "e9223372036854775807", "amount": "2.00", "paid_by": "a", "split": {"type": "equal"}}]});
    let r = call(
        &mut t,
        &token,
        "POST",
        "/v1/groups/import",
        Some(&imported.to_string()),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let gid = r.json["id"].as_str().expect("id").to_string();
    for _ in 0..3 {
        let e = call(
            &mut t,
            &token,
            "POST",
            &format!("/v1/groups/{gid}/expenses"),
            Some(r#"{"amount": "1.00", "paid_by": "b", "split": {"type": "equal"}}"#),
        )
        .await;
        assert_eq!(e.status, 201, "{}", e.text);
    }
    t.report(
        "imports",
        &[
            (
                "CSV overflow / unclosed quote / short row",
                format!("422 {codes:?}"),
            ),
            (
                "id e9223372036854775807",
                "imported; 3 new expenses after it".into(),
            ),
        ],
    );
}

/// Items 11 and 16: text that looks like other text, hides characters, or is too long; ids that
/// differ only by trailing spaces; weak passwords. Each refused with its own code, the same on
/// every backend, and nothing stored half-way.
pub async fn hostile_text(b: &Backend) {
    let mut t = target::start(b, &[]);
    let (owner, gid) = owner_group(&mut t, &["ana", "ben"]).await;
    let members = format!("/v1/groups/{gid}/members");
    let cases: Vec<(String, &str, &str)> = vec![
        (json!({"id": "ana "}).to_string(), "invalid_text", "edge space"),
        (
            json!({"id": "аna"}).to_string(),
            "mixed_script",
            "Cyrillic а beside Latin",
        ),
        (
            json!({"id": "аnа"}).to_string(),
            "mixed_script",
            "Cyrillic а, Latin n",
        ),
        (json!({"id": "Ana"}).to_string(), "confusable_id", "another case"),
        (
            json!({"id": "an\u{200b}a"}).to_string(),
            "invalid_text",
            "zero-width space",
        ),
        (
            json!({"id": "ana\u{202e}"}).to_string(),
            "invalid_text",
            "right-to-left override",
        ),
        (json!({"id": "a\u{0}na"}).to_string(), "invalid_text", "NUL"),
        (
            json!({"id": "x".repeat(65)}).to_string(),
            "too_long",
            "65 characters",
        ),
        (
            json!({"id": "zoe", "name": "n".repeat(101)}).to_string(),
            "too_long",
            "a 101-character name",
        ),
    ];
    let mut seen = Vec::new();
    for (body, code, what) in &cases {
        let r = call(&mut t, &owner, "POST", &members, Some(body)).await;
        assert_eq!((r.status, r.code()), (422, *code), "{what}: {}", r.text);
        seen.push(*code);
    }
    // Cyrillic-only ids are fine on their own, but not beside their Latin look-alike.
    let papa = call(
        &mut t,
        &owner,
        "POST",
        &members,
        Some(&json!({"id": "papa"}).to_string()),
    )
    .await;
    assert_eq!(papa.status, 201);
    let look = call(
        &mut t,
        &owner,
        "POST",
        &members,
        Some(&json!({"id": "рара"}).to_string()),
    )
    .await;
    assert_eq!(
        (look.status, look.code()),
        (422, "confusable_id"),
        "{}",
        look.text
    );
    // Padded ids find nothing (no PAD SPACE comparison).
    let e = call(
        &mut t,
        &owner,
        "POST",
        &format!("/v1/groups/{gid}/expenses"),
        Some(&json!({"amount": "4.00", "paid_by": "ana", "split": {"type": "equal"}, "description": "d".repeat(501)}).to_string()),
    )
    .await;
    assert_eq!((e.status, e.code()), (422, "too_long"), "{}", e.text);
    let e = call(
        &mut t,
        &owner,
        "POST",
        &format!("/v1/groups/{gid}/expenses"),
        Some(r#"{"amount": "4.00", "paid_by": "ana", "split": {"type": "equal"}}"#),
    )
    .await;
    let eid = e.json["id"].as_str().expect("id").to_string();
    let padded = call(
        &mut t,
        &owner,
        "GET",
        &format!("/v1/groups/{gid}/expenses/{eid}%20%20%20"),
        None,
    )
    .await;
    assert_eq!(padded.status, 404, "{}", padded.text);
    let deleted = call(
        &mut t,
        &owner,
        "DELETE",
        &format!("/v1/groups/{gid}/expenses/{eid}%20"),
        None,
    )
    .await;
    assert_eq!(deleted.status, 404, "{}", deleted.text);
    // Emails: look-alikes of an existing account, invisible characters; weak passwords.
    let email = common::unique_email("ana");
    let creds = |e: &str, p: &str| json!({"email": e, "password": p}).to_string();
    let first = call(
        &mut t,
        "",
        "POST",
        "/v1/accounts",
        Some(&creds(&email, common::PASSWORD)),
    )
    .await;
    assert_eq!(first.status, 201);
    let twin = email.replacen('a', "а", 1); // the first Latin a as Cyrillic
    let r = call(
        &mut t,
        "",
        "POST",
        "/v1/accounts",
        Some(&creds(&twin, common::PASSWORD)),
    )
    .await;
    assert!(
        matches!((r.status, r.code()), (409, "email_taken") | (422, "mixed_script")),
        "{}",
        r.text
    );
    let hidden = format!("\u{200b}{email}");
    let r = call(
        &mut t,
        "",
        "POST",
        "/v1/accounts",
        Some(&creds(&hidden, common::PASSWORD)),
    )
    .await;
    assert_eq!((r.status, r.code()), (422, "invalid_text"), "{}", r.text);
    for weak in [
        "password",
        "12345678",
        "passwordpassword",
        "aaaaaaaaaaaaaaaaaaaa",
        "123456789012345",
    ] {
        let r = call(
            &mut t,
            "",
            "POST",
            "/v1/accounts",
            Some(&creds(&common::unique_email("w"), weak)),
        )
        .await;
        assert_eq!((r.status, r.code()), (422, "weak_password"), "{weak}: {}", r.text);
    }
    t.report(
        "hostile_text",
        &[
            ("member ids and names", format!("422 {seen:?}")),
            ("padded ids", "404".into()),
            ("look-alike email", "refused".into()),
            ("weak passwords", "422 weak_password x5".into()),
        ],
    );
}
