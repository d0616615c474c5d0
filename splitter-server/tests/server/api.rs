//! Every endpoint, on SQLite and on MariaDB, with the in-process cache and with Redis.

use crate::common::{self, nets, recompute, Backend, Server};
use serde_json::json;

async fn every_endpoint(b: &Backend) {
    let s = common::start(b).await;
    let who = &b.name;

    // Operations.
    assert_eq!(s.get("/health").await.status, 200);
    let ready = s.get("/ready").await;
    assert_eq!(ready.status, 200, "{who}: {}", ready.text);
    assert_eq!(ready.json["database"], "up");
    let spec = s.get("/openapi.json").await;
    assert_eq!(
        spec.json["openapi"].as_str().map(|v| v.starts_with("3.1")),
        Some(true)
    );

    // Groups.
    let g = s
        .post(
            "/v1/groups",
            &json!({"name": "Trip", "currency": "EUR", "members": ["ana", "ben", {"id": "cy", "name": "Cy"}],
                    "rates": {"USD": "0.92"}}),
        )
        .await;
    assert_eq!(g.status, 201, "{who}: {}", g.text);
    let gid = g.json["id"].as_str().unwrap().to_string();
    assert_eq!(g.json["members"][2], json!({"id": "cy", "name": "Cy"}));
    assert_eq!(g.json["rates"], json!({"USD": "0.92"}));
    let got = s.get(&format!("/v1/groups/{gid}")).await;
    assert_eq!((got.status, got.json["name"].as_str()), (200, Some("Trip")));
    let patched = s
        .send(
            "PATCH",
            &format!("/v1/groups/{gid}"),
            Some(r#"{"name": "Trip 2"}"#),
            &[],
        )
        .await;
    assert_eq!(
        (patched.status, patched.json["name"].as_str()),
        (200, Some("Trip 2"))
    );
    assert_eq!(s.get("/v1/groups/nope").await.status, 404);

    // Members: add, rename.
    let dan = s
        .post(&format!("/v1/groups/{gid}/members"), &json!({"id": "dan"}))
        .await;
    assert_eq!(dan.status, 201, "{}", dan.text);
    let again = s
        .post(&format!("/v1/groups/{gid}/members"), &json!({"id": "dan"}))
        .await;
    assert_eq!((again.status, again.code()), (409, "duplicate_id"));
    let renamed = s
        .send(
            "PATCH",
            &format!("/v1/groups/{gid}/members/dan"),
            Some(r#"{"name": "Dan"}"#),
            &[],
        )
        .await;
    assert_eq!(
        (renamed.status, renamed.json["name"].as_str()),
        (200, Some("Dan"))
    );

    // Expenses: the contract's example, with a foreign currency through the group's rate.
    let e1 = s
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "90.00", "paid_by": "ana", "split": {"type": "equal", "members": ["ana", "ben", "cy"]},
                    "date": "2024-05-01", "category": "food", "description": "dinner"}),
        )
        .await;
    assert_eq!(e1.status, 201, "{who}: {}", e1.text);
    assert_eq!(e1.header("etag").as_deref(), Some("\"1\""));
    let e1id = e1.json["id"].as_str().unwrap().to_string();
    let e2 = s
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "120", "currency": "USD", "paid_by": {"ben": "100", "cy": "20"},
                    "split": {"type": "shares", "shares": {"ana": "2", "ben": "1", "cy": "1"}}, "date": "2024-05-03",
                    "category": "taxi"}),
        )
        .await;
    assert_eq!(e2.status, 201, "{}", e2.text);
    let e2id = e2.json["id"].as_str().unwrap().to_string();
    let p = s
        .post(
            &format!("/v1/groups/{gid}/payments"),
            &json!({"from": "cy", "to": "ana", "amount": "10.00"}),
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.text);
    let pid = p.json["id"].as_str().unwrap().to_string();

    // Balances and settlement: the contract's numbers.
    let bal = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(bal.status, 200, "{}", bal.text);
    let expected = vec![
        ("ana".to_string(), "-5.20".to_string()),
        ("ben".to_string(), "34.40".to_string()),
        ("cy".to_string(), "-29.20".to_string()),
        ("dan".to_string(), "0.00".to_string()),
    ];
    assert_eq!(nets(&bal.json), expected, "{who}");
    let set = s.get(&format!("/v1/groups/{gid}/settlement")).await;
    assert_eq!(
        set.json["transfers"],
        json!([{"from": "ana", "to": "ben", "amount": "5.20", "currency": "EUR"},
               {"from": "cy", "to": "ben", "amount": "29.20", "currency": "EUR"}])
    );
    for method in ["greedy", "pairwise", "minimal"] {
        let r = s
            .get(&format!("/v1/groups/{gid}/settlement?method={method}"))
            .await;
        assert_eq!(
            (r.status, r.json["settle"].as_str()),
            (200, Some(method)),
            "{}",
            r.text
        );
    }
    let bad = s.get(&format!("/v1/groups/{gid}/settlement?method=fast")).await;
    assert_eq!((bad.status, bad.code()), (400, "invalid_option"));
    // A second read is a cache hit.
    let hits_before = s
        .state
        .cache
        .stats
        .memory_hits
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(s.get(&format!("/v1/groups/{gid}/balances")).await.text, bal.text);
    assert!(
        s.state
            .cache
            .stats
            .memory_hits
            .load(std::sync::atomic::Ordering::Relaxed)
            > hits_before
    );

    // Get one, list with filters and cursor.
    let one = s.get(&format!("/v1/groups/{gid}/expenses/{e1id}")).await;
    assert_eq!(
        (one.status, one.json["description"].as_str()),
        (200, Some("dinner"))
    );
    let all = s.get(&format!("/v1/groups/{gid}/expenses")).await;
    assert_eq!(all.json["expenses"].as_array().unwrap().len(), 2);
    let by_date = s
        .get(&format!(
            "/v1/groups/{gid}/expenses?from=2024-05-02&to=2024-05-31"
        ))
        .await;
    assert_eq!(by_date.json["expenses"][0]["id"].as_str(), Some(e2id.as_str()));
    assert_eq!(by_date.json["expenses"].as_array().unwrap().len(), 1);
    let by_cat = s.get(&format!("/v1/groups/{gid}/expenses?category=food")).await;
    assert_eq!(by_cat.json["expenses"][0]["id"].as_str(), Some(e1id.as_str()));
    let by_member = s.get(&format!("/v1/groups/{gid}/expenses?member=cy")).await;
    assert_eq!(by_member.json["expenses"].as_array().unwrap().len(), 2);
    let none = s.get(&format!("/v1/groups/{gid}/expenses?member=dan")).await;
    assert_eq!(none.json["expenses"].as_array().unwrap().len(), 0);
    let page1 = s.get(&format!("/v1/groups/{gid}/expenses?limit=1")).await;
    let cursor = page1.json["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let page2 = s
        .get(&format!("/v1/groups/{gid}/expenses?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(page2.json["expenses"][0]["id"].as_str(), Some(e2id.as_str()));
    assert!(page2.json["next_cursor"].is_null());
    assert_eq!(
        s.get(&format!("/v1/groups/{gid}/expenses?cursor=x")).await.code(),
        "invalid_input"
    );

    // PUT with If-Match: missing 428, stale 412, current 200 with a new ETag.
    let path1 = format!("/v1/groups/{gid}/expenses/{e1id}");
    let new_body = r#"{"amount": "60.00", "paid_by": "ana", "split": {"type": "equal", "members": ["ana", "ben", "cy"]}}"#;
    assert_eq!(s.send("PUT", &path1, Some(new_body), &[]).await.status, 428);
    let stale = s
        .send("PUT", &path1, Some(new_body), &[("if-match", "\"7\"")])
        .await;
    assert_eq!((stale.status, stale.code()), (412, "precondition_failed"));
    let put = s
        .send("PUT", &path1, Some(new_body), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.header("etag").as_deref(), Some("\"2\""));
    let again = s
        .send("PUT", &path1, Some(new_body), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(again.status, 412);
    // The read after the write sees the new numbers.
    let bal2 = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(nets(&bal2.json), recompute(&s, &gid).await);
    assert_eq!(nets(&bal2.json)[0], ("ana".to_string(), "-25.20".to_string()));

    // DELETE and undo.
    assert_eq!(s.send("DELETE", &path1, None, &[]).await.status, 204);
    assert_eq!(s.get(&path1).await.status, 404);
    assert_eq!(s.send("DELETE", &path1, None, &[]).await.status, 404);
    let after_delete = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(nets(&after_delete.json), recompute(&s, &gid).await);
    let restored = s.send("POST", &format!("{path1}/restore"), Some(""), &[]).await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    let not_deleted = s.send("POST", &format!("{path1}/restore"), Some(""), &[]).await;
    assert_eq!((not_deleted.status, not_deleted.code()), (409, "not_deleted"));
    assert_eq!(
        nets(&s.get(&format!("/v1/groups/{gid}/balances")).await.json),
        nets(&bal2.json)
    );

    // Payments: get, list, delete.
    let pp = format!("/v1/groups/{gid}/payments/{pid}");
    assert_eq!(s.get(&pp).await.json["amount"].as_str(), Some("10.00"));
    assert_eq!(
        s.get(&format!("/v1/groups/{gid}/payments")).await.json["payments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.send("DELETE", &pp, None, &[]).await.status, 204);
    assert_eq!(s.get(&pp).await.status, 404);
    assert_eq!(
        s.get(&format!("/v1/groups/{gid}/payments")).await.json["payments"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // Remove members: refused with a balance, allowed at zero; a removed member takes no new part.
    let refused = s
        .send("DELETE", &format!("/v1/groups/{gid}/members/cy"), None, &[])
        .await;
    assert_eq!((refused.status, refused.code()), (409, "nonzero_balance"));
    assert_eq!(
        s.send("DELETE", &format!("/v1/groups/{gid}/members/dan"), None, &[])
            .await
            .status,
        204
    );
    assert_eq!(
        s.send("DELETE", &format!("/v1/groups/{gid}/members/dan"), None, &[])
            .await
            .status,
        404
    );
    let members = s.get(&format!("/v1/groups/{gid}")).await.json["members"].clone();
    assert_eq!(members.as_array().unwrap().len(), 3);
    let with_dan = s
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "1.00", "paid_by": "dan", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(
        (with_dan.status, with_dan.code(), with_dan.path()),
        (422, "unknown_member", "paid_by")
    );
    // Dan comes back; "every member" is written out at the moment of the expense.
    assert_eq!(
        s.post(&format!("/v1/groups/{gid}/members"), &json!({"id": "dan"}))
            .await
            .status,
        201
    );
    let everyone = s
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "4.00", "paid_by": "dan", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(
        everyone.json["split"]["members"],
        json!(["ana", "ben", "cy", "dan"])
    );
    // Group rates cannot drop a rate a stored expense needs.
    let no_rate = s
        .send(
            "PATCH",
            &format!("/v1/groups/{gid}"),
            Some(r#"{"rates": {}}"#),
            &[],
        )
        .await;
    assert_eq!(
        (no_rate.status, no_rate.code(), no_rate.path()),
        (422, "missing_rate", "rates")
    );

    // Final consistency: served balances equal the core's recomputation from the stored records.
    let fin = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(nets(&fin.json), recompute(&s, &gid).await, "{who}");
    let metrics = s.get("/metrics").await.text;
    assert!(metrics.contains("splitter_cache_misses_total"));
    assert!(metrics.contains("route=\"/v1/groups/{group}/balances\",status=\"200\""));
    assert!(metrics.contains("splitter_db_pool_connections"));
    let held: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("splitter_cache_memory_bytes "))
        .and_then(|v| v.parse().ok())
        .expect("splitter_cache_memory_bytes");
    assert!(held > 0, "the reports just served are held in process");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_sqlite() {
    every_endpoint(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_sqlite_redis() {
    let Some(b) = common::sqlite_redis() else { return };
    every_endpoint(&b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_mysql() {
    let Some(b) = common::mysql() else { return };
    every_endpoint(&b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    every_endpoint(&b).await;
}

/// Operations: request ids, security headers, compression, CORS allow-list, /ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_surface() {
    let b = common::sqlite();
    let mut config = splitter_server::Config::for_urls(&b.database_url, None);
    config.cors_origins = vec!["https://app.example".into()];
    let s = common::start_with(config).await;
    let r = s
        .send("GET", "/health", None, &[("x-request-id", "abc-123")])
        .await;
    assert_eq!(r.header("x-request-id").as_deref(), Some("abc-123"));
    assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(r.header("x-frame-options").as_deref(), Some("DENY"));
    assert!(s
        .get("/health")
        .await
        .header("x-request-id")
        .is_some_and(|v| v.len() == 32));
    let allowed = s
        .send("GET", "/health", None, &[("origin", "https://app.example")])
        .await;
    assert_eq!(
        allowed.header("access-control-allow-origin").as_deref(),
        Some("https://app.example")
    );
    let other = s
        .send("GET", "/health", None, &[("origin", "https://evil.example")])
        .await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    let gz = s
        .send("GET", "/openapi.json", None, &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(gz.header("content-encoding").as_deref(), Some("gzip"));
    let ready = s.get("/ready").await;
    assert_eq!(
        (ready.status, ready.json["redis"].as_str()),
        (200, Some("not_configured"))
    );
    let nf = s.get("/v2/nothing").await;
    assert_eq!((nf.status, nf.code()), (404, "not_found"));
    let na = s.send("DELETE", "/v1/groups", None, &[]).await;
    assert_eq!((na.status, na.code()), (405, "method_not_allowed"));
}

/// `/ready` names a Redis that is not there but stays 200 (`degraded`: the load balancer keeps
/// sending), and the API answers from the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_names_redis_when_down() {
    let b = common::sqlite();
    // Nothing listens on port 1.
    let s: Server = common::start_with(splitter_server::Config::for_urls(
        &b.database_url,
        Some("redis://127.0.0.1:1"),
    ))
    .await;
    let ready = s.get("/ready").await;
    assert_eq!(
        (ready.status, ready.json["status"].as_str()),
        (200, Some("degraded")),
        "{}",
        ready.text
    );
    assert_eq!(ready.json["down"], json!(["redis"]));
    let gid = s.group("EUR", &["a", "b"]).await;
    let e = s
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "3.00", "paid_by": "a", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(e.status, 201);
    let bal = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(
        nets(&bal.json),
        vec![("a".into(), "1.50".into()), ("b".into(), "-1.50".into())]
    );
}
