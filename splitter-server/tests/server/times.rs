//! Every time the API shows is an RFC 3339 timestamp in UTC (`2026-12-01T06:07:16Z`), written
//! from the server's clock: accounts, groups, invites, access and the activity log (jobs in
//! `jobs.rs`). The test moves the server's clock between steps, so each time is checked to the
//! second, not only its form.

use crate::common::{self, Server};
use serde_json::{json, Value};

/// `2026-12-01T06:07:16Z`: four-digit year, two-digit fields, `T`, `Z`.
fn is_rfc3339_utc(v: &Value) -> bool {
    let Some(t) = v.as_str() else { return false };
    let b = t.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

fn at(s: &Server) -> Value {
    json!(common::now_text(s))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_time_is_rfc3339_utc_from_the_servers_clock() {
    let s = common::start(&common::sqlite()).await;
    // An account made now.
    s.clock.advance(61);
    let email = common::unique_email("times");
    let creds = json!({"email": email, "password": common::PASSWORD}).to_string();
    let made = s.send_as("", "POST", "/v1/accounts", Some(&creds)).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let when_made = at(&s);
    assert_eq!(made.json["created_at"], when_made, "{}", made.text);
    let login = || async {
        common::login(&s.http, &s.base, &email, false).await["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    };
    s.clock.advance(86_400 + 7);
    let token = login().await;
    let me = s.send_as(&token, "GET", "/v1/account", None).await;
    assert_eq!(
        me.json["created_at"], when_made,
        "read back a day later: {}",
        me.text
    );

    // A group, its activity, an invite and the access list.
    s.clock.advance(300);
    let g = s
        .send_as(
            &token,
            "POST",
            "/v1/groups",
            Some(r#"{"name": "t", "currency": "EUR", "members": ["ana", "ben"], "me": "ana"}"#),
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let group_made = at(&s);
    assert_eq!(g.json["created_at"], group_made);
    let gid = g.json["id"].as_str().unwrap().to_string();
    s.clock.advance(5);
    let e = s
        .send_as(
            &token,
            "POST",
            &format!("/v1/groups/{gid}/expenses"),
            Some(r#"{"amount": "10.00", "paid_by": "ana", "split": {"type": "equal"}}"#),
        )
        .await;
    assert_eq!(e.status, 201, "{}", e.text);
    let expense_at = at(&s);
    let invite = s
        .send_as(
            &token,
            "POST",
            &format!("/v1/groups/{gid}/invites"),
            Some(r#"{"expires_in": 3600}"#),
        )
        .await;
    assert_eq!(invite.status, 201, "{}", invite.text);
    let in_an_hour = json!(splitter_server::timestamp::Timestamp(
        splitter_server::clock::Clock::now(&*s.clock) + 3600
    )
    .rfc3339());
    assert_eq!(invite.json["expires_at"], in_an_hour, "{}", invite.text);
    s.clock.advance(30);
    let listed = s
        .send_as(&token, "GET", &format!("/v1/groups/{gid}/invites"), None)
        .await;
    assert_eq!(listed.json["invites"][0]["expires_at"], in_an_hour);
    let activity = s
        .send_as(&token, "GET", &format!("/v1/groups/{gid}/activity"), None)
        .await;
    assert_eq!(
        activity.json["activity"][0]["at"], expense_at,
        "{}",
        activity.text
    );
    let access = s
        .send_as(&token, "GET", &format!("/v1/groups/{gid}/access"), None)
        .await;
    assert_eq!(access.json["access"][0]["since"], group_made, "{}", access.text);
    let read = s.send_as(&token, "GET", &format!("/v1/groups/{gid}"), None).await;
    assert_eq!(read.json["created_at"], group_made);

    // Every field the document declares a date-time is one on the wire.
    for v in [
        &made.json["created_at"],
        &g.json["created_at"],
        &invite.json["expires_at"],
        &activity.json["activity"][0]["at"],
        &access.json["access"][0]["since"],
    ] {
        assert!(is_rfc3339_utc(v), "{v}");
    }
    let doc = s.get("/openapi.json").await.json;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut declared = Vec::new();
    for (name, schema) in schemas {
        for (field, prop) in schema["properties"].as_object().into_iter().flatten() {
            let timestamp = prop["$ref"] == "#/components/schemas/Timestamp"
                || prop["oneOf"]
                    .as_array()
                    .is_some_and(|o| o.iter().any(|x| x["$ref"] == "#/components/schemas/Timestamp"));
            if timestamp {
                declared.push(format!("{name}.{field}"));
            }
        }
    }
    declared.sort();
    assert_eq!(
        declared,
        [
            "AccessOut.since",
            "AccountOut.created_at",
            "Entry.at",
            "GroupOut.created_at",
            "InviteOut.expires_at",
            "JobOut.created_at",
            "JobOut.updated_at",
        ],
        "the timestamps of the OpenAPI document"
    );
    assert_eq!(schemas["Timestamp"]["format"], "date-time");
    // No integer that looks like Unix seconds is left in any of these answers.
    for body in [
        &made.text,
        &g.text,
        &invite.text,
        &activity.text,
        &access.text,
        &me.text,
    ] {
        let v: Value = serde_json::from_str(body).unwrap();
        assert!(!has_unix_seconds(&v), "{body}");
    }
}

/// Whether a number that could be a Unix time of this century is anywhere in `v`.
fn has_unix_seconds(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_i64().is_some_and(|n| n > 946_684_800),
        Value::Array(a) => a.iter().any(has_unix_seconds),
        Value::Object(o) => o.values().any(has_unix_seconds),
        _ => false,
    }
}
