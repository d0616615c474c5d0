//! Guessing passwords: bursts from one address and from many, and a burst of hashing.

use serde_json::json;

use super::target::{self, client_from, count, tally, Target};
use crate::common::{self, Backend};

/// `n` logins for `email` at once, each from `from(i)`, with `password(i)`; their statuses.
async fn burst(
    t: &Target,
    email: &str,
    n: usize,
    from: impl Fn(usize) -> (u8, u8),
    password: impl Fn(usize) -> String,
) -> Vec<u16> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let (a, b) = from(i);
        let http = client_from(a, b);
        let base = t.base.clone();
        let body = json!({"email": email, "password": password(i)}).to_string();
        tasks.push(tokio::spawn(async move {
            common::send(&http, &base, "POST", "/v1/auth/login", Some(&body), &[])
                .await
                .status
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("login task"));
    }
    out
}

/// Item 1: the attempt is counted before the password is checked, so a burst gets exactly the
/// allowed number of checks; one address's burst does not lock the owner out elsewhere; many
/// addresses together get the per-account number, then everyone waits for the window.
pub async fn login_bursts(b: &Backend) {
    let mut t = target::start(b, &[]);
    let wrong = |i: usize| format!("a wrong guess number {i}");
    // 40 guesses at once from one address: at most 5 checked (401), the rest refused before any
    // hashing (429: the attempts are used up, or the address's share of the hashing threads is).
    let victim = common::unique_email("victim");
    t.account(&victim).await;
    let one = burst(&t, &victim, 40, |_| (0, 3), wrong).await;
    t.note(&one);
    let checked = count(&one, 401);
    assert!(
        (1..=5).contains(&checked) && count(&one, 429) == 40 - checked,
        "{:?}",
        tally(&one)
    );
    // The owner, from their own address, still logs in.
    let http = client_from(0, 5);
    let creds = json!({"email": victim, "password": common::PASSWORD}).to_string();
    let owner = t.send(&http, "POST", "/v1/auth/login", Some(&creds), &[]).await;
    assert_eq!(owner.status, 200, "{}", owner.text);

    // 29 wrong and the right one at once: at most 5 are checked at all.
    let victim2 = common::unique_email("victim");
    t.account(&victim2).await;
    let mixed = burst(
        &t,
        &victim2,
        30,
        |_| (0, 4),
        |i| {
            if i == 17 {
                common::PASSWORD.to_string()
            } else {
                wrong(i)
            }
        },
    )
    .await;
    t.note(&mixed);
    let checked = count(&mixed, 401) + count(&mixed, 200);
    assert!(checked <= 5 && count(&mixed, 429) >= 25, "{:?}", tally(&mixed));

    // 10 addresses x 5 guesses (each address one at a time, all ten at once): the account takes
    // 20 in all, whatever the addresses.
    let victim3 = common::unique_email("victim");
    t.account(&victim3).await;
    let mut spread = Vec::new();
    for round in 0..5 {
        let r = burst(&t, &victim3, 10, |i| (1, 10 + i as u8), |i| wrong(round * 10 + i)).await;
        spread.extend(r);
    }
    t.note(&spread);
    assert_eq!(
        (count(&spread, 401), count(&spread, 429)),
        (20, 30),
        "{:?}",
        tally(&spread)
    );
    // The trade-off: while the window holds 20 failures, the owner waits too (at most 15
    // minutes after the guessing stops; sessions already open keep working).
    let http = client_from(1, 99);
    let creds = json!({"email": victim3, "password": common::PASSWORD}).to_string();
    let waits = t.send(&http, "POST", "/v1/auth/login", Some(&creds), &[]).await;
    assert_eq!(
        (waits.status, waits.code()),
        (429, "rate_limited"),
        "{}",
        waits.text
    );
    let retry: u64 = waits
        .header("retry-after")
        .unwrap_or_default()
        .parse()
        .unwrap_or(0);
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    let health = t.health_within_a_second().await;
    t.report(
        "login_bursts",
        &[
            ("one address, 40 guesses", format!("{:?}", tally(&one))),
            ("29 wrong + right", format!("{:?}", tally(&mixed))),
            ("10 addresses x 5", format!("{:?}", tally(&spread))),
            ("/health", format!("{} ms", health.as_millis())),
        ],
    );
}

/// Item 6: 120 failed logins at once (each for another email, so the login limit does not
/// stop them) from one address, then from 30: argon2 runs on its own threads, the rest waits in
/// a bounded queue or is refused (`429 busy`); memory stays bounded and is given back.
pub async fn hashing_burst(b: &Backend) {
    let mut t = target::start(b, &[]);
    let rss_before = t.rss_mib();
    let mut statuses = Vec::new();
    for spread in [1usize, 30] {
        let mut tasks = Vec::new();
        for i in 0..120 {
            let http = client_from(2, 1 + (i % spread) as u8);
            let base = t.base.clone();
            let body =
                json!({"email": common::unique_email("nobody"), "password": "not the password at all"})
                    .to_string();
            tasks.push(tokio::spawn(async move {
                common::send(&http, &base, "POST", "/v1/auth/login", Some(&body), &[])
                    .await
                    .status
            }));
        }
        for task in tasks {
            statuses.push(task.await.expect("task"));
        }
    }
    t.note(&statuses);
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{:?}",
        tally(&statuses)
    );
    let idle = t.pools_idle().await;
    let health = t.health_within_a_second().await;
    let rss_after = t.rss_mib();
    t.report(
        "hashing_burst",
        &[
            ("240 failed logins", format!("{:?}", tally(&statuses))),
            ("memory before/after", format!("{rss_before}/{rss_after} MiB")),
            ("pools idle after", format!("{} ms", idle.as_millis())),
            ("/health", format!("{} ms", health.as_millis())),
        ],
    );
}
