//! Costly computations: the exact settlement's worst inputs, huge outputs, and storage that an
//! anonymous caller could make the server keep.

use serde_json::{json, Value};

use super::target::{self, client_from, count, tally};
use crate::common::{self, Backend};

/// 24 distinct small balances with many zero-sum subgroups: the exact search gives up and its
/// DP proves the optimum (about 1 s optimised; far longer in a debug build).
const HARD: [i64; 24] = [
    13, 39, 25, 41, 10, 51, 24, 7, 40, 31, 3, 17, -11, -26, -16, -20, -2, -9, -15, -18, -57, -45, -46, -36,
];

/// A group whose members' balances are [`HARD`] (in euros), as one expense: the creditors paid,
/// the debtors owe, exactly.
pub fn hard_group(exact_limit: Option<u32>) -> Value {
    let members: Vec<String> = (0..HARD.len()).map(|i| format!("m{i:02}")).collect();
    let paid: serde_json::Map<String, Value> = HARD
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0)
        .map(|(i, v)| (members[i].clone(), json!(format!("{v}.00"))))
        .collect();
    let owed: serde_json::Map<String, Value> = HARD
        .iter()
        .enumerate()
        .filter(|(_, v)| **v < 0)
        .map(|(i, v)| (members[i].clone(), json!(format!("{}.00", -v))))
        .collect();
    let total: i64 = HARD.iter().filter(|v| **v > 0).sum();
    let mut g = json!({
        "currency": "EUR", "members": members,
        "expenses": [{"id": "e1", "amount": format!("{total}.00"), "paid_by": paid,
                      "split": {"type": "exact", "amounts": owed}}],
    });
    if let Some(l) = exact_limit {
        g["options"] = json!({"exact_limit": l});
    }
    g
}

/// `n` POSTs of `body` to `path` at once, from `clients` (round robin) with `tokens` (round
/// robin; empty: anonymous); their statuses and codes.
async fn burst(
    base: &str,
    path: &str,
    body: &str,
    n: usize,
    clients: &[reqwest::Client],
    tokens: &[String],
) -> Vec<(u16, String)> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let http = clients[i % clients.len()].clone();
        let auth = tokens.get(i % tokens.len().max(1)).map(|t| common::bearer(t));
        let (base, path, body) = (base.to_string(), path.to_string(), body.to_string());
        tasks.push(tokio::spawn(async move {
            let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
            let r = common::send(&http, &base, "POST", &path, Some(&body), &headers).await;
            (r.status, r.code().to_string())
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

/// Item 2: the exact settlement's worst case, 16 at once, anonymous and with accounts, while
/// a member keeps writing: every answer is a 200 or a clear 4xx, the compute threads are free
/// soon after the last answer, memory stays bounded, no acknowledged write is lost.
pub async fn costly_computations(b: &Backend) {
    let mut t = target::start(b, &[]);
    let owner = t.account(&common::unique_email("writer")).await;
    let http = reqwest::Client::new();
    let g = t
        .send(
            &http,
            "POST",
            "/v1/groups",
            Some(&json!({"name": "w", "currency": "EUR", "members": ["a", "b"]}).to_string()),
            &[("authorization", &common::bearer(&owner))],
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let gid = g.json["id"].as_str().expect("id").to_string();
    // A writer that keeps going during the bursts; every acknowledged expense must be there.
    let writer = {
        let (base, owner, gid) = (t.base.clone(), owner.clone(), gid.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let auth = common::bearer(&owner);
            let mut acked = Vec::new();
            let mut errors = 0;
            for i in 0..40 {
                let body =
                    json!({"amount": format!("{}.00", i + 1), "paid_by": "a", "split": {"type": "equal"}});
                let path = format!("/v1/groups/{gid}/expenses");
                let r = common::send(
                    &http,
                    &base,
                    "POST",
                    &path,
                    Some(&body.to_string()),
                    &[("authorization", &auth)],
                )
                .await;
                match r.status {
                    201 => acked.push(r.json["id"].as_str().unwrap_or("").to_string()),
                    s if s >= 500 => errors += 1,
                    _ => {}
                }
            }
            (acked, errors)
        })
    };
    let anonymous: Vec<reqwest::Client> = (0..4).map(|i| client_from(3, 1 + i)).collect();
    // Anonymous: exact_limit asked above the anonymous budget is refused outright...
    let over = burst(
        &t.base,
        "/v1/compute",
        &hard_group(Some(24)).to_string(),
        16,
        &anonymous,
        &[],
    )
    .await;
    assert!(
        over.iter().all(|(s, c)| *s == 413 && c == "over_budget"),
        "{over:?}"
    );
    // ...and without one the anonymous exact_limit (16) applies: quick answers or busy.
    let quick = burst(
        &t.base,
        "/v1/compute",
        &hard_group(None).to_string(),
        16,
        &anonymous,
        &[],
    )
    .await;
    let quick_statuses: Vec<u16> = quick.iter().map(|r| r.0).collect();
    assert!(quick.iter().all(|(s, _)| *s == 200 || *s == 429), "{quick:?}");
    // Accounts: the full exact search, 16 at once from 4 accounts: done, stopped at the deadline
    // (413 over_budget) or refused while the threads are full (429 busy).
    let mut tokens = Vec::new();
    for _ in 0..4 {
        tokens.push(t.account(&common::unique_email("heavy")).await);
    }
    let heavy = burst(
        &t.base,
        "/v1/compute",
        &hard_group(Some(24)).to_string(),
        16,
        &[reqwest::Client::new()],
        &tokens,
    )
    .await;
    let heavy_statuses: Vec<u16> = heavy.iter().map(|r| r.0).collect();
    assert!(
        heavy
            .iter()
            .all(|(s, c)| *s == 200 || (*s == 413 && c == "over_budget") || (*s == 429 && c == "busy")),
        "{heavy:?}"
    );
    // A member's stored group with the same balances: its settlement runs the same search, on
    // the same threads, within the same budget (16 reads at once, 4 accounts' worth of them).
    let stored = hard_group(None);
    let g2 = t
        .send(
            &http,
            "POST",
            "/v1/groups/import",
            Some(&stored.to_string()),
            &[("authorization", &common::bearer(&owner))],
        )
        .await;
    assert_eq!(g2.status, 201, "{}", g2.text);
    let settle_path = format!("/v1/groups/{}/settlement", g2.json["id"].as_str().unwrap_or(""));
    let mut reads = Vec::new();
    for _ in 0..16 {
        let (base, path, auth) = (t.base.clone(), settle_path.clone(), common::bearer(&owner));
        reads.push(tokio::spawn(async move {
            let r = common::send(
                &reqwest::Client::new(),
                &base,
                "GET",
                &path,
                None,
                &[("authorization", &auth)],
            )
            .await;
            (r.status, r.code().to_string())
        }));
    }
    let mut stored_reads = Vec::new();
    for r in reads {
        stored_reads.push(r.await.expect("read"));
    }
    assert!(
        stored_reads
            .iter()
            .all(|(s, c)| *s == 200 || (*s == 413 && c == "over_budget") || (*s == 429 && c == "busy")),
        "{stored_reads:?}"
    );
    let stored_statuses: Vec<u16> = stored_reads.iter().map(|r| r.0).collect();
    let idle = t.pools_idle().await;
    let health = t.health_within_a_second().await;
    // Amplification: 200 members x 120 equal expenses would be 24,000 share rows of output.
    let members: Vec<String> = (0..200).map(|i| format!("p{i}")).collect();
    let expenses: Vec<Value> = (0..120)
        .map(
            |i| json!({"id": format!("x{i}"), "amount": "1.00", "paid_by": "p0", "split": {"type": "equal"}}),
        )
        .collect();
    let wide = json!({"currency": "EUR", "members": members, "expenses": expenses}).to_string();
    assert!(wide.len() < 64 * 1024);
    let amplified = t
        .send(&anonymous[0], "POST", "/v1/compute", Some(&wide), &[])
        .await;
    assert_eq!(
        (amplified.status, amplified.code()),
        (413, "over_budget"),
        "{}",
        amplified.text
    );
    let (acked, write_errors) = writer.await.expect("writer");
    t.server_errors += write_errors;
    t.note(&quick_statuses);
    t.note(&heavy_statuses);
    t.note(&stored_statuses);
    let listed = t
        .send(
            &http,
            "GET",
            &format!("/v1/groups/{gid}/expenses?limit=500"),
            None,
            &[("authorization", &common::bearer(&owner))],
        )
        .await;
    let ids: Vec<&str> = listed.json["expenses"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["id"].as_str()).collect())
        .unwrap_or_default();
    let lost = acked.iter().filter(|a| !ids.contains(&a.as_str())).count();
    assert_eq!(lost, 0, "acknowledged writes lost");
    t.report(
        "costly_computations",
        &[
            (
                "anonymous exact_limit 24 x16",
                format!("{:?}", tally(&over.iter().map(|r| r.0).collect::<Vec<_>>())),
            ),
            ("anonymous default x16", format!("{:?}", tally(&quick_statuses))),
            (
                "accounts exact_limit 24 x16",
                format!("{:?}", tally(&heavy_statuses)),
            ),
            (
                "a stored group's settlement x16",
                format!("{:?}", tally(&stored_statuses)),
            ),
            (
                "compute threads idle after the last answer",
                format!("{} ms", idle.as_millis()),
            ),
            ("24,000-row output", "413".to_string()),
            ("acknowledged writes", format!("{} ({} lost)", acked.len(), lost)),
            ("/health", format!("{} ms", health.as_millis())),
        ],
    );
}

/// Item 7: anonymous computations with fresh Idempotency-Keys store nothing; a body over the
/// anonymous budget is refused before it is read as JSON; an account's large computation is
/// answered within its output bound.
pub async fn nothing_stored_for_strangers(b: &Backend) {
    let mut t = target::start(b, &[]);
    let http = client_from(4, 1);
    let rows_before = idempotency_rows(b).await;
    let group = json!({"currency": "EUR", "members": ["a", "b", "c"],
        "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "a", "split": {"type": "equal"}}]})
    .to_string();
    let mut statuses = Vec::new();
    for i in 0..40 {
        let key = format!("fresh-key-{i}-{}", common::unique_email("k"));
        let r = t
            .send(
                &http,
                "POST",
                "/v1/compute",
                Some(&group),
                &[("idempotency-key", &key)],
            )
            .await;
        statuses.push(r.status);
    }
    assert_eq!(count(&statuses, 200), 40, "{:?}", tally(&statuses));
    let rows_after = idempotency_rows(b).await;
    assert_eq!(rows_before, rows_after, "no idempotency rows for computations");
    // 355 kB anonymous: over the 64 KiB anonymous body.
    let big = format!(
        r#"{{"currency": "EUR", "members": ["a"], "pad": "{}"}}"#,
        "x".repeat(355_000)
    );
    let r = t.send(&http, "POST", "/v1/compute", Some(&big), &[]).await;
    assert_eq!((r.status, r.code()), (413, "over_budget"), "{}", r.text);
    // An account: 900 kB of expenses, within its budget: answered, and the answer stays within
    // the output the share-row bound allows.
    let token = t.account(&common::unique_email("big")).await;
    let members: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
    let expenses: Vec<Value> = (0..9_000)
        .map(
            |i| json!({"id": format!("x{i}"), "amount": "1.00", "paid_by": "p0", "split": {"type": "equal"}}),
        )
        .collect();
    let body = json!({"currency": "EUR", "members": members, "expenses": expenses}).to_string();
    assert!(body.len() < 1024 * 1024);
    let r = t
        .send(
            &reqwest::Client::new(),
            "POST",
            "/v1/compute",
            Some(&body),
            &[("authorization", &common::bearer(&token))],
        )
        .await;
    assert_eq!(r.status, 200, "{}", &r.text[..r.text.len().min(300)]);
    let answer_mib = r.text.len() / (1024 * 1024);
    assert!(answer_mib < 32, "{answer_mib} MiB");
    t.report(
        "nothing_stored_for_strangers",
        &[
            (
                "40 keyed anonymous computations",
                format!("{:?}", tally(&statuses)),
            ),
            ("idempotency rows added", format!("{}", rows_after - rows_before)),
            ("355 kB anonymous", "413 over_budget".into()),
            ("account 900 kB -> answer", format!("{} kB", r.text.len() / 1024)),
        ],
    );
}

/// Rows in the idempotency table of the backend's database.
async fn idempotency_rows(b: &Backend) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&b.database_url).await.expect("database");
    let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM idempotency")
        .fetch_one(&pool)
        .await
        .expect("count");
    pool.close().await;
    row.0
}
