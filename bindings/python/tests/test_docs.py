"""The docstrings' examples run (doctest), and help(splitter.compute) says how to use it."""

import doctest
import pydoc

import splitter
import splitter._frames

DOCUMENTED = [splitter, splitter._frames, splitter.compute, splitter.Report]


def test_every_docstring_example_runs():
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    attempted = 0
    for obj in DOCUMENTED:
        for test in finder.find(obj):
            result = runner.run(test)
            assert result.failed == 0, test.name
            attempted += result.attempted
    assert attempted >= 30


def test_help_of_compute_is_useful():
    text = pydoc.render_doc(splitter.compute, renderer=pydoc.plaintext)
    for needed in ('settle', '"minimal"', '"greedy"', '"pairwise"', "balances_in", "exact_limit",
                   "previous", "SplitterError", ".code", ".path", "float", "numpy", "datetime.date", ">>>"):
        assert needed in text, needed
    assert len(text.splitlines()) > 30


def test_every_public_name_has_a_docstring():
    for name in splitter.__all__:
        obj = getattr(splitter, name)
        if callable(obj) and not name[0].isupper() or isinstance(obj, type) and name in (
                "Report", "Group", "Member", "Expense", "Payment", "Item", "Extra", "BalanceRow", "ShareRow"):
            assert (obj.__doc__ or "").strip(), name
    for method in ("to_pandas", "to_polars", "to_dict", "to_json", "_repr_html_"):
        assert getattr(splitter.Report, method).__doc__, method
