"""The README's examples print exactly what the README says they print, and every one runs."""

import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def run(section):
    """The first python example of the README text from `section` on, and what it prints."""
    text = README.read_text()
    text = text[text.index(section):]
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    expected = re.search(r"prints\n\n```\n(.*?)```", text, re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {})
    return out.getvalue(), expected


def test_the_readme_example_prints_the_readme_numbers():
    got, expected = run("# splitter-money")
    assert got == expected


def test_the_readme_errors_print_the_readme_messages():
    got, expected = run("## Errors")
    assert got == expected


def test_every_python_example_in_the_readme_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) >= 3
    for k, code in enumerate(blocks):
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, f"{README}, python block {k}", "exec"), {})
