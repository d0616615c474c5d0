"""Computes a 100,000-expense group from Python dicts and compares with the same group computed in
Rust in the same run. Usage: python bench.py [N]   (prints a table row and the ratio).

The machine may be shared and noisy, so the two are measured in alternating rounds (Rust: the
median of 7 runs in a separate process; Python: the median of 7 calls), and the fastest round of
each is compared; the ratio of each round is printed too."""

import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

import splitter

ROOT = pathlib.Path(__file__).resolve().parents[2]


ROUNDS = 5


def rust_ms(n: int, path: pathlib.Path) -> Decimal:
    """Writes the group to `path` and returns Rust's median compute time on it, in ms."""
    out = subprocess.run(
        ["cargo", "run", "-q", "--release", "-p", "splitter-benches", "--example", "group_file", str(n), str(path)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return Decimal(out.split()[1])


def python_ms(group: dict) -> Decimal:
    """The median time of `splitter.compute(group)`, in ms."""
    runs = []
    for _ in range(7):
        start = time.perf_counter_ns()
        splitter.compute(group)
        runs.append(time.perf_counter_ns() - start)
    return Decimal(statistics.median(runs)) / Decimal(1_000_000)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "group.json"
        rust = [rust_ms(n, path)]
        group = json.loads(path.read_text(), parse_float=Decimal)
        py = [python_ms(group)]
        for _ in range(ROUNDS - 1):
            rust.append(rust_ms(n, path))
            py.append(python_ms(group))
    report = splitter.compute(group)
    rounds = ", ".join(f"{p / r:.2f}x" for r, p in zip(rust, py))
    print(f"expenses {n}: rust {min(rust):.1f} ms, python from dicts {min(py):.1f} ms, "
          f"ratio {min(py) / min(rust):.2f}x (fastest of {ROUNDS} rounds each; rounds: {rounds}; "
          f"{len(report.balances)} balances, {len(report.transfers)} transfers)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
