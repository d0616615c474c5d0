//! Import and export: a realistic Splitwise CSV export with several currencies; JSON export
//! imported again gives the same balances to the cent; CSV export read back by the Splitwise
//! importer gives the same balances; bad files refused with a line and column, nothing stored.

use std::collections::BTreeMap;

use crate::common::{self, nets, Backend, Server};
use serde_json::{json, Value};

const SPLITWISE: &str = "\u{feff}Date,Description,Category,Cost,Currency,Ana Lima,Ben Okafor,Cy Park
2024-03-01,Groceries,Groceries,84.30,EUR,56.20,-28.10,-28.10
2024-03-02,Hotel,Hotel,300.00,EUR,-100.00,200.00,-100.00
2024-03-03,Taxi to airport,Taxi,45.00,USD,-15.00,-15.00,30.00
2024-03-04,\"Dinner, with wine\",Dining out,120.00,EUR,40.00,20.00,-60.00
2024-03-05,Ramen,Dining out,3600,JPY,2400,-1200,-1200

2024-03-06,Payment,Payment,50.00,EUR,-50.00,0.00,50.00
2024-03-07,Museum refund,Entertainment,-30.00,EUR,-20.00,10.00,10.00
2024-03-08,Cake,General,10.00,EUR,6.67,-3.33,-3.34
2024-03-09,Own coffee,General,3.50,EUR,0.00,0.00,0.00
2024-03-10,Total balance,, ,EUR,-67.13,198.57,-131.44
";

fn by_currency(balances: &Value) -> BTreeMap<(String, String), String> {
    balances["balances"]
        .as_array()
        .expect("balances")
        .iter()
        .map(|b| {
            (
                (
                    b["member"].as_str().unwrap().to_string(),
                    b["currency"].as_str().unwrap().to_string(),
                ),
                b["net"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn import_csv(s: &Server, csv: &str, query: &str) -> common::Reply {
    let auth = common::bearer(&s.token);
    let r = s
        .http
        .post(format!("{}/v1/groups/import/splitwise{query}", s.base))
        .header("authorization", auth)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    common::Reply {
        status,
        headers,
        text,
        json,
    }
}

async fn splitwise(b: &Backend) {
    let s = common::start(b).await;
    let r = import_csv(&s, SPLITWISE, "?name=Lisbon%20trip&me=Ana%20Lima").await;
    assert_eq!(r.status, 201, "{}: {}", b.name, r.text);
    assert_eq!(r.json["name"], json!("Lisbon trip"));
    assert_eq!(r.json["currency"], json!("EUR"), "the first row's currency");
    assert_eq!(
        r.json["balances_in"],
        json!("each"),
        "several currencies: kept apart"
    );
    let gid = r.json["id"].as_str().unwrap().to_string();
    let bal = s.get(&format!("/v1/groups/{gid}/balances")).await;
    assert_eq!(bal.status, 200, "{}", bal.text);
    let got = by_currency(&bal.json);
    let want = [
        ("Ana Lima", "EUR", "-67.13"),
        ("Ben Okafor", "EUR", "198.57"),
        ("Cy Park", "EUR", "-131.44"),
        ("Ana Lima", "USD", "-15.00"),
        ("Ben Okafor", "USD", "-15.00"),
        ("Cy Park", "USD", "30.00"),
        ("Ana Lima", "JPY", "2400"),
        ("Ben Okafor", "JPY", "-1200"),
        ("Cy Park", "JPY", "-1200"),
    ];
    for (m, c, net) in want {
        assert_eq!(
            got.get(&(m.to_string(), c.to_string())).map(String::as_str),
            Some(net),
            "{}: {m} {c} in {got:?}",
            b.name
        );
    }
    // Records: 7 expenses (the zero row and the total line skipped), 1 payment.
    let exp = s.get(&format!("/v1/groups/{gid}/expenses?limit=500")).await.json;
    let list = exp["expenses"].as_array().unwrap();
    assert_eq!(list.len(), 7);
    let dinner = list
        .iter()
        .find(|e| e["description"] == "Dinner, with wine")
        .unwrap();
    assert_eq!(dinner["amount"], json!("120.00"));
    // Only nets are in the file: the cost beyond the debts goes to the first payer, as paid and
    // owed alike (no balance moves).
    assert_eq!(
        dinner["paid_by"],
        json!({"Ana Lima": "100.00", "Ben Okafor": "20.00"})
    );
    assert_eq!(
        dinner["split"]["amounts"],
        json!({"Ana Lima": "60.00", "Cy Park": "60.00"})
    );
    assert_eq!(dinner["category"], json!("Dining out"));
    assert_eq!(dinner["date"], json!("2024-03-04"));
    let ramen = list.iter().find(|e| e["description"] == "Ramen").unwrap();
    assert_eq!(
        (ramen["amount"].clone(), ramen["currency"].clone()),
        (json!("3600"), json!("JPY"))
    );
    let pay = s.get(&format!("/v1/groups/{gid}/payments")).await.json;
    assert_eq!(
        pay["payments"][0],
        json!({"id": pay["payments"][0]["id"], "from": "Cy Park", "to": "Ana Lima", "amount": "50.00", "currency": "EUR", "date": "2024-03-06"})
    );
    // The importer is the owner, linked to its column; the import is in the activity log.
    let mine = s.get("/v1/groups").await.json;
    let entry = mine["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == json!(gid))
        .unwrap()
        .clone();
    assert_eq!(
        (entry["role"].clone(), entry["member"].clone()),
        (json!("owner"), json!("Ana Lima"))
    );
    let act = s.get(&format!("/v1/groups/{gid}/activity")).await.json;
    assert_eq!(act["activity"][0]["action"], json!("group.import"));
    assert_eq!(
        act["activity"][0]["after"],
        json!({"source": "splitwise", "expenses": 7, "payments": 1})
    );
    // New expenses after an import get fresh ids.
    let e = s
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "1.00", "paid_by": "Cy Park", "split": {"type": "equal"}}),
        )
        .await;
    assert_eq!(e.status, 201, "{}", e.text);

    // Bad files: refused with the line (and column), nothing stored.
    let groups_before = s.get("/v1/groups").await.json["groups"].as_array().unwrap().len();
    let header = "Date,Description,Category,Cost,Currency,A,B\n";
    let cases = [
        (
            format!("{header}2024-01-01,x,General,10.00,EUR,5.00,-4.00\n"),
            "split_mismatch",
            "rows[2]",
        ),
        (
            format!("{header}2024-01-01,x,General,10.00,EUR,5.00,-4.00x\n"),
            "invalid_amount",
            "rows[2].B",
        ),
        (
            format!("{header}2024-01-01,x,General,10.00,EUR,5.00,-5.00\n2024-01-02,y,General,1e3,EUR,1,-1\n"),
            "invalid_amount",
            "rows[3].Cost",
        ),
        (
            format!("{header}2024-01-01,x,General,10.00,EUR,5.00,-5.00\n2024-01-02,y,General,10,XXX,5,-5\n"),
            "unknown_currency",
            "rows[3].currency",
        ),
        (
            format!("{header}2024-01-01,x,General,10.001,EUR,5.0005,-5.0005\n"),
            "too_precise",
            "rows[2].amount",
        ),
        (
            format!("{header}2024-02-30,x,General,10.00,EUR,5.00,-5.00\n"),
            "invalid_input",
            "rows[2].date",
        ),
        ("Name,Amount\nx,1\n".to_string(), "invalid_input", "rows[1]"),
        (
            "Date,Description,Category,Cost,Currency,A,A\n".to_string(),
            "duplicate_id",
            "members[1]",
        ),
        (String::new(), "invalid_input", ""),
        (
            format!("{header}2024-01-01,x,General,10.00,EUR,5.00,-5.00,7\n"),
            "invalid_input",
            "rows[2]",
        ),
    ];
    for (csv, code, path) in &cases {
        let r = import_csv(&s, csv, "").await;
        assert_eq!(
            (r.status, r.code(), r.path()),
            (422, *code, *path),
            "{}: {csv}: {}",
            b.name,
            r.text
        );
    }
    assert_eq!(
        s.get("/v1/groups").await.json["groups"].as_array().unwrap().len(),
        groups_before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn splitwise_import_sqlite() {
    splitwise(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn splitwise_import_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    splitwise(&b).await;
}

/// A group with rounding (shares by thirds), a converted currency, several payers, a removed
/// member and named members.
async fn tricky_group(s: &Server) -> String {
    let g = s
        .post(
            "/v1/groups",
            &json!({"name": "tricky", "currency": "EUR", "rates": {"USD": "0.9137"},
                    "members": [{"id": "ana", "name": "Ana"}, "ben", "cy", "dan"]}),
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let gid = g.json["id"].as_str().unwrap().to_string();
    let p = |rest: &str| format!("/v1/groups/{gid}{rest}");
    let bodies = [
        json!({"amount": "100.00", "paid_by": "ana", "split": {"type": "equal", "members": ["ana", "ben", "cy"]}, "description": "thirds", "category": "food", "date": "2024-01-02"}),
        json!({"amount": "10.01", "paid_by": "ben", "split": {"type": "shares", "shares": {"ana": "1", "ben": "1", "cy": "1"}}}),
        json!({"amount": "77.77", "currency": "USD", "paid_by": {"cy": "50.00", "ana": "27.77"}, "split": {"type": "percent", "percent": {"ana": "33.3", "ben": "33.3", "cy": "33.4"}}}),
        json!({"amount": "19.99", "currency": "USD", "rate": "0.95", "paid_by": "ben", "split": {"type": "adjustment", "members": ["ana", "ben", "cy"], "adjustments": {"cy": "2.00"}}}),
        json!({"amount": "-12.34", "paid_by": "cy", "split": {"type": "equal", "members": ["ana", "cy"]}}),
    ];
    for b in &bodies {
        let r = s.post(&p("/expenses"), b).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    assert_eq!(
        s.post(
            &p("/payments"),
            &json!({"from": "cy", "to": "ana", "amount": "5.55"})
        )
        .await
        .status,
        201
    );
    assert_eq!(s.send("DELETE", &p("/members/dan"), None, &[]).await.status, 204);
    gid
}

async fn round_trips(b: &Backend) {
    let s = common::start(b).await;
    let gid = tricky_group(&s).await;
    let bal = s.get(&format!("/v1/groups/{gid}/balances")).await.json;
    let settle = s.get(&format!("/v1/groups/{gid}/settlement")).await.json;
    // JSON: export, import as a new group (the caller owns it), same balances to the cent.
    let export = s.get(&format!("/v1/groups/{gid}/export")).await;
    assert_eq!(export.status, 200, "{}", export.text);
    assert_eq!(export.json["members"][0], json!({"id": "ana", "name": "Ana"}));
    let imported = s
        .send(
            "POST",
            "/v1/groups/import?name=copy&me=ana",
            Some(&export.text),
            &[],
        )
        .await;
    assert_eq!(imported.status, 201, "{}", imported.text);
    let copy = imported.json["id"].as_str().unwrap().to_string();
    let bal2 = s.get(&format!("/v1/groups/{copy}/balances")).await.json;
    // The removed member comes back in the copy (old records may name them), at zero.
    let without_dan = |v: &Value| -> Vec<(String, String)> {
        nets(v)
            .into_iter()
            .filter(|(m, n)| !(m == "dan" && n == "0.00"))
            .collect()
    };
    assert_eq!(without_dan(&bal2), nets(&bal), "{}", b.name);
    let settle2 = s.get(&format!("/v1/groups/{copy}/settlement")).await.json;
    assert_eq!(settle2["transfers"], settle["transfers"]);
    // The export is the contract's input: /v1/compute takes it as it is.
    let computed = s.send("POST", "/v1/compute", Some(&export.text), &[]).await;
    assert_eq!(computed.status, 200, "{}", computed.text);
    let computed_nets: Vec<(String, String)> = nets(&computed.json)
        .into_iter()
        .filter(|(m, _)| m != "dan")
        .collect();
    assert_eq!(computed_nets, nets(&bal));
    // Exported again, the copy is the same document.
    let export2 = s.get(&format!("/v1/groups/{copy}/export")).await;
    assert_eq!(export2.json, export.json);
    // An export from one account imported by another: the copy belongs to the importer only.
    let other = s.new_account("importer").await;
    let theirs = s
        .send_as(&other, "POST", "/v1/groups/import", Some(&export.text))
        .await;
    assert_eq!(theirs.status, 201);
    let their_id = theirs.json["id"].as_str().unwrap();
    assert_eq!(s.get(&format!("/v1/groups/{their_id}")).await.status, 404);

    // CSV: one row per record in Splitwise's layout; read back by the Splitwise importer, the
    // same balances in each currency of the records (no conversion).
    let single = s.group("EUR", &["ana", "ben", "cy"]).await;
    for (amount, split) in [
        ("100.00", json!({"type": "equal"})),
        (
            "10.01",
            json!({"type": "shares", "shares": {"ana": "1", "ben": "1", "cy": "1"}}),
        ),
        (
            "33.33",
            json!({"type": "percent", "percent": {"ana": "50", "cy": "50"}}),
        ),
    ] {
        let r = s
            .post(
                &format!("/v1/groups/{single}/expenses"),
                &json!({"amount": amount, "paid_by": "ben", "split": split, "description": "a, \"quoted\" one", "date": "2024-05-05"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    assert_eq!(
        s.post(
            &format!("/v1/groups/{single}/payments"),
            &json!({"from": "ana", "to": "ben", "amount": "20.00"})
        )
        .await
        .status,
        201
    );
    let csv = s.get(&format!("/v1/groups/{single}/export/expenses.csv")).await;
    assert_eq!(csv.status, 200);
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let mut lines = csv.text.lines();
    assert_eq!(
        lines.next(),
        Some("Date,Description,Category,Cost,Currency,ana,ben,cy")
    );
    let row = lines.next().expect("a row");
    assert!(
        row.starts_with("2024-05-05,\"a, \"\"quoted\"\" one\",,100.00,EUR,"),
        "{row}"
    );
    assert_eq!(
        csv.text.lines().last(),
        Some(",Payment,Payment,20.00,EUR,20.00,-20.00,0")
    );
    let back = import_csv(&s, &csv.text, "?name=back").await;
    assert_eq!(back.status, 201, "{}", back.text);
    let back_id = back.json["id"].as_str().unwrap();
    assert_eq!(back.json["balances_in"], json!("group"));
    let orig = s.get(&format!("/v1/groups/{single}/balances")).await.json;
    let again = s.get(&format!("/v1/groups/{back_id}/balances")).await.json;
    assert_eq!(nets(&again), nets(&orig), "{}", b.name);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_import_round_trips_sqlite() {
    round_trips(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_import_round_trips_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    round_trips(&b).await;
}

/// Text cells a spreadsheet would run as formulas (`=`, `+`, `-`, `@`) leave the CSV export with
/// a leading `'`; the importer takes it off again, so names and descriptions come back verbatim
/// and the balances are the same.
async fn formula_cells(b: &Backend) {
    let s = common::start(b).await;
    let members = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "'=quoted", "-minus", "plain"];
    let g = s
        .post(
            "/v1/groups",
            &json!({"name": "formulas", "currency": "EUR", "members": members}),
        )
        .await;
    assert_eq!(g.status, 201, "{}", g.text);
    let gid = g.json["id"].as_str().unwrap().to_string();
    let r = s
        .post(
            &format!("/v1/groups/{gid}/expenses"),
            &json!({"amount": "10.00", "paid_by": members[0], "split": {"type": "equal"},
                    "description": "=HYPERLINK(\"http://example.com\")", "category": "+tax"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let csv = s.get(&format!("/v1/groups/{gid}/export/expenses.csv")).await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let mut lines = csv.text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Date,Description,Category,Cost,Currency,'=cmd|' /C calc'!A0,'@SUM(1+1),''=quoted,'-minus,plain"
        ),
        "{}",
        b.name
    );
    let row = lines.next().expect("a row");
    assert_eq!(
        row, ",\"'=HYPERLINK(\"\"http://example.com\"\")\",'+tax,10.00,EUR,8.00,-2.00,-2.00,-2.00,-2.00",
        "amounts stay numbers"
    );
    let back = import_csv(&s, &csv.text, "?name=back").await;
    assert_eq!(back.status, 201, "{}", back.text);
    let back_id = back.json["id"].as_str().unwrap();
    let orig = s.get(&format!("/v1/groups/{gid}/balances")).await.json;
    let again = s.get(&format!("/v1/groups/{back_id}/balances")).await.json;
    assert_eq!(nets(&again), nets(&orig), "{}", b.name);
    let list = s.get(&format!("/v1/groups/{back_id}/expenses")).await.json;
    assert_eq!(
        list["expenses"][0]["description"],
        json!("=HYPERLINK(\"http://example.com\")")
    );
    assert_eq!(list["expenses"][0]["category"], json!("+tax"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_export_guards_formulas_sqlite() {
    formula_cells(&common::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_export_guards_formulas_mysql_redis() {
    let Some(b) = common::mysql_redis() else { return };
    formula_cells(&b).await;
}

/// JSON import refuses what the core refuses, with the core's code and path, storing nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_import_refusals() {
    let s = common::start(&common::sqlite()).await;
    let cases = [
        (
            r#"{"currency": "EUR", "members": ["a"], "expenses": [{"id": "e1", "amount": "1", "paid_by": "zoe", "split": {"type": "equal"}}]}"#,
            422,
            "unknown_member",
            "expenses[0].paid_by",
        ),
        (
            r#"{"currency": "EUR", "members": ["a", "b"], "expenses": [{"id": "x", "amount": "1", "paid_by": "a", "split": {"type": "equal"}}, {"id": "x", "amount": "1", "paid_by": "a", "split": {"type": "equal"}}]}"#,
            422,
            "duplicate_id",
            "expenses[1].id",
        ),
        (
            r#"{"currency": "EUR", "members": ["a"], "colour": 1}"#,
            422,
            "invalid_input",
            "colour",
        ),
        (r#"{"currency": "EUR""#, 400, "invalid_json", ""),
    ];
    for (body, status, code, path) in cases {
        let r = s.send("POST", "/v1/groups/import", Some(body), &[]).await;
        assert_eq!(
            (r.status, r.code(), r.path()),
            (status, code, path),
            "{body}: {}",
            r.text
        );
    }
    let long_id = format!(
        r#"{{"currency": "EUR", "members": ["a"], "expenses": [{{"id": "{}", "amount": "1", "paid_by": "a", "split": {{"type": "equal"}}}}]}}"#,
        "i".repeat(65)
    );
    let r = s.send("POST", "/v1/groups/import", Some(&long_id), &[]).await;
    assert_eq!(
        (r.status, r.code(), r.path()),
        (422, "too_long", "expenses[0].id")
    );
    assert_eq!(
        s.get("/v1/groups").await.json["groups"].as_array().map(Vec::len),
        Some(0)
    );
}
