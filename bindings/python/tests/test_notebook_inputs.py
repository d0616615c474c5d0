"""What a notebook hands over: numpy integers and datetime.date are taken as the contract means
them; floats of any kind (numpy's too) are refused, never rounded."""

import datetime
import json
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import splitter


def group(amount="90", shares=None, date=None):
    expense = {"id": "e1", "amount": amount, "paid_by": "ana",
               "split": {"type": "shares", "shares": shares or {"ana": "2", "ben": "1"}}}
    if date is not None:
        expense["date"] = date
    return {"currency": "EUR", "members": ["ana", "ben"], "expenses": [expense]}


@pytest.mark.parametrize("kind", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64])
def test_numpy_integers_are_the_same_numbers_as_python_ints(kind):
    # An integer amount is whole currency units (90 is 90.00 EUR), an integer weight a weight.
    expected = splitter.compute(group(90, {"ana": 2, "ben": 1}))
    got = splitter.compute(group(kind(90), {"ana": kind(2), "ben": kind(1)}))
    assert got == expected
    assert [b["paid"] for b in got.balances] == [Decimal("90.00"), Decimal("0.00")]
    assert [s["amount"] for s in got.shares] == [Decimal("60.00"), Decimal("30.00")]


def test_negative_and_large_numpy_integers():
    report = splitter.compute(group(np.int64(-9_000_000_000)))
    assert report.balances[0]["paid"] == Decimal("-9000000000.00")


def test_values_from_a_dataframe_go_straight_in():
    df = pd.DataFrame({"id": ["e1", "e2"], "amount": [30, 12], "paid_by": ["ana", "ben"]})
    assert df["amount"].dtype == np.int64
    # Values read through numpy (.to_numpy(), .values, .at, older pandas' to_dict) are numpy ints.
    expenses = [{"id": i, "amount": a, "paid_by": p, "split": {"type": "equal"}}
                for i, a, p in zip(df["id"], df["amount"].to_numpy(), df["paid_by"])]
    assert isinstance(expenses[0]["amount"], np.int64)
    report = splitter.compute({"currency": "EUR", "members": ["ana", "ben"], "expenses": expenses})
    assert report.transfers == [{"from": "ben", "to": "ana", "amount": Decimal("9.00"), "currency": "EUR"}]
    records = [dict(r, split={"type": "equal"}) for r in df.to_dict("records")]
    assert splitter.compute({"currency": "EUR", "members": ["ana", "ben"], "expenses": records}) == report


@pytest.mark.parametrize("value", [np.float64(90), np.float32(90), np.float16(1.5), 90.0])
def test_floats_of_every_kind_are_refused(value):
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(group(value))
    assert (info.value.code, info.value.path) == ("invalid_amount", "expenses[0].amount")
    assert "str or decimal.Decimal" in str(info.value)


def test_a_numpy_float_weight_is_refused_too():
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(group(shares={"ana": np.float32(2), "ben": "1"}))
    assert (info.value.code, info.value.path) == ("invalid_amount", "expenses[0].split.shares.ana")


def test_a_date_becomes_its_iso_text():
    as_date = splitter.compute(group(date=datetime.date(2026, 5, 1)))
    as_text = splitter.compute(group(date="2026-05-01"))
    assert as_date == as_text
    expense = splitter.Expense("e1", "10.00", paid_by="ana", date=datetime.date(2026, 1, 9))
    payment = splitter.Payment("ben", "ana", "1.00", date=datetime.date(2026, 1, 10))
    report = splitter.compute(splitter.Group("EUR", ["ana", "ben"], expenses=[expense], payments=[payment]))
    assert report.balances[1]["paid"] == Decimal("1.00")


def test_a_datetime_is_not_a_date():
    # A datetime has a time of day (and maybe a zone): which day it is is the caller's choice.
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(group(date=datetime.datetime(2026, 5, 1, 12, 0)))
    assert (info.value.code, info.value.path) == ("invalid_input", "expenses[0].date")


def test_a_numpy_bool_is_not_an_amount():
    with pytest.raises(splitter.SplitterError) as info:
        splitter.compute(group(np.bool_(True)))
    assert info.value.path == "expenses[0].amount"


def test_json_text_of_the_group_agrees():
    text = json.dumps(group(90, {"ana": 2, "ben": 1}))
    assert splitter.compute(text) == splitter.compute(group(np.int64(90), {"ana": np.int64(2), "ben": np.int64(1)}))
