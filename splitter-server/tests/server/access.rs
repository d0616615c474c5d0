//! Accounts, tokens and access control: the access matrix over every route for anonymous, a
//! non-member, a member and the owner; token expiry, tampering, refresh rotation and reuse,
//! logout and password change; invites; rate limits; SQL-injection and oversized strings stored
//! verbatim; the activity log after edits and deletes.

use crate::common::{self, Backend, Server};
use serde_json::{json, Value};

/// One route of the matrix: method, path, body, the member's expected status.
struct Route {
    method: &'static str,
    path: String,
    body: Option<String>,
    member: u16,
    headers: Vec<(&'static str, String)>,
}

fn route(method: &'static str, path: String, body: Option<Value>, member: u16) -> Route {
    Route {
        method,
        path,
        body: body.map(|b| b.to_string()),
        member,
        headers: Vec::new(),
    }
}

async fn call(s: &Server, token: &str, r: &Route) -> common::Reply {
    let auth = common::bearer(token);
    let mut h: Vec<(&str, &str)> = r.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    h.push(("authorization", if token.is_empty() { "" } else { &auth }));
    common::send(&s.http, &s.base, r.method, &r.path, r.body.as_deref(), &h).await
}

async fn matrix(b: &Backend) {
    let s = common::start(b).await;
    let member = s.new_account("member").await;
    let outsider = s.new_account("outsider").await;
    // The outsider has a group of its own: being a member somewhere opens nothing elsewhere.
    let theirs = s
        .send_as(
            &outsider,
            "POST",
            "/v1/groups",
            Some(r#"{"name": "other", "currency": "EUR", "members": ["x", "y"]}"#),
        )
        .await;
    assert_eq!(theirs.status, 201);
    let gid = s.group("EUR", &["ana", "ben", "cy"]).await;
    let invite = s
        .post(&format!("/v1/groups/{gid}/invites"), &json!({"member": "ben"}))
        .await;
    assert_eq!(invite.status, 201, "{}", invite.text);
    let code = invite.json["code"].as_str().unwrap().to_string();
    let joined = s
        .send_as(&member, "POST", &format!("/v1/invites/{code}/accept"), Some(""))
        .await;
    assert_eq!(joined.status, 200, "{}", joined.text);
    // A seed expense and payment that the reads and the deletes can name.
    let e = s
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "30.00", "paid_by": "ana", "split": {"type": "equal"}}),
        )
        .await;
    let eid = e.json["id"].as_str().unwrap().to_string();
    let p = s
        .post(
            &format!("/v1/groups/{gid}/payments"),
            &json!({"from": "ben", "to": "ana", "amount": "1.00"}),
        )
        .await;
    let pid = p.json["id"].as_str().unwrap().to_string();
    let inv2 = s.post(&format!("/v1/groups/{gid}/invites"), &json!({})).await;
    let inv2_id = inv2.json["id"].as_str().unwrap().to_string();
    let g = |rest: &str| format!("/v1/groups/{gid}{rest}");
    let expense = json!({"amount": "12.00", "paid_by": "ben", "split": {"type": "equal"}});
    let mut put = route("PUT", g(&format!("/expenses/{eid}")), Some(expense.clone()), 200);
    put.headers.push(("if-match", "*".into()));
    let routes = vec![
        route("GET", g(""), None, 200),
        route("PATCH", g(""), Some(json!({"rates": {"USD": "0.9"}})), 200),
        route("PATCH", g(""), Some(json!({"name": "renamed"})), 403),
        route("POST", g("/members"), Some(json!({"id": "dan"})), 201),
        route("PATCH", g("/members/dan"), Some(json!({"name": "Dan"})), 200),
        route("DELETE", g("/members/dan"), None, 403),
        route("POST", g("/expenses"), Some(expense.clone()), 201),
        route("GET", g("/expenses"), None, 200),
        route("GET", g(&format!("/expenses/{eid}")), None, 200),
        put,
        route("DELETE", g(&format!("/expenses/{eid}")), None, 204),
        route("POST", g(&format!("/expenses/{eid}/restore")), None, 200),
        route(
            "POST",
            g("/payments"),
            Some(json!({"from": "cy", "to": "ana", "amount": "2.00"})),
            201,
        ),
        route("GET", g("/payments"), None, 200),
        route("GET", g(&format!("/payments/{pid}")), None, 200),
        route("DELETE", g(&format!("/payments/{pid}")), None, 204),
        route("GET", g("/balances"), None, 200),
        route("GET", g("/settlement"), None, 200),
        route("GET", g("/activity"), None, 200),
        route("GET", g("/export"), None, 200),
        route("GET", g("/export/expenses.csv"), None, 200),
        route("POST", g("/invites"), Some(json!({})), 201),
        route("GET", g("/invites"), None, 200),
        route("DELETE", g(&format!("/invites/{inv2_id}")), None, 403),
        route("DELETE", g(""), None, 403),
    ];
    let before = s.get(&g("")).await.json["version"].clone();
    for r in &routes {
        let anon = call(&s, "", r).await;
        assert_eq!(
            (anon.status, anon.code()),
            (401, "unauthorized"),
            "{}: anonymous {} {}: {}",
            b.name,
            r.method,
            r.path,
            anon.text
        );
        assert_eq!(anon.header("www-authenticate").as_deref(), Some("Bearer"));
        let out = call(&s, &outsider, r).await;
        assert_eq!(
            (out.status, out.code()),
            (404, "not_found"),
            "{}: non-member {} {}: {}",
            b.name,
            r.method,
            r.path,
            out.text
        );
        // The same answer as for a group that does not exist: existence does not leak.
        let nowhere = call(
            &s,
            &outsider,
            &Route {
                method: r.method,
                path: r.path.replace(&gid, "0123456789abcdef0123456789abcdef"),
                body: r.body.clone(),
                member: 0,
                headers: r.headers.clone(),
            },
        )
        .await;
        assert_eq!(nowhere.text, out.text, "{} {}", r.method, r.path);
    }
    assert_eq!(
        s.get(&g("")).await.json["version"],
        before,
        "anonymous and non-member requests changed nothing"
    );
    for r in &routes {
        let m = call(&s, &member, r).await;
        assert_eq!(
            m.status, r.member,
            "{}: member {} {}: {}",
            b.name, r.method, r.path, m.text
        );
        if m.status == 403 {
            assert_eq!(m.code(), "forbidden");
        }
    }
    // The owner may do what the member may not.
    assert_eq!(
        s.send("PATCH", &g(""), Some(r#"{"name": "renamed"}"#), &[])
            .await
            .status,
        200
    );
    assert_eq!(s.post(&g("/members"), &json!({"id": "zed"})).await.status, 201);
    assert_eq!(s.send("DELETE", &g("/members/zed"), None, &[]).await.status, 204);
    assert_eq!(
        s.send("DELETE", &g(&format!("/invites/{inv2_id}")), None, &[])
            .await
            .status,
        204
    );
    // Routes outside groups: anonymous is refused, each account sees only its groups.
    for (method, path) in [
        ("POST", "/v1/groups".to_string()),
        ("GET", "/v1/groups".to_string()),
        ("POST", "/v1/groups/import".to_string()),
        ("POST", "/v1/groups/import/splitwise".to_string()),
        ("POST", format!("/v1/invites/{code}/accept")),
        ("GET", "/v1/account".to_string()),
        ("POST", "/v1/auth/logout".to_string()),
        ("POST", "/v1/account/password".to_string()),
        ("DELETE", "/v1/account".to_string()),
        ("DELETE", format!("/v1/groups/{gid}")),
    ] {
        let r = s.send_as("", method, &path, Some("{}")).await;
        assert_eq!(r.status, 401, "anonymous {method} {path}: {}", r.text);
    }
    let mine = s.send_as(&outsider, "GET", "/v1/groups", None).await;
    assert_eq!(mine.json["groups"].as_array().map(Vec::len), Some(1));
    let theirs_list = s.send_as(&member, "GET", "/v1/groups", None).await;
    assert_eq!(theirs_list.json["groups"][0]["id"].as_str(), Some(gid.as_str()));
    assert_eq!(theirs_list.json["groups"][0]["member"].as_str(), Some("ben"));
    assert_eq!(theirs_list.json["groups"][0]["role"].as_str(), Some("member"));
    // /v1/compute stays public; operations too.
    let c = s
        .send_as(
            "",
            "POST",
            "/v1/compute",
            Some(r#"{"currency": "EUR", "members": ["a"]}"#),
        )
        .await;
    assert_eq!(c.status, 200);
    for path in ["/health", "/ready", "/metrics", "/openapi.json"] {
        assert_eq!(s.send_as("", "GET", path, None).await.status, 200, "{path}");
    }
    // Removing the member linked to an account takes the account's access away.
    let settle = s.get(&g("/settlement?method=pairwise")).await;
    for t in settle.json["transfers"].as_array().unwrap() {
        let body = json!({"from": t["from"], "to": t["to"], "amount": t["amount"]});
        assert_eq!(s.post(&g("/payments"), &body).await.status, 201);
    }
    let removed = s.send("DELETE", &g("/members/ben"), None, &[]).await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(s.send_as(&member, "GET", &g(""), None).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix_sqlite() {
    matrix(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    matrix(&b).await;
}

async fn tokens(b: &Backend) {
    let mut config = splitter_server::Config::for_urls(&b.database_url, b.redis_url.as_deref());
    config.access_token_ttl = 2;
    let s = common::start_with(config).await;
    let gid = s.group("EUR", &["a", "b"]).await;
    let path = format!("/v1/groups/{gid}");
    // A fresh pair.
    let email = common::unique_email("tok");
    let pair = common::login(&s.http, &s.base, &email, true).await;
    let access = pair["access_token"].as_str().unwrap().to_string();
    let refresh = pair["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(pair["expires_in"], json!(2));
    assert_eq!(
        s.send_as(&access, "GET", "/v1/account", None).await.json["email"],
        json!(email)
    );
    // Refresh tokens are stored only as SHA-256.
    let rows = sqlx::query("SELECT token_hash FROM refresh_tokens")
        .fetch_all(&s.state.store.pool)
        .await
        .unwrap();
    let hashes: Vec<String> = rows
        .iter()
        .map(|r| splitter_server::db::text(r, 0).unwrap())
        .collect();
    assert!(!hashes.contains(&refresh));
    assert!(hashes.contains(&splitter_server::auth::sha256_hex(&refresh)));
    // Tampering: any changed character, another server's key, garbage.
    let mut chars: Vec<char> = access.chars().collect();
    let i = chars.len() / 3;
    chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    let other = splitter_server::auth::Tokens::new(b"another server's secret, 0123456789", 900, 900).unwrap();
    let (foreign, _) = other.sign("someone", "session", s.state.now());
    for bad in [tampered.as_str(), foreign.as_str(), "x", "a.b", "Zm9v.YmFy"] {
        let r = s
            .send("GET", &path, None, &[("authorization", &format!("Bearer {bad}"))])
            .await;
        assert_eq!((r.status, r.code()), (401, "invalid_token"), "{bad}: {}", r.text);
    }
    // Expiry: refused after its lifetime (the server's clock moved, not the test's wait), then a
    // refresh gives a working pair.
    s.clock.advance(2);
    let expired = s.send_as(&access, "GET", "/v1/account", None).await;
    assert_eq!((expired.status, expired.code()), (401, "token_expired"));
    let r1 = s
        .send_as(
            "",
            "POST",
            "/v1/auth/refresh",
            Some(&json!({"refresh_token": refresh}).to_string()),
        )
        .await;
    assert_eq!(r1.status, 200, "{}", r1.text);
    let access2 = r1.json["access_token"].as_str().unwrap().to_string();
    let refresh2 = r1.json["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(refresh2, refresh);
    assert_eq!(s.send_as(&access2, "GET", "/v1/account", None).await.status, 200);
    // Reusing the rotated refresh token revokes the whole session: the newer pair dies too.
    let reuse = s
        .send_as(
            "",
            "POST",
            "/v1/auth/refresh",
            Some(&json!({"refresh_token": refresh}).to_string()),
        )
        .await;
    assert_eq!((reuse.status, reuse.code()), (401, "refresh_reused"));
    let after = s
        .send_as(
            "",
            "POST",
            "/v1/auth/refresh",
            Some(&json!({"refresh_token": refresh2}).to_string()),
        )
        .await;
    assert_eq!((after.status, after.code()), (401, "session_revoked"));
    let g = s
        .send_as(
            &access2,
            "POST",
            "/v1/groups",
            Some(r#"{"name": "n", "currency": "EUR", "members": ["a"]}"#),
        )
        .await;
    assert_eq!((g.status, g.code()), (401, "session_revoked"));
    let unknown = s
        .send_as(
            "",
            "POST",
            "/v1/auth/refresh",
            Some(r#"{"refresh_token": "nope"}"#),
        )
        .await;
    assert_eq!((unknown.status, unknown.code()), (401, "invalid_token"));
    // Logout ends the session: group routes and refresh refuse it.
    let pair = common::login(&s.http, &s.base, &email, false).await;
    let a3 = pair["access_token"].as_str().unwrap().to_string();
    let owner_pair = common::login(&s.http, &s.base, &email, false).await;
    let mine = s
        .send_as(
            &a3,
            "POST",
            "/v1/groups",
            Some(r#"{"name": "n", "currency": "EUR", "members": ["a"]}"#),
        )
        .await;
    assert_eq!(mine.status, 201);
    let mine_path = format!("/v1/groups/{}", mine.json["id"].as_str().unwrap());
    assert_eq!(s.send_as(&a3, "GET", &mine_path, None).await.status, 200);
    assert_eq!(s.send_as(&a3, "POST", "/v1/auth/logout", None).await.status, 204);
    let r = s.send_as(&a3, "GET", &mine_path, None).await;
    assert_eq!((r.status, r.code()), (401, "session_revoked"));
    let r = s
        .send_as(
            "",
            "POST",
            "/v1/auth/refresh",
            Some(&json!({"refresh_token": pair["refresh_token"]}).to_string()),
        )
        .await;
    assert_eq!(r.status, 401);
    // Another session of the same account is untouched by that logout...
    let a4 = owner_pair["access_token"].as_str().unwrap().to_string();
    assert_eq!(s.send_as(&a4, "GET", &mine_path, None).await.status, 200);
    // ...but a password change ends every session; the old password no longer logs in.
    let wrong = s
        .send_as(
            &a4,
            "POST",
            "/v1/account/password",
            Some(
                r#"{"current_password": "wrong password", "new_password": "another horse, another stable"}"#,
            ),
        )
        .await;
    assert_eq!((wrong.status, wrong.code()), (401, "invalid_credentials"));
    let body = json!({"current_password": common::PASSWORD, "new_password": "another horse, another stable"})
        .to_string();
    assert_eq!(
        s.send_as(&a4, "POST", "/v1/account/password", Some(&body))
            .await
            .status,
        204
    );
    assert_eq!(s.send_as(&a4, "GET", &mine_path, None).await.status, 401);
    let old = s
        .send_as(
            "",
            "POST",
            "/v1/auth/login",
            Some(&json!({"email": email, "password": common::PASSWORD}).to_string()),
        )
        .await;
    assert_eq!((old.status, old.code()), (401, "invalid_credentials"));
    let new = s
        .send_as(
            "",
            "POST",
            "/v1/auth/login",
            Some(
                &json!({"email": email.to_uppercase(), "password": "another horse, another stable"})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(new.status, 200, "{}", new.text);
    let a5 = new.json["access_token"].as_str().unwrap().to_string();
    assert_eq!(s.send_as(&a5, "GET", &mine_path, None).await.status, 200);
    // Registration: taken, malformed.
    let taken = s
        .send_as(
            "",
            "POST",
            "/v1/accounts",
            Some(&json!({"email": email, "password": common::PASSWORD}).to_string()),
        )
        .await;
    assert_eq!((taken.status, taken.code()), (409, "email_taken"));
    for (body, code, path) in [
        (
            json!({"email": "no-at-sign", "password": common::PASSWORD}),
            "invalid_input",
            "email",
        ),
        (
            json!({"email": "a@b.c", "password": "short"}),
            "weak_password",
            "password",
        ),
        (
            json!({"email": "a@b.c", "password": "12345678"}),
            "weak_password",
            "password",
        ),
        (
            json!({"email": "a@b.c", "password": "x ".repeat(513)}),
            "too_long",
            "password",
        ),
        (json!({"email": "a@b.c"}), "invalid_input", "password"),
        (
            json!({"email": 5, "password": common::PASSWORD}),
            "invalid_input",
            "email",
        ),
    ] {
        let r = s
            .send_as("", "POST", "/v1/accounts", Some(&body.to_string()))
            .await;
        assert_eq!((r.status, r.code(), r.path()), (422, code, path), "{}", r.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_sqlite() {
    tokens(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    tokens(&b).await;
}

async fn limits(b: &Backend) {
    let mut config = splitter_server::Config::for_urls(&b.database_url, b.redis_url.as_deref());
    config.rate_limit = 1000;
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let s = common::start_with(config).await;
    let email = common::unique_email("victim");
    let addr = format!(
        "10.9.{}.{}",
        std::process::id() % 250,
        s.base.len() + b.name.len()
    );
    let creds = |pw: &str| json!({"email": email, "password": pw}).to_string();
    let login = |pw: String, from: String| {
        let s = &s;
        async move {
            let mut h = vec![("authorization", ""), ("x-forwarded-for", from.as_str())];
            h.truncate(2);
            common::send(&s.http, &s.base, "POST", "/v1/auth/login", Some(&pw), &h).await
        }
    };
    let r = s
        .send_as("", "POST", "/v1/accounts", Some(&creds(common::PASSWORD)))
        .await;
    assert_eq!(r.status, 201);
    // 5 failed attempts are answered 401; then even the right password gets 429 from there.
    for i in 0..5 {
        let r = login(creds("wrong password"), addr.clone()).await;
        assert_eq!((r.status, r.code()), (401, "invalid_credentials"), "attempt {i}");
    }
    let locked = login(creds(common::PASSWORD), addr.clone()).await;
    assert_eq!(
        (locked.status, locked.code()),
        (429, "rate_limited"),
        "{}",
        locked.text
    );
    let retry: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((800..=900).contains(&retry), "about 15 minutes: {retry}");
    // The lock is per account and address: another address still logs in.
    let elsewhere = login(creds(common::PASSWORD), format!("{addr}9")).await;
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_limit_sqlite() {
    limits(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_limit_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    limits(&b).await;
}

/// The general limit in process (no Redis): per address and per account, 429 with Retry-After.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_limit_in_process() {
    let b = common::sqlite();
    let mut config = splitter_server::Config::for_urls(&b.database_url, None);
    config.rate_limit = 4;
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let s = common::start_with(config).await;
    // The account made at start used 2 requests of 127.0.0.1 (register, login).
    let statuses = |n: u32, token: String, addr: fn(u32) -> String| {
        let s = &s;
        async move {
            let mut out = Vec::new();
            for i in 0..n {
                let a = addr(i);
                let auth = common::bearer(&token);
                let mut h = vec![("x-forwarded-for", a.as_str())];
                h.push(("authorization", if token.is_empty() { "" } else { auth.as_str() }));
                let r = common::send(&s.http, &s.base, "GET", "/v1/groups", None, &h).await;
                if r.status == 429 {
                    assert!(r.header("retry-after").is_some());
                }
                out.push(r.status);
            }
            out
        }
    };
    // One address, no token: 4 answered (401), then 429.
    assert_eq!(
        statuses(6, String::new(), |_| "10.50.0.1".into()).await,
        [401, 401, 401, 401, 429, 429]
    );
    // One account from ever new addresses: its own limit.
    assert_eq!(
        statuses(6, s.token.clone(), |i| format!("10.51.0.{i}")).await,
        [200, 200, 200, 200, 429, 429]
    );
}

async fn verbatim(b: &Backend) {
    let s = common::start(b).await;
    let nasty = [
        "'; DROP TABLE expenses; --",
        "\" OR \"1\"=\"1",
        "Robert'); DROP TABLE members;--",
        "\\'; SELECT * FROM accounts; #",
        "%s %n {{}} ${x} `id` $(id)",
        "ünïcødé 💸 rtl",
        "NULL",
    ];
    for (i, text) in nasty.iter().enumerate() {
        let members = json!([text, {"id": format!("m{i}"), "name": text}]);
        let g = s
            .post(
                "/v1/groups",
                &json!({"name": text, "currency": "EUR", "members": members}),
            )
            .await;
        assert_eq!(g.status, 201, "{text}: {}", g.text);
        assert_eq!(g.json["name"].as_str(), Some(*text));
        let gid = g.json["id"].as_str().unwrap().to_string();
        let back = s.get(&format!("/v1/groups/{gid}")).await;
        assert_eq!(back.json["members"][0]["id"].as_str(), Some(*text));
        assert_eq!(back.json["members"][1]["name"].as_str(), Some(*text));
        let e = s
            .post(
                &format!("/v1/groups/{gid}/expenses"),
                &json!({"amount": "10.00", "paid_by": text, "split": {"type": "equal"},
                        "description": text, "category": text}),
            )
            .await;
        assert_eq!(e.status, 201, "{text}: {}", e.text);
        let eid = e.json["id"].as_str().unwrap();
        let got = s.get(&format!("/v1/groups/{gid}/expenses/{eid}")).await;
        assert_eq!(got.json["description"].as_str(), Some(*text));
        assert_eq!(got.json["category"].as_str(), Some(*text));
        assert_eq!(got.json["paid_by"].as_str(), Some(*text));
        let by_cat = s
            .get(&format!(
                "/v1/groups/{gid}/expenses?category={}&member={}",
                urlencode(text),
                urlencode(text)
            ))
            .await;
        assert_eq!(
            by_cat.json["expenses"].as_array().map(Vec::len),
            Some(1),
            "{text}"
        );
        let m = s
            .send(
                "PATCH",
                &format!("/v1/groups/{gid}/members/m{i}"),
                Some(&json!({"name": text}).to_string()),
                &[],
            )
            .await;
        assert_eq!(m.json["name"].as_str(), Some(*text));
        let bal = s.get(&format!("/v1/groups/{gid}/balances")).await;
        assert_eq!(bal.json["balances"][0]["member"].as_str(), Some(*text));
        // An account with such an email (and password) works too.
        let email = format!("{}.{}", text.replace(' ', "_"), common::unique_email("v"));
        let creds = json!({"email": email, "password": format!("a long password {text}")}).to_string();
        let reg = s.send_as("", "POST", "/v1/accounts", Some(&creds)).await;
        if reg.status == 201 {
            let login = s.send_as("", "POST", "/v1/auth/login", Some(&creds)).await;
            assert_eq!(login.status, 200, "{text}: {}", login.text);
        } else {
            assert_eq!(reg.status, 422, "{}", reg.text);
        }
    }
    // At their limits (counted in characters after NFC), text fields are kept exactly; one
    // character more is refused with `too_long`, the same on every backend.
    let id = "é".repeat(63) + "x"; // a member id: 64 characters (128 bytes)
    let name = "ü".repeat(100); // a group or member name: 100
    let category = "ç".repeat(64);
    let g = s
        .post(
            "/v1/groups",
            &json!({"name": name, "currency": "EUR", "members": [{"id": id, "name": name}, "b"]}),
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let gid = g.json["id"].as_str().unwrap().to_string();
    let big = "🧾".repeat(500); // a description: 500 characters (2,000 bytes)
    let e = s
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "1.00", "paid_by": id, "split": {"type": "equal"}, "description": big, "category": category}),
        )
        .await;
    assert_eq!(e.status, 201, "{}", &e.text[..e.text.len().min(200)]);
    let got = s
        .get(&format!(
            "/v1/groups/{gid}/expenses/{}",
            e.json["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(got.json["description"].as_str(), Some(big.as_str()));
    assert_eq!(got.json["category"].as_str(), Some(category.as_str()));
    let one_more = |t: &str| format!("{t}y");
    for (path, body) in [
        (
            "/v1/groups".to_string(),
            json!({"name": one_more(&name), "currency": "EUR", "members": ["a"]}),
        ),
        (
            "/v1/groups".to_string(),
            json!({"name": "x", "currency": "EUR", "members": [one_more(&id)]}),
        ),
        (format!("/v1/groups/{gid}/members"), json!({"id": one_more(&id)})),
        (
            format!("/v1/groups/{gid}/members"),
            json!({"id": "ok", "name": one_more(&name)}),
        ),
        (
            format!("/v1/groups/{gid}/expenses"),
            json!({"amount": "1.00", "paid_by": "b", "split": {"type": "equal"}, "category": one_more(&category)}),
        ),
        (
            format!("/v1/groups/{gid}/expenses"),
            json!({"amount": "1.00", "paid_by": "b", "split": {"type": "equal"}, "description": one_more(&big)}),
        ),
        (
            "/v1/accounts".to_string(),
            json!({"email": format!("{}@x.y", "a".repeat(300)), "password": common::PASSWORD}),
        ),
    ] {
        let r = s.post(&path, &body).await;
        assert_eq!((r.status, r.code()), (422, "too_long"), "{path}: {}", r.text);
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_fields_verbatim_sqlite() {
    verbatim(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_fields_verbatim_mysql() {
    let Some(b) = common::mysql() else { return };
    verbatim(&b).await;
}

async fn activity(b: &Backend) {
    let s = common::start(b).await;
    let gid = s.group("EUR", &["ana", "ben"]).await;
    let g = |rest: &str| format!("/v1/groups/{gid}{rest}");
    let e = s
        .post(
            &g("/expenses"),
            &json!({"amount": "10.00", "paid_by": "ana", "split": {"type": "equal"}}),
        )
        .await;
    let eid = e.json["id"].as_str().unwrap().to_string();
    let edited =
        json!({"amount": "20.00", "paid_by": "ana", "split": {"type": "equal"}, "description": "more"});
    let put = s
        .send(
            "PUT",
            &g(&format!("/expenses/{eid}")),
            Some(&edited.to_string()),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(put.status, 200);
    assert_eq!(
        s.send("DELETE", &g(&format!("/expenses/{eid}")), None, &[])
            .await
            .status,
        204
    );
    assert_eq!(
        s.post(&g(&format!("/expenses/{eid}/restore")), &json!({}))
            .await
            .status,
        200
    );
    let p = s
        .post(
            &g("/payments"),
            &json!({"from": "ben", "to": "ana", "amount": "10.00"}),
        )
        .await;
    let pid = p.json["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.send("DELETE", &g(&format!("/payments/{pid}")), None, &[])
            .await
            .status,
        204
    );
    assert_eq!(s.post(&g("/members"), &json!({"id": "cy"})).await.status, 201);
    assert_eq!(
        s.send("PATCH", &g("/members/cy"), Some(r#"{"name": "Cy"}"#), &[])
            .await
            .status,
        200
    );
    assert_eq!(s.send("DELETE", &g("/members/cy"), None, &[]).await.status, 204);
    assert_eq!(
        s.send("PATCH", &g(""), Some(r#"{"name": "renamed"}"#), &[])
            .await
            .status,
        200
    );
    // A refused change leaves no entry.
    let bad = s
        .post(
            &g("/expenses"),
            &json!({"amount": "1.00", "paid_by": "zoe", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(bad.status, 422);
    let all = s.get(&g("/activity?limit=500")).await;
    assert_eq!(all.status, 200, "{}", all.text);
    let entries = all.json["activity"].as_array().unwrap();
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["target"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("group.update", gid.as_str()),
            ("member.remove", "cy"),
            ("member.rename", "cy"),
            ("member.add", "cy"),
            ("payment.delete", pid.as_str()),
            ("payment.create", pid.as_str()),
            ("expense.restore", eid.as_str()),
            ("expense.delete", eid.as_str()),
            ("expense.update", eid.as_str()),
            ("expense.create", eid.as_str()),
        ],
        "newest first"
    );
    let by = |action: &str| entries.iter().find(|e| e["action"] == action).unwrap().clone();
    let update = by("expense.update");
    assert_eq!(update["before"]["amount"], json!("10.00"));
    assert_eq!(update["after"]["amount"], json!("20.00"));
    assert_eq!(update["after"]["description"], json!("more"));
    let delete = by("expense.delete");
    assert_eq!(
        (delete["before"]["amount"].clone(), delete["after"].clone()),
        (json!("20.00"), Value::Null)
    );
    assert_eq!(by("expense.create")["before"], Value::Null);
    assert_eq!(by("payment.delete")["before"]["amount"], json!("10.00"));
    assert_eq!(by("member.rename")["after"]["name"], json!("Cy"));
    assert_eq!(by("group.update")["before"]["name"], json!("test"));
    let me = s.get("/v1/account").await.json;
    for e in entries {
        assert_eq!(e["account"], me["id"]);
        assert_eq!(e["email"], me["email"]);
        assert_eq!(
            e["at"],
            json!(common::now_text(&s)),
            "the server's clock, in RFC 3339"
        );
    }
    // Versions strictly decrease down the list: each entry is one committed change.
    let versions: Vec<i64> = entries.iter().map(|e| e["version"].as_i64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] > w[1]), "{versions:?}");
    // Pages of 3 walk the same list.
    let mut walked = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = s.get(&g(&format!("/activity?limit=3{cursor}"))).await.json;
        walked.extend(
            page["activity"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let ids: Vec<Value> = entries.iter().map(|e| e["id"].clone()).collect();
    assert_eq!(walked, ids);
    // Another member's changes are recorded under their account.
    let inv = s.post(&g("/invites"), &json!({"member": "dan"})).await;
    let other = s.new_account("dan").await;
    let code = inv.json["code"].as_str().unwrap();
    let joined = s
        .send_as(&other, "POST", &format!("/v1/invites/{code}/accept"), None)
        .await;
    assert_eq!(joined.status, 200, "{}", joined.text);
    let e = s
        .send_as(
            &other,
            "POST",
            &g("/expenses"),
            Some(r#"{"amount": "3.00", "paid_by": "dan", "split": {"type": "equal"}}"#),
        )
        .await;
    assert_eq!(e.status, 201, "{}", e.text);
    let latest = s.get(&g("/activity?limit=2")).await.json;
    assert_eq!(latest["activity"][0]["action"], json!("expense.create"));
    assert_ne!(latest["activity"][0]["account"], me["id"]);
    assert_eq!(latest["activity"][1]["action"], json!("member.add"));
    assert_eq!(latest["activity"][1]["target"], json!("dan"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_log_sqlite() {
    activity(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_log_mysql() {
    let Some(b) = common::mysql() else { return };
    activity(&b).await;
}

/// Invites: expiry, revocation, a member linked once, joining twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites() {
    let s = common::start(&common::sqlite()).await;
    let gid = s.group("EUR", &["ana", "ben"]).await;
    let g = |rest: &str| format!("/v1/groups/{gid}{rest}");
    let a = s.new_account("a").await;
    let b2 = s.new_account("b").await;
    let inv = s
        .post(&g("/invites"), &json!({"member": "ben", "expires_in": 60}))
        .await;
    assert_eq!(inv.status, 201);
    let code = inv.json["code"].as_str().unwrap().to_string();
    assert_eq!(
        s.send_as(&a, "POST", &format!("/v1/invites/{code}/accept"), None)
            .await
            .status,
        200
    );
    let again = s
        .send_as(&a, "POST", &format!("/v1/invites/{code}/accept"), None)
        .await;
    assert_eq!((again.status, again.code()), (409, "already_member"));
    let taken = s
        .send_as(&b2, "POST", &format!("/v1/invites/{code}/accept"), None)
        .await;
    assert_eq!((taken.status, taken.code()), (409, "member_taken"));
    // Revoked by the owner.
    let inv2 = s.post(&g("/invites"), &json!({})).await;
    let code2 = inv2.json["code"].as_str().unwrap().to_string();
    let id2 = inv2.json["id"].as_str().unwrap();
    assert_eq!(
        s.send("DELETE", &g(&format!("/invites/{id2}")), None, &[])
            .await
            .status,
        204
    );
    let revoked = s
        .send_as(&b2, "POST", &format!("/v1/invites/{code2}/accept"), None)
        .await;
    assert_eq!((revoked.status, revoked.code()), (410, "invite_revoked"));
    // Expired (written as expired in the database: invites last at least a minute).
    let inv3 = s.post(&g("/invites"), &json!({})).await;
    let code3 = inv3.json["code"].as_str().unwrap().to_string();
    sqlx::query("UPDATE invites SET expires_at = 1 WHERE id = ?")
        .bind(inv3.json["id"].as_str().unwrap())
        .execute(&s.state.store.pool)
        .await
        .unwrap();
    let expired = s
        .send_as(
            &b2,
            "POST",
            &format!("/v1/invites/{code3}/accept"),
            Some(r#"{"member": "cy"}"#),
        )
        .await;
    assert_eq!((expired.status, expired.code()), (410, "invite_expired"));
    let unknown = s.send_as(&b2, "POST", "/v1/invites/nothing/accept", None).await;
    assert_eq!((unknown.status, unknown.code()), (404, "not_found"));
    // A code without a member: the joiner names a new member, who is added.
    let inv4 = s.post(&g("/invites"), &json!({})).await;
    let code4 = inv4.json["code"].as_str().unwrap().to_string();
    let joined = s
        .send_as(
            &b2,
            "POST",
            &format!("/v1/invites/{code4}/accept"),
            Some(r#"{"member": "cy", "name": "Cy"}"#),
        )
        .await;
    assert_eq!(joined.status, 200, "{}", joined.text);
    assert_eq!(joined.json["members"][2], json!({"id": "cy", "name": "Cy"}));
    // Listed without codes.
    let list = s.get(&g("/invites")).await;
    assert_eq!(list.json["invites"].as_array().map(Vec::len), Some(4));
    assert!(!list.text.contains(&code));
    for bad in [
        json!({"expires_in": 10}),
        json!({"expires_in": "soon"}),
        json!({"colour": 1}),
    ] {
        assert_eq!(s.post(&g("/invites"), &bad).await.status, 422, "{bad}");
    }
}

/// Housekeeping keeps a refresh token until it has been expired for a refresh lifetime (so a
/// replay still revokes its session meanwhile), then deletes it; live tokens are never touched.
async fn housekeeping(b: &Backend) {
    let config = splitter_server::Config::for_urls(&b.database_url, b.redis_url.as_deref());
    let s = common::start_with(config.clone()).await;
    let email = common::unique_email("housekeeping");
    let pair = common::login(&s.http, &s.base, &email, true).await;
    let refresh = pair["refresh_token"].as_str().expect("refresh token").to_string();
    let pool = &s.state.store.pool;
    let now = s.state.now();
    let ttl = i64::try_from(config.refresh_token_ttl).unwrap();
    // Now, and just before the token has been expired for a whole lifetime: nothing to delete.
    for at in [now, now + 2 * ttl - 5] {
        let p = splitter_server::housekeeping::prune(pool, &config, at)
            .await
            .expect("prune");
        assert_eq!(p.refresh_tokens, 0, "{}: at {at}", b.name);
    }
    let body = json!({"refresh_token": refresh}).to_string();
    let r = common::send(&s.http, &s.base, "POST", "/v1/auth/refresh", Some(&body), &[]).await;
    assert_eq!(r.status, 200, "{}: {}", b.name, r.text);
    // Past that, both tokens of the chain (the used one and its successor) are deleted, with
    // the token of the account the test server made at start, and the old one is unknown.
    let p = splitter_server::housekeeping::prune(pool, &config, now + 2 * ttl + 5)
        .await
        .expect("prune");
    assert_eq!(p.refresh_tokens, 3, "{}", b.name);
    let r = common::send(&s.http, &s.base, "POST", "/v1/auth/refresh", Some(&body), &[]).await;
    assert_eq!((r.status, r.code()), (401, "invalid_token"), "{}", b.name);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn housekeeping_sqlite() {
    housekeeping(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn housekeeping_mysql() {
    // A database of its own: pruning is database-wide.
    let Some(b) = common::mysql_own("housekeeping").await else {
        return;
    };
    housekeeping(&b).await;
}
