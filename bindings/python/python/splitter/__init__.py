"""Splitter: exact expense splitting and debt settlement.

``compute(group, **options)`` takes a group in the wire contract's form (a dict whose amounts are
``str``, ``int`` or ``decimal.Decimal``; JSON text; or the typed :class:`Group` below) and returns
a :class:`Report` whose amounts are ``decimal.Decimal``. Floats are refused: they cannot hold
money exactly. All the math happens in the Rust engine; this package only builds data.

>>> import splitter
>>> from splitter import Expense, Group
>>> trip = Group("EUR", ["ana", "ben"], expenses=[Expense("taxi", "25.00", paid_by="ben")])
>>> report = splitter.compute(trip)
>>> report.transfers
[{'from': 'ana', 'to': 'ben', 'amount': Decimal('12.50'), 'currency': 'EUR'}]

Report rows are typed for mypy and pyright (:class:`BalanceRow`, :class:`ShareRow`,
:class:`TransferRow`), and options are ``Literal`` types (:data:`Settle`, :data:`BalancesIn`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ._splitter import Report, SplitterError, __version__, compute
from ._types import (
    Amount, BalanceRow, BalancesIn, Date, Options, PreviousTransfer, ReportDict, Settle, ShareRow,
    Table, TransferRow,
)

__all__ = [
    "compute", "Report", "SplitterError",
    "Group", "Member", "Expense", "Payment", "Item", "Extra",
    "equal", "shares", "percent", "exact", "adjustment", "itemized",
    "Amount", "Date", "Settle", "BalancesIn", "Table", "Options",
    "BalanceRow", "ShareRow", "TransferRow", "PreviousTransfer", "ReportDict",
]

Split = Dict[str, Any]


def _amounts(values: Mapping[str, Amount]) -> Dict[str, Amount]:
    return dict(values)


def _with_optional(d: Dict[str, Any], obj: Any, keys: Sequence[str]) -> Dict[str, Any]:
    """``d`` plus each of ``obj``'s attributes ``keys`` that is set."""
    for key in keys:
        value = getattr(obj, key)
        if value is not None:
            d[key] = value
    return d


def equal(*members: str) -> Split:
    """Equal parts among ``members`` (none given: every member).

    >>> equal("ana", "ben")
    {'type': 'equal', 'members': ['ana', 'ben']}
    """
    return {"type": "equal", "members": list(members)} if members else {"type": "equal"}


def shares(weights: Mapping[str, Amount]) -> Split:
    """Parts in proportion to weights (>= 0, not all zero).

    >>> shares({"ana": 2, "ben": "1.5"})
    {'type': 'shares', 'shares': {'ana': 2, 'ben': '1.5'}}
    """
    return {"type": "shares", "shares": _amounts(weights)}


def percent(percentages: Mapping[str, Amount]) -> Split:
    """Parts by percentages adding up to exactly 100.

    >>> percent({"ana": "62.5", "ben": "37.5"})
    {'type': 'percent', 'percent': {'ana': '62.5', 'ben': '37.5'}}
    """
    return {"type": "percent", "percent": _amounts(percentages)}


def exact(amounts: Mapping[str, Amount]) -> Split:
    """Given amounts adding up to the expense.

    >>> exact({"ana": "30.00", "ben": "70.00"})
    {'type': 'exact', 'amounts': {'ana': '30.00', 'ben': '70.00'}}
    """
    return {"type": "exact", "amounts": _amounts(amounts)}


def adjustment(adjustments: Mapping[str, Amount], members: Optional[Sequence[str]] = None) -> Split:
    """The rest after ``adjustments`` split equally among ``members`` (default: everyone).

    >>> adjustment({"ana": "5.00"}, members=["ana", "ben"])
    {'type': 'adjustment', 'adjustments': {'ana': '5.00'}, 'members': ['ana', 'ben']}
    """
    split: Split = {"type": "adjustment", "adjustments": _amounts(adjustments)}
    if members is not None:
        split["members"] = list(members)
    return split


@dataclass
class Item:
    """One line of an itemized expense."""

    amount: Amount
    split: Split
    description: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"amount": self.amount, "split": self.split}
        if self.description is not None:
            d["description"] = self.description
        return d


@dataclass
class Extra:
    """Tax, tip or (negative) discount, shared in proportion to each member's items."""

    label: str
    amount: Amount

    def to_dict(self) -> Dict[str, Any]:
        return {"label": self.label, "amount": self.amount}


def itemized(items: Sequence[Item], extras: Sequence[Extra] = ()) -> Split:
    """Items, each split its own way, plus extras.

    >>> itemized([Item("20.00", equal()), Item("10.00", exact({"ana": "10.00"}))], [Extra("tip", "3.00")])["extras"]
    [{'label': 'tip', 'amount': '3.00'}]
    """
    return {"type": "itemized", "items": [i.to_dict() for i in items], "extras": [e.to_dict() for e in extras]}


@dataclass
class Member:
    """A member: an id and an optional display name."""

    id: str
    name: Optional[str] = None

    def to_dict(self) -> Union[str, Dict[str, str]]:
        return self.id if self.name is None else {"id": self.id, "name": self.name}


@dataclass
class Expense:
    """An expense (or, with a negative amount, a refund); ``date`` may be a ``datetime.date``.

    >>> import datetime
    >>> Expense("taxi", "25.00", paid_by="ben", date=datetime.date(2026, 5, 1)).to_dict()["date"]
    datetime.date(2026, 5, 1)
    """

    id: str
    amount: Amount
    paid_by: Union[str, Mapping[str, Amount]]
    split: Split = field(default_factory=equal)
    currency: Optional[str] = None
    rate: Optional[Amount] = None
    description: Optional[str] = None
    date: Optional[Date] = None
    category: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {
            "id": self.id,
            "amount": self.amount,
            "paid_by": self.paid_by if isinstance(self.paid_by, str) else dict(self.paid_by),
            "split": self.split,
        }
        return _with_optional(d, self, ("currency", "rate", "description", "date", "category"))


@dataclass
class Payment:
    """Money already handed over: ``from_`` paid ``to``."""

    from_: str
    to: str
    amount: Amount
    currency: Optional[str] = None
    rate: Optional[Amount] = None
    id: Optional[str] = None
    date: Optional[Date] = None

    def to_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"from": self.from_, "to": self.to, "amount": self.amount}
        return _with_optional(d, self, ("currency", "rate", "id", "date"))


@dataclass
class Group:
    """A group in typed form; ``compute(group)`` accepts it directly.

    ``options`` is typed: ``Group(..., options={"settle": "fastest"})`` fails type checking.

    >>> Group("EUR", ["ana", Member("ben", name="Ben")], options={"settle": "greedy"}).to_dict()["members"]
    ['ana', {'id': 'ben', 'name': 'Ben'}]
    """

    currency: str
    members: List[Union[str, Member]]
    expenses: List[Expense] = field(default_factory=list)
    payments: List[Payment] = field(default_factory=list)
    rates: Dict[str, Amount] = field(default_factory=dict)
    options: Options = field(default_factory=lambda: Options())

    def to_dict(self) -> Dict[str, Any]:
        return {
            "currency": self.currency,
            "members": [m if isinstance(m, str) else m.to_dict() for m in self.members],
            "rates": dict(self.rates),
            "expenses": [e.to_dict() for e in self.expenses],
            "payments": [p.to_dict() for p in self.payments],
            "options": dict(self.options),
        }
