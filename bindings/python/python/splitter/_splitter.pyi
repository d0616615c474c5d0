"""Type stubs of the native module (kept true by tests/test_stubs.py)."""

from decimal import Decimal
from typing import Any, Dict, List, Union

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
    def balances(self) -> List[Dict[str, Union[str, Decimal]]]: ...
    @property
    def shares(self) -> List[Dict[str, Union[str, Decimal]]]: ...
    @property
    def transfers(self) -> List[Dict[str, Union[str, Decimal]]]: ...
    @property
    def settle(self) -> str: ...
    @property
    def optimal(self) -> bool: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...

def compute(group: Any, **options: Any) -> Report:
    """Computes a group (dict, JSON text, or an object with ``to_dict()``)."""
