"""Splitter: exact expense splitting and debt settlement.

``compute(group, **options)`` takes a group in the wire contract's form (a dict whose amounts are
``str``, ``int`` or ``decimal.Decimal``; JSON text; or the typed :class:`Group` below) and returns
a :class:`Report` whose amounts are ``decimal.Decimal``. Floats are refused: they cannot hold
money exactly. All the math happens in the Rust engine; this package only builds data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ._splitter import Report, SplitterError, __version__, compute

__all__ = [
    "compute", "Report", "SplitterError",
    "Group", "Member", "Expense", "Payment", "Item", "Extra",
    "equal", "shares", "percent", "exact", "adjustment", "itemized",
]

Amount = Union[str, int, Decimal]
"""An amount, rate, share or weight: never a float."""

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
    """Equal parts among ``members`` (none given: every member)."""
    return {"type": "equal", "members": list(members)} if members else {"type": "equal"}


def shares(weights: Mapping[str, Amount]) -> Split:
    """Parts in proportion to weights (>= 0, not all zero)."""
    return {"type": "shares", "shares": _amounts(weights)}


def percent(percentages: Mapping[str, Amount]) -> Split:
    """Parts by percentages adding up to exactly 100."""
    return {"type": "percent", "percent": _amounts(percentages)}


def exact(amounts: Mapping[str, Amount]) -> Split:
    """Given amounts adding up to the expense."""
    return {"type": "exact", "amounts": _amounts(amounts)}


def adjustment(adjustments: Mapping[str, Amount], members: Optional[Sequence[str]] = None) -> Split:
    """The rest after ``adjustments`` split equally among ``members`` (default: everyone)."""
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
    """Items, each split its own way, plus extras."""
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
    """An expense (or, with a negative amount, a refund)."""

    id: str
    amount: Amount
    paid_by: Union[str, Mapping[str, Amount]]
    split: Split = field(default_factory=equal)
    currency: Optional[str] = None
    rate: Optional[Amount] = None
    description: Optional[str] = None
    date: Optional[str] = None
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
    date: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"from": self.from_, "to": self.to, "amount": self.amount}
        return _with_optional(d, self, ("currency", "rate", "id", "date"))


@dataclass
class Group:
    """A group in typed form; ``compute(group)`` accepts it directly."""

    currency: str
    members: List[Union[str, Member]]
    expenses: List[Expense] = field(default_factory=list)
    payments: List[Payment] = field(default_factory=list)
    rates: Dict[str, Amount] = field(default_factory=dict)
    options: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "currency": self.currency,
            "members": [m if isinstance(m, str) else m.to_dict() for m in self.members],
            "rates": dict(self.rates),
            "expenses": [e.to_dict() for e in self.expenses],
            "payments": [p.to_dict() for p in self.payments],
            "options": dict(self.options),
        }
