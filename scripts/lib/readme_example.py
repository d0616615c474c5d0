"""Cuts an example out of a README, so that a test runs the README's own code, not a copy.

    python3 readme_example.py README.md "## Python in 30 seconds" python    # the code
    python3 readme_example.py README.md "## Python in 30 seconds" python --expected

The code is the first fenced block of that language after the heading. With --expected, the
lines the README says the code prints: its comments that read like a transfer line
("ben pays ana 3.34 EUR"), in order, whatever the comment marker (# or //).
"""

import re
import sys


def example(text: str, heading: str, language: str) -> str:
    """The first ```language block after the line `heading`."""
    start = text.index("\n" + heading + "\n")
    found = re.search(r"^```" + re.escape(language) + r"\n(.*?)^```", text[start:], re.M | re.S)
    if not found:
        raise SystemExit(f"no ```{language} block after {heading!r}")
    return found.group(1)


def expected(code: str) -> str:
    """The output the example's comments announce, one line each."""
    lines = re.findall(r"(?:#|//)\s*(\w+ pays \w+ -?[0-9.]+ [A-Z]{3})\s*$", code, re.M)
    if not lines:
        raise SystemExit("the example announces no output")
    return "".join(line + "\n" for line in lines)


def main() -> None:
    path, heading, language = sys.argv[1:4]
    with open(path, encoding="utf-8") as f:
        code = example(f.read(), heading, language)
    sys.stdout.write(expected(code) if sys.argv[4:] == ["--expected"] else code)


if __name__ == "__main__":
    main()
