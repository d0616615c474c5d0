//! The mapping between records and the core, checked from Rust. The whole corpus runs through
//! the generated Kotlin (`tests/kotlin`, `scripts/suites/kotlin`).

use splitter_core::ErrorCode;

use super::*;

fn part(member: &str, value: &str) -> Part {
    Part {
        member: member.into(),
        value: value.into(),
    }
}

fn expense(id: &str, amount: &str, paid_by: &str, split: Split) -> Expense {
    Expense {
        id: id.into(),
        amount: amount.into(),
        paid_by: PaidBy::One {
            member: paid_by.into(),
        },
        split,
        currency: None,
        rate: None,
        description: None,
        date: None,
        category: None,
    }
}

fn member(id: &str) -> Member {
    Member {
        id: id.into(),
        name: None,
    }
}

/// The contract's example group (shared/spec/engine.md), as records.
fn spec_group() -> Group {
    let mut e2 = expense(
        "e2",
        "120",
        "ben",
        Split::Shares {
            shares: vec![part("ana", "2"), part("ben", "1"), part("cy", "1")],
        },
    );
    e2.currency = Some("USD".into());
    e2.paid_by = PaidBy::Several {
        amounts: vec![part("ben", "100"), part("cy", "20")],
    };
    Group {
        currency: "EUR".into(),
        members: vec![member("ana"), member("ben"), member("cy")],
        rates: vec![Rate {
            currency: "USD".into(),
            rate: "0.92".into(),
        }],
        expenses: vec![expense("e1", "90.00", "ana", Split::Equal { members: None }), e2],
        payments: vec![Payment {
            from: "cy".into(),
            to: "ana".into(),
            amount: "10.00".into(),
            currency: None,
            rate: None,
            id: None,
            date: None,
        }],
        options: Some(Options {
            settle: Some(SettleMethod::Minimal),
            balances_in: Some(BalancesIn::Group),
            exact_limit: None,
            previous: vec![],
        }),
    }
}

const SPEC_JSON: &str = r#"{
  "currency": "EUR",
  "members": ["ana", "ben", "cy"],
  "rates": { "USD": "0.92" },
  "expenses": [
    { "id": "e1", "amount": "90.00", "paid_by": "ana", "split": { "type": "equal" } },
    { "id": "e2", "amount": "120", "currency": "USD", "paid_by": { "ben": "100", "cy": "20" },
      "split": { "type": "shares", "shares": { "ana": "2", "ben": "1", "cy": "1" } } }
  ],
  "payments": [ { "from": "cy", "to": "ana", "amount": "10.00" } ],
  "options": { "settle": "minimal", "balances_in": "group" }
}"#;

#[test]
fn records_give_the_json_forms_report() {
    let report = compute(spec_group()).unwrap();
    let core = splitter_core::wire::group_from_json(SPEC_JSON).unwrap();
    let expected = convert::report(&splitter_core::compute(&core).unwrap());
    assert_eq!(report, expected);
    // Amounts keep their currency's decimals.
    let nets: Vec<&str> = report.balances.iter().map(|b| b.net.as_str()).collect();
    assert_eq!(nets, ["-5.20", "34.40", "-29.20"]);
    let shares: Vec<(&str, Option<&str>)> = report
        .shares
        .iter()
        .filter(|s| s.expense == "e2")
        .map(|s| (s.amount.as_str(), s.group_amount.as_ref().map(Amount::as_str)))
        .collect();
    assert_eq!(
        shares,
        [
            ("60.00", Some("55.20")),
            ("30.00", Some("27.60")),
            ("30.00", Some("27.60"))
        ]
    );
}

#[test]
fn the_group_becomes_the_same_core_group_as_its_json() {
    let from_records = splitter_core::wire::group_from_value(&convert::group_json(&spec_group()));
    let from_text = splitter_core::wire::group_from_json(SPEC_JSON);
    assert_eq!(from_records, from_text);
}

#[test]
fn compute_json_is_the_cores_text() {
    assert_eq!(
        compute_json(SPEC_JSON.into()).unwrap(),
        splitter_core::compute_json(SPEC_JSON).unwrap()
    );
    let err = compute_json("{".into()).unwrap_err();
    assert_eq!((err.code().as_str(), err.path().as_str()), ("invalid_json", ""));
}

fn error_of(group: Group) -> (String, String) {
    let e = compute(group).unwrap_err();
    (e.code(), e.path())
}

#[test]
fn record_errors_carry_the_cores_code_and_path() {
    let mut g = spec_group();
    g.expenses[1].split = Split::Shares {
        shares: vec![part("ana", "1"), part("zoe", "1")],
    };
    assert_eq!(
        error_of(g),
        ("unknown_member".into(), "expenses[1].split.shares.zoe".into())
    );

    let mut g = spec_group();
    g.expenses[1].split = Split::Shares {
        shares: vec![part("ana", "1"), part("ana", "2")],
    };
    assert_eq!(
        error_of(g),
        ("duplicate_id".into(), "expenses[1].split.shares.ana".into())
    );

    let mut g = spec_group();
    g.expenses[0].amount = "12.345".into();
    assert_eq!(error_of(g), ("too_precise".into(), "expenses[0].amount".into()));

    let mut g = spec_group();
    g.payments[0].amount = "1e3".into();
    assert_eq!(
        error_of(g),
        ("invalid_amount".into(), "payments[0].amount".into()),
        "amount text is read as a decimal string, strictly"
    );

    let mut g = spec_group();
    g.options = Some(Options {
        settle: None,
        balances_in: None,
        exact_limit: Some(-1),
        previous: vec![],
    });
    assert_eq!(
        error_of(g),
        ("invalid_option".into(), "options.exact_limit".into())
    );

    let mut g = spec_group();
    g.members.push(Member {
        id: "ana".into(),
        name: Some("Ana again".into()),
    });
    assert_eq!(error_of(g), ("duplicate_id".into(), "members[3]".into()));
}

#[test]
fn every_core_code_has_its_own_case() {
    let mut seen = std::collections::HashSet::new();
    for code in ErrorCode::ALL {
        let e = SplitterError::from(splitter_core::Error::new(code, "a.b", "why"));
        assert_eq!(e.code(), code.as_str());
        assert_eq!(e.error_code(), code);
        assert_eq!((e.path().as_str(), e.detail().as_str()), ("a.b", "why"));
        assert!(seen.insert(std::mem::discriminant(&e)), "{code} shares a case");
    }
}

#[test]
fn display_is_the_cores_error_text() {
    let json = r#"{"currency": "EUR", "members": ["ana", "ben"], "expenses": [{"id": "e1",
      "amout": "10.00", "paid_by": "ana", "split": {"type": "equal"}}]}"#;
    let core = splitter_core::compute_json(json).unwrap_err();
    let ours = compute_json(json.to_string()).unwrap_err();
    assert_eq!(ours.to_string(), core.to_string());
    assert_eq!(
        ours.to_string(),
        "invalid_input at expenses[0].amout: unknown field 'amout'; did you mean 'amount'? (an \
         expense has id, amount, currency, rate, paid_by, split, description, date and category)"
    );
}

#[test]
fn display_names_code_path_and_detail() {
    let e = SplitterError::from(splitter_core::Error::new(
        ErrorCode::UnknownMember,
        "expenses[1].split.shares.zoe",
        "expense e2: shares name 'zoe', who is not a member",
    ));
    assert_eq!(
        e.to_string(),
        "unknown_member at expenses[1].split.shares.zoe: expense e2: shares name 'zoe', who is not a member"
    );
    let whole = SplitterError::from(splitter_core::Error::new(ErrorCode::InvalidJson, "", "bad"));
    assert_eq!(whole.to_string(), "invalid_json: bad");
}

#[test]
fn previous_transfers_come_back_in_the_reports_form() {
    let first = compute(spec_group()).unwrap();
    let mut g = spec_group();
    if let Some(o) = g.options.as_mut() {
        o.previous = first.transfers.clone();
    }
    assert_eq!(compute(g).unwrap().transfers, first.transfers);
}
