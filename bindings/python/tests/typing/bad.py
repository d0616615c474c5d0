"""Mistakes that mypy and pyright must both report, each on a line marked `# error` and on no
other line (tests/test_typing.py)."""

import splitter
from splitter import Group

report = splitter.compute({"currency": "EUR", "members": ["ana"]}, settle="fastest")  # error
for row in report.balances:
    net: str = row["net"]  # error
    print(net, row["nett"])  # error
report2 = splitter.compute("{}", balances_in="all")  # error
group = Group("EUR", ["ana"], options={"settle": "cheapest"})  # error
print(report.transfers[0]["amount"].upper())  # error
