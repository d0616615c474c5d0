//! Races: concurrent refreshes beside writes, concurrent keyed writes, concurrent retries of one
//! key.

use serde_json::{json, Value};

use super::target::{self, count, tally, Target};
use crate::common::{self, Backend};

/// A request: method, path, body, headers.
type Request = (String, String, Option<String>, Vec<(String, String)>);

/// Sends each of `requests` at once; their replies.
async fn at_once(t: &Target, requests: Vec<Request>) -> Vec<common::Reply> {
    let mut tasks = Vec::new();
    for (i, (method, path, body, headers)) in requests.into_iter().enumerate() {
        let base = t.base.clone();
        // Spread over 50 addresses: one address's connections are bounded (64 by default).
        let http = super::target::client_from(7, 1 + (i % 50) as u8);
        tasks.push(tokio::spawn(async move {
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            common::send(&http, &base, &method, &path, body.as_deref(), &h).await
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("task"));
    }
    out
}

fn auth(token: &str) -> Vec<(String, String)> {
    vec![("authorization".into(), common::bearer(token))]
}

/// Items 4 and 5: 20 sessions refreshed at once; 100 refreshes racing 100 expense writes; 100
/// keyed writes at once, spread over ten groups: every one answered, none a 5xx.
pub async fn concurrent_writes(b: &Backend) {
    let mut t = target::start(b, &[]);
    let email = common::unique_email("sessions");
    let owner = t.account(&email).await;
    let http = reqwest::Client::new();
    let creds = json!({"email": email, "password": common::PASSWORD}).to_string();
    let mut refresh = Vec::new();
    for _ in 0..120 {
        let r = t.send(&http, "POST", "/v1/auth/login", Some(&creds), &[]).await;
        assert_eq!(r.status, 200, "{}", r.text);
        refresh.push(r.json["refresh_token"].as_str().expect("refresh").to_string());
    }
    let refresh_req = |tok: &str| {
        (
            "POST".to_string(),
            "/v1/auth/refresh".to_string(),
            Some(json!({"refresh_token": tok}).to_string()),
            Vec::new(),
        )
    };
    // 20 sessions at once.
    let first = at_once(&t, refresh[..20].iter().map(|r| refresh_req(r)).collect()).await;
    let first_statuses: Vec<u16> = first.iter().map(|r| r.status).collect();
    t.note(&first_statuses);
    assert_eq!(count(&first_statuses, 200), 20, "{:?}", tally(&first_statuses));
    // 100 refreshes racing 100 writes to groups.
    let mut groups = Vec::new();
    for _ in 0..10 {
        let g = t
            .send(
                &http,
                "POST",
                "/v1/groups",
                Some(&json!({"name": "race", "currency": "EUR", "members": ["a", "b"]}).to_string()),
                &[("authorization", &common::bearer(&owner))],
            )
            .await;
        groups.push(g.json["id"].as_str().expect("id").to_string());
    }
    let expense = json!({"amount": "3.00", "paid_by": "a", "split": {"type": "equal"}}).to_string();
    let mut mixed = Vec::new();
    for i in 0..100 {
        mixed.push(refresh_req(&refresh[20 + i]));
        mixed.push((
            "POST".into(),
            format!("/v1/groups/{}/expenses", groups[i % 10]),
            Some(expense.clone()),
            auth(&owner),
        ));
    }
    let raced = at_once(&t, mixed).await;
    let raced_statuses: Vec<u16> = raced.iter().map(|r| r.status).collect();
    t.note(&raced_statuses);
    assert_eq!(
        (count(&raced_statuses, 200), count(&raced_statuses, 201)),
        (100, 100),
        "{:?}",
        tally(&raced_statuses)
    );
    // 100 writes with distinct Idempotency-Keys at once (the delete-then-insert of the key used
    // to take gap locks on MariaDB that deadlocked each other).
    let keyed: Vec<_> = (0..100)
        .map(|i| {
            let mut h = auth(&owner);
            h.push((
                "idempotency-key".into(),
                format!("k-{i}-{}", common::unique_email("k")),
            ));
            (
                "POST".to_string(),
                format!("/v1/groups/{}/expenses", groups[i % 10]),
                Some(expense.clone()),
                h,
            )
        })
        .collect();
    let keyed = at_once(&t, keyed).await;
    let keyed_statuses: Vec<u16> = keyed.iter().map(|r| r.status).collect();
    t.note(&keyed_statuses);
    assert_eq!(count(&keyed_statuses, 201), 100, "{:?}", tally(&keyed_statuses));
    t.report(
        "concurrent_writes",
        &[
            ("20 refreshes at once", format!("{:?}", tally(&first_statuses))),
            (
                "100 refreshes + 100 writes",
                format!("{:?}", tally(&raced_statuses)),
            ),
            ("100 keyed writes", format!("{:?}", tally(&keyed_statuses))),
            ("splitter-server verify", target::verify(b)),
        ],
    );
}

/// Item 12: 20 concurrent retries of one Idempotency-Key on add-member and on restore: one
/// change, and every retry answered with the same response (replayed), never a 409.
pub async fn concurrent_retries(b: &Backend) {
    let mut t = target::start(b, &[]);
    let owner = t.account(&common::unique_email("retry")).await;
    let http = reqwest::Client::new();
    let h = common::bearer(&owner);
    let g = t
        .send(
            &http,
            "POST",
            "/v1/groups",
            Some(&json!({"name": "r", "currency": "EUR", "members": ["a", "b"]}).to_string()),
            &[("authorization", &h)],
        )
        .await;
    let gid = g.json["id"].as_str().expect("id").to_string();
    let same = |path: String, body: &str, key: &str| {
        let mut hd = auth(&owner);
        hd.push(("idempotency-key".into(), key.to_string()));
        (0..20)
            .map(|_| {
                (
                    "POST".to_string(),
                    path.clone(),
                    Some(body.to_string()),
                    hd.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let added = at_once(
        &t,
        same(format!("/v1/groups/{gid}/members"), r#"{"id": "cy"}"#, "add-cy"),
    )
    .await;
    let e = t
        .send(
            &http,
            "POST",
            &format!("/v1/groups/{gid}/expenses"),
            Some(r#"{"amount": "9.00", "paid_by": "a", "split": {"type": "equal"}}"#),
            &[("authorization", &h)],
        )
        .await;
    let eid = e.json["id"].as_str().expect("id").to_string();
    let del = t
        .send(
            &http,
            "DELETE",
            &format!("/v1/groups/{gid}/expenses/{eid}"),
            None,
            &[("authorization", &h)],
        )
        .await;
    assert_eq!(del.status, 204);
    let restored = at_once(
        &t,
        same(
            format!("/v1/groups/{gid}/expenses/{eid}/restore"),
            "",
            "restore-1",
        ),
    )
    .await;
    for (name, replies, status) in [("add-member", &added, 201), ("restore", &restored, 200)] {
        let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
        t.note(&statuses);
        assert_eq!(
            count(&statuses, status),
            20,
            "{name}: {:?} {:?}",
            tally(&statuses),
            replies.iter().map(|r| &r.text).collect::<Vec<_>>()
        );
        let bodies: Vec<&Value> = replies.iter().map(|r| &r.json).collect();
        assert!(
            bodies.windows(2).all(|w| w[0] == w[1]),
            "{name}: one response for all"
        );
        let replayed = replies
            .iter()
            .filter(|r| r.header("idempotent-replayed").is_some())
            .count();
        assert_eq!(replayed, 19, "{name}: the other 19 are replays");
    }
    let activity = t
        .send(
            &http,
            "GET",
            &format!("/v1/groups/{gid}/activity"),
            None,
            &[("authorization", &h)],
        )
        .await;
    let adds = activity.json["activity"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|e| e["action"] == "member.add").count());
    assert_eq!(adds, 1, "one member added: {}", activity.text);
    t.report(
        "concurrent_retries",
        &[
            ("add-member x20 one key", "20 x 201, 19 replayed, 1 change".into()),
            ("restore x20 one key", "20 x 200, 19 replayed".into()),
            ("splitter-server verify", target::verify(b)),
        ],
    );
}
