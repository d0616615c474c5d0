"""The types of the contract's rows and options, for type checkers (mypy, pyright) and readers.

Report rows are plain dicts at run time; these ``TypedDict`` classes say which keys each has and
that every amount is a ``decimal.Decimal``, so ``net: Decimal = row["net"]`` type-checks and
``settle="fastest"`` does not.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, List, Literal, Mapping, Sequence, TypedDict, Union

Settle = Literal["minimal", "greedy", "pairwise"]
"""A settlement method: fewest transfers, largest debtor to largest creditor, or per pair."""

BalancesIn = Literal["group", "each"]
"""Balances in the group's currency (converted) or kept per currency."""

Table = Literal["balances", "shares", "transfers"]
"""A report's tables (``Report.to_pandas(table)``, ``Report.to_polars(table)``)."""

Amount = Union[str, int, Decimal]
"""An amount, rate, share or weight: ``str``, ``int`` (numpy integers too) or ``Decimal``, never a float."""

Date = Union[str, datetime.date]
"""An ISO 8601 date: ``"2026-05-01"`` or a ``datetime.date`` (sent as ``YYYY-MM-DD``)."""


class BalanceRow(TypedDict):
    """One member's balance (per currency with ``balances_in="each"``): ``net = paid - owed``."""

    member: str
    currency: str
    paid: Decimal
    owed: Decimal
    net: Decimal


class _ShareRowRequired(TypedDict):
    expense: str
    member: str
    currency: str
    amount: Decimal


class ShareRow(_ShareRowRequired, total=False):
    """One member's part of one expense, in the expense's currency; ``group_amount`` only when
    the expense was converted into the group's currency."""

    group_amount: Decimal


TransferRow = TypedDict("TransferRow", {"from": str, "to": str, "amount": Decimal, "currency": str})
"""A suggested transfer: ``from`` pays ``to`` the ``amount``."""

PreviousTransfer = TypedDict("PreviousTransfer", {"from": str, "to": str, "amount": Amount, "currency": str})
"""A transfer suggested earlier (``previous=``), in the output's transfer form."""


class Options(TypedDict, total=False):
    """A group's ``options`` (all optional), as ``compute``'s keyword options take them."""

    settle: Settle
    balances_in: BalancesIn
    exact_limit: int
    previous: Sequence[Union[PreviousTransfer, Mapping[str, Any]]]


ReportDict = TypedDict(
    "ReportDict",
    {
        "currency": str,
        "balances": List[Mapping[str, str]],
        "shares": List[Mapping[str, str]],
        "transfers": List[Mapping[str, str]],
        "settle": Settle,
        "optimal": bool,
    },
)
"""``Report.to_dict()``: the contract's output, amounts as decimal strings."""
