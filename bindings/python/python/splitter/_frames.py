"""A report as tables: pandas and polars DataFrames, and the HTML Jupyter shows.

Amounts stay exact in every form: ``decimal.Decimal`` objects in pandas' object columns, polars'
``Decimal`` dtype (a fixed-point integer), and the Decimal's own text in HTML. Nothing here
passes an amount through a float.
"""

from __future__ import annotations

import html
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Dict, List, Sequence, Tuple

if TYPE_CHECKING:
    from ._splitter import Report

# Each table's columns, in the contract's order, and which of them are amounts.
COLUMNS: Dict[str, Tuple[Sequence[str], Sequence[str]]] = {
    "balances": (("member", "currency", "paid", "owed", "net"), ("paid", "owed", "net")),
    "shares": (("expense", "member", "currency", "amount", "group_amount"), ("amount", "group_amount")),
    "transfers": (("from", "to", "amount", "currency"), ("amount",)),
}


def _columns(report: Report, table: str) -> Dict[str, List[Any]]:
    """``table``'s rows as columns; a share's missing ``group_amount`` is ``None`` (not NaN)."""
    if table not in COLUMNS:
        raise ValueError(f"table must be one of {', '.join(map(repr, COLUMNS))}, not {table!r}")
    rows = getattr(report, table)
    names, _ = COLUMNS[table]
    return {name: [row.get(name) for row in rows] for name in names}


def _need(module: str, extra: str) -> Any:
    try:
        return __import__(module)
    except ImportError as e:
        raise ImportError(f"{module} is needed for this: pip install 'splitter-money[{extra}]'") from e


def to_pandas(report: Report, table: str = "balances") -> Any:
    """``table`` as a ``pandas.DataFrame``; amount columns hold ``Decimal`` objects (dtype object).

    >>> import splitter
    >>> report = splitter.compute({"currency": "EUR", "members": ["ana", "ben"],
    ...     "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "ana", "split": {"type": "equal"}}]})
    >>> df = report.to_pandas()
    >>> df["net"].tolist(), str(df["net"].dtype)
    ([Decimal('5.00'), Decimal('-5.00')], 'object')
    >>> df["net"].sum()
    Decimal('0.00')
    """
    pd = _need("pandas", "pandas")
    _, amounts = COLUMNS[table] if table in COLUMNS else ((), ())
    columns = _columns(report, table)
    return pd.DataFrame(
        {name: pd.Series(values, dtype=object) if name in amounts else pd.Series(values) for name, values in columns.items()}
    )


def _scale(values: Sequence[Any]) -> int:
    """The most decimals among ``values`` (a column's one scale keeps every value exact)."""
    return max((-d.as_tuple().exponent for d in values if isinstance(d, Decimal)), default=0)


def to_polars(report: Report, table: str = "balances") -> Any:
    """``table`` as a ``polars.DataFrame``; amount columns have polars' exact ``Decimal`` dtype.

    A column has one scale: the most decimals in it (with ``balances_in="each"``, a JPY amount
    beside EUR ones is written ``300.00``: the same number).

    >>> import splitter
    >>> report = splitter.compute({"currency": "EUR", "members": ["ana", "ben"],
    ...     "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "ana", "split": {"type": "equal"}}]})
    >>> df = report.to_polars()
    >>> df["net"].to_list(), str(df["net"].dtype)
    ([Decimal('5.00'), Decimal('-5.00')], 'Decimal(precision=38, scale=2)')
    """
    pl = _need("polars", "polars")
    _, amounts = COLUMNS[table] if table in COLUMNS else ((), ())
    columns = _columns(report, table)
    return pl.DataFrame(
        [pl.Series(name, values, dtype=pl.Decimal(38, _scale(values)) if name in amounts else pl.String)
         for name, values in columns.items()]
    )


def _html_table(report: Report, table: str) -> str:
    names, amounts = COLUMNS[table]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = "".join(
        "<tr>" + "".join(
            f'<td style="text-align:right">{r[n]}</td>' if n in amounts else f"<td>{html.escape(r[n])}</td>"
            for n in names
        ) + "</tr>"
        for r in getattr(report, table)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(report: Report) -> str:
    """The report for Jupyter: a summary line, the balances and the transfers, amounts exact."""
    summary = (
        f"<p><b>Splitter report</b> in {html.escape(report.currency)}: "
        f"{len(report.balances)} balances, {len(report.transfers)} transfers "
        f"(settle={html.escape(report.settle)}, optimal={report.optimal}); "
        f"{len(report.shares)} shares in <code>.shares</code></p>"
    )
    return (
        f"<div>{summary}<p>Balances</p>{_html_table(report, 'balances')}"
        f"<p>Transfers</p>{_html_table(report, 'transfers')}</div>"
    )
