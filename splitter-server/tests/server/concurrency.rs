//! 50 concurrent writers on one group, idempotent retries (sequential and concurrent), and keys
//! that expire.

use std::sync::Arc;

use crate::common::{self, nets, recompute, Backend};
use serde_json::json;

async fn fifty_writers(b: &Backend) {
    let s = Arc::new(common::start(b).await);
    let members = ["ana", "ben", "cy", "dan", "eve"];
    let gid = s.group("EUR", &members).await;
    let mut tasks = Vec::new();
    for w in 0..50usize {
        let s = s.clone();
        let gid = gid.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..4usize {
                let payer = members[(w + i) % 5];
                let body = if i % 2 == 0 {
                    json!({"amount": format!("{}.{:02}", 10 + w, (w * 7 + i) % 100), "paid_by": payer,
                           "split": {"type": "equal"}})
                } else {
                    json!({"amount": format!("{}.01", w + 1), "paid_by": payer,
                           "split": {"type": "shares", "shares": {"ana": "1", "ben": "2", "cy": "3"}}})
                };
                let r = s.post(&format!("/v1/groups/{gid}/expenses"), &body).await;
                assert_eq!(r.status, 201, "{}", r.text);
                // Reads interleaved with the writes. One account reading from 50 tasks at once
                // is past its share of the compute threads: like any client it waits and
                // retries on `429 busy`.
                let path = format!("/v1/groups/{gid}/balances");
                let bal = common::retry_busy(|| s.get(&path)).await;
                assert_eq!(bal.status, 200, "{}", bal.text);
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let bal = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(bal.json["version"], json!(201));
    let list = s.get(&format!("/v1/groups/{gid}/expenses?limit=500")).await;
    assert_eq!(list.json["expenses"].as_array().map(Vec::len), Some(200));
    assert_eq!(nets(&bal.json), recompute(&s, &gid).await, "{}", b.name);
    // The balances kept by 200 concurrent writes are the records' to the minor unit.
    assert!(common::verify_kept(&s).await >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_writers_sqlite() {
    fifty_writers(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_writers_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    fifty_writers(&b).await;
}

async fn idempotent_retries(b: &Backend) {
    let s = Arc::new(common::start(b).await);
    let gid = s.group("EUR", &["ana", "ben"]).await;
    let path = format!("/v1/groups/{gid}/expenses");
    let body = r#"{"amount": "10.00", "paid_by": "ana", "split": {"type": "equal"}}"#;
    let key = format!("key-{gid}");
    let first = s
        .send("POST", &path, Some(body), &[("idempotency-key", &key)])
        .await;
    assert_eq!(first.status, 201);
    let retry = s
        .send("POST", &path, Some(body), &[("idempotency-key", &key)])
        .await;
    assert_eq!((retry.status, &retry.text), (201, &first.text));
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    let other = s
        .send(
            "POST",
            &path,
            Some(r#"{"amount": "11.00", "paid_by": "ana", "split": {"type": "equal"}}"#),
            &[("idempotency-key", &key)],
        )
        .await;
    assert_eq!((other.status, other.code()), (422, "idempotency_key_reused"));
    // Concurrent retries of one request: exactly one expense.
    let key2 = format!("key2-{gid}");
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let s = s.clone();
        let (path, key2) = (path.clone(), key2.clone());
        tasks.push(tokio::spawn(async move {
            let r = s
                .send(
                    "POST",
                    &path,
                    Some(r#"{"amount": "5.00", "paid_by": "ben", "split": {"type": "equal"}}"#),
                    &[("idempotency-key", &key2)],
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.json["id"].as_str().unwrap_or("").to_string()
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.expect("retry"));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry got the first response");
    let list = s.get(&path).await;
    assert_eq!(list.json["expenses"].as_array().map(Vec::len), Some(2));
    // Groups and payments too.
    let gbody = r#"{"name": "g", "currency": "JPY", "members": ["x", "y"]}"#;
    let g1 = s
        .send(
            "POST",
            "/v1/groups",
            Some(gbody),
            &[("idempotency-key", &format!("g-{gid}"))],
        )
        .await;
    let g2 = s
        .send(
            "POST",
            "/v1/groups",
            Some(gbody),
            &[("idempotency-key", &format!("g-{gid}"))],
        )
        .await;
    assert_eq!((g1.status, g2.json["id"].clone()), (201, g1.json["id"].clone()));
    let pbody = r#"{"from": "ben", "to": "ana", "amount": "1.00"}"#;
    let pk = format!("p-{gid}");
    let p1 = s
        .send(
            "POST",
            &format!("/v1/groups/{gid}/payments"),
            Some(pbody),
            &[("idempotency-key", &pk)],
        )
        .await;
    let p2 = s
        .send(
            "POST",
            &format!("/v1/groups/{gid}/payments"),
            Some(pbody),
            &[("idempotency-key", &pk)],
        )
        .await;
    assert_eq!(p1.text, p2.text);
    assert_eq!(
        s.get(&format!("/v1/groups/{gid}/payments")).await.json["payments"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // The same key on another route is another request: refused.
    let cross = s
        .send(
            "POST",
            &format!("/v1/groups/{gid}/payments"),
            Some(body),
            &[("idempotency-key", &key)],
        )
        .await;
    assert_eq!(cross.code(), "idempotency_key_reused");
    assert!(common::verify_kept(&s).await >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idempotent_retries_sqlite() {
    idempotent_retries(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idempotent_retries_mysql() {
    let Some(b) = common::mysql() else { return };
    idempotent_retries(&b).await;
}

/// After its time to live a key is a new request, and pruning deletes what expired. Run only
/// on a database no other running test uses: pruning is database-wide.
async fn keys_expire(b: &Backend) {
    let mut config = splitter_server::Config::for_urls(&b.database_url, b.redis_url.as_deref());
    config.idempotency_ttl = 1;
    let s = common::start_with(config).await;
    let gid = s.group("EUR", &["ana", "ben"]).await;
    let path = format!("/v1/groups/{gid}/expenses");
    let key = format!("expiring-{gid}");
    // An expense of `amount` under the one key.
    let post = |amount: &str| {
        let body = format!(r#"{{"amount": "{amount}", "paid_by": "ana", "split": {{"type": "equal"}}}}"#);
        let (s, path, key) = (&s, &path, &key);
        async move {
            s.send("POST", path, Some(&body), &[("idempotency-key", key)])
                .await
        }
    };
    let first = post("10.00").await;
    assert_eq!(first.status, 201, "{}", first.text);
    s.clock.advance(2);
    let later = post("11.00").await;
    assert_eq!(
        later.status, 201,
        "{}: an expired key is new: {}",
        b.name, later.text
    );
    assert_eq!(later.header("idempotent-replayed"), None);
    let list = s.get(&path).await;
    assert_eq!(list.json["expenses"].as_array().map(Vec::len), Some(2));
    // Everything stored before now is gone after a prune up to now, this key's row included.
    let cutoff = s.state.now() + 1;
    let pruned = splitter_server::idempotency::prune(&s.state.store.pool, cutoff)
        .await
        .expect("prune");
    assert!(pruned >= 1, "{}: pruned {pruned}", b.name);
    let again = post("12.00").await;
    assert_eq!(again.status, 201, "{}", again.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_expire_sqlite() {
    keys_expire(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_expire_mysql() {
    // A database of its own: pruning deletes every expired key in the database.
    let Some(b) = common::mysql_own("keys_expire").await else {
        return;
    };
    keys_expire(&b).await;
}
