//! A Redis Cluster (three masters, started by the test script) behind two instances: reports
//! cached by one are served to the other from the cluster, the rate limit is one count across
//! both (its keys hash-tagged into one slot each), and failed logins are counted by the
//! attempt script, whose two keys share one slot.

use serde_json::json;

use crate::common::{self, send};

fn config(url: &str, rate_limit: u64) -> splitter_server::Config {
    let mut c = splitter_server::Config::for_urls(&common::sqlite().database_url, Some(url));
    c.redis_cluster = true;
    c.rate_limit = rate_limit;
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_a_redis_cluster() {
    let Some(url) = common::redis_cluster() else {
        return;
    };
    // One SQLite file for both instances, so they serve the same groups.
    let a_config = config(&url, 0);
    let mut b_config = config(&url, 0);
    b_config.database_url = a_config.database_url.clone();
    let a = common::start_with(a_config).await;
    let b = common::start_with(b_config).await;
    let gid = a.group("EUR", &["x", "y"]).await;
    let e = a
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "8.00", "paid_by": "x", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(e.status, 201, "{}", e.text);
    let path = format!("/v1/groups/{gid}/balances");
    let first = a.get(&path).await;
    assert_eq!(first.status, 200, "{}", first.text);
    // The same account on the other instance: its read comes from the cluster.
    let hits = |s: &common::Server| {
        s.state
            .cache
            .stats
            .redis_hits
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let before = hits(&b);
    let second = b.send_as(&a.token, "GET", &path, None).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.json, first.json);
    assert!(hits(&b) > before, "served from the Redis Cluster");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_rate_limit_and_one_login_log_across_instances_on_a_redis_cluster() {
    let Some(url) = common::redis_cluster() else {
        return;
    };
    let a = common::start_with(config(&url, 0)).await;
    // Failed logins: 5 per account and address, counted in the cluster.
    let email = common::unique_email("cluster");
    let http = reqwest::Client::new();
    let creds = json!({"email": email, "password": common::PASSWORD}).to_string();
    assert_eq!(
        send(&http, &a.base, "POST", "/v1/accounts", Some(&creds), &[])
            .await
            .status,
        201
    );
    let wrong = json!({"email": email, "password": "not the right password at all"}).to_string();
    let mut refused = 0;
    for _ in 0..6 {
        let r = send(&http, &a.base, "POST", "/v1/auth/login", Some(&wrong), &[]).await;
        if r.status == 429 {
            refused += 1;
        } else {
            assert_eq!(r.status, 401, "{}", r.text);
        }
    }
    assert_eq!(refused, 1, "the sixth failed login is refused");
    // The general limit: 10 a minute per address (127.0.0.1 here; only these two instances
    // count), across two instances on one cluster.
    let c = common::start_with(config(&url, 10)).await;
    let d = common::start_with(config(&url, 10)).await;
    let mut served = 0;
    for i in 0..40 {
        let base = if i % 2 == 0 { &c.base } else { &d.base };
        let r = send(&http, base, "GET", "/v1/groups", None, &[]).await;
        if r.status == 429 {
            assert!(r.headers.get("retry-after").is_some());
            break;
        }
        served += 1;
    }
    assert!(
        served <= 10,
        "one count across both instances: {served} served before the first 429"
    );
}
