"""Type stubs of the native module (kept true by tests/test_stubs.py and tests/typing/)."""

from typing import Any, List, Mapping, Sequence, Union

from ._types import BalanceRow, BalancesIn, PreviousTransfer, ReportDict, Settle, ShareRow, Table, TransferRow

__version__: str
"""The package's version: the crate's (Cargo's) version."""

class SplitterError(ValueError):
    """Bad input: ``code`` is the contract's stable error code, ``path`` the place in the input."""

    code: str
    path: str

class Report:
    """The report of a computed group; amounts are ``decimal.Decimal``."""

    @property
    def currency(self) -> str: ...
    @property
    def balances(self) -> List[BalanceRow]: ...
    @property
    def shares(self) -> List[ShareRow]: ...
    @property
    def transfers(self) -> List[TransferRow]: ...
    @property
    def settle(self) -> Settle: ...
    @property
    def optimal(self) -> bool: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> ReportDict: ...
    def to_pandas(self, table: Table = "balances") -> Any:
        """A ``pandas.DataFrame`` (amounts as ``Decimal`` objects); needs ``splitter-money[pandas]``."""
    def to_polars(self, table: Table = "balances") -> Any:
        """A ``polars.DataFrame`` (amounts in polars' ``Decimal`` dtype); needs ``splitter-money[polars]``."""
    def _repr_html_(self) -> str: ...
    def __eq__(self, other: object) -> bool: ...

def compute(
    group: Any,
    *,
    settle: Settle = ...,
    balances_in: BalancesIn = ...,
    exact_limit: int = ...,
    previous: Sequence[Union[PreviousTransfer, Mapping[str, Any]]] = ...,
) -> Report:
    """Computes a group (dict, JSON text, or an object with ``to_dict()``); see ``help(splitter.compute)``."""

def _report_from_json(text: str) -> Report: ...
