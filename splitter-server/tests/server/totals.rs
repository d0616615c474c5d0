//! Balances kept one write at a time: after every kind of write the kept totals equal a
//! computation from the records (to the minor unit), the balances read from them equal the
//! core's over the records, and a group whose totals are not kept yet gets them on its first
//! read. On SQLite, and on MariaDB + Redis.

use serde_json::json;

use crate::common::{self, nets, recompute, verify_kept, Backend, Server};

/// The group's kept totals agree with its records, and its balances (read from them) with the
/// core's computation over the records.
async fn agrees(s: &Server, gid: &str, step: &str) {
    let v = splitter_server::kept::verify(&s.state.store, gid)
        .await
        .expect("verify")
        .unwrap_or_else(|| panic!("{step}: the group keeps no totals"));
    assert!(v.agrees, "{step}: kept {:?}, computed {:?}", v.kept, v.computed);
    let balances = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(balances.status, 200, "{step}: {}", balances.text);
    assert_eq!(nets(&balances.json), recompute(s, gid).await, "{step}");
}

async fn every_write_keeps_totals(b: &Backend) {
    let s = common::start(b).await;
    let g = s
        .post(
            "/v1/groups",
            &json!({"name": "Trip", "currency": "EUR", "members": ["ana", "ben", "cy"], "rates": {"USD": "0.92"}}),
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let gid = g.json["id"].as_str().unwrap().to_string();
    agrees(&s, &gid, "new group").await;
    let expenses = format!("/v1/groups/{gid}/expenses");
    let e1 = s
        .post(
            &expenses,
            &json!({"amount": "100.00", "paid_by": "ana", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(e1.status, 201, "{}", e1.text);
    agrees(&s, &gid, "an equal expense").await;
    let e2 = s
        .post(
            &expenses,
            &json!({"amount": "45.10", "currency": "USD", "paid_by": {"ben": "40.00", "cy": "5.10"},
                    "split": {"type": "shares", "shares": {"ana": "1", "ben": "2", "cy": "3"}}}),
        )
        .await;
    assert_eq!(e2.status, 201, "{}", e2.text);
    agrees(&s, &gid, "a converted expense with two payers").await;
    let p1 = s
        .post(
            &format!("/v1/groups/{gid}/payments"),
            &json!({"from": "cy", "to": "ana", "amount": "12.34"}),
        )
        .await;
    assert_eq!(p1.status, 201, "{}", p1.text);
    agrees(&s, &gid, "a payment").await;
    let put = s
        .send(
            "PUT",
            &format!("{expenses}/e1"),
            Some(r#"{"amount": "-30.00", "paid_by": "ben", "split": {"type": "exact", "amounts": {"ana": "-10.00", "cy": "-20.00"}}}"#),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    agrees(&s, &gid, "an expense replaced by a refund").await;
    let del = s.send("DELETE", &format!("{expenses}/e2"), None, &[]).await;
    assert_eq!(del.status, 204, "{}", del.text);
    agrees(&s, &gid, "an expense deleted").await;
    let restored = s
        .send("POST", &format!("{expenses}/e2/restore"), Some("{}"), &[])
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    agrees(&s, &gid, "an expense restored").await;
    let rates = s
        .send(
            "PATCH",
            &format!("/v1/groups/{gid}"),
            Some(r#"{"rates": {"USD": "0.8765"}}"#),
            &[],
        )
        .await;
    assert_eq!(rates.status, 200, "{}", rates.text);
    agrees(&s, &gid, "a rate changed").await;
    let pdel = s
        .send("DELETE", &format!("/v1/groups/{gid}/payments/p3"), None, &[])
        .await;
    assert_eq!(pdel.status, 204, "{}", pdel.text);
    agrees(&s, &gid, "a payment deleted").await;
    // A refused write leaves the totals as they were.
    let refused = s
        .post(
            &expenses,
            &json!({"amount": "10.00", "paid_by": "zed", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    agrees(&s, &gid, "a refused expense").await;

    // Imports keep the totals of what they bring, in both balance modes.
    let export = s.get(&format!("/v1/groups/{gid}/export")).await;
    let copy = s.send("POST", "/v1/groups/import", Some(&export.text), &[]).await;
    assert_eq!(copy.status, 201, "{}", copy.text);
    agrees(&s, copy.json["id"].as_str().unwrap(), "a JSON import").await;
    let each = json!({"currency": "EUR", "members": ["a", "b"], "options": {"balances_in": "each"},
                      "expenses": [{"id": "x1", "amount": "10.00", "currency": "USD", "paid_by": "a", "split": {"type": "equal"}},
                                   {"id": "x2", "amount": "1000", "currency": "JPY", "paid_by": "b", "split": {"type": "equal"}}]});
    let imported = s
        .send("POST", "/v1/groups/import", Some(&each.to_string()), &[])
        .await;
    assert_eq!(imported.status, 201, "{}", imported.text);
    let each_gid = imported.json["id"].as_str().unwrap().to_string();
    let v = splitter_server::kept::verify(&s.state.store, &each_gid)
        .await
        .unwrap()
        .unwrap();
    assert!(v.agrees && v.kept.buckets.len() == 2, "{v:?}");
    let csv =
        "Date,Description,Category,Cost,Currency,ana,ben\n2026-11-02,Dinner,Food,60.00,EUR,30.00,-30.00\n";
    let sw = s
        .http
        .post(format!("{}/v1/groups/import/splitwise", s.base))
        .header("authorization", common::bearer(&s.token))
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(sw.status(), 201);
    assert!(verify_kept(&s).await >= 4);
}

/// A group whose totals are not kept (made before they were) is computed from its records on
/// its first read, keeps its totals from then on, and writes keep them.
async fn unkept_groups_are_kept_after_a_read(b: &Backend) {
    let s = common::start(b).await;
    let gid = s.group("EUR", &["ana", "ben"]).await;
    let expenses = format!("/v1/groups/{gid}/expenses");
    for amount in ["10.00", "20.01"] {
        let r = s
            .post(
                &expenses,
                &json!({"amount": amount, "paid_by": "ana", "split": {"type": "equal"}}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    // As a group from before totals were kept: none kept, the flag down.
    let pool = &s.state.store.pool;
    for sql in [
        "DELETE FROM totals WHERE group_id = ?",
        "DELETE FROM totals_buckets WHERE group_id = ?",
        "UPDATE `groups` SET totals_kept = 0 WHERE id = ?",
    ] {
        sqlx::query(sql).bind(&gid).execute(pool).await.unwrap();
    }
    assert!(splitter_server::kept::verify(&s.state.store, &gid)
        .await
        .unwrap()
        .is_none());
    // A write while not kept changes nothing kept.
    let r = s
        .post(
            &expenses,
            &json!({"amount": "3.00", "paid_by": "ben", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(splitter_server::kept::verify(&s.state.store, &gid)
        .await
        .unwrap()
        .is_none());
    // The first read computes from the records and keeps the totals.
    let balances = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(nets(&balances.json), recompute(&s, &gid).await);
    agrees(&s, &gid, "kept after the first read").await;
    let r = s
        .post(
            &expenses,
            &json!({"amount": "7.77", "paid_by": "ben", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    agrees(&s, &gid, "a write after").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_keeps_totals_sqlite() {
    every_write_keeps_totals(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_keeps_totals_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    every_write_keeps_totals(&b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unkept_groups_are_kept_after_a_read_sqlite() {
    unkept_groups_are_kept_after_a_read(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unkept_groups_are_kept_after_a_read_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    unkept_groups_are_kept_after_a_read(&b).await;
}
