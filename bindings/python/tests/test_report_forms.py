"""A report in a notebook's forms: pickled, compared, as JSON, as HTML, as pandas and polars
tables; amounts stay exact in each (never a float)."""

import html
import json
import pickle
from decimal import Decimal

import pandas as pd
import polars as pl
import pytest

import splitter

GROUP = {
    "currency": "EUR",
    "members": ["ana", "ben", "cy"],
    "rates": {"JPY": "0.0061", "USD": "0.92"},
    "expenses": [
        {"id": "e1", "amount": "100.00", "paid_by": "ana", "split": {"type": "equal"}},
        {"id": "e2", "amount": "3000", "currency": "JPY", "paid_by": "ben",
         "split": {"type": "shares", "shares": {"ana": "1", "cy": "2"}}},
        {"id": "<b>", "amount": "0.10", "paid_by": "cy", "split": {"type": "equal", "members": ["ana"]}},
    ],
}


@pytest.fixture(scope="module")
def report():
    return splitter.compute(GROUP)


def test_pickle_gives_an_equal_report(report):
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(report, protocol))
        assert back == report and back is not report
        assert back.to_json() == report.to_json() and back.balances == report.balances


def test_equality_is_by_value(report):
    assert report == splitter.compute(json.dumps(GROUP))
    assert report != splitter.compute(GROUP, settle="pairwise")
    assert report != report.to_dict()


def test_a_foreign_text_is_not_unpickled_as_a_report():
    from splitter._splitter import _report_from_json
    with pytest.raises(ValueError):
        _report_from_json('{"currency": "EUR"}')


def test_json_forms(report):
    # The rows hold Decimals, which json.dumps does not know; default=str writes their exact text.
    with pytest.raises(TypeError):
        json.dumps(report.balances)
    assert json.loads(json.dumps(report.balances, default=str)) == report.to_dict()["balances"]
    # to_dict(): the contract's form, amounts as strings, ready for json.dumps as it is.
    assert json.loads(json.dumps(report.to_dict())) == json.loads(report.to_json())
    assert report.to_dict()["shares"][3] == {"expense": "e2", "member": "ana", "currency": "JPY",
                                             "amount": "1000", "group_amount": "6.10"}


def test_html_is_an_exact_escaped_table(report):
    text = report._repr_html_()
    assert text.count("<table>") == 2
    for b in report.balances:
        assert f">{b['net']}</td>" in text
    for t in report.transfers:
        assert f">{t['amount']}</td>" in text
    assert "<b>" not in report._repr_html_().replace("<b>Splitter report</b>", "")
    escaped = splitter.compute(dict(GROUP, members=["ana", "ben", "<cy>"], expenses=[
        dict(e, split={"type": "equal"}, paid_by="ana") for e in GROUP["expenses"][:1]]))
    assert "&lt;cy&gt;" in escaped._repr_html_() and "<cy>" not in escaped._repr_html_()


def test_to_pandas_keeps_decimals_in_object_columns(report):
    df = report.to_pandas()
    assert list(df.columns) == ["member", "currency", "paid", "owed", "net"]
    for column in ("paid", "owed", "net"):
        assert df[column].dtype == object
        assert all(isinstance(v, Decimal) for v in df[column])
    assert df["net"].sum() == Decimal("0.00")
    shares = report.to_pandas("shares")
    assert list(shares.columns) == ["expense", "member", "currency", "amount", "group_amount"]
    # A share in the group's currency has no group_amount: None, not NaN (a float).
    assert shares["group_amount"].tolist() == [None, None, None, Decimal("6.10"), Decimal("12.20"), None]
    assert shares["amount"].tolist()[3:5] == [Decimal("1000"), Decimal("2000")]
    assert report.to_pandas("transfers")["amount"].tolist() == [t["amount"] for t in report.transfers]
    with pytest.raises(ValueError, match="balances"):
        report.to_pandas("totals")


def test_to_polars_uses_the_exact_decimal_dtype(report):
    df = report.to_polars()
    assert df.columns == ["member", "currency", "paid", "owed", "net"]
    assert all(isinstance(df[c].dtype, pl.Decimal) for c in ("paid", "owed", "net"))
    assert df["net"].to_list() == [b["net"] for b in report.balances]
    assert df["net"].sum() == Decimal("0.00")
    shares = report.to_polars("shares")
    # One scale per column: JPY's 1000 is 1000.00 there, the same number.
    assert shares["amount"].dtype == pl.Decimal(38, 2)
    assert shares["amount"].to_list() == [s["amount"] for s in report.shares]
    assert shares["group_amount"].null_count() == 4
    assert not any(dtype in (pl.Float32, pl.Float64) for dtype in shares.dtypes)


def test_empty_tables_keep_their_columns():
    report = splitter.compute({"currency": "EUR", "members": ["ana"]})
    assert list(report.to_pandas("transfers").columns) == ["from", "to", "amount", "currency"]
    assert report.to_polars("transfers").columns == ["from", "to", "amount", "currency"]
    assert len(report.to_pandas("transfers")) == 0


@pytest.mark.parametrize("method,module", [("to_pandas", "pandas"), ("to_polars", "polars")])
def test_without_the_extra_the_error_names_it(report, monkeypatch, method, module):
    monkeypatch.setitem(__import__("sys").modules, module, None)  # as if it were not installed
    with pytest.raises(ImportError, match=rf"pip install 'splitter-money\[{module}\]'"):
        getattr(report, method)()


def test_a_report_is_unhashable_and_unordered(report):
    # Equality is by value (__eq__); defining it drops the default identity hash, and reports
    # have no order.
    with pytest.raises(TypeError):
        hash(report)
    with pytest.raises(TypeError):
        report < report  # noqa: B015
