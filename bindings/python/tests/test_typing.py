"""mypy and pyright over typed use of the package: tests/typing/ok.py passes both (mypy with
--strict), and tests/typing/bad.py fails both on exactly its lines marked `# error` (a settle
method that does not exist, `net: str = row["net"]`, ...).

The checkers come from the test script's tool venv (SPLITTER_TYPECHECKERS, its bin folder) and
check the package installed in this test's own interpreter (the wheel, with its stubs).
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

TYPING = pathlib.Path(__file__).resolve().parent / "typing"


def tool(name):
    folder = os.environ.get("SPLITTER_TYPECHECKERS")
    path = os.path.join(folder, name) if folder else shutil.which(name)
    if not path or not os.path.exists(path):
        pytest.skip(f"{name} not found: scripts/test installs it and sets SPLITTER_TYPECHECKERS")
    return path


def marked_lines(path):
    return {n for n, line in enumerate(path.read_text().splitlines(), 1) if line.rstrip().endswith("# error")}


def mypy(file, tmp_path):
    args = [tool("mypy"), "--strict", "--python-executable", sys.executable, "--cache-dir", str(tmp_path), file.name]
    out = subprocess.run(args, cwd=file.parent, capture_output=True, text=True)
    lines = {int(m.group(1)) for m in re.finditer(rf"^{re.escape(file.name)}:(\d+): error", out.stdout, re.M)}
    return out, lines


def pyright(file):
    args = [tool("pyright"), "--pythonpath", sys.executable, "--outputjson", file.name]
    out = subprocess.run(args, cwd=file.parent, capture_output=True, text=True)
    report = json.loads(out.stdout)
    lines = {d["range"]["start"]["line"] + 1 for d in report["generalDiagnostics"] if d["severity"] == "error"}
    return out, lines


def test_typed_use_passes_mypy_strict(tmp_path):
    out, lines = mypy(TYPING / "ok.py", tmp_path)
    assert out.returncode == 0 and not lines, out.stdout + out.stderr


def test_typed_use_passes_pyright():
    out, lines = pyright(TYPING / "ok.py")
    assert out.returncode == 0 and not lines, out.stdout + out.stderr


def test_mistakes_fail_mypy_on_exactly_the_marked_lines(tmp_path):
    bad = TYPING / "bad.py"
    out, lines = mypy(bad, tmp_path)
    assert out.returncode == 1
    assert lines == marked_lines(bad) and len(lines) == 6, out.stdout
    assert 'Literal[\'fastest\']' in out.stdout


def test_mistakes_fail_pyright_on_exactly_the_marked_lines():
    bad = TYPING / "bad.py"
    out, lines = pyright(bad)
    assert out.returncode == 1
    assert lines == marked_lines(bad) and len(lines) == 6, out.stdout
    assert 'Literal[\'fastest\']' in out.stdout
