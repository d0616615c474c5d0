//! A read replica (MariaDB, GTID replication, started by the test script): reads that may use it
//! (a cache miss's records, the list of groups, exports) are served by it once it has caught up,
//! and never stale: while its SQL thread is stopped (it lags) they go to the primary and still
//! see every acknowledged write.

use serde_json::json;

use crate::common::{self, nets};

/// The server's count of reads served by the replica and by the primary instead.
async fn replica_reads(s: &common::Server) -> (u64, u64) {
    let m = s.get("/metrics").await.text;
    let count = |served: &str| {
        m.lines()
            .find_map(|l| {
                l.strip_prefix(&format!(
                    "splitter_db_replica_reads_total{{served=\"{served}\"}} "
                ))
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (count("replica"), count("primary"))
}

/// `STOP SLAVE SQL_THREAD` or `START SLAVE SQL_THREAD` on the replica.
async fn sql_thread(replica_url: &str, start: bool) {
    let pool = sqlx::AnyPool::connect(replica_url).await.expect("the replica");
    let sql = if start {
        "START SLAVE SQL_THREAD"
    } else {
        "STOP SLAVE SQL_THREAD"
    };
    sqlx::query(sql).execute(&pool).await.expect(sql);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_use_a_caught_up_replica_and_are_never_stale() {
    let Some(db) = common::mysql_own("replica").await else {
        return;
    };
    let Some(replica_url) = common::mysql_replica_of(&db.database_url) else {
        return;
    };
    let mut config = splitter_server::Config::for_urls(&db.database_url, None);
    config.database_replica_url = Some(replica_url.clone());
    // Generous: a loaded machine applies the binary log late; the lag below is a stopped thread.
    config.replica_wait_ms = 2000;
    let s = common::start_with(config).await;
    let gid = s.group("EUR", &["a", "b"]).await;
    let add = |amount: &'static str| {
        let path = format!("/v1/groups/{gid}/expenses");
        let s = &s;
        async move {
            let r = s
                .post(
                    &path,
                    &json!({"amount": amount, "paid_by": "a", "split": {"type": "equal"}}),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
    };
    add("10.00").await;

    // Caught up: a cache miss, the list and an export are read on the replica, and see the write.
    let (before, _) = replica_reads(&s).await;
    let b = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(b.status, 200, "{}", b.text);
    assert_eq!(nets(&b.json)[0], ("a".into(), "5.00".into()), "{}", b.text);
    let list = s.get("/v1/groups").await;
    assert!(list.text.contains(&gid), "the new group is listed: {}", list.text);
    let export = s.get(&format!("/v1/groups/{gid}/export")).await;
    assert_eq!(export.status, 200, "{}", export.text);
    assert!(export.text.contains("10.00"), "{}", export.text);
    let (after, _) = replica_reads(&s).await;
    assert!(
        after >= before + 3,
        "the replica served the reads: {before} -> {after}"
    );

    // Lagging: the replica applies nothing; a new write is still read back, from the primary.
    sql_thread(&replica_url, false).await;
    add("4.00").await;
    let (_, passed_before) = replica_reads(&s).await;
    let b = s.get(&format!("/v1/groups/{gid}/balances")).await;
    sql_thread(&replica_url, true).await;
    assert_eq!(b.status, 200, "{}", b.text);
    assert_eq!(
        nets(&b.json)[0],
        ("a".into(), "7.00".into()),
        "not stale: {}",
        b.text
    );
    let (_, passed_after) = replica_reads(&s).await;
    assert!(
        passed_after > passed_before,
        "the lagging replica was passed over: {passed_before} -> {passed_after}"
    );
}
