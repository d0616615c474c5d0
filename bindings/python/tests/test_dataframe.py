"""A DataFrame built from report.balances holds exact Decimals."""

from decimal import Decimal

import pandas as pd

import splitter


def test_balances_as_a_dataframe_stay_exact():
    group = {
        "currency": "EUR",
        "members": ["ana", "ben", "cy"],
        "expenses": [{"id": f"e{k}", "amount": "0.10", "paid_by": "ana", "split": {"type": "equal"}} for k in range(30)],
    }
    df = pd.DataFrame(splitter.compute(group).balances)
    assert list(df.columns) == ["member", "currency", "paid", "owed", "net"]
    assert all(isinstance(v, Decimal) for v in df["net"])
    assert df["net"].sum() == Decimal("0.00")
    assert df.loc[df["member"] == "ana", "paid"].iloc[0] == Decimal("3.00")
