//! Import jobs (`Prefer: respond-async`): queued with 202 and a Location, run by a worker, and
//! done with the same group the request would have made (or failed with the same error); a
//! retry with the same Idempotency-Key gets the same job; a job whose worker died is run again by
//! another once its lease runs out, and takes effect once (the dead worker's late completion is
//! fenced off). On SQLite and on MariaDB.

use std::time::Duration;

use crate::common::{self, Backend, Server};
use serde_json::{json, Value};
use splitter_server::routes::jobs::{work_one, LEASE_S};

const CSV: &str = "Date,Description,Category,Cost,Currency,Ana,Ben,Cy
2024-03-01,Groceries,Groceries,84.30,EUR,56.20,-28.10,-28.10
2024-03-02,Hotel,Hotel,300.00,EUR,-100.00,200.00,-100.00
2024-03-06,Payment,Payment,50.00,EUR,-50.00,0.00,50.00
2024-03-08,Cake,General,10.00,EUR,6.67,-3.33,-3.34
";

/// POSTs `body` to `path` with extra headers.
async fn post(s: &Server, path: &str, body: &str, headers: &[(&str, &str)]) -> common::Reply {
    let auth = common::bearer(&s.token);
    let mut all = vec![("authorization", auth.as_str())];
    all.extend_from_slice(headers);
    common::send(&s.http, &s.base, "POST", path, Some(body), &all).await
}

/// Polls the job at `location` until it is done or failed.
async fn finished(s: &Server, location: &str) -> Value {
    let give_up = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let r = s.get(location).await;
        assert_eq!(r.status, 200, "{}", r.text);
        if r.json["status"] == "done" || r.json["status"] == "failed" {
            return r.json;
        }
        assert!(
            r.header("retry-after").is_some(),
            "a running job says when to look again"
        );
        assert!(
            std::time::Instant::now() < give_up,
            "the job never finished: {}",
            r.text
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The group's net balances.
async fn nets_of(s: &Server, gid: &str) -> Vec<(String, String)> {
    let b = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(b.status, 200, "{}", b.text);
    common::nets(&b.json)
}

async fn queued_imports_make_the_same_groups(b: &Backend) {
    let s = common::start(b).await;
    let csv_path = "/v1/groups/import/splitwise?name=trip";
    let key = format!("now-{}", common::unique_email("k"));
    let now = post(
        &s,
        csv_path,
        CSV,
        &[("content-type", "text/csv"), ("idempotency-key", &key)],
    )
    .await;
    assert_eq!(now.status, 201, "{}", now.text);
    // A request's import is idempotent too: the retry gets the same group, not a second one.
    let retry = post(
        &s,
        csv_path,
        CSV,
        &[("content-type", "text/csv"), ("idempotency-key", &key)],
    )
    .await;
    assert_eq!(
        (retry.status, retry.json["id"].clone()),
        (201, now.json["id"].clone()),
        "{}",
        retry.text
    );
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    let key = format!("job-{}", common::unique_email("k"));
    let headers = [
        ("content-type", "text/csv"),
        ("prefer", "respond-async"),
        ("idempotency-key", key.as_str()),
    ];
    let queued = post(&s, csv_path, CSV, &headers).await;
    assert_eq!(queued.status, 202, "{}: {}", b.name, queued.text);
    assert_eq!(
        queued.header("preference-applied").as_deref(),
        Some("respond-async")
    );
    let location = queued.header("location").expect("Location");
    assert_eq!(
        location,
        format!("/v1/jobs/{}", queued.json["id"].as_str().unwrap())
    );
    let again = post(&s, csv_path, CSV, &headers).await;
    assert_eq!(
        (again.status, again.json["id"].clone()),
        (202, queued.json["id"].clone()),
        "{}",
        again.text
    );
    assert_eq!(
        again.header("location"),
        Some(location.clone()),
        "the replay has the Location too"
    );
    let job = finished(&s, &location).await;
    assert_eq!(job["status"], "done", "{job}");
    // Times in RFC 3339 (the server's clock stands still while this test runs).
    let clock = json!(common::now_text(&s));
    assert_eq!(
        (&job["created_at"], &job["updated_at"]),
        (&clock, &clock),
        "{job}"
    );
    assert_eq!(
        (job["done"].clone(), job["total"].clone()),
        (json!(4), json!(4)),
        "{job}"
    );
    let gid = job["group"]["id"].as_str().expect("the new group").to_string();
    assert_eq!(job["group"]["name"], "trip");
    assert_eq!(
        nets_of(&s, &gid).await,
        nets_of(&s, now.json["id"].as_str().unwrap()).await,
        "the job's group is the request's"
    );

    // The contract's JSON, queued too: a copy of the group.
    let export = s.get(&format!("/v1/groups/{gid}/export")).await;
    let queued = post(
        &s,
        "/v1/groups/import",
        &export.text,
        &[("prefer", "respond-async")],
    )
    .await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    let job = finished(&s, &queued.header("location").unwrap()).await;
    assert_eq!(job["status"], "done", "{job}");
    let copy = job["group"]["id"].as_str().unwrap().to_string();
    assert_eq!(nets_of(&s, &copy).await, nets_of(&s, &gid).await);

    // Another account cannot see the job.
    let other = s.new_account("other").await;
    let peek = s
        .send_as(&other, "GET", &queued.header("location").unwrap(), None)
        .await;
    assert_eq!(peek.status, 404, "{}", peek.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_imports_make_the_same_groups_sqlite() {
    queued_imports_make_the_same_groups(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_imports_make_the_same_groups_mysql() {
    let Some(b) = common::mysql() else { return };
    queued_imports_make_the_same_groups(&b).await;
}

/// A bad file fails its job with the error (code and path) the request would have had.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_import_fails_its_job_with_the_requests_error() {
    let s = common::start(&common::sqlite()).await;
    let bad = CSV.replace("84.30", "84,30.1");
    let path = "/v1/groups/import/splitwise";
    let now = post(&s, path, &bad, &[("content-type", "text/csv")]).await;
    assert_eq!(now.status, 422, "{}", now.text);
    let queued = post(
        &s,
        path,
        &bad,
        &[("content-type", "text/csv"), ("prefer", "respond-async")],
    )
    .await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    let job = finished(&s, &queued.header("location").unwrap()).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(
        (job["error"]["code"].clone(), job["error"]["path"].clone()),
        (
            now.json["error"]["code"].clone(),
            now.json["error"]["path"].clone()
        ),
        "{job}"
    );
}

/// A worker claims a job and dies (never finishes). Until the lease runs out no other worker
/// takes it; after, one does and completes it; the dead worker's late completion changes
/// nothing; the group exists once. Time is the server's injected clock.
async fn a_dead_workers_job_is_done_once(b: &Backend) {
    let mut config = splitter_server::Config::for_urls(&b.database_url, b.redis_url.as_deref());
    config.import_workers = 0; // this test is the only worker
    let s = common::start_with(config).await;
    let name = format!("lease-{}", std::process::id());
    let queued = post(
        &s,
        &format!("/v1/groups/import/splitwise?name={name}"),
        CSV,
        &[("content-type", "text/csv"), ("prefer", "respond-async")],
    )
    .await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    let id = queued.json["id"].as_str().unwrap().to_string();
    let st = &s.state;
    let now = st.now();
    let dead = splitter_server::db::jobs::claim(&st.store, "dead", now, now + LEASE_S, 3, "gave up")
        .await
        .expect("claim")
        .expect("the queued job");
    assert_eq!(dead.job.id, id);
    assert!(
        !work_one(st, "live").await.expect("work"),
        "a leased job is left alone"
    );
    s.clock.advance(LEASE_S + 1);
    assert!(
        work_one(st, "live").await.expect("work"),
        "an expired lease is claimed again"
    );
    let job = s.get(&format!("/v1/jobs/{id}")).await.json;
    assert_eq!(
        (job["status"].clone(), job["attempts"].clone()),
        (json!("done"), json!(2)),
        "{job}"
    );
    // The dead worker wakes up and tries to complete: fenced off.
    let mut tx = st.store.begin_write().await.expect("tx");
    let late = splitter_server::db::jobs::finish(&mut tx, &id, "dead", "{}", 4, st.now())
        .await
        .expect("finish");
    drop(tx);
    assert!(!late, "a worker without the lease cannot complete the job");
    let groups = s.get("/v1/groups").await.json;
    let made = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["name"] == name.as_str())
        .count();
    assert_eq!(made, 1, "{groups}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_workers_job_is_done_once_sqlite() {
    a_dead_workers_job_is_done_once(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_workers_job_is_done_once_mysql() {
    let Some(b) = common::mysql() else { return };
    a_dead_workers_job_is_done_once(&b).await;
}
