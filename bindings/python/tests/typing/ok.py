"""Typed use of splitter that mypy --strict and pyright must accept (tests/test_typing.py)."""

import datetime
from decimal import Decimal
from typing import List, Optional

import splitter
from splitter import BalanceRow, Expense, Group, Payment, Settle, ShareRow, TransferRow

report = splitter.compute(
    {"currency": "EUR", "members": ["ana", "ben"],
     "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "ana", "split": {"type": "equal"}}]},
    settle="greedy",
    balances_in="each",
    exact_limit=12,
)
for b in report.balances:
    net: Decimal = b["net"]
    member: str = b["member"]
    print(member, net + b["paid"] - b["owed"])
for s in report.shares:
    amount: Decimal = s["amount"]
    converted: Optional[Decimal] = s.get("group_amount")
    print(s["expense"], amount, converted)
for t in report.transfers:
    payer: str = t["from"]
    print(payer, t["to"], t["amount"] * 2)
rows: List[BalanceRow] = report.balances
shares: List[ShareRow] = report.shares
transfers: List[TransferRow] = report.transfers
method: Settle = report.settle
optimal: bool = report.optimal
contract: str = report.to_dict()["transfers"][0]["amount"]

trip = Group(
    "EUR",
    ["ana", "ben"],
    expenses=[Expense("taxi", "25.00", paid_by="ben", date=datetime.date(2026, 5, 1))],
    payments=[Payment("ana", "ben", Decimal("1.00"), date="2026-05-02")],
    options={"settle": "pairwise", "balances_in": "group"},
)
again = splitter.compute(trip, previous=report.transfers)
try:
    splitter.compute("{}")
except splitter.SplitterError as e:
    code: str = e.code
    print(code, e.path, again == report)
