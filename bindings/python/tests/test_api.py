"""The Python API: Decimals out, floats refused, typed builders, options, errors."""

import json
import threading
from decimal import Decimal

import pytest

import splitter
from splitter import Expense, Extra, Group, Item, Member, Payment

SPEC = {
    "currency": "EUR",
    "members": ["ana", "ben", "cy"],
    "rates": {"USD": "0.92"},
    "expenses": [
        {"id": "e1", "amount": "90.00", "paid_by": "ana", "split": {"type": "equal"}},
        {"id": "e2", "amount": "120", "currency": "USD", "paid_by": {"ben": "100", "cy": "20"},
         "split": {"type": "shares", "shares": {"ana": "2", "ben": "1", "cy": "1"}}},
    ],
    "payments": [{"from": "cy", "to": "ana", "amount": "10.00"}],
}


def test_the_spec_example_in_decimals():
    report = splitter.compute(SPEC)
    assert [b["net"] for b in report.balances] == [Decimal("-5.20"), Decimal("34.40"), Decimal("-29.20")]
    assert all(isinstance(b["paid"], Decimal) for b in report.balances)
    assert report.transfers == [
        {"from": "ana", "to": "ben", "amount": Decimal("5.20"), "currency": "EUR"},
        {"from": "cy", "to": "ben", "amount": Decimal("29.20"), "currency": "EUR"},
    ]
    assert report.optimal is True and report.currency == "EUR" and report.settle == "minimal"
    assert list(report.balances[0]) == ["member", "currency", "paid", "owed", "net"]
    converted = [s for s in report.shares if s["expense"] == "e2"]
    assert [s["group_amount"] for s in converted] == [Decimal("55.20"), Decimal("27.60"), Decimal("27.60")]
    # to_dict / to_json: the contract's form, amounts as strings.
    assert report.to_dict()["transfers"][0]["amount"] == "5.20"
    assert json.loads(report.to_json()) == report.to_dict()


def test_int_str_and_decimal_amounts_agree():
    as_str = splitter.compute(SPEC).to_json()
    with_decimals = json.loads(json.dumps(SPEC))
    with_decimals["expenses"][0]["amount"] = Decimal("90.00")
    with_decimals["expenses"][1]["amount"] = 120
    assert splitter.compute(with_decimals).to_json() == as_str


@pytest.mark.parametrize(
    "where,path",
    [
        (lambda g: g["expenses"][0].__setitem__("amount", 90.0), "expenses[0].amount"),
        (lambda g: g["rates"].__setitem__("USD", 0.92), "rates.USD"),
        (lambda g: g["expenses"][1]["split"]["shares"].__setitem__("ana", 2.0), "expenses[1].split.shares.ana"),
        (lambda g: g["expenses"][1]["paid_by"].__setitem__("cy", 20.0), "expenses[1].paid_by.cy"),
        (lambda g: g["payments"][0].__setitem__("amount", 10.0), "payments[0].amount"),
    ],
)
def test_floats_never_get_in(where, path):
    group = json.loads(json.dumps(SPEC))
    where(group)
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(group)
    assert info.value.code == "invalid_amount"
    assert info.value.path == path
    assert "str or decimal.Decimal" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_floats_in_options_are_refused_too():
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(SPEC, exact_limit=3.0)
    assert info.value.code == "invalid_amount" and info.value.path == "options.exact_limit"


def test_non_finite_decimals_are_refused():
    group = json.loads(json.dumps(SPEC))
    group["expenses"][0]["amount"] = Decimal("NaN")
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(group)
    assert (info.value.code, info.value.path) == ("invalid_amount", "expenses[0].amount")


def test_a_split_that_contains_itself_is_refused_not_a_crash():
    split = {"type": "itemized", "items": []}
    split["items"].append({"amount": "1.00", "split": split})
    group = {"currency": "EUR", "members": ["ana"],
             "expenses": [{"id": "e1", "amount": "1.00", "paid_by": "ana", "split": split}]}
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(group)
    assert info.value.code == "invalid_input"
    assert info.value.path.startswith("expenses[0].split.items[0].split.items[0]")


def test_repeated_keys_in_json_text_are_still_refused():
    text = '{"currency": "EUR", "members": ["ana"], "members": ["ben"]}'
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(text)
    assert (info.value.code, info.value.path) == ("duplicate_id", "members")


def test_keyword_options_over_json_text():
    report = splitter.compute(json.dumps(SPEC), settle="pairwise")
    assert report.settle == "pairwise"
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(json.dumps(SPEC), settle="fastest")
    assert (info.value.code, info.value.path) == ("invalid_option", "options.settle")


def test_errors_carry_code_and_path():
    group = json.loads(json.dumps(SPEC))
    group["expenses"][1]["split"]["shares"]["zoe"] = "1"
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(group)
    assert info.value.code == "unknown_member"
    assert info.value.path == "expenses[1].split.shares.zoe"
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute("{not json")
    assert info.value.code == "invalid_json"


def test_the_message_names_code_path_and_what_to_do():
    # A float deep in a big group: the message says which amount, and what to write instead.
    members = ["ana", "ben", "cy", "dee"]
    group = {
        "currency": "EUR",
        "members": members,
        "expenses": [
            {"id": f"e{i}", "amount": f"{i}.25", "paid_by": members[i % 4], "split": {"type": "equal"}}
            for i in range(1, 301)
        ],
    }
    group["expenses"][236]["amount"] = 12.5
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(group)
    err = info.value
    assert (err.code, err.path) == ("invalid_amount", "expenses[236].amount")
    assert str(err) == (
        "invalid_amount at expenses[236].amount: a float (12.5) is not accepted, floats cannot hold "
        'money exactly; pass a str or decimal.Decimal instead, such as "12.50" or Decimal("12.50")'
    )
    assert err.args == (str(err),)
    # The same text as the contract's error object every other face shows (here: the JSON text).
    text = json.dumps(group).replace('"amount": 12.5', '"amount": true')
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(text)
    assert str(info.value).startswith("invalid_amount at expenses[236].amount: expected a decimal string")


def test_a_typo_is_named_with_the_field_it_likely_means():
    group = json.loads(json.dumps(SPEC))
    expense = group["expenses"][0]
    expense["amout"] = expense.pop("amount")
    for form in (group, json.dumps(group)):
        with pytest.raises(splitter.SplitterError) as info:
            splitter.compute(form)
        assert (info.value.code, info.value.path) == ("invalid_input", "expenses[0].amout")
        assert str(info.value) == (
            "invalid_input at expenses[0].amout: unknown field 'amout'; did you mean 'amount'? "
            "(an expense has id, amount, currency, rate, paid_by, split, description, date and category)"
        )
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(SPEC, settle="minimall")
    assert str(info.value) == (
        "invalid_option at options.settle: settle must be minimal, greedy or pairwise, not 'minimall'; "
        "did you mean 'minimal'?"
    )


def test_keyword_options_override_the_group():
    report = splitter.compute(SPEC, settle="pairwise")
    assert report.settle == "pairwise"
    each = splitter.compute(SPEC, balances_in="each")
    assert {b["currency"] for b in each.balances} == {"EUR", "USD"}
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(SPEC, settle="fastest")
    assert (info.value.code, info.value.path) == ("invalid_option", "options.settle")


def test_typed_builders_give_the_same_result():
    group = Group(
        currency="EUR",
        members=["ana", "ben", Member("cy", name="Cy")],
        rates={"USD": "0.92"},
        expenses=[
            Expense("e1", "90.00", paid_by="ana", split=splitter.equal()),
            Expense("e2", "120", currency="USD", paid_by={"ben": "100", "cy": "20"},
                    split=splitter.shares({"ana": "2", "ben": "1", "cy": "1"})),
        ],
        payments=[Payment("cy", "ana", "10.00")],
    )
    assert splitter.compute(group).to_json() == splitter.compute(SPEC).to_json()


def test_itemized_builders():
    group = Group(
        currency="EUR",
        members=["ana", "ben"],
        expenses=[Expense("dinner", "33.00", paid_by="ana", split=splitter.itemized(
            [Item("20.00", splitter.exact({"ana": "12.00", "ben": "8.00"})), Item("10.00", splitter.equal())],
            [Extra("tip", "3.00")],
        ))],
    )
    report = splitter.compute(group)
    assert sum(s["amount"] for s in report.shares) == Decimal("33.00")


def test_the_gil_is_released_while_computing():
    # Two threads compute at once; with the GIL held throughout this would still pass, so the
    # check is that results stay right under concurrency.
    results = []
    threads = [threading.Thread(target=lambda: results.append(splitter.compute(SPEC).to_json())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 4
