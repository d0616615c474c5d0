"""The checked-in type stubs describe the native module exactly."""

import ast
import pathlib

import splitter._splitter as native

STUB = pathlib.Path(__file__).resolve().parents[1] / "python" / "splitter" / "_splitter.pyi"


def stub_names():
    tree = ast.parse(STUB.read_text())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                n.name if isinstance(n, ast.FunctionDef) else n.target.id
                for n in node.body
                if isinstance(n, ast.FunctionDef) or (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
            }
    return top, members


def public(names):
    return {n for n in names if not n.startswith("_")}


def test_stubs_name_exactly_what_the_module_has():
    top, members = stub_names()
    assert public(top) == public(dir(native))
    assert public(members["Report"]) == public(dir(native.Report))
    # The private names the stubs give (_repr_html_, __eq__, _report_from_json) exist too.
    assert all(hasattr(native, n) for n in top)
    assert all(hasattr(native.Report, n) for n in members["Report"])
    assert members["SplitterError"] == {"code", "path"}
    assert pathlib.Path(STUB.parent / "py.typed").exists()
